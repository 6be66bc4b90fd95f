"""The time chart's bins and labels, as data (no drawing)."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

import pytest
from reportlab.pdfbase.pdfmetrics import stringWidth

from desktop.reports import fonts
from desktop.reports.sitrep_data import ReportOptions, prepare
from desktop.reports.timeline import LABEL_GAP, bin_counts, group_labels, label_step
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
