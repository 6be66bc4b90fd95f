"""What a situation report says, computed from plain incident records (no drawing here).

``prepare`` turns the incidents a filter selected and the analyst's options into a
``SitrepData``: every figure, label and sentence fragment the PDF prints, so that the content
can be tested without reading a PDF back. ``docs/sitrep.md`` describes its conventions.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from desktop import domain
from desktop.domain import (
    ACTOR_ROLE_LABELS,
    CREDIBILITY,
    TLP_SHARING,
    ActorRole,
    GeoPrecision,
    Status,
    TimePrecision,
)
from desktop.phrases import (
    DASH,
    DOT,
    MONTHS,
    day_of,
    day_text,
    exact_text,
    place_text,
    status_word,
)
from desktop.phrases import casualties_long as casualties_text
from desktop.phrases import when_long as when_text
from desktop.reports import sitrep_evidence
from desktop.reports.map_data import MapData, map_data
from desktop.reports.sitrep_annex import (
    AnnexRow,
    SourceEntry,
    annex_row,
    grade_of,
    reliability_code,
    source_entries,
)
from desktop.reports.sitrep_judgements import Basis, Judgement, JudgementRow, judgement_rows
from desktop.reports.sitrep_key import (
    Key,
    KeyEntry,
    confidence_words,
    confidences_in,
    key_for,
    likelihoods_in,
)
from desktop.reports.timeline import Timeline, period_timeline
from desktop.wording import plural

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from desktop.records import EvidenceRef
    from desktop.reports.sitrep_evidence import EvidenceLine
    from desktop.services.dto import Citation, IncidentData, Moment

EXCERPT_LIMIT = 300
# A raised marking's note names this many of the incidents that raised it, then counts.
RAISED_BY_NAMED = 3

__all__ = [
    "AnnexRow",
    "Judgement",
    "JudgementRow",
    "Key",
    "KeyEntry",
    "SourceEntry",
    "likelihoods_in",
]


@dataclass(frozen=True)
class ReportOptions:
    """What the analyst chose for one report."""

    title: str = "Situation Report"
    since: date | None = None
    until: date | None = None
    marking: str = domain.DEFAULT_MARKING
    author: str = ""
    organisation: str = ""
    key_points: tuple[str, ...] = ()
    assessment: str = ""
    filter_text: str = ""
    # Incident ids printed in full ("Significant incidents"); None: all of them. The services
    # choose them (services.significance) and say by what rule, in words.
    significant: frozenset[str] | None = None
    significance_text: str = ""
    judgements: tuple[Judgement, ...] = ()
    # A releasable version: incidents marked above this level were left out (counted here).
    max_marking: str = ""
    withheld: int = 0
    # Since the last report (filled by that feature): incident id → "NEW" / "UPDATED", and
    # the box that lists the changes.
    marks: Mapping[str, str] = field(default_factory=dict)
    changes: ChangesBox | None = None


@dataclass(frozen=True)
class ChangesBox:
    """What changed since an earlier report, printed in a box on the summary pages."""

    title: str  # "Changes since the report of 181200ZOCT23"
    lines: tuple[str, ...]
    summary: str = ""  # one line for page 1: "Since the report of …: 2 new, 1 updated."


@dataclass(frozen=True)
class CitationEntry:
    source: str  # the source's name (its slug if the name is not known)
    grade: str  # e.g. "B2"
    grade_words: str  # e.g. "Usually reliable / Probably true"
    excerpt: str  # shortened to about EXCERPT_LIMIT characters
    url: str = ""

    @property
    def label(self) -> str:
        return f"{self.source} — {self.grade}"


@dataclass(frozen=True)
class IncidentEntry:
    number: int  # chronological; the map marker shows the same number
    title: str
    when: str
    place: str
    place_precision: str
    located: bool
    event_type: str
    sub_event_type: str
    actors: tuple[tuple[str, str], ...]  # (role label, names)
    casualties: str
    status: str  # e.g. "Reported"
    confidence: str  # e.g. "Moderate confidence"
    likelihood: str  # ICD 203 term or ""
    marking: str
    summary: str
    citations: tuple[CitationEntry, ...]
    mark: str = ""  # "NEW", "UPDATED" or "" (since the last report)
    evidence_mark: str = ""  # "📎 2 files" when evidence is kept (reports.sitrep_evidence)

    @property
    def type_text(self) -> str:
        if self.sub_event_type:
            return f"{self.event_type} — {self.sub_event_type}"
        return self.event_type


@dataclass(frozen=True)
class Tally:
    """A casualty figure over several incidents, with the incidents that give no count.

    "At least 0" or "none known" read as "nobody was hurt" to a decision-maker, even when
    the report holds an incident with "many casualties; figures vary widely": so the sum
    of what is counted is always printed beside how many incidents are not counted.
    """

    counted: int  # the sum of the known counts
    not_counted: int  # incidents whose count is not known

    @property
    def figure(self) -> str:
        """``12`` when every incident is counted, else ``12 counted``."""
        return f"{self.counted:,} counted" if self.not_counted else f"{self.counted:,}"

    @property
    def note(self) -> str:
        """``2 incidents not counted``, or "" when every incident is counted."""
        return f"{plural(self.not_counted, 'incident')} not counted" if self.not_counted else ""

    @property
    def text(self) -> str:
        return f"{self.figure}{DOT}{self.note}" if self.note else self.figure


@dataclass(frozen=True)
class Headline:
    incidents: int
    killed: Tally
    injured: Tally
    by_status: tuple[tuple[str, int], ...]  # (status word, count), in the domain's order


@dataclass(frozen=True)
class SitrepData:
    title: str
    marking: str  # the effective marking printed on every page
    requested_marking: str
    marking_raised: bool  # True when an incident forced a stricter marking than requested
    period_start: date | None
    period_end: date | None
    period: str
    as_of: str  # the cut-off as a date-time group, e.g. "182359ZOCT23" (see ``cut_off``)
    as_of_basis: str  # what the cut-off is: "end of the period" or "time of writing"
    generated_at: datetime
    generated: str  # e.g. "18 Oct 2023 12:00Z"
    author: str
    organisation: str
    key_points: tuple[str, ...]
    assessment: str
    filter_text: str
    headline: Headline
    per_day: tuple[tuple[date, int], ...]
    not_by_day: int  # incidents dated only to a week or a month, left out of ``per_day``
    timeline: Timeline  # the period in bins that suit its span, the previous one beside
    per_type: tuple[tuple[str, int], ...]
    per_country: tuple[tuple[str, int], ...]  # (country name, count), most first
    map: MapData
    incidents: tuple[IncidentEntry, ...]  # the incidents printed in full (significant)
    sources: tuple[SourceEntry, ...]
    key: Key
    assessment_confidences: tuple[str, ...] = field(default=())  # confidence words it uses
    annex: tuple[AnnexRow, ...] = ()  # every incident, one line each
    significance_text: str = ""  # the rule that chose ``incidents``, in words; "" for all
    judgements: tuple[JudgementRow, ...] = ()
    max_marking: str = ""  # the release level asked for, or ""
    withheld: int = 0  # incidents left out for being marked above ``max_marking``
    raised_by: tuple[str, ...] = ()  # "#4 Drone attack…": the incidents that raised it
    raised_by_more: int = 0  # how many more raised it than ``raised_by`` names
    changes: ChangesBox | None = None
    evidence: tuple[EvidenceLine, ...] = ()  # the evidence annex (reports.sitrep_evidence)

    @property
    def marking_note(self) -> str:
        if not self.marking_raised:
            return ""
        base = self.max_marking or self.requested_marking
        named = ", ".join(self.raised_by)
        if self.raised_by_more:
            named += f" and {self.raised_by_more:,} more"
        which = "incident" if len(self.raised_by) + self.raised_by_more == 1 else "incidents"
        return f"Marking raised from {base} to {self.marking} by {which} marked so: {named}."

    @property
    def withheld_note(self) -> str:
        """``3 incidents withheld above TLP:GREEN`` for a releasable version, else ""."""
        if not self.max_marking:
            return ""
        if not self.withheld:
            return f"Released at {self.max_marking}: no incident was withheld."
        return f"{plural(self.withheld, 'incident')} withheld above {self.max_marking}."

    @property
    def sharing_rule(self) -> str:
        """The TLP sharing rule of the marking, for the footer ("" for a classification)."""
        rule = TLP_SHARING.get(self.marking, "")
        return f"{self.marking}: {rule}" if rule else ""


# ------------------------------------------------------------------------ dates and times


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _sort_key(moment: Moment) -> datetime:
    if isinstance(moment, datetime):
        return _utc(moment)
    return datetime(moment.year, moment.month, moment.day, tzinfo=UTC)


def dtg(moment: datetime) -> str:
    """Date-time group ``DDHHMMZMONYY`` in UTC, e.g. ``181200ZOCT23`` (naive means UTC)."""
    t = _utc(moment)
    return f"{t:%d%H%M}Z{MONTHS[t.month - 1]}{t:%y}"


def _end_of_day(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 23, 59, tzinfo=UTC)


def cut_off(
    until: date | None, incidents: Sequence[IncidentData], generated_at: datetime
) -> tuple[datetime, str]:
    """What the report is "as of", and why: the end of its period, never the clock.

    A report on October's events written in December is as of the end of October. The end
    is the last day asked for (``until``), else the end of the latest incident; a day ends
    at 23:59Z. A period that ends after the report was written (a week not over yet) is cut
    at the time of writing: nothing later can be in it.
    """
    now = _utc(generated_at)
    if until is not None:
        end = _end_of_day(until)
    elif incidents:
        latest = max(incidents, key=lambda i: _sort_key(i.when.end)).when
        last = latest.end
        if latest.precision == TimePrecision.EXACT and isinstance(last, datetime):
            end = _utc(last)
        else:  # a day, week or month ends at the end of its last day
            end = _end_of_day(day_of(last))
    else:
        return now, "time of writing"
    return (end, "end of the period") if end <= now else (now, "time of writing")


def period_text(start: date | None, end: date | None) -> str:
    if start and end:
        return day_text(start) if start == end else f"{day_text(start)}{DASH}{day_text(end)}"
    if start:
        return f"From {day_text(start)}"
    if end:
        return f"Up to {day_text(end)}"
    return "No dates"


# ------------------------------------------------------------------------------- wording


def shorten(text: str, limit: int = EXCERPT_LIMIT) -> str:
    """``text`` on one line, cut at a word boundary to at most ``limit`` characters + '…'."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-–—") + "…"


def tally(values: Sequence[int | None]) -> Tally:
    """The sum of the known counts, and how many are not known (``None``)."""
    known = [v for v in values if v is not None]
    return Tally(sum(known), len(values) - len(known))


def _credibility(value: int) -> int:
    return value if value in CREDIBILITY else 6


def citation_entry(citation: Citation) -> CitationEntry:
    reliability = reliability_code(citation.source_reliability)
    credibility = _credibility(citation.credibility)
    return CitationEntry(
        source=citation.source_name.strip() or citation.source,
        grade=domain.admiralty_code(reliability, credibility),
        grade_words=domain.admiralty_words(reliability, credibility),
        excerpt=shorten(citation.excerpt),
        url=citation.url or "",
    )


def actors_by_role(incident: IncidentData) -> tuple[tuple[str, str], ...]:
    grouped: dict[ActorRole, list[str]] = {}
    for actor in incident.actors:
        name = " ".join(actor.name.split())
        if name:
            grouped.setdefault(ActorRole(actor.role), []).append(name)
    return tuple(
        (ACTOR_ROLE_LABELS[role], ", ".join(grouped[role])) for role in ActorRole if role in grouped
    )


# ---------------------------------------------------------------------------------- prepare


def _per_day(
    incidents: Sequence[IncidentData], start: date | None, end: date | None
) -> tuple[tuple[tuple[date, int], ...], int]:
    days: Counter[date] = Counter()
    coarse = 0
    for incident in incidents:
        if incident.when.precision in (TimePrecision.EXACT, TimePrecision.DAY):
            days[day_of(incident.when.start)] += 1
        else:
            coarse += 1
    if not days:
        return (), coarse
    first, last = min(days), max(days)
    if start and end and start <= first and last <= end and (end - start).days <= 62:
        first, last = start, end  # a short bounded period: show its empty days too
    span = (last - first).days
    every_day = (first + timedelta(n) for n in range(span + 1))
    return tuple((day, days[day]) for day in every_day), coarse


def _per_type(incidents: Sequence[IncidentData]) -> tuple[tuple[str, int], ...]:
    counts = Counter(i.event_type or "Unspecified" for i in incidents)
    order = {name: n for n, name in enumerate(domain.EVENT_TYPES)}
    return tuple(
        sorted(counts.items(), key=lambda kv: (-kv[1], order.get(kv[0], len(order)), kv[0]))
    )


def _per_country(incidents: Sequence[IncidentData]) -> tuple[tuple[str, int], ...]:
    counts = Counter(domain.country_name(i.where.country) or "No country" for i in incidents)
    return tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def report_period(
    incidents: Sequence[IncidentData], options: ReportOptions
) -> tuple[date | None, date | None]:
    """The period a report covers: the one asked for, an open side taken from the
    incidents (the earliest start, the latest end)."""
    start = options.since or min((day_of(i.when.start) for i in incidents), default=None)
    end = options.until or max((day_of(i.when.end) for i in incidents), default=None)
    return start, end


def _entry(number: int, incident: IncidentData, mark: str = "") -> IncidentEntry:
    where = incident.where
    return IncidentEntry(
        number=number,
        title=" ".join(incident.title.split()) or "Untitled incident",
        when=when_text(incident.when),
        place=place_text(where, "Place not known"),
        place_precision=GeoPrecision.LABELS.get(where.precision, "") if where.located else "",
        located=where.located,
        event_type=incident.event_type,
        sub_event_type=incident.sub_event_type,
        actors=actors_by_role(incident),
        casualties=casualties_text(incident.casualties),
        status=status_word(incident.status),
        confidence=confidence_words(incident.confidence),
        likelihood=incident.likelihood or "",
        marking=domain.normalise_marking(incident.marking),
        summary=incident.summary.strip(),
        citations=tuple(citation_entry(c) for c in incident.citations),
        mark=mark,
    )


def _raised_by(ordered: Sequence[IncidentData], marking: str) -> tuple[tuple[str, ...], int]:
    """The incidents marked ``marking`` ("#4 Drone attack…"), the first few named."""
    raised = [
        f"#{n} {shorten(' '.join(i.title.split()) or 'Untitled incident', 60)}"
        for n, i in enumerate(ordered, start=1)
        if domain.normalise_marking(i.marking) == marking
    ]
    return tuple(raised[:RAISED_BY_NAMED]), max(len(raised) - RAISED_BY_NAMED, 0)


def report_order(incidents: Iterable[IncidentData]) -> list[IncidentData]:
    """The incidents in the order the report numbers them: by start, then title."""
    return sorted(incidents, key=lambda i: (_sort_key(i.when.start), i.title, i.id or ""))


def prepare(
    incidents: Sequence[IncidentData],
    options: ReportOptions,
    generated_at: datetime,
    previous: Sequence[IncidentData] | None = None,
    evidence: Mapping[str, Sequence[EvidenceRef]] | None = None,
) -> SitrepData:
    """Everything the report prints, from the incidents it covers and the analyst's options.

    ``previous``: the incidents of the period of equal length just before this one
    (``previous_period``), for the time chart's comparison; None: no comparison.
    ``evidence``: each incident's, by its id, for the marks and the annex.
    """
    ordered = report_order(incidents)
    requested = domain.normalise_marking(options.marking) or domain.DEFAULT_MARKING
    release = domain.normalise_marking(options.max_marking)
    base = domain.most_restrictive([release], floor=requested) if release else requested
    marking = domain.most_restrictive([i.marking for i in ordered], floor=base)
    raised_by, raised_more = _raised_by(ordered, marking) if marking != base else ((), 0)
    start, end = report_period(ordered, options)
    per_day, coarse = _per_day(ordered, start, end)
    as_of, as_of_basis = cut_off(options.until, ordered, generated_at)
    chosen = options.significant
    kept = evidence or {}
    marks = options.marks
    entries: list[IncidentEntry] = []
    annex: list[AnnexRow] = []
    numbered: dict[str, Basis] = {}
    for n, incident in enumerate(ordered, start=1):
        full = chosen is None or (incident.id or "") in chosen
        mark = marks.get(incident.id or "", "")
        if full:
            entry = _entry(n, incident, mark)
            if kept:
                entry = replace(
                    entry,
                    evidence_mark=sitrep_evidence.mark(kept.get(incident.id or "", ())),
                )
            entries.append(entry)
        annex.append(annex_row(n, incident, full, mark))
        if incident.id:
            numbered[incident.id] = Basis(n, grade_of(incident), full)
    key_points = tuple(p.strip() for p in options.key_points if p.strip())
    judgements = judgement_rows(options.judgements, numbered)
    texts = [options.assessment, *key_points, *(j.text for j in judgements)]
    return SitrepData(
        title=" ".join(options.title.split()) or "Situation Report",
        marking=marking,
        requested_marking=requested,
        marking_raised=marking != base,
        period_start=start,
        period_end=end,
        period=period_text(start, end),
        as_of=dtg(as_of),
        as_of_basis=as_of_basis,
        generated_at=_utc(generated_at),
        generated=exact_text(_utc(generated_at)),
        author=options.author.strip(),
        organisation=options.organisation.strip(),
        key_points=key_points,
        assessment=options.assessment.strip(),
        filter_text=" ".join(options.filter_text.split()),
        headline=Headline(
            incidents=len(ordered),
            killed=tally([i.casualties.killed for i in ordered]),
            injured=tally([i.casualties.injured for i in ordered]),
            by_status=tuple(
                (status_word(s), n)
                for s in Status
                if (n := sum(1 for i in ordered if i.status == s))
            ),
        ),
        per_day=per_day,
        not_by_day=coarse,
        timeline=period_timeline(ordered, start, end, previous),
        per_type=_per_type(ordered),
        per_country=_per_country(ordered),
        map=map_data(ordered),
        incidents=tuple(entries),
        sources=source_entries(ordered),
        key=key_for(ordered, texts, judgements),
        assessment_confidences=confidences_in(options.assessment),
        annex=tuple(annex),
        significance_text=" ".join(options.significance_text.split()) if chosen is not None else "",
        judgements=judgements,
        max_marking=release,
        withheld=options.withheld if release else 0,
        raised_by=raised_by,
        raised_by_more=raised_more,
        changes=options.changes,
        evidence=sitrep_evidence.annex_data(
            [(n, i.id or "") for n, i in enumerate(ordered, start=1)], kept
        ),
    )
