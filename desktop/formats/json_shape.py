"""An incident object of the interchange JSON, made from the field table (desktop/fields.py).

Each field of the table is written under its key, in the table's order, a dotted key
("where.name") as a key of a nested object ("where"); each value is read and written by its
type in the record (text, text or null, a count or null, a number or null, an enum as its
text). So a field added to the table is written and read with no change here. What differs
from that is a format's own :class:`Rules` (version 1's: :mod:`desktop.formats.json_v1`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import MISSING, dataclass
from operator import attrgetter
from typing import TYPE_CHECKING, Any, cast, get_origin, get_type_hints

from desktop.errors import ValidationError
from desktop.formats.jsonvalues import choice, count, json_object, kind, number, optional_text
from desktop.formats.record_maker import defaults_of, maker

if TYPE_CHECKING:
    from collections.abc import Sequence

    from desktop.fields import Field

Read = Callable[[dict[str, Any], str], Any]  # (object, key) -> the record's value
Write = Callable[[Any], Any]  # the record's value -> its JSON value


@dataclass(frozen=True)
class Rules:
    """A format's own readers and writers, by the field's key; the rest go by type."""

    name: str
    read: dict[str, Read]
    write: dict[str, Write]
    # Objects read whole rather than key by key.
    read_object: dict[str, Callable[[Any], Any]]


_BY_TYPE: tuple[tuple[Any, Read], ...] = (
    (str | None, optional_text),
    (int | None, count),
    (float | None, number),
)

# How a key is read (a step of a plan): text with its default; one of an enum's values; an
# object of its own (a nested group: ``where``), its problems put under its key; or by a
# reader (_Read). A plan is made into one function of straight-line code (_compiled).
_TEXT, _CHOICE, _NESTED, _CALL = range(4)
Step = tuple[str, int, Any]


def _compiled(plan: tuple[Step, ...], label: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """A function reading ``plan``'s keys of an object into a dict of values, written out key
    by key and compiled once, as ``dataclasses`` makes an ``__init__``: no loop looking at
    each step's kind, and no call for a key whose value is what it should be (the 100,000
    incidents of a large import hold some two million keys). The refusals are the helpers'
    own: a value that is not what the step wants goes to its helper, which says what is
    wrong with it."""
    names: dict[str, Any] = {"ValidationError": ValidationError, "choice": choice, "kind": kind}
    lines = ["def read(obj):", "    get = obj.get"]
    for i, (key, how, arg) in enumerate(plan):
        name = repr(key)
        if how == _TEXT:
            names[f"default{i}"] = arg
            lines += [
                f"    v{i} = get({name}, default{i})",
                f"    if not isinstance(v{i}, str):",
                f"        raise ValidationError({name}, 'must be text, not ' + kind(v{i}))",
            ]
        elif how == _CHOICE:
            choices, default = arg
            names[f"members{i}"] = {c.value: c for c in choices}
            names[f"choices{i}"], names[f"default{i}"] = choices, default
            lines += [
                f"    v{i} = get({name}, default{i})",
                f"    v{i} = members{i}.get(v{i}) if isinstance(v{i}, str) else None",
                f"    if v{i} is None:",
                f"        v{i} = choice(obj, {name}, choices{i}, default{i})",
            ]
        elif how == _NESTED:
            names[f"read{i}"] = arg
            lines += [
                "    try:",
                f"        v{i} = read{i}(get({name}, {{}}))",
                "    except ValidationError as exc:",
                f"        raise exc.under({name}) from None",
            ]
        elif arg in _PLAIN:
            # A value of the plain type (or null) is taken as it is; any other goes to the
            # reader, which converts it (a whole number to a float) or refuses it.
            names[f"read{i}"], names[f"type{i}"] = arg, _PLAIN[arg]
            lines += [
                f"    v{i} = get({name})",
                f"    if v{i} is not None and type(v{i}) is not type{i}:",
                f"        v{i} = read{i}(obj, {name})",
            ]
        else:
            names[f"read{i}"] = arg
            lines.append(f"    v{i} = read{i}(obj, {name})")
    fields = ", ".join(f"{key!r}: v{i}" for i, (key, _how, _arg) in enumerate(plan))
    lines.append(f"    return {{{fields}}}")
    code = compile("\n".join(lines), f"<{label} reader>", "exec")
    exec(code, names)  # the text is made above from the field table's names
    return cast("Callable[[dict[str, Any]], dict[str, Any]]", names["read"])


# The readers of _BY_TYPE and the type each takes as it is (see _compiled).
_PLAIN: dict[Any, type] = {optional_text: str, count: int, number: float}


def _step(rules: Rules, entry: Field, name: str, hint: Any, default: Any) -> Step:
    special = rules.read.get(entry.key)
    if special is not None:
        return name, _CALL, special
    if entry.enum is not None:
        return name, _CHOICE, (entry.enum, default)
    if hint is str:
        return name, _TEXT, "" if default is MISSING else default
    for known, read in _BY_TYPE:
        if hint == known:
            return name, _CALL, read
    raise TypeError(f"{rules.name} cannot read {entry.key!r} ({hint}): give it a reading rule")


def _writer(rules: Rules, entry: Field) -> Write | None:
    """None: the value is written as it is."""
    return rules.write.get(entry.key) or (str if entry.enum is not None else None)


class IncidentShape:
    """An incident object of version 1, made from a field table and the record type."""

    def __init__(self, fields: Sequence[Field], record: type[Any], rules: Rules) -> None:
        groups: dict[str, list[Field]] = {}
        for entry in fields:
            groups.setdefault(entry.group, []).append(entry)
        defaults = defaults_of(record)
        hints = get_type_hints(record)
        self.keys = ("id", *groups, "history")
        self.keyset = frozenset(self.keys)
        self.required = tuple(group for group in groups if defaults[group] is MISSING)
        # Each nested object's keys: ``where`` -> ``name``, ``admin1``…
        self.nested = {
            group: tuple(f.attribute for f in members)
            for group, members in groups.items()
            if "." in members[0].key
        }
        plan: list[Step] = []
        writers: list[tuple[str, Write | None]] = []
        for group, members in groups.items():
            if group in self.nested:
                read_object = rules.read_object.get(group)
                read_object = read_object or _object_reader(rules, members, hints[group])
                plan.append((group, _NESTED, read_object))
                writers.append((group, _object_writer(rules, members)))
            else:
                plan.append(_step(rules, members[0], group, hints[group], defaults[group]))
                writers.append((group, _writer(rules, members[0])))
        self._read = _compiled(tuple(plan), record.__name__)
        # What desktop.formats.json_rows writes objects of stored values by: each group's
        # fields, the groups holding a list (of actors, tags, citations), how a field's value
        # is written (None: as it is).
        self.fields = {group: tuple(members) for group, members in groups.items()}
        self.lists = frozenset(g for g in groups if get_origin(hints[g]) is tuple)
        self.writers = {entry.key: _writer(rules, entry) for entry in fields}
        # The values are got in one C call and zipped with their keys; only those with a
        # writer (about half) are touched in Python.
        self._get = attrgetter("id", *groups)
        self._encode = tuple(
            (i, how) for i, (_key, how) in enumerate(writers, start=1) if how is not None
        )

    def read(self, obj: dict[str, Any]) -> dict[str, Any]:
        """The record's attributes from an incident object whose keys were checked."""
        return self._read(obj)

    def write(self, data: Any) -> dict[str, Any]:
        values = list(self._get(data))
        for i, how in self._encode:
            values[i] = how(values[i])
        return dict(zip(self.keys, values, strict=False))  # self.keys ends with "history"


def _object_reader(rules: Rules, members: list[Field], record: type[Any]) -> Callable[[Any], Any]:
    defaults = defaults_of(record)
    hints = get_type_hints(record)
    names = frozenset(f.attribute for f in members)
    required = tuple(f.attribute for f in members if defaults[f.attribute] is MISSING)
    plan = tuple(
        _step(rules, f, f.attribute, hints[f.attribute], defaults[f.attribute]) for f in members
    )
    make = maker(record)
    read_keys = _compiled(plan, f"{record.__name__}")

    def read(value: Any) -> Any:
        return make(read_keys(json_object(value, "", names, required)))

    return read


def _object_writer(rules: Rules, members: list[Field]) -> Write:
    names = tuple(f.attribute for f in members)
    writers = tuple(_writer(rules, f) for f in members)
    get = attrgetter(*names)
    if not any(writers):
        return lambda value: dict(zip(names, get(value), strict=True))

    def write(value: Any) -> dict[str, Any]:
        return {
            name: item if how is None else how(item)
            for name, how, item in zip(names, writers, get(value), strict=True)
        }

    return write
