"""One set of rules for a SITREP request, shared by the export dialog and the command line."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pytest

from desktop.errors import ValidationError
from desktop.reports.sitrep_judgements import Judgement
from desktop.services.report_request import (
    INCIDENTS,
    JUDGEMENTS,
    KEY_POINTS,
    MARKING,
    MAX_KEY_POINTS,
    MAX_MARKING,
    PERIOD,
    TITLE,
    check_request,
    key_point_lines,
)
from desktop.services.report_settings import ReportTexts, load_report_texts, save_report_texts

if TYPE_CHECKING:
    from desktop.store.engine import Database

GOOD = {
    "since": date(2023, 10, 1),
    "until": date(2023, 10, 18),
    "title": "SITREP Iraq",
    "marking": "TLP:AMBER",
    "key_points": ("Attacks rose",),
    "incidents": 3,
}


def problems(**changes: object) -> list[tuple[str, str]]:
    request = {**GOOD, **changes}
    return [(p.about, p.message) for p in check_request(**request)]  # type: ignore[arg-type]


def test_a_good_request_has_no_problem() -> None:
    assert problems() == []
    assert problems(since=None, until=None, incidents=None) == []


def test_each_rule_in_its_own_words() -> None:
    assert problems(until=date(2023, 9, 1)) == [(PERIOD, "The period ends before it starts.")]
    assert problems(incidents=0) == [
        (INCIDENTS, "No incident matches these choices: there is nothing to report.")
    ]
    assert problems(title="  ") == [(TITLE, "Give the report a title.")]
    assert problems(marking=" ") == [
        (MARKING, "Choose a marking (a TLP label or a classification line).")
    ]
    assert problems(marking="X" * 121) == [(MARKING, "The marking is longer than 120 characters.")]
    eleven = tuple(f"Point {n}" for n in range(MAX_KEY_POINTS + 1))
    assert problems(key_points=eleven) == [
        (KEY_POINTS, f"At most {MAX_KEY_POINTS} key points, one per line (there are 11).")
    ]


def test_a_reversed_period_is_said_once_not_as_nothing_to_report() -> None:
    assert [about for about, _ in problems(until=date(2023, 9, 1), incidents=0)] == [PERIOD]


def test_problems_come_in_the_order_the_dialog_shows_them() -> None:
    found = problems(until=date(2023, 9, 1), title="", marking="", key_points=("x",) * 12)
    assert [about for about, _ in found] == [PERIOD, TITLE, MARKING, KEY_POINTS]


def test_blank_key_points_do_not_count() -> None:
    points = ("a", " ", "", *(f"p{n}" for n in range(MAX_KEY_POINTS - 1)))
    assert problems(key_points=points) == []
    assert key_point_lines(" one \n\n two\n") == ("one", "two")


def test_storing_too_many_key_points_is_refused_not_cut(db: Database) -> None:
    texts = ReportTexts(key_points=tuple(f"Point {n}" for n in range(MAX_KEY_POINTS + 2)))
    with pytest.raises(ValidationError, match="At most 10 key points"):
        save_report_texts(db, texts)
    assert load_report_texts(db) == ReportTexts()  # nothing stored, not a cut list


def test_each_key_judgement_needs_likelihood_and_confidence_apart() -> None:
    good = Judgement("Attacks go on", "probable", "Moderate")
    assert problems(judgements=(good,)) == []
    no_word = Judgement("Attacks go on", "", "moderate")
    (about, message), *_ = problems(judgements=(good, no_word))
    assert about == JUDGEMENTS
    assert message.startswith("Key judgement 2: give a likelihood word: almost no chance, ")
    both = Judgement("Attacks go on", "likely with moderate confidence", "moderate")
    assert "'likely with moderate confidence' is not one" in problems(judgements=(both,))[0][1]
    assert problems(judgements=(Judgement("x", "likely", "sure"),)) == [
        (
            JUDGEMENTS,
            "Key judgement 1: give an analytic confidence ('sure' is not one): "
            "low, moderate or high.",
        )
    ]
    assert problems(judgements=(Judgement(" ", "likely", "low"),))[0][1] == (
        "Key judgement 1: write the judgement."
    )
    assert "At most 8 key judgements" in problems(judgements=(good,) * 9)[0][1]


def test_a_release_level_is_a_tlp_label_no_laxer_than_the_marking() -> None:
    assert problems(max_marking="TLP:GREEN", marking="TLP:CLEAR") == []
    assert problems(max_marking="SECRET", marking="TLP:CLEAR")[0][0] == MAX_MARKING
    assert problems(max_marking="tlp:green", marking="TLP:AMBER") == [
        (
            MAX_MARKING,
            "The marking TLP:AMBER is stricter than the release level TLP:GREEN: "
            "lower the marking or raise the level.",
        )
    ]
