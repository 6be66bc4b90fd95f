"""Report texts are kept with the database between reports."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import update

from desktop.services.report_settings import (
    KEY,
    ReportTexts,
    load_report_texts,
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
