"""An incident's stored columns, made in bulk, are each field's own ``to_column`` value."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from desktop.domain import Confidence, Status, TimePrecision
from desktop.fields import SIMPLE_FIELDS, Field
from desktop.services import stored_values
from desktop.services.dto import Casualties, Citation, IncidentData, When, Where

_DATA = IncidentData(
    title="  Drone strike near Erbil ",
    when=When(
        datetime(2023, 10, 17, 21, 59, 30, tzinfo=UTC),
        datetime(2023, 10, 18, 1, 2, 3, tzinfo=timezone(timedelta(hours=3))),
        TimePrecision.EXACT,
    ),
    event_type="Explosions/Remote violence",
    sub_event_type="Air/drone strike",
    summary="Two drones.",
    notes="",
    where=Where(" Erbil ", " Erbil Governorate", "IQ", 36.19, 44.01, 1),
    casualties=Casualties(killed=0, injured=None, note="none reported"),
    status=Status.CONFIRMED,
    confidence=Confidence.MODERATE,
    likelihood="likely",
    marking="tlp:amber",
    citations=(Citation("reuters", 3), Citation("afp", 2), Citation("reuters", 4)),
    id="00000000-0000-4000-8000-000000000001",
)


@pytest.mark.parametrize("field", SIMPLE_FIELDS, ids=lambda f: f.key)
def test_each_simple_field_is_stored_as_the_table_says(field: Field) -> None:
    values = dict(
        zip(
            stored_values.INCIDENT_COLUMNS, stored_values.incident_column_values(_DATA), strict=True
        )
    )
    assert values[field.column_name] == field.to_column(field.get(_DATA))


def test_the_times_are_stored_as_naive_utc_to_the_second() -> None:
    values = dict(
        zip(
            stored_values.INCIDENT_COLUMNS, stored_values.incident_column_values(_DATA), strict=True
        )
    )
    assert values["start_at"] == datetime(2023, 10, 17, 21, 59, 30)
    assert values["end_at"] == datetime(2023, 10, 17, 22, 2, 3)
    assert (values["time_precision"], values["source_count"]) == ("exact", 2)


@pytest.mark.parametrize(
    ("moment", "stored"),
    [
        (datetime(2023, 6, 6, 23, 20, 5, 999_999, tzinfo=UTC), datetime(2023, 6, 6, 23, 20, 5)),
        (
            datetime(2023, 6, 7, 1, 20, tzinfo=timezone(timedelta(hours=3))),
            datetime(2023, 6, 6, 22, 20),
        ),
        # The hour that comes twice when the clocks go back: its second time is an hour on.
        (
            datetime(2023, 10, 29, 1, 30, tzinfo=ZoneInfo("Europe/London")),
            datetime(2023, 10, 29, 0, 30),
        ),
        (
            datetime(2023, 10, 29, 1, 30, fold=1, tzinfo=ZoneInfo("Europe/London")),
            datetime(2023, 10, 29, 1, 30),
        ),
        (datetime(2023, 6, 6, 23, 20, 7, 5), datetime(2023, 6, 6, 23, 20, 7)),
        (date(2023, 6, 6), datetime(2023, 6, 6)),
    ],
)
def test_a_time_is_stored_as_naive_utc(moment: date, stored: datetime) -> None:
    made = stored_values.to_db_time(moment)
    assert made == stored
    assert made.tzinfo is None
    assert made.isoformat() == stored.isoformat()
