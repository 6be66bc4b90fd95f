"""A place's country is found by its name as well as its code (migration 0008)."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from typing import TYPE_CHECKING

from desktop.services import incidents, sample
from desktop.services.dto import IncidentQuery
from desktop.store.engine import open_database

if TYPE_CHECKING:
    from pathlib import Path

    from desktop.store.engine import Database
    from tests.conftest import IncidentFactory


def test_a_country_is_found_by_name_and_by_code(
    db: Database, make_incident: IncidentFactory
) -> None:
    model = make_incident()
    quiet = incidents.create_incident(
        db,
        replace(
            model,
            title="Checkpoint closed",
            summary="Traffic stopped for a day.",
            notes="",
            actors=(),
            citations=tuple(replace(c, excerpt="") for c in model.citations),
            where=replace(model.where, name="Rutba", admin1="Anbar", country="IQ"),
        ),
    )
    elsewhere = incidents.create_incident(
        db,
        replace(
            model,
            title="Checkpoint closed",
            summary="Traffic stopped for a day.",
            notes="",
            actors=(),
            citations=tuple(replace(c, excerpt="") for c in model.citations),
            where=replace(model.where, name="Aleppo", admin1="", country="SY"),
        ),
    )
    for words in ("Iraq", "iraq", "IQ", "checkpoint iraq"):
        found = {row.id for row in incidents.list_incidents(db, IncidentQuery(text=words))}
        assert quiet.id in found, words
        assert elsewhere.id not in found, words
    syria = {row.id for row in incidents.list_incidents(db, IncidentQuery(text="Syria"))}
    assert elsewhere.id in syria


def test_the_upgrade_indexes_the_country_names_of_stored_incidents(tmp_path: Path) -> None:
    path = tmp_path / "before-0008.sqlite3"
    db = open_database(path)
    sample.load_sample(db)
    db.close()
    # The index as revision 0007 made it: the country as its code only.
    with sqlite3.connect(path) as connection:
        connection.execute(
            "UPDATE incident_fts SET places = (SELECT lower(trim(place_name || ' ' || admin1 "
            "|| ' ' || country)) FROM incidents WHERE incidents.id = incident_fts.rowid)"
        )
        connection.execute("UPDATE alembic_version SET version_num = '0007'")
        (before,) = connection.execute(
            "SELECT count(*) FROM incident_fts WHERE incident_fts MATCH 'places:iraq'"
        ).fetchone()
        (in_iraq,) = connection.execute(
            "SELECT count(*) FROM incidents WHERE country = 'IQ'"
        ).fetchone()
    connection.close()
    assert before < in_iraq  # by name, only places named after the country were found
    db = open_database(path)
    try:
        with db.begin() as session:  # every place in Iraq is found by its name now
            (after,) = (
                session.connection()
                .exec_driver_sql(
                    "SELECT count(*) FROM incident_fts WHERE incident_fts MATCH 'places:iraq'"
                )
                .one()
            )
        assert after == in_iraq
        assert incidents.count_incidents(db, IncidentQuery(text="Iraq")) >= in_iraq
    finally:
        db.close()
