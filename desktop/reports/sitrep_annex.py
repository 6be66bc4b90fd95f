"""The report's annexes, as data: every incident on one line (Annex A), every source cited
on one line (Annex B).

A long report keeps its body short: only the significant incidents are printed in full, and
the annex lists every incident, so that nothing the filter selected is left unsaid. A row
whose incident has a full entry links to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from desktop.domain import RELIABILITY, SOURCE_KIND_LABELS, SourceKind, admiralty_code, best_grade
from desktop.phrases import DOT, confidence_word, count_text, place_text, status_word, when_brief

if TYPE_CHECKING:
    from collections.abc import Sequence

    from desktop.records import IncidentData


@dataclass(frozen=True)
class AnnexRow:
    """One incident on one line."""

    number: int  # chronological, as on the map and in the full entries
    date: str  # "17 Oct 2023", "wk 16 Oct 2023", "Oct 2023"
    place: str
    event_type: str  # the sub-type when known ("Air/drone strike"), else the type
    assessment: str  # "Confirmed · Moderate"
    casualties: str  # killed / injured, "3 / ?" ("?" not known)
    grade: str  # the best grade among its citations, "B2", or "—"
    full: bool  # True when the report holds its full entry (the number links to it)
    mark: str = ""  # "NEW", "UPDATED" or "" (since the last report)

    @property
    def cells(self) -> tuple[str, ...]:
        """The row's values in Annex A's columns (``sitrep_words.ANNEX_A_HEADS``)."""
        return (
            str(self.number),
            self.date,
            self.place,
            self.event_type,
            self.assessment,
            self.casualties,
            self.grade,
            self.mark,
        )


@dataclass(frozen=True)
class SourceEntry:
    slug: str
    name: str
    reliability: str  # A–F
    reliability_label: str
    kind: str  # e.g. "Military"
    citations: int


def grade_of(incident: IncidentData) -> str:
    """The best grade among an incident's citations ("B2"), or "" when it cites none."""
    best = best_grade((c.source_reliability, c.credibility) for c in incident.citations)
    return admiralty_code(*best) if best else ""


def _count(value: int | None) -> str:
    return "?" if value is None else count_text(value)


def annex_row(number: int, incident: IncidentData, full: bool, mark: str = "") -> AnnexRow:
    return AnnexRow(
        number=number,
        date=when_brief(incident.when),
        place=place_text(incident.where, "Place not known"),
        event_type=incident.sub_event_type or incident.event_type or "Unspecified",
        assessment=f"{status_word(incident.status)}{DOT}{confidence_word(incident.confidence)}",
        casualties=f"{_count(incident.casualties.killed)} / {_count(incident.casualties.injured)}",
        grade=grade_of(incident) or "—",
        full=full,
        mark=mark,
    )


def reliability_code(code: str) -> str:
    code = code.strip().upper()
    return code if code in RELIABILITY else "F"


def kind_label(kind: str) -> str:
    try:
        return SOURCE_KIND_LABELS[SourceKind(kind)]
    except ValueError:
        return kind.replace("_", " ").capitalize() or SOURCE_KIND_LABELS[SourceKind.OTHER]


def source_entries(incidents: Sequence[IncidentData]) -> tuple[SourceEntry, ...]:
    """Every source the incidents cite with its citation count: most reliable first, then
    by name."""
    counts: dict[str, int] = {}
    first: dict[str, tuple[str, str, str]] = {}  # slug → (name, reliability, kind)
    for incident in incidents:
        for citation in incident.citations:
            slug = citation.source
            counts[slug] = counts.get(slug, 0) + 1
            if slug not in first:
                first[slug] = (
                    citation.source_name.strip() or slug,
                    reliability_code(citation.source_reliability),
                    citation.source_kind,
                )
    entries = [
        SourceEntry(
            slug=slug,
            name=name,
            reliability=reliability,
            reliability_label=RELIABILITY[reliability].label,
            kind=kind_label(kind),
            citations=counts[slug],
        )
        for slug, (name, reliability, kind) in first.items()
    ]
    return tuple(sorted(entries, key=lambda s: (s.reliability, s.name.lower(), s.slug)))
