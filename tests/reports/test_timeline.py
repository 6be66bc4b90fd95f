"""The time chart's bins and labels, as data (no drawing)."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.pdfbase.pdfmetrics import stringWidth

from desktop.reports import fonts
from desktop.reports.sitrep_data import ReportOptions, prepare
from desktop.reports.timeline import (
    LABEL_GAP,
    bin_counts,
    bin_period,
    group_labels,
    label_step,
    previous_period,
    unit_for,
    x_ticks,
    y_ticks,
)
from desktop.services.dto import IncidentData, When

SIZE = 7.0
CHART_WIDTH = 250.0


@pytest.fixture(autouse=True)
def _fonts() -> None:
    fonts.register_fonts()


def days(first: date, last: date, *hits: date) -> list[tuple[date, int]]:
    span = (last - first).days
    every = (first + timedelta(n) for n in range(span + 1))
    return [(d, hits.count(d)) for d in every]


def test_the_span_chooses_days_weeks_or_months() -> None:
    october = days(date(2023, 10, 1), date(2023, 10, 31), date(2023, 10, 17))
    assert bin_counts(october).unit == "day"
    assert len(bin_counts(october).bins) == 31
    half_year = days(date(2023, 7, 3), date(2023, 12, 31), date(2023, 7, 3), date(2023, 7, 9))
    weeks = bin_counts(half_year)
    assert weeks.unit == "week"
    assert weeks.title == "Incidents per week"
    assert weeks.bins[0].start == date(2023, 7, 3)  # a Monday
    assert weeks.bins[0].count == 2  # both in the first week
    assert weeks.bins[0].label == "3 Jul"
    assert all((b.start - date(2023, 7, 3)).days % 7 == 0 for b in weeks.bins)
    two_years = days(date(2022, 3, 5), date(2023, 10, 18), date(2022, 3, 5), date(2023, 10, 17))
    months = bin_counts(two_years)
    assert months.unit == "month"
    assert len(months.bins) == 20  # Mar 2022 to Oct 2023, every month, empty ones too
    assert [b.count for b in months.bins if b.count] == [1, 1]
    assert (months.bins[0].label, months.bins[0].group) == ("Mar", "2022")
    assert bin_counts([]).bins == ()


def test_an_incident_in_another_year_gives_month_bars() -> None:
    incidents = [
        IncidentData(
            title=f"x{n}",
            when=When(d, d),
            event_type="Battles",
            sub_event_type="Armed clash",
        )
        for n, d in enumerate([date(2021, 6, 1), date(2023, 10, 17), date(2023, 10, 18)])
    ]
    data = prepare(incidents, ReportOptions(), datetime(2023, 10, 18, 12, 0, tzinfo=UTC))
    assert data.timeline.unit == "month"
    assert data.timeline.bins[-1].count == 2


def positions(labels: list[str], step: int, slot: float) -> list[tuple[float, float]]:
    spans = []
    for i in range(0, len(labels), step):
        centre, w = (i + 0.5) * slot, stringWidth(labels[i], fonts.BODY_FONT, SIZE)
        spans.append((centre - w / 2, centre + w / 2))
    return spans


@pytest.mark.parametrize("count", [7, 31, 60, 27, 20, 240])
def test_labels_are_thinned_so_that_none_overlaps(count: int) -> None:
    labels = [str(n % 31 + 1) if count <= 60 else f"{n % 28 + 1} Oct" for n in range(count)]
    slot = CHART_WIDTH / count
    step = label_step(labels, slot, fonts.BODY_FONT, SIZE)
    spans = positions(labels, step, slot)
    assert all(a[1] + LABEL_GAP <= b[0] + 1e-6 for a, b in itertools.pairwise(spans))
    if step > 1:  # and no more than needed
        tighter = positions(labels, step - 1, slot)
        assert any(a[1] + LABEL_GAP > b[0] for a, b in itertools.pairwise(tighter))
    assert len(spans) >= 2 or count < 2


def test_group_labels_never_run_into_each_other() -> None:
    timeline = bin_counts(days(date(2021, 1, 1), date(2023, 10, 18), date(2021, 1, 1)))
    slot = CHART_WIDTH / len(timeline.bins)
    shown = group_labels(timeline.bins, slot, fonts.BODY_FONT, SIZE)
    assert [text for _, text in shown] == ["2021", "2022", "2023"]
    spans = [(i * slot, i * slot + stringWidth(t, fonts.BODY_FONT, SIZE)) for i, t in shown]
    assert all(a[1] + LABEL_GAP <= b[0] for a, b in itertools.pairwise(spans))
    assert spans[-1][1] <= CHART_WIDTH


# ------------------------------------------------------- bins by period, previous, axes


def test_bins_follow_the_period_days_weeks_months() -> None:
    start = date(2023, 1, 1)
    assert [unit_for(n) for n in (1, 31, 32, 183, 184, 3650)] == [
        "day",
        "day",
        "week",
        "week",
        "month",
        "month",
    ]
    timeline = bin_period({}, start, start + timedelta(days=30))
    assert (timeline.unit, len(timeline.bins)) == ("day", 31)  # empty days are bars too


def test_the_previous_period_of_equal_length_sits_under_the_same_bars() -> None:
    # 10–18 Oct (9 days) against 1–9 Oct: 1 Oct is compared with 10 Oct.
    now = {date(2023, 10, 10): 2, date(2023, 10, 18): 1}
    before = {date(2023, 10, 1): 3, date(2023, 10, 9): 1, date(2023, 9, 30): 7}
    timeline = bin_period(now, date(2023, 10, 10), date(2023, 10, 18), before)
    assert timeline.previous_days == 9
    assert [(b.count, b.previous) for b in timeline.bins] == [
        (2, 3),
        *[(0, 0)] * 7,
        (1, 1),
    ]  # 30 Sep is before the previous period: left out
    assert timeline.peak == 3
    assert bin_period(now, date(2023, 10, 10), date(2023, 10, 18)).previous_days == 0


def test_the_chart_compares_with_the_incidents_the_service_passes() -> None:
    def on(day: date) -> IncidentData:
        return IncidentData(
            title=str(day), when=When(day, day), event_type="Battles", sub_event_type="Armed clash"
        )

    options = ReportOptions(since=date(2023, 10, 10), until=date(2023, 10, 18))
    now = datetime(2023, 10, 19, tzinfo=UTC)
    data = prepare([on(date(2023, 10, 17))], options, now, previous=[on(date(2023, 10, 8))])
    assert data.timeline.previous_days == 9
    assert [b.previous for b in data.timeline.bins if b.previous] == [1]
    assert data.timeline.bins[7].start == date(2023, 10, 17)  # 8 Oct + 9 days
    assert previous_period(date(2023, 10, 10), date(2023, 10, 18)) == (
        date(2023, 10, 1),
        date(2023, 10, 9),
    )
    assert prepare([on(date(2023, 10, 17))], options, now).timeline.previous_days == 0


@given(st.integers(min_value=0, max_value=1_000_000))
def test_y_ticks_are_few_round_and_cover_the_peak(peak: int) -> None:
    ticks = y_ticks(peak)
    assert ticks[0] == 0
    assert ticks[-1] >= peak
    assert 2 <= len(ticks) <= 5
    step = ticks[1]
    assert all(b - a == step for a, b in itertools.pairwise(ticks))
    assert str(step).strip("0") in {"1", "2", "5"}


@pytest.mark.parametrize("width", [160.0, 250.0, 480.0])
@settings(max_examples=120, deadline=None)
@given(
    start=st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31)),
    days_long=st.integers(min_value=1, max_value=3653),
)
def test_tick_labels_never_overlap_for_any_span(width: float, start: date, days_long: int) -> None:
    fonts.register_fonts()
    timeline = bin_period({}, start, start + timedelta(days=days_long - 1))
    ticks = x_ticks(timeline, width, fonts.BODY_FONT, SIZE)
    assert ticks
    assert all(0 <= t.left and t.right <= width + 1e-6 for t in ticks)
    assert all(a.right + LABEL_GAP <= b.left + 1e-6 for a, b in itertools.pairwise(ticks))
    for tick in ticks:  # each measured with the font, as drawn
        assert tick.right - tick.left == pytest.approx(
            stringWidth(tick.text, fonts.BODY_FONT, SIZE)
        )
    slot = width / len(timeline.bins)
    groups = group_labels(timeline.bins, slot, fonts.BODY_FONT, SIZE - 0.5)
    spans = [(i * slot, i * slot + stringWidth(t, fonts.BODY_FONT, SIZE - 0.5)) for i, t in groups]
    assert all(a[1] + LABEL_GAP <= b[0] for a, b in itertools.pairwise(spans))
    assert all(right <= width + 1e-6 for _, right in spans)


def test_ticks_for_three_days_three_months_and_eighteen_months() -> None:
    fonts.register_fonts()
    three_days = bin_period({}, date(2023, 6, 1), date(2023, 6, 3))
    assert [t.text for t in x_ticks(three_days, 480, fonts.BODY_FONT, SIZE)] == ["1", "2", "3"]
    quarter = bin_period({}, date(2023, 4, 1), date(2023, 6, 30))
    assert quarter.unit == "week"
    assert x_ticks(quarter, 480, fonts.BODY_FONT, SIZE)[1].text == "3 Apr"
    long = bin_period({}, date(2023, 1, 1), date(2024, 6, 30))
    texts = [t.text for t in x_ticks(long, 480, fonts.BODY_FONT, SIZE)]
    assert texts[:3] == ["Jan", "Feb", "Mar"]
    # Narrow: quarters, on calendar quarters.
    assert [t.text for t in x_ticks(long, 120, fonts.BODY_FONT, SIZE)][:2] in (
        ["Jan", "Apr"],
        ["Jan", "Jul"],
    )
