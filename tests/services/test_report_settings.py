"""Report texts are kept with the database between reports."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import update

from desktop.reports.sitrep_judgements import Judgement
from desktop.services.dto import IncidentQuery
from desktop.services.report_settings import (
    KEY,
    ReportScope,
    ReportTexts,
    load_remembered,
    load_report_texts,
    remember_report,
    save_report_texts,
)
from desktop.store.models import Setting

if TYPE_CHECKING:
    from desktop.store.engine import Database


def test_defaults_when_nothing_saved(db: Database) -> None:
    assert load_report_texts(db) == ReportTexts()


def test_saved_texts_come_back(db: Database) -> None:
    texts = ReportTexts(
        title="Iraq weekly <b>",
        author="J. Analyst",
        organisation="Desk & Co",
        marking="TLP:AMBER",
        key_points=("Attacks rose 🚀", "  ", "كتائب حزب الله threatened more"),
        assessment="We assess with moderate confidence …",
    )
    save_report_texts(db, texts)
    loaded = load_report_texts(db)
    assert loaded.key_points == ("Attacks rose 🚀", "كتائب حزب الله threatened more")
    assert loaded.title == texts.title
    assert loaded.assessment == texts.assessment
    save_report_texts(db, ReportTexts(author="Someone else"))
    assert load_report_texts(db).author == "Someone else"


def test_damaged_value_falls_back_to_defaults(db: Database) -> None:
    save_report_texts(db, ReportTexts(author="x"))
    with db.begin() as session:
        session.execute(update(Setting).where(Setting.key == KEY).values(value="{not json"))
    assert load_report_texts(db) == ReportTexts()


IRAQ = ReportScope.of(IncidentQuery(countries=("IQ",), since=date(2023, 10, 1)))
LEBANON = ReportScope.of(IncidentQuery(countries=("LB",), since=date(2023, 10, 1)))
WRITTEN = datetime(2023, 10, 18, 12, 0, tzinfo=UTC)
IRAQ_TEXTS = ReportTexts(
    title="SITREP Iraq", author="J. Analyst", key_points=("Iraq point",), assessment="Iraq view"
)


def test_texts_are_kept_with_the_scope_they_were_written_for(db: Database) -> None:
    save_report_texts(db, IRAQ_TEXTS, IRAQ, WRITTEN)
    remembered = load_remembered(db)
    assert remembered.scope == IRAQ
    assert remembered.written_at == WRITTEN
    assert (
        remembered.origin() == "the report of 181200ZOCT23 (period 2023-10-01 to …; country Iraq)"
    )
    assert remembered.for_scope(IRAQ) == IRAQ_TEXTS
    other = remembered.for_scope(LEBANON)
    assert (other.key_points, other.assessment) == ((), "")
    assert (other.title, other.author) == ("SITREP Iraq", "J. Analyst")
    # The same filters given in another order are the same scope.
    assert ReportScope.of(IncidentQuery(countries=("LB", "IQ"))) == ReportScope.of(
        IncidentQuery(countries=("IQ", "LB"))
    )


def test_a_value_stored_without_a_scope_is_read_but_not_offered(db: Database) -> None:
    old = '{"title": "Old", "key_points": ["Old point"], "assessment": "Old view"}'
    with db.begin() as session:
        session.add(Setting(key=KEY, value=old))
    remembered = load_remembered(db)
    assert load_report_texts(db).key_points == ("Old point",)
    assert remembered.scope is None
    assert remembered.for_scope(IRAQ).key_points == ()
    assert remembered.for_scope(IRAQ).title == "Old"
    assert "whose scope was not recorded" in remembered.origin()


def test_a_report_of_another_scope_does_not_erase_them(db: Database) -> None:
    save_report_texts(db, IRAQ_TEXTS, IRAQ, WRITTEN)
    lebanon = replace(load_remembered(db).for_scope(LEBANON), author="Someone else")
    remember_report(db, lebanon, LEBANON, load_remembered(db))
    kept = load_remembered(db)
    assert kept.texts.key_points == ("Iraq point",)
    assert kept.texts.author == "Someone else"
    assert kept.scope == IRAQ
    own = replace(lebanon, key_points=("Lebanon point",))
    remember_report(db, own, LEBANON, kept)
    assert load_remembered(db).scope == LEBANON
    assert load_remembered(db).for_scope(IRAQ).key_points == ()


def test_key_judgements_are_remembered_with_their_scope(db: Database) -> None:
    judgement = Judgement("Raids go on", "likely", "moderate", ("id-1", "id-2"), "Supply", "Claims")
    texts = replace(IRAQ_TEXTS, judgements=(judgement,), significance="top=5")
    save_report_texts(db, texts, IRAQ, WRITTEN)
    remembered = load_remembered(db)
    assert remembered.for_scope(IRAQ).judgements == (judgement,)
    assert remembered.for_scope(LEBANON).judgements == ()
    assert remembered.for_scope(LEBANON).significance == "top=5"  # a rule is not a judgement
    # A report of another scope without judgements of its own keeps them for Iraq's.
    remember_report(db, remembered.for_scope(LEBANON), LEBANON, remembered)
    assert load_remembered(db).for_scope(IRAQ).judgements == (judgement,)
