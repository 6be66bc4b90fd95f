"""What a situation report says, computed from plain incident records (no drawing here).

``prepare`` turns the incidents a filter selected and the analyst's options into a
``SitrepData``: every figure, label and sentence fragment the PDF prints, so that the content
can be tested without reading a PDF back. ``docs/sitrep.md`` describes its conventions.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from desktop import domain
from desktop.domain import (
    ACTOR_ROLE_LABELS,
    CONFIDENCE_MEANING,
    CREDIBILITY,
    LIKELIHOODS,
    RELIABILITY,
    SOURCE_KIND_LABELS,
    STATUS_MEANING,
    ActorRole,
    Confidence,
    GeoPrecision,
    SourceKind,
    Status,
    TimePrecision,
)
from desktop.geography import MapPoint
from desktop.phrases import (
    DASH,
    DOT,
    MONTHS,
    confidence_word,
    day_of,
    day_text,
    exact_text,
    place_text,
    status_word,
)
from desktop.phrases import casualties_long as casualties_text
from desktop.phrases import when_long as when_text
from desktop.reports.timeline import Timeline, bin_counts
from desktop.wording import plural

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from desktop.reports.sitrep_changes import SitrepChanges
    from desktop.services.dto import Citation, IncidentData, Moment

EXCERPT_LIMIT = 300


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
    mark: str = ""  # "NEW" / "UPDATED" since the report compared with (sitrep_changes), or ""

    @property
    def type_text(self) -> str:
        if self.sub_event_type:
            return f"{self.event_type} — {self.sub_event_type}"
        return self.event_type


@dataclass(frozen=True)
class SourceEntry:
    slug: str
    name: str
    reliability: str  # A–F
    reliability_label: str
    kind: str  # e.g. "Military"
    citations: int


@dataclass(frozen=True)
class KeyEntry:
    term: str
    label: str
    meaning: str


@dataclass(frozen=True)
class Key:
    reliability: tuple[KeyEntry, ...]
    credibility: tuple[KeyEntry, ...]
    statuses: tuple[KeyEntry, ...]
    confidences: tuple[KeyEntry, ...]
    likelihoods: tuple[KeyEntry, ...]


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
    timeline: Timeline  # ``per_day`` in bins that suit its span, for the chart
    per_type: tuple[tuple[str, int], ...]
    map_points: tuple[MapPoint, ...]
    incidents: tuple[IncidentEntry, ...]
    sources: tuple[SourceEntry, ...]
    key: Key
    assessment_confidences: tuple[str, ...] = field(default=())  # confidence words it uses
    changes: SitrepChanges | None = None  # since an earlier report (sitrep_changes.compare)

    @property
    def marking_note(self) -> str:
        if not self.marking_raised:
            return ""
        return (
            f"Marking raised from {self.requested_marking} to {self.marking}: the report "
            "holds incidents with a stricter marking."
        )


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


def confidence_words(confidence: Confidence) -> str:
    return f"{confidence_word(confidence)} confidence"


def _reliability(code: str) -> str:
    code = code.strip().upper()
    return code if code in RELIABILITY else "F"


def _credibility(value: int) -> int:
    return value if value in CREDIBILITY else 6


def citation_entry(citation: Citation) -> CitationEntry:
    reliability = _reliability(citation.source_reliability)
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


def _kind_label(kind: str) -> str:
    try:
        return SOURCE_KIND_LABELS[SourceKind(kind)]
    except ValueError:
        return kind.replace("_", " ").capitalize() or SOURCE_KIND_LABELS[SourceKind.OTHER]


# ------------------------------------------------------------------------- estimative words


_LIKELIHOOD_WORDS = sorted(
    ((term, row) for row in LIKELIHOODS for term in (row.term, row.alternative)),
    key=lambda pair: -len(pair[0]),
)


def likelihoods_in(texts: Iterable[str]) -> set[str]:
    """ICD 203 terms (main terms) used in ``texts``; 'very likely' does not also count 'likely'."""
    found: set[str] = set()
    for text in texts:
        rest = " ".join(text.lower().split())
        for word, row in _LIKELIHOOD_WORDS:
            pattern = re.compile(rf"(?<![\w-]){re.escape(word)}(?![\w-])")
            if pattern.search(rest):
                found.add(row.term)
                rest = pattern.sub(" | ", rest)
    return found


def confidences_in(text: str) -> tuple[str, ...]:
    lowered = " ".join(text.lower().split())
    return tuple(c.value for c in Confidence if re.search(rf"\b{c.value} confidence\b", lowered))


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


def _sources(incidents: Sequence[IncidentData]) -> tuple[SourceEntry, ...]:
    seen: dict[str, SourceEntry] = {}
    for incident in incidents:
        for citation in incident.citations:
            known = seen.get(citation.source)
            if known is not None:
                seen[citation.source] = SourceEntry(
                    known.slug,
                    known.name,
                    known.reliability,
                    known.reliability_label,
                    known.kind,
                    known.citations + 1,
                )
                continue
            reliability = _reliability(citation.source_reliability)
            seen[citation.source] = SourceEntry(
                slug=citation.source,
                name=citation.source_name.strip() or citation.source,
                reliability=reliability,
                reliability_label=RELIABILITY[reliability].label,
                kind=_kind_label(citation.source_kind),
                citations=1,
            )
    return tuple(sorted(seen.values(), key=lambda s: (s.reliability, s.name.lower(), s.slug)))


def _key(incidents: Sequence[IncidentData], texts: Sequence[str]) -> Key:
    statuses = {i.status for i in incidents}
    confidences = {i.confidence for i in incidents}
    for text in texts:
        confidences.update(Confidence(c) for c in confidences_in(text))
    used = likelihoods_in([*(i.likelihood or "" for i in incidents), *texts])
    return Key(
        reliability=tuple(KeyEntry(g.code, g.label, g.meaning) for g in RELIABILITY.values()),
        credibility=tuple(KeyEntry(g.code, g.label, g.meaning) for g in CREDIBILITY.values()),
        statuses=tuple(
            KeyEntry(status_word(s), status_word(s), STATUS_MEANING[s])
            for s in Status
            if s in statuses
        ),
        confidences=tuple(
            KeyEntry(confidence_words(c), c.value.capitalize(), CONFIDENCE_MEANING[c])
            for c in Confidence
            if c in confidences
        ),
        likelihoods=tuple(
            KeyEntry(row.term, row.alternative, row.range_text)
            for row in LIKELIHOODS
            if row.term in used
        ),
    )


def _entry(number: int, incident: IncidentData) -> IncidentEntry:
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
    )


def report_order(incidents: Iterable[IncidentData]) -> list[IncidentData]:
    """The incidents in the order the report numbers them: by start, then title."""
    return sorted(incidents, key=lambda i: (_sort_key(i.when.start), i.title, i.id or ""))


def prepare(
    incidents: Sequence[IncidentData], options: ReportOptions, generated_at: datetime
) -> SitrepData:
    """Everything the report prints, from the incidents it covers and the analyst's options."""
    ordered = report_order(incidents)
    requested = domain.normalise_marking(options.marking) or domain.DEFAULT_MARKING
    marking = domain.most_restrictive([i.marking for i in ordered], floor=requested)
    start = options.since or min((day_of(i.when.start) for i in ordered), default=None)
    end = options.until or max((day_of(i.when.end) for i in ordered), default=None)
    per_day, coarse = _per_day(ordered, start, end)
    as_of, as_of_basis = cut_off(options.until, ordered, generated_at)
    entries = tuple(_entry(n, incident) for n, incident in enumerate(ordered, start=1))
    key_points = tuple(p.strip() for p in options.key_points if p.strip())
    texts = [options.assessment, *key_points]
    return SitrepData(
        title=" ".join(options.title.split()) or "Situation Report",
        marking=marking,
        requested_marking=requested,
        marking_raised=marking != requested,
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
        timeline=bin_counts(per_day),
        per_type=_per_type(ordered),
        map_points=tuple(
            MapPoint(i.where.lat, i.where.lon, str(n))
            for n, i in enumerate(ordered, start=1)
            if i.where.located
        ),
        incidents=entries,
        sources=_sources(ordered),
        key=_key(ordered, texts),
        assessment_confidences=confidences_in(options.assessment),
    )
