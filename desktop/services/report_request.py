"""What makes a SITREP request valid, said once for the export dialog and the command line.

The dialog shows the first problem beside its disabled Export button; ``incident-desk export
pdf`` refuses with it (named after its option). Both read the same sentences from here, so a
rule (ten key points at most, a title, a marking) cannot differ between them.

Light on purpose (no ReportLab, no database): the dialog checks on every keystroke and the
command line before it opens the workspace's report machinery.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from desktop.domain import LIKELIHOODS, MAX_MARKING_LENGTH, TLP_LABELS, above, normalise_marking
from desktop.errors import ValidationError
from desktop.reports.sitrep_judgements import Judgement, confidence_of, likelihood_of
from desktop.wording import quoted

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import date

# Page 1 holds the bottom line up front: more points than this do not fit it.
MAX_KEY_POINTS = 10
# The key judgements table sits on page 1 or 2 beside the assessment.
MAX_JUDGEMENTS = 8

# What a report is compared with (services.report_records): the latest report of its scope
# (the default), a report id, or nothing.
LATEST = "latest"
NONE = "none"
REPORT_ID_LENGTH = 12  # the longest id a report may have (report_records.id)

# What a problem is about (RequestProblem.about), in the order they are checked.
PERIOD, INCIDENTS, TITLE, MARKING, MAX_MARKING, KEY_POINTS, JUDGEMENTS = (
    "period",
    "incidents",
    "title",
    "marking",
    "max_marking",
    "key_points",
    "judgements",
)


@dataclass(frozen=True)
class RequestProblem:
    """One reason a report cannot be written as asked: ``about`` names the part."""

    about: str
    message: str

    def __str__(self) -> str:
        return self.message


def key_point_lines(text: str | Sequence[str]) -> tuple[str, ...]:
    """The key points as given: one per line (or item), blank ones left out, trimmed."""
    lines = text.splitlines() if isinstance(text, str) else text
    return tuple(line.strip() for line in lines if line.strip())


def marking_problem(marking: str) -> RequestProblem | None:
    marking = normalise_marking(marking)
    if not marking:
        return RequestProblem(MARKING, "Choose a marking (a TLP label or a classification line).")
    if len(marking) > MAX_MARKING_LENGTH:
        return RequestProblem(
            MARKING, f"The marking is longer than {MAX_MARKING_LENGTH} characters."
        )
    return None


def key_points_problem(key_points: Sequence[str]) -> RequestProblem | None:
    points = len(key_point_lines(key_points))
    if points > MAX_KEY_POINTS:
        return RequestProblem(
            KEY_POINTS, f"At most {MAX_KEY_POINTS} key points, one per line (there are {points})."
        )
    return None


def max_marking_problem(max_marking: str, marking: str) -> RequestProblem | None:
    """A release level must be a TLP label, and the marking asked for no stricter than it."""
    level = normalise_marking(max_marking)
    if not level:
        return None
    if level not in TLP_LABELS:
        return RequestProblem(
            MAX_MARKING, f"A release level is a TLP label ({', '.join(reversed(TLP_LABELS))})."
        )
    if above(marking, level):
        return RequestProblem(
            MAX_MARKING,
            f"The marking {normalise_marking(marking)} is stricter than the release level "
            f"{level}: lower the marking or raise the level.",
        )
    return None


def judgement_problem(judgements: Sequence[Judgement]) -> RequestProblem | None:
    """The first problem of the key judgements: each needs its text, a likelihood word and
    an analytic confidence, kept apart (ICD 203)."""
    if len(judgements) > MAX_JUDGEMENTS:
        return RequestProblem(
            JUDGEMENTS, f"At most {MAX_JUDGEMENTS} key judgements (there are {len(judgements)})."
        )
    words = ", ".join(row.term for row in LIKELIHOODS)
    for number, j in enumerate(judgements, start=1):
        which = f"Key judgement {number}"
        if not j.text.strip():
            return RequestProblem(JUDGEMENTS, f"{which}: write the judgement.")
        if likelihood_of(j.likelihood) is None:
            given = f" ('{j.likelihood.strip()}' is not one)" if j.likelihood.strip() else ""
            return RequestProblem(JUDGEMENTS, f"{which}: give a likelihood word{given}: {words}.")
        if confidence_of(j.confidence) is None:
            given = f" ('{j.confidence.strip()}' is not one)" if j.confidence.strip() else ""
            return RequestProblem(
                JUDGEMENTS, f"{which}: give an analytic confidence{given}: low, moderate or high."
            )
    return None


def check_request(
    *,
    since: date | None,
    until: date | None,
    title: str,
    marking: str,
    key_points: Sequence[str],
    incidents: int | None = None,
    max_marking: str = "",
    judgements: Sequence[Judgement] = (),
) -> list[RequestProblem]:
    """Every problem of a report request, in the order the dialog shows them (first first).

    ``incidents`` is how many the report would hold, when counted (None: not counted, as
    the command line does not: an empty report is written there, saying so).
    """
    problems: list[RequestProblem] = []
    if since and until and until < since:
        problems.append(RequestProblem(PERIOD, "The period ends before it starts."))
    elif incidents == 0:  # a reversed period matches nothing: said once, as the period
        problems.append(
            RequestProblem(
                INCIDENTS, "No incident matches these choices: there is nothing to report."
            )
        )
    if not title.strip():
        problems.append(RequestProblem(TITLE, "Give the report a title."))
    for problem in (
        marking_problem(marking),
        max_marking_problem(max_marking, marking),
        key_points_problem(key_points),
        judgement_problem(judgements),
    ):
        if problem is not None:
            problems.append(problem)
    return problems


def report_id(text: str) -> str:
    """A report id as typed (``k7m2q``, `` K7M2Q ``) in its stored form, or ValidationError."""
    value = text.strip().upper()
    if not value or len(value) > REPORT_ID_LENGTH or not (value.isalnum() and value.isascii()):
        raise ValidationError(
            "", f"{quoted(text)} is not a report id (incident-desk reports lists them)"
        )
    return value
