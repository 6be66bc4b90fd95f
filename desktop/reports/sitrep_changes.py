"""What changed since an earlier report: new incidents, updated ones, those no longer in it.

Plain data, computed from plain records (no ReportLab, no database): the services give the
earlier report as it was recorded (:class:`Recorded`), the incidents of the report being
written and, for each incident that left, what became of it (:class:`Fate`); :func:`compare`
says what changed in words and which entries carry a NEW or UPDATED mark; :func:`with_changes`
hands both to the report's options (``ReportOptions.marks`` and ``ReportOptions.changes``,
the box on the summary pages). ``docs/sitrep.md`` describes the rules.

A change is told by the facts a reader acts on (:class:`Facts`): status, confidence, killed
and injured, how many citations, place, time, and the title the incident is named by. An edit
to anything else (the narrative, actors, tags) is counted, not marked.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from desktop.phrases import count_text, place_text
from desktop.phrases import when_long as when_text
from desktop.reports.sitrep_data import ChangesBox, dtg, report_order
from desktop.wording import plural

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from datetime import datetime

    from desktop.records import IncidentData
    from desktop.reports.sitrep_data import ReportOptions

NEW = "NEW"
UPDATED = "UPDATED"
# The box names at most this many incidents of each kind; the rest are counted (and marked
# in the report's body and annex).
MAX_NAMED = 12
MINUS = "−"  # U+2212: "−1 citation"


@dataclass(frozen=True)
class Facts:
    """What a change of an incident is told by, as one report printed it."""

    title: str
    status: str  # Status value: "reported"
    confidence: str  # Confidence value: "low"
    killed: int | None
    injured: int | None
    citations: int
    place: str
    time: str

    @classmethod
    def of(cls, incident: IncidentData) -> Facts:
        return cls(
            title=" ".join(incident.title.split()) or "Untitled incident",
            status=incident.status.value,
            confidence=incident.confidence.value,
            killed=incident.casualties.killed,
            injured=incident.casualties.injured,
            citations=len(incident.citations),
            place=place_text(incident.where, "place not known"),
            time=when_text(incident.when),
        )

    def to_json(self) -> str:
        """A compact JSON list (a report of 10,000 incidents keeps 10,000 of them)."""
        values = [
            self.title,
            self.status,
            self.confidence,
            self.killed,
            self.injured,
            self.citations,
            self.place,
            self.time,
        ]
        return json.dumps(values, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> Facts | None:
        """The facts stored by :meth:`to_json`; None when unreadable (never a crash)."""
        try:
            values: Any = json.loads(text)
            title, status, confidence, killed, injured, citations, place, time = values
            return cls(
                str(title),
                str(status),
                str(confidence),
                _count(killed),
                _count(injured),
                int(citations),
                str(place),
                str(time),
            )
        except (ValueError, TypeError):
            return None


def _count(value: object) -> int | None:
    return None if value is None else int(str(value))


def differences(old: Facts, new: Facts) -> tuple[str, ...]:
    """What changed, in words: ``status reported → confirmed``, ``killed 3 → 5``,
    ``+2 citations``, ``place … → …``, ``time … → …``, ``renamed (was “…”)``."""
    said: list[str] = []
    for name, before, after in (
        ("status", old.status, new.status),
        ("confidence", old.confidence, new.confidence),
    ):
        if before != after:
            said.append(f"{name} {before} → {after}")
    for name, was, now in (
        ("killed", old.killed, new.killed),
        ("injured", old.injured, new.injured),
    ):
        if was != now:
            said.append(f"{name} {count_text(was)} → {count_text(now)}")
    if old.citations != new.citations:
        more = new.citations - old.citations
        sign = "+" if more > 0 else MINUS
        said.append(sign + plural(abs(more), "citation"))
    for name, before, after in (("place", old.place, new.place), ("time", old.time, new.time)):
        if before != after:
            said.append(f"{name} {before} → {after}")
    if old.title != new.title:
        said.append(f"renamed (was “{old.title}”)")
    return tuple(said)


@dataclass(frozen=True)
class RecordedIncident:
    """One incident as a recorded report held it."""

    id: str  # the incident's uuid
    number: int  # its number in that report
    version: int
    facts: Facts | None  # None when the stored facts could not be read


@dataclass(frozen=True)
class Recorded:
    """An earlier report as the workspace recorded it."""

    id: str  # "K7M2Q"
    generated_at: datetime  # aware, UTC
    as_of: str  # its cut-off, a date-time group
    scope_words: str
    incidents: tuple[RecordedIncident, ...]

    @property
    def generated_dtg(self) -> str:
        """When it was written, as a date-time group: how the next report names it."""
        return dtg(self.generated_at)


@dataclass(frozen=True)
class Fate:
    """What became of an incident of the earlier report that is not in this one."""

    deleted: bool  # in the trash or purged
    facts: Facts | None = None  # its facts now, when it is still live
    version: int | None = None


@dataclass(frozen=True)
class ChangeLine:
    """One incident named in the box: ``4. Drone attack on al-Asad airbase``, and what."""

    number: int  # in this report (for one no longer in it: its number in the earlier one)
    title: str
    what: str = ""  # "status reported → confirmed; +2 citations", "deleted", ""
    earlier: bool = False  # no longer in this report: ``number`` is the earlier report's

    @property
    def text(self) -> str:
        """``4. Title — what``; for one gone, ``Title (was no. 4) — what`` (the numbers of
        this report name other incidents)."""
        named = (
            f"{self.title} (was no. {self.number})"
            if self.earlier
            else f"{self.number}. {self.title}"
        )
        return named + (f" — {self.what}" if self.what else "")


@dataclass(frozen=True)
class ChangeGroup:
    """New, updated or gone: the first MAX_NAMED named, how many in all."""

    lines: tuple[ChangeLine, ...]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.lines)


@dataclass(frozen=True)
class SitrepChanges:
    """Everything the "Changes since the report of …" box says, and the marks it implies."""

    since: Recorded
    since_generated: str  # "18 Oct 2023 12:00Z"
    same_scope: bool  # False when the analyst chose a report of other filters
    new: ChangeGroup
    updated: ChangeGroup
    gone: ChangeGroup
    edited_otherwise: int  # edited in nothing the box tells (narrative, actors, tags…)
    unchanged: int
    marks: Mapping[str, str] = field(default_factory=dict)  # incident uuid → NEW / UPDATED

    @property
    def heading(self) -> str:
        return f"Changes since the report of {self.since.generated_dtg}"

    @property
    def nothing_changed(self) -> bool:
        return not (self.new.total or self.updated.total or self.gone.total)

    @property
    def summary(self) -> str:
        """``Since the report of 181200ZOCT23: 2 new, 1 updated, 1 no longer in this report.``"""
        parts = [
            f"{self.new.total:,} new" if self.new.total else "",
            f"{self.updated.total:,} updated" if self.updated.total else "",
            f"{self.gone.total:,} no longer in this report" if self.gone.total else "",
        ]
        said = ", ".join(p for p in parts if p) or "no incident new, updated or gone"
        return f"Since the report of {self.since.generated_dtg}: {said}."

    @property
    def basis(self) -> str:
        """Which report this one is compared with, so a reader can find their copy."""
        other = "" if self.same_scope else ", of another scope"
        return (
            f"Compared with report {self.since.id} (generated {self.since_generated}, "
            f"as of {self.since.as_of}{other}: {self.since.scope_words})."
        )

    @property
    def rest(self) -> str:
        """``1 other incident edited (narrative, actors or tags); 4 unchanged.``"""
        parts = []
        if self.edited_otherwise:
            edited = plural(self.edited_otherwise, "other incident")
            parts.append(f"{edited} edited in other details (narrative, actors, tags…)")
        if self.unchanged:
            parts.append(f"{self.unchanged:,} unchanged")
        return "; ".join(parts) + "." if parts else ""


def _group(lines: list[ChangeLine]) -> ChangeGroup:
    return ChangeGroup(tuple(lines[:MAX_NAMED]), len(lines))


def compare(
    since: Recorded,
    current: Sequence[tuple[int, IncidentData]],
    fates: Mapping[str, Fate],
    *,
    same_scope: bool,
    same_period: bool,
    since_generated: str,
) -> SitrepChanges:
    """What changed between ``since`` and the incidents ``current`` (number, incident) of
    the report being written; ``fates`` tells what became of each incident that left."""
    before = {r.id: r for r in since.incidents}
    marks: dict[str, str] = {}
    new: list[ChangeLine] = []
    updated: list[ChangeLine] = []
    edited_otherwise = unchanged = 0
    for number, incident in current:
        uuid = incident.id or ""
        facts = Facts.of(incident)
        old = before.get(uuid)
        if old is None:
            new.append(ChangeLine(number, facts.title))
            marks[uuid] = NEW
            continue
        said = differences(old.facts, facts) if old.facts is not None else ()
        if said:
            updated.append(ChangeLine(number, facts.title, "; ".join(said)))
            marks[uuid] = UPDATED
        elif incident.version is not None and incident.version != old.version:
            edited_otherwise += 1
        else:
            unchanged += 1
    here = {incident.id for _, incident in current}
    gone = [
        _gone_line(old, fates.get(old.id), same_scope=same_scope, same_period=same_period)
        for old in sorted(since.incidents, key=lambda r: r.number)
        if old.id not in here
    ]
    return SitrepChanges(
        since=since,
        since_generated=since_generated,
        same_scope=same_scope,
        new=_group(new),
        updated=_group(updated),
        gone=_group(gone),
        edited_otherwise=edited_otherwise,
        unchanged=unchanged,
        marks=marks,
    )


def _gone_line(
    old: RecordedIncident, fate: Fate | None, *, same_scope: bool, same_period: bool
) -> ChangeLine:
    title = old.facts.title if old.facts is not None else "An incident"
    if fate is None or fate.deleted:
        what = "deleted"
    elif said := (differences(old.facts, fate.facts) if old.facts and fate.facts else ()):
        what = "out of scope after a change: " + "; ".join(said)
    elif not same_period:
        what = "outside this report's period"
    elif not same_scope:
        what = "outside this report's scope"
    else:
        what = "edited, no longer matches this report's filters"
    return ChangeLine(old.number, title, what, earlier=True)


def numbered(incidents: Sequence[IncidentData]) -> list[tuple[int, IncidentData]]:
    """The incidents with the numbers the report gives them (its chronological order)."""
    return list(enumerate(report_order(incidents), start=1))


def with_changes(options: ReportOptions, changes: SitrepChanges | None) -> ReportOptions:
    """``options`` with the NEW / UPDATED marks (incident id → mark, for the entries and
    Annex A) and the box "Changes since the report of <DTG>" that ``changes`` imply."""
    if changes is None:
        return options
    box = ChangesBox(changes.heading, box_lines(changes), changes.summary)
    return replace(options, marks=dict(changes.marks), changes=box)


def box_lines(changes: SitrepChanges) -> tuple[str, ...]:
    """The box as plain lines, for a renderer that prints one bullet per line: which report
    it compares with, then each incident named under what became of it."""
    lines = [changes.basis]
    for label, group in (
        ("New", changes.new),
        ("Updated", changes.updated),
        ("No longer in this report", changes.gone),
    ):
        lines += [f"{label}: {line.text}" for line in group.lines]
        if group.more:
            lines.append(f"{label}: … and {group.more:,} more.")
    if changes.nothing_changed:
        lines.append("No incident is new, updated or gone.")
    if changes.rest:
        lines.append(changes.rest)
    return tuple(lines)
