"""An incident's values in words (desktop/phrases.py), as the table, the detail pane, the
command line and the report show them."""

from __future__ import annotations

from datetime import UTC, date, datetime

from desktop import phrases
from desktop.domain import Confidence, Status, TimePrecision
from desktop.services.dto import Casualties, When, Where


def test_a_moment_as_precisely_as_it_is_known() -> None:
    exact = datetime(2023, 10, 17, 15, 59, 30, tzinfo=UTC)
    assert phrases.moment_text(exact) == "2023-10-17 15:59Z"
    assert phrases.moment_text(date(999, 6, 15)) == "0999-06-15"
    assert phrases.when_short(date(2023, 10, 16), TimePrecision.WEEK) == "wk of 2023-10-16"
    assert phrases.when_short(date(2023, 10, 1), TimePrecision.MONTH) == "2023-10"
    day = When(date(2023, 10, 17), date(2023, 10, 18), TimePrecision.DAY)
    assert phrases.when_with_precision(day) == "2023-10-17 to 2023-10-18 (known to the day)"
    one_day = When(date(2023, 10, 17), date(2023, 10, 17), TimePrecision.DAY)
    assert phrases.span_short(one_day.start, one_day.end, one_day.precision) == "2023-10-17"


def test_the_report_writes_times_in_long_form() -> None:
    assert phrases.when_long(When(date(2023, 10, 17), date(2023, 10, 18))) == (
        "17 Oct 2023 – 18 Oct 2023"
    )
    week = When(date(2023, 10, 16), date(2023, 10, 22), TimePrecision.WEEK)
    assert phrases.when_long(week) == "week of 16 Oct 2023"
    exact = datetime(2023, 10, 17, 15, 59, tzinfo=UTC)
    assert phrases.when_long(When(exact, exact, TimePrecision.EXACT)) == "17 Oct 2023 15:59Z"


def test_a_place_names_each_part_once() -> None:
    assert phrases.place_text(Where("al-Asad airbase", "Anbar", "IQ")) == (
        "al-Asad airbase, Anbar, Iraq"
    )
    assert phrases.place_text(Where("Iraq", "", "IQ")) == "Iraq"
    assert phrases.place_text(Where()) == "not recorded"
    assert phrases.place_text(Where(), "Place not known") == "Place not known"
    assert phrases.coordinates_text(Where(lat=33.785, lon=42.441, precision=1)) == (
        "33.7850, 42.4410 (exact place)"
    )
    assert phrases.coordinates_text(Where()) == "not located"


def test_casualties_in_both_registers() -> None:
    casualties = Casualties(0, None, "minor  injuries")
    assert phrases.casualties_short(casualties) == "0 killed, unknown injured (minor  injuries)"
    assert phrases.casualties_long(casualties) == "Killed: 0 · Injured: unknown (minor injuries)"


def test_assessment_and_grade_in_words() -> None:
    assert phrases.status_word(Status.CONFIRMED) == "Confirmed"
    assert phrases.confidence_word(Confidence.MODERATE) == "Moderate"
    assert phrases.status_explained(Status.CONFIRMED).startswith("Confirmed — ")
    assert phrases.grade_text("B", 2) == "B2 (Usually reliable / Probably true)"
    assert phrases.grade_text("", 2) == "credibility 2"
