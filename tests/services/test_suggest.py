"""Suggesting status and confidence from graded citations."""

from __future__ import annotations

import pytest

from desktop.domain import Confidence, Status
from desktop.services.dto import Citation
from desktop.services.suggest import suggest


def cite(source: str, grade: str, kind: str = "media") -> Citation:
    return Citation(
        source=source,
        credibility=int(grade[1]),
        source_name=source.title(),
        source_reliability=grade[0],
        source_kind=kind,
    )


@pytest.mark.parametrize(
    ("citations", "status", "confidence"),
    [
        ([cite("a", "B2"), cite("b", "B2")], Status.CONFIRMED, Confidence.MODERATE),
        ([cite("a", "B2"), cite("b", "B1")], Status.CONFIRMED, Confidence.MODERATE),
        ([cite("a", "A2"), cite("b", "B2")], Status.CONFIRMED, Confidence.HIGH),
        ([cite("a", "B2"), cite("b", "B2"), cite("c", "B1")], Status.CONFIRMED, Confidence.HIGH),
        ([cite("a", "B2"), cite("a", "B1")], Status.REPORTED, Confidence.MODERATE),  # same source
        ([cite("a", "C3")], Status.REPORTED, Confidence.LOW),
        ([cite("a", "B2")], Status.REPORTED, Confidence.MODERATE),
        ([cite("a", "B2"), cite("m", "F6", "claimant")], Status.REPORTED, Confidence.MODERATE),
        ([cite("m", "F6", "claimant")], Status.CLAIMED, Confidence.LOW),
        (
            [cite("m", "A1", "claimant"), cite("n", "B2", "claimant")],
            Status.CLAIMED,
            Confidence.LOW,
        ),
        ([cite("a", "B2"), cite("b", "C5")], Status.DISPUTED, Confidence.LOW),
        ([cite("a", "B2"), cite("b", "B2"), cite("c", "A5")], Status.DISPUTED, Confidence.LOW),
        ([cite("a", "B2"), cite("b", "B6")], Status.REPORTED, Confidence.MODERATE),  # 6: unjudged
        ([cite("a", "E5")], Status.UNVERIFIED, Confidence.LOW),  # not credible, not disputed
        ([cite("a", "F6"), cite("b", "D4")], Status.UNVERIFIED, Confidence.LOW),
        ([], Status.UNVERIFIED, Confidence.LOW),
        ([Citation(source="ungraded", credibility=1)], Status.UNVERIFIED, Confidence.LOW),
    ],
)
def test_suggest(citations: list[Citation], status: Status, confidence: Confidence) -> None:
    result = suggest(citations)
    assert (result.status, result.confidence) == (status, confidence)
    assert result.reasons
    for reason in result.reasons:
        assert reason.strip()
        assert not reason[0].islower()
        assert reason.endswith(".")
    assert result.explanation == " ".join(result.reasons)


def test_reasons_name_sources_and_grades() -> None:
    result = suggest([cite("centcom", "B2"), cite("reuters", "B2")])
    assert "Centcom (B2)" in result.explanation
    assert "Reuters (B2)" in result.explanation
    claimed = suggest([cite("irq", "F6", "claimant")])
    assert "Irq (F6)" in claimed.explanation
