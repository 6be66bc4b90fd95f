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
from functools import partial
from operator import attrgetter
from typing import TYPE_CHECKING, Any, get_origin, get_type_hints

from desktop.errors import ValidationError
from desktop.formats.jsonvalues import at, choice, count, json_object, kind, number, optional_text
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

# How a key is read (a step of a plan): text with its default, checked in the loop of
# _read_keys (most keys are text, and a call per key of every incident would cost a third
# of the reading); one of an enum's values; or by a reader (_Read).
_TEXT, _CHOICE, _CALL = range(3)
Step = tuple[str, int, Any]


def _read_keys(obj: dict[str, Any], plan: tuple[Step, ...]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, how, arg in plan:
        if how == _TEXT:
            value = obj.get(name, arg)
            if not isinstance(value, str):
                raise ValidationError(name, f"must be text, not {kind(value)}")
        elif how == _CHOICE:
            value = choice(obj, name, *arg)
        else:
            value = arg(obj, name)
        values[name] = value
    return values


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
                plan.append((group, _CALL, partial(_nested, read_object)))
                writers.append((group, _object_writer(rules, members)))
            else:
                plan.append(_step(rules, members[0], group, hints[group], defaults[group]))
                writers.append((group, _writer(rules, members[0])))
        self._plan = tuple(plan)
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
        return _read_keys(obj, self._plan)

    def write(self, data: Any) -> dict[str, Any]:
        values = list(self._get(data))
        for i, how in self._encode:
            values[i] = how(values[i])
        return dict(zip(self.keys, values, strict=False))  # self.keys ends with "history"


def _nested(read_object: Callable[[Any], Any], obj: dict[str, Any], name: str) -> Any:
    # A required object's presence was checked with the incident's keys.
    return at(name, read_object, obj.get(name, {}))


def _object_reader(rules: Rules, members: list[Field], record: type[Any]) -> Callable[[Any], Any]:
    defaults = defaults_of(record)
    hints = get_type_hints(record)
    names = frozenset(f.attribute for f in members)
    required = tuple(f.attribute for f in members if defaults[f.attribute] is MISSING)
    plan = tuple(
        _step(rules, f, f.attribute, hints[f.attribute], defaults[f.attribute]) for f in members
    )
    make = maker(record)

    def read(value: Any) -> Any:
        return make(_read_keys(json_object(value, "", names, required), plan))

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
