"""A STIX bundle's objects read one at a time, and what a first reading of them keeps.

A bundle may list its objects in any order (a relationship before the incident it starts
from, the report first or last) and an incident is only known once everything pointing at
it has been read. So the STIX reader (:mod:`desktop.formats.stix_read`) reads the file
twice, never holding it whole: this first reading (:class:`Survey`) checks each object's
shape and keeps, for every object, its position and the ids it refers to (short strings,
each kept once), and in full only the few objects many incidents share (identities,
actors, marking definitions). From that it refuses dangling and circular references before
any incident is made, and works out which objects each incident needs
(:meth:`Survey.plan`): the second reading holds those only until their incidents are made.
"""

from __future__ import annotations

import io
import json
import re
from typing import TYPE_CHECKING, Any

from desktop.errors import ValidationError
from desktop.formats import jsonscan, jsontext, peers, stixlib
from desktop.formats.peers import items, obj, text
from desktop.wording import quoted

if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import BinaryIO

# Objects kept whole by the first reading: shared by many incidents, few in any bundle.
KEPT_TYPES = frozenset(
    {"identity", "threat-actor", "intrusion-set", "campaign", "marking-definition"}
)
# References that are metadata, not content: a marking or an author may be shared by the
# objects that point at it (an organisation marks and signs its own identity), so only the
# others are followed when looking for an object that reaches itself.
METADATA_REFS = frozenset({"object_marking_refs", "created_by_ref", "marking_ref"})
_ID = re.compile(r"([a-z0-9][a-z0-9-]*)--([0-9a-fA-F-]{36})")
_LISTS = frozenset({"objects"})


def utf8(stream: BinaryIO) -> BinaryIO:
    """The stream itself when it is UTF-8; UTF-16 or UTF-32 text (with a BOM) as UTF-8."""
    start = stream.read(4)
    stream.seek(0)
    if json.detect_encoding(start) == "utf-8":
        return stream
    return io.BytesIO(jsontext.decode(stream.read()).encode("utf-8"))


def kind_of(ident: str) -> str:
    """An id's type (every id was checked to start with its object's type)."""
    return ident.split("--", 1)[0]


def objects(stream: BinaryIO, first: bool = True) -> Iterator[tuple[int, dict[str, Any]]]:
    """Each object of the bundle in ``stream`` with its position, in file order; the bundle
    itself refused if it is not one. ``first``: the first reading, which checks how deep
    each value is nested (the second reads what the first checked)."""
    scanner = jsonscan.Scanner(stream)
    typed = False
    try:
        for key, index, value in scanner.members(_LISTS):
            if index is None and first:
                _check_depth(value, 2)  # as deep as it is in the bundle
            if key == "type":
                if value != "bundle":
                    raise ValidationError("type", "must be 'bundle': this is not a STIX bundle")
                typed = True
            elif key == "objects" and index is None:
                items(value, "objects")  # null is no objects; anything else not a list
            elif key == "objects" and index != jsonscan.END:
                assert index is not None
                where = f"objects[{index}]"
                if first:
                    _check_depth(value, 3)
                yield index, obj(value, where)
    except jsonscan.NotAnObject:
        stream.seek(0)
        obj(jsontext.load(stream.read()))  # says what it is instead
        raise  # not reached: a value that is not an object is refused above
    if not typed:
        raise ValidationError("type", "must be 'bundle': this is not a STIX bundle")


def _check_depth(value: Any, depth: int) -> None:
    """Refuse a value at ``depth`` in the bundle that holds lists or objects deeper than
    peers.MAX_DEPTH; as peers.check_depth, following only the containers (faster)."""
    stack: list[tuple[Any, int]] = [(value, depth)] if type(value) in (dict, list) else []
    while stack:
        item, level = stack.pop()
        if level > peers.MAX_DEPTH:
            nested: list[Any] = []
            for _ in range(peers.MAX_DEPTH):
                nested = [nested]
            peers.check_depth(nested)  # its refusal, in the words every reader uses
        for child in item.values() if type(item) is dict else item:
            if type(child) is dict or type(child) is list:
                stack.append((child, level + 1))


def _at(where: str, parse: Any, *args: Any) -> Any:
    try:
        return parse(*args)
    except ValidationError as exc:
        raise exc.under(where) from None


class Survey:
    """What the first reading keeps of each object (see the module's docstring)."""

    def __init__(self) -> None:
        # Each id's position (the latest version's, when one is given several times), in
        # the order the ids first appear.
        self.positions: dict[str, int] = {}
        self._modified: list[str] = []  # each object's, by position
        # Each object's references, (property, id, property, id, …): those to content (for
        # the circles) and those to metadata not yet read (for the dangling).
        self.refs: dict[str, tuple[str, ...]] = {}
        self._tlp = stixlib.tlp_ids()
        self.kept: dict[str, dict[str, Any]] = {}
        # The positions of the versions not read (an object given again, older or newer).
        self.superseded: set[int] = set()
        self._names: dict[str, str] = {}  # each id and property name, kept once

    def _name(self, value: str) -> str:
        return self._names.setdefault(value, value)

    def add(self, position: int, found: dict[str, Any]) -> None:
        where = f"objects[{position}]"
        kind = _at(where, text, found, "type")
        ident = _at(where, text, found, "id")
        match = _ID.fullmatch(ident)
        if match is None or match[1] != kind:
            raise ValidationError(f"{where}.id", f"{quoted(ident[:80])} is not a {kind} id")
        _at(f"{where}.id", peers.canonical_uuid, match[2], "")
        ident = self._name(ident)
        modified = self._name(str(found.get("modified", "")))
        self._modified.append(modified)
        earlier = self.positions.get(ident)
        if earlier is not None and modified < self._modified[earlier]:
            self.superseded.add(position)  # an older version of an object already read
            return
        if earlier is not None:
            self.superseded.add(earlier)
        refs = [
            self._name(part)
            for key, ref in _references(found, where)
            if key not in METADATA_REFS or (ref not in self.positions and ref not in self._tlp)
            for part in (key, ref)
        ]
        self.positions[ident] = position
        if refs:
            self.refs[ident] = tuple(refs)
        else:
            self.refs.pop(ident, None)
        if kind in KEPT_TYPES:
            self.kept[ident] = found
        else:
            self.kept.pop(ident, None)

    def release(self) -> None:
        """Let go of what only the checks and the plan need (the objects kept whole stay)."""
        self.positions, self._modified, self.refs, self._names = {}, [], {}, {}

    def pairs(self, ident: str) -> Iterator[tuple[str, str]]:
        """(property, id) of each reference the object ``ident`` makes (but those to
        metadata read before it)."""
        refs = self.refs.get(ident, ())
        return zip(refs[0::2], refs[1::2], strict=True)

    def ordered(self) -> list[str]:
        """Every id, in the file's order of the versions read."""
        return sorted(self.positions, key=self.positions.__getitem__)

    # --- the checks of the whole bundle ------------------------------------------------------

    def check(self) -> None:
        """Refuse a dangling reference, then an object that reaches itself, then a kept
        object the standard does not allow; each the first in the file's order."""
        self._names, self._modified = {}, []  # the reading is over: what only it needed
        tlp = self._tlp
        for ident, position in self.positions.items():
            for key, ref in self.pairs(ident):
                if ref not in self.positions and ref not in tlp:
                    raise ValidationError(
                        f"objects[{position}].{key}",
                        f"{quoted(ref[:80])} is not in the bundle (a dangling reference)",
                    )
        self._check_cycles()
        for ident in sorted(self.kept, key=self.positions.__getitem__):
            _at(f"objects[{self.positions[ident]}]", stixlib.check_object, self.kept[ident])

    def _content(self, ident: str) -> Iterator[str]:
        return (ref for key, ref in self.pairs(ident) if key not in METADATA_REFS)

    def _check_cycles(self) -> None:
        """Refuse an object that reaches itself by references (a note about itself, two
        reports holding each other): a reader following them would never stop."""
        done: set[str] = set()
        for start in self.positions:
            if start in done:
                continue
            path: list[str] = [start]
            on_path = {start}
            stack = [self._content(start)]
            while stack:
                ref = next(stack[-1], None)
                if ref is None:  # all of this object's references followed
                    stack.pop()
                    node = path.pop()
                    on_path.discard(node)
                    done.add(node)
                    continue
                if ref in on_path:
                    loop = [*path[path.index(ref) :], ref]
                    shown = " → ".join(loop if len(loop) <= 4 else [*loop[:3], "…", loop[-1]])
                    raise ValidationError(
                        f"objects[{self.positions[ref]}]",
                        f"refers to itself through {shown} (a circular reference)",
                    )
                if ref in done or ref not in self.positions:
                    continue
                path.append(ref)
                on_path.add(ref)
                stack.append(self._content(ref))

    # --- what the second reading needs -----------------------------------------------------

    def plan(self) -> Plan:
        """Which objects each incident is made of (see :class:`Plan`)."""
        plan = Plan()
        for ident in self.ordered():
            kind = kind_of(ident)
            if kind == "relationship":
                pairs = dict(self.pairs(ident))
                source, target = pairs.get("source_ref"), pairs.get("target_ref")
                if source is not None:
                    plan.relations.setdefault(source, []).append(ident)
                if target is not None:
                    plan.targets[ident] = target
            elif kind == "note":
                for key, ref in self.pairs(ident):
                    if key == "object_refs":
                        plan.notes.setdefault(ref, []).append(ident)
            elif kind == "incident":
                plan.incidents.append(ident)
        for incident in plan.incidents:
            needs = [*plan.relations.get(incident, ()), *plan.notes.get(incident, ())]
            for relation in plan.relations.get(incident, ()):
                target = plan.targets.get(relation)
                if target is not None and target in self.positions and target not in self.kept:
                    needs.append(target)
            needed = tuple(dict.fromkeys(needs))
            plan.needs[incident] = needed
            for ident in needed:
                plan.users[ident] = plan.users.get(ident, 0) + 1
        return plan


class Plan:
    """What the second reading holds: ``needs`` gives the objects (not kept whole) each
    incident is made of, ``users`` how many incidents need each of them, so that it is let
    go once the last is made; ``relations`` and ``notes`` the ids of the relationships from
    and the notes about each object, in file order; ``incidents`` every incident's id in
    file order."""

    def __init__(self) -> None:
        self.incidents: list[str] = []
        self.relations: dict[str, list[str]] = {}
        self.targets: dict[str, str] = {}
        self.notes: dict[str, list[str]] = {}
        self.needs: dict[str, tuple[str, ...]] = {}
        self.users: dict[str, int] = {}


def _references(found: dict[str, Any], where: str) -> list[tuple[str, str]]:
    """(property, id) of every reference an object makes."""
    refs: list[tuple[str, str]] = []
    for key, value in found.items():
        if key.endswith("_ref"):
            values = [value]
        elif key.endswith("_refs"):
            values = items(value, f"{where}.{key}")
        elif key == "granular_markings":
            values = [
                obj(g, f"{where}.{key}").get("marking_ref") for g in items(value, f"{where}.{key}")
            ]
            key = "marking_ref"
        else:
            continue
        for ref in values:
            if not isinstance(ref, str):
                raise ValidationError(f"{where}.{key}", f"must be an id, not {peers.kind(ref)}")
            refs.append((key, ref))
    return refs
