"""Reading typed dates, coordinates and countries, apart from any widget."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from desktop.domain import TimePrecision
from desktop.parsing import (
    country_code_for,
    format_moment,
    inserted_length,
    parse_coordinate,
    parse_coordinate_pair,
    parse_moment,
    step_moment,
)

DAY, EXACT, MONTH = TimePrecision.DAY, TimePrecision.EXACT, TimePrecision.MONTH


@pytest.mark.parametrize(
    "text",
    [
        "2023-10-17",
        "17/10/2023",
        "17.10.2023",
        "17-10-2023",
        "17 Oct 2023",
        "17 october 2023",
        "17-OCT-2023",
        "Oct 17, 2023",
        "October 17th 2023",
        "20231017",
        " 2023-10-17 ",
        "2023/10/17",
        "2023-10-17 21:30",
    ],
)
def test_dates_read_as_typed(text: str) -> None:
    assert parse_moment(text, DAY) == date(2023, 10, 17)


@pytest.mark.parametrize(
    ("text", "moment"),
    [
        ("2023-10-17 21:30", datetime(2023, 10, 17, 21, 30, tzinfo=UTC)),
        ("2023-10-17T21:30:59Z", datetime(2023, 10, 17, 21, 30, tzinfo=UTC)),
        ("17/10/2023 21:30", datetime(2023, 10, 17, 21, 30, tzinfo=UTC)),
        ("17 Oct 2023, 21:30", datetime(2023, 10, 17, 21, 30, tzinfo=UTC)),
        ("2023-10-17 00:30+03:00", datetime(2023, 10, 16, 21, 30, tzinfo=UTC)),
        ("171930ZOCT23", datetime(2023, 10, 17, 19, 30, tzinfo=UTC)),
        ("2023-10-17", datetime(2023, 10, 17, tzinfo=UTC)),
    ],
)
def test_exact_times_read_in_utc(text: str, moment: datetime) -> None:
    assert parse_moment(text, EXACT) == moment


@pytest.mark.parametrize("text", ["2023-10", "10/2023", "Oct 2023", "October, 2023", "17 Oct 2023"])
def test_months_read_as_their_first_day(text: str) -> None:
    assert parse_moment(text, MONTH) == date(2023, 10, 1)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "is required"),
        ("yesterday", "17/10/2023"),
        ("17/10/23", "17/10/2023"),
        ("2023-02-30", "not a day of the calendar"),
        ("10/17/2023", "not a day"),
        ("1023-10-17", "1900–2199"),
        ("2023-10-17 25:00", "no such time"),
        ("2023-10", "2023-10-17"),
    ],
)
def test_what_is_not_a_date_says_what_would_be(text: str, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        parse_moment(text, DAY if words != "no such time" else EXACT)


def test_moments_shown_as_they_are_read_back() -> None:
    moment = datetime(2023, 10, 17, 21, 30, tzinfo=UTC)
    for precision in TimePrecision:
        shown = format_moment(moment, precision)
        assert format_moment(parse_moment(shown, precision), precision) == shown
    assert format_moment(date(2023, 10, 17), EXACT) == "2023-10-17 00:00"
    assert step_moment(date(2023, 12, 17), MONTH, 1) == date(2024, 1, 1)
    assert step_moment(date(2023, 10, 17), DAY, -17) == date(2023, 9, 30)


@pytest.mark.parametrize(
    "text",
    [
        "36.5356, 44.3516",
        "36.5356 44.3516",
        "36.5356,44.3516",
        "36.5356; 44.3516",
        "36°32'08\"N 44°21'06\"E",
        "36.5356N 44.3516E",
        "N36.5356 E44.3516",
        "44.3516E 36.5356N",
        "36.5356° N, 44.3516° E",
        "36,5356 44,3516",
        "36 32 08N 44 21 06E",
        "36°32′08″N 44°21′06″E",  # prime and double prime, as Wikipedia writes them
        "36°32′08″N, 44°21′06″E",
        "N 36.5356 E 44.3516",
        "N 36.5356, E 44.3516",
        "E 44.3516 N 36.5356",
        "36.5356 N 44.3516 E",
        "  36.5356,\t44.3516\n",
    ],
)
def test_coordinate_pairs_read_as_pasted(text: str) -> None:
    pair = parse_coordinate_pair(text)
    assert pair is not None
    assert pair == pytest.approx((36.5356, 44.3516), abs=1e-4)


@pytest.mark.parametrize(
    "text", ["33.785", "33,785", "-42.4", "north", "", "1 2 3 4", "N 36.5 N 44.3 E", "Hit 1"]
)
def test_one_number_is_not_a_pair(text: str) -> None:
    assert parse_coordinate_pair(text) is None


@pytest.mark.parametrize(
    ("text", "axis", "value"),
    [
        ("33.785S", "lat", -33.785),
        ("W42.4", "lon", -42.4),
        ("36°32'08\"N", "lat", 36.535556),
        ("-42,441", "", -42.441),
        ("33° 47.1' S", "lat", -33.785),
    ],
)
def test_single_coordinates_with_hemispheres(text: str, axis: str, value: float) -> None:
    assert parse_coordinate(text, axis) == pytest.approx(value, abs=1e-6)


@pytest.mark.parametrize(
    ("text", "axis"),
    [("44.35E", "lat"), ("33.7N", "lon"), ("36.5 44.3", ""), ("N33S", ""), ("36°61'", "")],
)
def test_coordinates_that_cannot_be_meant_are_refused(text: str, axis: str) -> None:
    with pytest.raises(ValueError, match=r".+"):
        parse_coordinate(text, axis)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("Iraq", "IQ"),
        ("iraq", "IQ"),
        ("IQ", "IQ"),
        ("iq", "IQ"),
        ("Iraq (IQ)", "IQ"),
        ("  iraq ", "IQ"),
        ("Syria", "SY"),
        ("Atlantis", None),
        ("Iran (IQ)", None),
        ("", None),
    ],
)
def test_countries_by_exact_name_or_code(typed: str, code: str | None) -> None:
    assert country_code_for(typed) == code


@pytest.mark.parametrize(
    ("before", "after", "count"),
    [
        ("33.7", "33.78", 1),
        ("", "36.5, 44.3", 10),
        ("33.7", "36.5, 44.3", 9),
        ("33.78", "33.7", 0),
        ("aa", "aaa", 1),
    ],
)
def test_inserted_length_tells_a_paste_from_a_keystroke(
    before: str, after: str, count: int
) -> None:
    assert inserted_length(before, after) == count
