"""Key judgements (ICD 203): what the analyst writes, and the rows the report prints.

A key judgement is an estimate, so it carries two things a reader must not confuse: how
likely the analyst judges it (an estimative word with its range, "likely (55–80%)") and how
confident they are in the reasoning behind it (analytic confidence). Each goes in a cell of
its own. Its basis is the incidents the analyst linked, printed as their numbers in this
report with their best grade ("#4, B2").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from desktop.domain import LIKELIHOODS, Confidence, Likelihood
from desktop.phrases import confidence_word
from desktop.wording import plural

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence


@dataclass(frozen=True)
class Judgement:
    """One key judgement as the analyst gives it (checked by services.report_request)."""

    text: str
    likelihood: str  # an ICD 203 term or its alternative ("likely", "probable")
    confidence: str  # a Confidence value: "low", "moderate" or "high"
    incident_ids: tuple[str, ...] = ()  # the incidents it rests on
    assumption: str = ""  # the key assumption
    indicator: str = ""  # what to watch: what would show it right or wrong


@dataclass(frozen=True)
class Basis:
    """An incident a judgement rests on, as this report numbers it."""

    number: int
    grade: str  # its best grade, "B2", or "" when it cites no source
    full: bool  # True when the report holds its full entry (a link target)

    @property
    def text(self) -> str:
        return f"#{self.number}, {self.grade or 'ungraded'}"


@dataclass(frozen=True)
class JudgementRow:
    text: str
    likelihood: str  # the ICD 203 term, "likely"
    likelihood_range: str  # "55–80%"
    confidence: str  # "Moderate"
    basis: tuple[Basis, ...]
    missing: int  # linked incidents this report does not hold (filtered out or withheld)
    assumption: str
    indicator: str

    @property
    def missing_text(self) -> str:
        """``1 linked incident not in this report`` (filtered out or withheld), or ""."""
        if not self.missing:
            return ""
        return f"{plural(self.missing, 'linked incident')} not in this report"

    @property
    def basis_text(self) -> str:
        parts = [b.text for b in self.basis]
        if self.missing:
            parts.append(self.missing_text)
        return "; ".join(parts) or "No incident linked"


def likelihood_of(word: str) -> Likelihood | None:
    """The ICD 203 row a word names (its term or its alternative, any case), else None."""
    wanted = " ".join(word.lower().split())
    for row in LIKELIHOODS:
        if wanted in (row.term, row.alternative):
            return row
    return None


def confidence_of(word: str) -> Confidence | None:
    wanted = word.strip().lower().removesuffix(" confidence").strip()
    try:
        return Confidence(wanted)
    except ValueError:
        return None


def judgement_rows(
    judgements: Sequence[Judgement], numbered: Mapping[str, Basis]
) -> tuple[JudgementRow, ...]:
    """The rows to print; ``numbered`` maps an incident id to its place in this report.

    Judgements are checked before a report is made; a word off the scales here (an old
    remembered value) is printed as given rather than dropped.
    """
    rows = []
    for j in judgements:
        likelihood = likelihood_of(j.likelihood)
        confidence = confidence_of(j.confidence)
        basis = [numbered[i] for i in dict.fromkeys(j.incident_ids) if i in numbered]
        rows.append(
            JudgementRow(
                text=" ".join(j.text.split()),
                likelihood=likelihood.term if likelihood else j.likelihood.strip(),
                likelihood_range=likelihood.range_text if likelihood else "",
                confidence=confidence_word(confidence) if confidence else j.confidence.strip(),
                basis=tuple(sorted(basis, key=lambda b: b.number)),
                missing=len(set(j.incident_ids)) - len(basis),
                assumption=" ".join(j.assumption.split()),
                indicator=" ".join(j.indicator.split()),
            )
        )
    return tuple(rows)
