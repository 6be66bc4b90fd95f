"""The report's key to grades and words, and the estimative words found in the analyst's text.

The key explains every scale a reader meets: the Admiralty reliability and credibility
scales in full, the statuses and confidence levels the report uses, and the whole ICD 203
estimative scale (a reader weighs "likely" against the words the analyst did not choose).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from desktop.domain import (
    CONFIDENCE_MEANING,
    CREDIBILITY,
    LIKELIHOODS,
    RELIABILITY,
    STATUS_MEANING,
    Confidence,
    Status,
)
from desktop.phrases import confidence_word, status_word

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from desktop.records import IncidentData
    from desktop.reports.sitrep_judgements import JudgementRow


def confidence_words(confidence: Confidence) -> str:
    return f"{confidence_word(confidence)} confidence"


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


def key_for(
    incidents: Sequence[IncidentData], texts: Sequence[str], judgements: Sequence[JudgementRow]
) -> Key:
    statuses = {i.status for i in incidents}
    confidences = {i.confidence for i in incidents}
    for text in texts:
        confidences.update(Confidence(c) for c in confidences_in(text))
    confidences.update(
        c for c in Confidence if c.value.capitalize() in {j.confidence for j in judgements}
    )
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
        # The whole scale, not only the words used: a reader weighs "likely" against the
        # words the analyst did not choose.
        likelihoods=tuple(
            KeyEntry(row.term, row.alternative, row.range_text) for row in LIKELIHOODS
        ),
    )
