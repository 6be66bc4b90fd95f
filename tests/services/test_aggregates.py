"""The map's and timeline's counts: grouped in SQL by place and by day, filters honoured."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

import pytest

from desktop.domain import Status, TimePrecision
from desktop.services import aggregates, incidents
from desktop.services.aggregates import AREA, NEAR, POINT, PlaceKey, span_of
from desktop.services.dto import IncidentQuery, When, Where

if TYPE_CHECKING:
    from desktop.store.engine import Database
    from tests.conftest import IncidentFactory

ASAD = Where("al-Asad airbase", "Anbar", "IQ", 33.785, 42.441, 1)


@pytest.fixture
def placed(db: Database, make_incident: IncidentFactory) -> list[str]:
    """Two exact at al-Asad (slightly different points), one near Erbil, two country-level."""
    made = [
        make_incident(where=ASAD),
        make_incident(
            where=replace(ASAD, lat=33.795, lon=42.451), status=Status.REPORTED,
            when=When(date(2023, 10, 20), date(2023, 10, 20), TimePrecision.DAY),
        ),
        make_incident(
            where=Where("Erbil", "Erbil", "IQ", 36.19, 44.01, 2), event_type="Protests",
            sub_event_type="Peaceful protest",
        ),
        make_incident(where=Where("", "", "SY", None, None, 3)),
        make_incident(
            where=Where("Damascus", "Damascus", "SY", 33.51, 36.29, 3),
            when=When(date(2023, 10, 9), date(2023, 10, 9), TimePrecision.WEEK),
        ),
    ]  # fmt: skip
    return [str(incidents.create_incident(db, data).id) for data in made]


def test_places_are_grouped_with_their_mean_point_and_counts(
    db: Database, placed: list[str]
) -> None:
    counts = aggregates.map_counts(db, IncidentQuery())
    assert counts.total == 5
    places = {p.key: p for p in counts.places}
    asad = places[PlaceKey("IQ", "al-Asad airbase", "Anbar", POINT)]
    assert asad.total == 2
    assert asad.lat == pytest.approx(33.79)
    assert asad.lon == pytest.approx(42.446)
    assert asad.counts("event_type") == (("Explosions/Remote violence", 2),)
    assert asad.counts("status") == (("confirmed", 1), ("reported", 1))
    erbil = places[PlaceKey("IQ", "Erbil", "Erbil", NEAR)]
    assert erbil.counts("event_type") == (("Protests", 1),)
    # A province or larger, or no coordinates: the country is shaded instead.
    assert [(c.country, c.total) for c in counts.countries] == [("SY", 2)]
    assert AREA not in {p.key.precision for p in counts.places}


def test_the_map_follows_the_filters(db: Database, placed: list[str]) -> None:
    only_syria = aggregates.map_counts(db, IncidentQuery(countries=("SY",)))
    assert only_syria.places == ()
    assert only_syria.total == 2
    box = aggregates.map_counts(db, IncidentQuery(area=(43.0, 35.0, 45.0, 37.0)))
    assert [p.key.name for p in box.places] == ["Erbil"]
    assert box.countries == ()


def test_days_and_spans(db: Database, placed: list[str]) -> None:
    counts = aggregates.timeline_counts(db, IncidentQuery())
    assert counts.total == 5
    assert {(d.day, d.event_type, d.incidents) for d in counts.days} == {
        (date(2023, 10, 17), "Explosions/Remote violence", 2),
        (date(2023, 10, 17), "Protests", 1),
        (date(2023, 10, 20), "Explosions/Remote violence", 1),
    }
    (span,) = counts.spans
    assert (span.first, span.last, span.precision) == (
        date(2023, 10, 9),
        date(2023, 10, 15),
        TimePrecision.WEEK,
    )
    assert counts.extent == (date(2023, 10, 9), date(2023, 10, 20))
    period = IncidentQuery(since=date(2023, 10, 19), until=date(2023, 10, 31))
    assert aggregates.timeline_counts(db, period).total == 1


def test_a_month_spans_its_whole_months() -> None:
    assert span_of(date(2024, 2, 10), date(2024, 2, 10), TimePrecision.MONTH) == (
        date(2024, 2, 1),
        date(2024, 2, 29),
    )
    assert span_of(date(2024, 2, 10), date(2024, 2, 10), TimePrecision.DAY) == (
        date(2024, 2, 10),
        date(2024, 2, 10),
    )


def test_a_markers_incidents_newest_first(db: Database, placed: list[str]) -> None:
    key = PlaceKey("IQ", "al-Asad airbase", "Anbar", POINT)
    ids = aggregates.place_incidents(db, IncidentQuery(), (key,))
    assert ids == (placed[1], placed[0])  # 20 Oct before 17 Oct
    filtered = aggregates.place_incidents(db, IncidentQuery(statuses=("confirmed",)), (key,))
    assert filtered == (placed[0],)
    assert aggregates.place_incidents(db, IncidentQuery(), ()) == ()


def test_deleted_incidents_are_not_counted(db: Database, placed: list[str]) -> None:
    incidents.delete_incident(db, placed[0])
    assert aggregates.map_counts(db, IncidentQuery()).total == 4
    assert aggregates.timeline_counts(db, IncidentQuery()).total == 4
