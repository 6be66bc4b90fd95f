"""Since the last report, in the export dialog: the report to compare with and the drafted
bottom line, driven as an analyst clicks them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPlainTextEdit

from desktop.errors import StoreError
from desktop.services import reporting
from desktop.services.dto import IncidentQuery
from desktop.services.report_records import ReportSummary
from desktop.services.report_settings import ReportScope
from desktop.services.sample import load_sample
from desktop.views.export_dialog import ExportDialog
from desktop.views.partials import task_runner
from desktop.views.partials.bluf_draft import ASK, BlufDraft
from desktop.views.partials.compare_with import NONE_TEXT, NOTHING_EARLIER, CompareWith
from tests.views.fakes import RecordingDialogs

if TYPE_CHECKING:
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from desktop.store.engine import Database

IRAQ = IncidentQuery(countries=("IQ",))
LEFT = Qt.MouseButton.LeftButton


def summary(report: str, day: int, incidents: int) -> ReportSummary:
    return ReportSummary(
        report,
        datetime(2023, 10, day, 12, 0, tzinfo=UTC),
        f"{day}2359ZOCT23",
        ReportScope.of(IRAQ),
        "TLP:CLEAR",
        "pdf",
        incidents,
    )


def test_the_draft_is_made_when_asked_and_taken_into_the_key_points(qtbot: QtBot) -> None:
    editor = QPlainTextEdit()
    asked: list[int] = []

    def drafter() -> tuple[str, ...]:
        asked.append(1)
        return ("3 incidents in Iraq; 1 of 3 confirmed.", "Killed: 2; injured: 0.")

    widget = BlufDraft(drafter)
    widget.chosen.connect(editor.setPlainText)
    qtbot.addWidget(widget)
    qtbot.addWidget(editor)
    widget.show()
    assert asked == []  # reading every incident waits until the analyst asks
    assert widget.draft_button.text() == ASK
    assert not widget.use_button.isEnabled()
    assert not widget.text.isVisible()
    qtbot.mouseClick(widget.draft_button, LEFT)
    assert (
        widget.text.text() == "• 3 incidents in Iraq; 1 of 3 confirmed.\n• Killed: 2; injured: 0."
    )
    assert editor.toPlainText() == ""  # shown, not yet taken
    qtbot.mouseClick(widget.use_button, LEFT)
    assert editor.toPlainText() == "3 incidents in Iraq; 1 of 3 confirmed.\nKilled: 2; injured: 0."
    widget.outdated()  # the scope changed
    assert widget.lines == ()
    assert not widget.use_button.isEnabled()
    assert not widget.text.isVisible()


def test_a_draft_that_cannot_be_made_says_why(qtbot: QtBot) -> None:
    def drafter() -> tuple[str, ...]:
        raise StoreError("The workspace is locked.")

    widget = BlufDraft(drafter)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.mouseClick(widget.draft_button, LEFT)
    assert widget.text.text() == "No draft: The workspace is locked."
    assert not widget.use_button.isEnabled()


def test_compare_with_offers_the_reports_newest_first_then_none(qtbot: QtBot) -> None:
    combo = CompareWith()
    qtbot.addWidget(combo)
    assert [combo.itemText(i) for i in range(combo.count())] == [NOTHING_EARLIER]
    assert combo.choice() is None
    combo.set_reports([summary("K7M2Q", 19, 5), summary("AB3CD", 18, 1)])
    texts = [combo.itemText(i) for i in range(combo.count())]
    assert texts == [
        "191200ZOCT23 · K7M2Q · 5 incidents",
        "181200ZOCT23 · AB3CD · 1 incident",
        NONE_TEXT,
    ]
    assert combo.choice() == "K7M2Q"  # the latest, as on the command line
    combo.setCurrentIndex(1)
    assert combo.choice() == "AB3CD"
    combo.set_reports([summary("NEW22", 20, 6), summary("K7M2Q", 19, 5), summary("AB3CD", 18, 1)])
    assert combo.choice() == "AB3CD"  # a refresh keeps what the analyst chose
    combo.setCurrentIndex(combo.findText(NONE_TEXT))
    assert combo.choice() is None
    combo.set_reports([summary("K7M2Q", 19, 5)])
    assert combo.choice() is None  # "none" chosen stays chosen


@pytest.fixture
def sample_db(db: Database) -> Database:
    load_sample(db)
    return db


def test_the_dialog_compares_with_the_chosen_report_and_offers_a_draft(
    qtbot: QtBot, sample_db: Database, tmp_path: Path
) -> None:
    first = reporting.export_sitrep(sample_db, tmp_path / "first.pdf", IRAQ)
    dialog = ExportDialog(sample_db, IRAQ, dialogs=RecordingDialogs(), opener=lambda _p: None)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    dialog.show()
    since_last = dialog.since_last
    assert since_last.choice() == first.report_id
    assert since_last.compare.currentText().endswith(f"· {first.report_id} · 5 incidents")
    # The draft, asked for and taken: the key points hold it for the analyst to edit.
    assert dialog.key_points.toPlainText() == ""
    qtbot.mouseClick(since_last.draft.draft_button, LEFT)
    drafted = since_last.draft.lines
    assert drafted[0].startswith("5 incidents (none new since ")
    assert drafted[0].endswith(") in Iraq; 2 of 5 confirmed.")
    qtbot.mouseClick(since_last.draft.use_button, LEFT)
    assert dialog.key_points.toPlainText() == "\n".join(drafted)
    # Another country: no earlier report of that scope, and the draft is dropped.
    dialog.country.setCurrentIndex(dialog.country.findText("Lebanon"))
    dialog.update_count()
    assert since_last.choice() is None
    assert since_last.compare.currentText() == NOTHING_EARLIER
    assert since_last.draft.lines == ()
    dialog.country.setCurrentIndex(dialog.country.findText("Iraq"))
    dialog.update_count()
    assert since_last.choice() == first.report_id
    # Exported: compared with the report chosen, and recorded for the next one.
    dialog.path_edit.setText(str(tmp_path / "second.pdf"))
    qtbot.mouseClick(dialog.export_button, LEFT)
    task = dialog._task
    assert task is not None
    qtbot.waitUntil(lambda: task.done, timeout=20_000)
    result = dialog.result_report
    assert result is not None
    assert result.compared_with == first.report_id
    assert result.changes.endswith(": no incident new, updated or gone.")
    assert task_runner.active_tasks() == []
