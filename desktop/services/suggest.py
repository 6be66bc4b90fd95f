"""Suggesting an incident's status and analytic confidence from its citations.

The rules (``docs/grading.md``, information status): independent, well-graded corroboration supports
``confirmed``; a single credible report supports ``reported``; only the claimant's own word
supports ``claimed``; credible sources that contradict each other make it ``disputed``. The
analyst decides; the reasons are spelled out so the suggestion can be checked.
"""

from __future__ import annotations

from desktop.domain import Confidence, SourceKind, Status, admiralty_code
from desktop.services.dto import Citation, Suggestion

# Grades at or above these count as "good": B2 or better corroborates.
GOOD_RELIABILITY = "AB"
GOOD_CREDIBILITY = 2
# C3 or better is "credible" reporting.
CREDIBLE_RELIABILITY = "ABC"
CREDIBLE_CREDIBILITY = 3
# Credibility 5 (improbable) from a credible source contradicts the report.
CONTRADICTING_CREDIBILITY = 5


def _is_good(c: Citation) -> bool:
    return c.source_reliability in GOOD_RELIABILITY and c.credibility <= GOOD_CREDIBILITY


def _is_credible(c: Citation) -> bool:
    return c.source_reliability in CREDIBLE_RELIABILITY and c.credibility <= CREDIBLE_CREDIBILITY


def _names(citations: list[Citation]) -> str:
    seen = dict.fromkeys(
        f"{c.source_name or c.source} ({admiralty_code(c.source_reliability, c.credibility)})"
        for c in citations
    )
    return ", ".join(seen)


def suggest(citations: tuple[Citation, ...] | list[Citation]) -> Suggestion:
    """The status and confidence these citations support. Citations must carry their
    source's reliability and kind (as read from the database)."""
    cited = [c for c in citations if c.source_reliability]
    if not cited:
        return Suggestion(
            Status.UNVERIFIED,
            Confidence.LOW,
            ("No graded source cites this incident yet, so nothing supports it.",),
        )

    claimants = [c for c in cited if c.source_kind == SourceKind.CLAIMANT]
    independent = [c for c in cited if c.source_kind != SourceKind.CLAIMANT]
    good = [c for c in independent if _is_good(c)]
    good_sources = {c.source for c in good}
    credible = [c for c in independent if _is_credible(c)]
    contradicting = [
        c
        for c in independent
        if c.source_reliability in CREDIBLE_RELIABILITY
        # 6 means "cannot be judged", not "improbable": it contradicts nothing.
        and c.credibility == CONTRADICTING_CREDIBILITY
    ]

    if contradicting and credible:
        return Suggestion(
            Status.DISPUTED,
            Confidence.LOW,
            (
                f"Credible sources conflict: {_names(credible)} report it, while "
                f"{_names(contradicting)} judge it improbable.",
            ),
        )
    if len(good_sources) >= 2:
        confidence = (
            Confidence.HIGH
            if any(c.source_reliability == "A" for c in good) or len(good_sources) >= 3
            else Confidence.MODERATE
        )
        return Suggestion(
            Status.CONFIRMED,
            confidence,
            (
                f"{len(good_sources)} independent sources graded B2 or better agree: "
                f"{_names(good)}.",
                "High confidence needs an A-graded source or three such sources."
                if confidence is Confidence.MODERATE
                else "Corroboration from proven sources supports high confidence.",
            ),
        )
    if credible:
        confidence = Confidence.MODERATE if good else Confidence.LOW
        reasons = [
            f"Credible reporting from {_names(credible)}, not confirmed by a second "
            "independent source graded B2 or better."
        ]
        if claimants:
            reasons.append(f"The claim by {_names(claimants)} agrees but is not independent.")
        return Suggestion(Status.REPORTED, confidence, tuple(reasons))
    if claimants and not independent:
        return Suggestion(
            Status.CLAIMED,
            Confidence.LOW,
            (
                f"Only the claimant's own statement supports it: {_names(claimants)}. "
                "A claim is not a confirmation.",
            ),
        )
    return Suggestion(
        Status.UNVERIFIED,
        Confidence.LOW,
        (
            f"Only weakly graded or unjudged sources cite it: {_names(cited)}. "
            "Nothing credible supports it yet.",
        ),
    )
