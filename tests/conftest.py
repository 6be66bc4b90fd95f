"""Shared fixtures: a fresh, migrated SQLite workspace per test and ready-made records."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any

import pytest

from desktop.domain import ActorRole, Confidence, Status, TimePrecision
from desktop.services import sources as source_service
from desktop.services.dto import (
    Actor,
    Casualties,
    Citation,
    IncidentData,
    SourceData,
    When,
    Where,
)
from desktop.store.engine import Database, open_database

if TYPE_CHECKING:
    from pathlib import Path

TEST_USER = "tester"

IncidentFactory = Callable[..., IncidentData]


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    """A new migrated workspace in a temporary folder, closed after the test."""
    monkeypatch.setenv("INCIDENT_DESK_USER", TEST_USER)
    monkeypatch.delenv("INCIDENT_DESK_DB", raising=False)
    database = open_database(tmp_path / "test.sqlite3")
    try:
        yield database
    finally:
        database.close()


@pytest.fixture
def sources(db: Database) -> tuple[SourceData, SourceData]:
    """Two sources: a usually reliable military command and a fairly reliable outlet."""
    centcom = source_service.create_source(
        db,
        SourceData(
            name="U.S. Central Command",
            kind="military",
            reliability="B",
            url="https://www.centcom.mil",
        ),
    )
    reuters = source_service.create_source(
        db, SourceData(name="Reuters", kind="media", reliability="C")
    )
    return centcom, reuters


@pytest.fixture
def make_incident(sources: tuple[SourceData, SourceData]) -> IncidentFactory:
    """A factory of valid incidents citing the two sources; keyword arguments override."""
    centcom, reuters = sources

    def factory(**overrides: Any) -> IncidentData:
        data = IncidentData(
            title="Drone attack on al-Asad airbase",
            summary="Two one-way attack drones targeted the base.",
            when=When(date(2023, 10, 17), date(2023, 10, 18), TimePrecision.DAY),
            where=Where(
                name="al-Asad airbase",
                admin1="Anbar",
                country="IQ",
                lat=33.785,
                lon=42.441,
                precision=1,
            ),
            event_type="Explosions/Remote violence",
            sub_event_type="Air/drone strike",
            actors=(
                Actor("Islamic Resistance in Iraq", ActorRole.CLAIMED_BY),
                Actor("U.S. forces", ActorRole.TARGET),
            ),
            casualties=Casualties(killed=0, injured=None, note="minor injuries"),
            status=Status.CONFIRMED,
            confidence=Confidence.MODERATE,
            tags=("drone", "US bases"),
            citations=(
                Citation(
                    source=centcom.id,
                    credibility=2,
                    url="https://www.centcom.mil/statement",
                    published=date(2023, 10, 18),
                    retrieved=date(2023, 10, 19),
                    language="en",
                    excerpt="Two drones were engaged near al-Asad.",
                ),
                Citation(source=reuters.id, credibility=3, excerpt="Reuters reported the attack."),
            ),
        )
        return replace(data, **overrides)

    return factory
