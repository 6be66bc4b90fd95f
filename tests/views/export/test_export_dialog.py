"""The SITREP export dialog driven as an analyst would: filters, texts, export, problems."""

from __future__ import annotations

import threading
from datetime import date
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialog

from desktop.services import reporting
from desktop.services.dto import IncidentQuery
from desktop.services.report_settings import (
    ReportScope,
    ReportTexts,
    load_remembered,
    load_report_texts,
    save_report_texts,
)
from desktop.store.engine import sqlite_path
from desktop.views.partials.plain_widgets import plain_tooltip
from tests.views.export.driving import WAIT_MS, choose, export, pdf_text

if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

    from pytestqt.qtbot import QtBot

    from desktop.store.engine import Database
    from tests.views.fakes import RecordingDialogs


def test_filters_start_from_the_tables_query(make_dialog: Any, sample_db: Database) -> None:
    query = IncidentQuery(
        since=date(2023, 10, 12),
        until=date(2023, 10, 18),
        countries=("IQ",),
        tags=("drone",),
        event_types=("Explosions/Remote violence",),
        statuses=("confirmed",),
    )
    dialog = make_dialog(query)
    assert dialog.since.check.isChecked()
    assert dialog.since.edit.date() == QDate(2023, 10, 12)
    assert dialog.until.edit.date() == QDate(2023, 10, 18)
    assert dialog.country.currentText() == "Iraq"
    countries = [dialog.country.itemText(i) for i in range(dialog.country.count())]
    assert countries == ["Any country", "Iraq", "Lebanon", "Palestine, State of"]
    assert dialog.tag.currentText() == "drone"
    assert dialog.event_type.currentText() == "Explosions/Remote violence"
    assert dialog.keep_other.isVisibleTo(dialog)
    assert "status confirmed" in dialog.keep_other.text()
    assert dialog.query() == query  # nothing lost on the way through the dialog
    several = make_dialog(IncidentQuery(countries=("IQ", "LB"), tags=("retired tag",)))
    assert several.country.currentText() == "Iraq, Lebanon"
    assert several.tag.currentText() == "retired tag"  # kept though no incident has it
    assert several.query().countries == ("IQ", "LB")
    assert several.count_label.text() == "0 incidents will be included."
    expected = reporting.count_for_report(sample_db, query)
    assert (
        dialog.count_label.text()
        == f"{expected} incident{'s' if expected != 1 else ''} will be included."
    )


def test_the_tables_other_filters_can_be_dropped(qtbot: QtBot, make_dialog: Any) -> None:
    dialog = make_dialog(IncidentQuery(statuses=("confirmed",), text="drone"))
    assert dialog.keep_other.text() == (
        "Also apply the table's other filters: status confirmed; text “drone”"
    )
    assert dialog.count_label.text() == "2 incidents will be included."
    qtbot.mouseClick(dialog.keep_other, Qt.MouseButton.LeftButton)
    assert dialog.query() == IncidentQuery()
    qtbot.waitUntil(
        lambda: dialog.count_label.text() == "7 incidents will be included.", timeout=3000
    )


def test_no_filters_means_no_limits_and_the_whole_workspace(make_dialog: Any) -> None:
    dialog = make_dialog()
    assert not dialog.since.check.isChecked()
    assert dialog.since.edit.text() == "no limit"
    assert not dialog.keep_other.isVisibleTo(dialog)
    assert dialog.count_label.text() == "7 incidents will be included."
    assert dialog.title.text() == "Situation Report"
    assert dialog.marking.currentText() == "TLP:CLEAR"
    assert dialog.output_path() is not None
    assert dialog.output_path().name == "sitrep-2023-10-20.pdf"
    assert dialog.export_button.isEnabled()


def test_count_follows_the_filters_after_a_pause(qtbot: QtBot, make_dialog: Any) -> None:
    dialog = make_dialog()
    choose(dialog.country, "Lebanon")
    assert dialog.count_label.text() == "7 incidents will be included."  # debounced
    qtbot.waitUntil(
        lambda: dialog.count_label.text() == "1 incident will be included.", timeout=3000
    )
    choose(dialog.country, "Any country")
    choose(dialog.tag, "threat")
    qtbot.waitUntil(
        lambda: dialog.count_label.text() == "2 incidents will be included.", timeout=3000
    )


def test_nothing_to_report_disables_export_with_the_reason(qtbot: QtBot, make_dialog: Any) -> None:
    dialog = make_dialog()
    qtbot.mouseClick(dialog.since.check, Qt.MouseButton.LeftButton)
    assert dialog.since.edit.isEnabled()
    dialog.since.edit.setDate(QDate(2024, 1, 1))
    qtbot.waitUntil(lambda: not dialog.export_button.isEnabled(), timeout=3000)
    assert dialog.count_label.text() == "0 incidents will be included."
    assert dialog.problem_label.text() == (
        "No incident matches these choices: there is nothing to report."
    )
    assert dialog.export_button.toolTip() == plain_tooltip(dialog.problem_label.text())
    qtbot.mouseClick(dialog.since.check, Qt.MouseButton.LeftButton)  # back to no limit
    qtbot.waitUntil(dialog.export_button.isEnabled, timeout=3000)
    assert dialog.problem_label.text() == ""


def test_period_that_ends_before_it_starts_is_refused(qtbot: QtBot, make_dialog: Any) -> None:
    dialog = make_dialog(IncidentQuery(since=date(2023, 10, 10), until=date(2023, 10, 18)))
    dialog.until.edit.setDate(QDate(2023, 10, 1))
    assert dialog.problem_label.text() == "The period ends before it starts."
    assert not dialog.export_button.isEnabled()


def test_export_writes_the_pdf_keeps_the_texts_and_says_what_it_wrote(
    qtbot: QtBot,
    make_dialog: Any,
    sample_db: Database,
    fake: RecordingDialogs,
    opened: list[Path],
    tmp_path: Path,
) -> None:
    dialog = make_dialog(IncidentQuery(countries=("IQ",)))
    dialog.title.clear()
    qtbot.keyClicks(dialog.title, "Iraq weekly")
    qtbot.keyClicks(dialog.key_points, "Two drone attacks on U.S. bases.")
    qtbot.keyClick(dialog.key_points, Qt.Key.Key_Return)
    qtbot.keyClicks(dialog.key_points, "Claims came within hours.")
    qtbot.keyClicks(dialog.assessment, "Further attacks are likely.")
    qtbot.keyClicks(dialog.author, "J. Analyst")
    qtbot.keyClicks(dialog.organisation, "Security Desk")
    dialog.marking.setCurrentText("tlp:green")
    out = tmp_path / "out" / "iraq.pdf"
    dialog.path_edit.setText(str(out))
    dialog.open_when_done.setChecked(True)

    export(qtbot, dialog)

    assert dialog.result() == QDialog.DialogCode.Accepted
    result = dialog.result_report
    assert result is not None
    assert result.path == out
    assert out.is_file()
    assert not [p for p in out.parent.iterdir() if p.name.endswith(".part")]
    text = pdf_text(out)
    assert "Iraq weekly" in text
    for fragment in (
        "Drone attacks on al-Asad airbase",
        "Drone intercepted near al-Harir airbase",
        # By the default rule the others are in Annex A only.
        "Significant: confirmed or with casualties, the 20 highest-scoring;",
        "Annex A — all incidents",
    ):
        assert fragment in text
    assert "Iran-aligned Iraqi groups form a joint operations room" not in text
    assert "al-Ahli Arab Hospital" not in text  # Gaza: not in the Iraq filter
    assert "Two drone attacks on U.S. bases." in text
    assert "Further attacks are likely." in text
    assert result.incidents == 5
    assert result.marking == "TLP:GREEN"
    assert fake.kinds() == ["information"]
    _kind, title, summary = fake.messages[0]
    assert title == "SITREP written"
    assert summary.startswith(f"{result.pages} pages, 5 incidents, marked TLP:GREEN.")
    assert str(out) in summary
    assert opened == [out]
    assert load_report_texts(sample_db) == ReportTexts(
        title="Iraq weekly",
        author="J. Analyst",
        organisation="Security Desk",
        marking="TLP:GREEN",
        key_points=("Two drone attacks on U.S. bases.", "Claims came within hours."),
        assessment="Further attacks are likely.",
    )
    assert reporting.last_export_folder(sample_db) == out.parent


def test_texts_and_folder_come_back_next_time(
    make_dialog: Any, sample_db: Database, tmp_path: Path
) -> None:
    save_report_texts(
        sample_db,
        ReportTexts(
            title="Levant daily",
            author="A. N. Other",
            organisation="Desk",
            marking="SECRET//REL TO GBR",
            key_points=("First point.", "Second point."),
            assessment="Almost certainly more to come.",
        ),
        ReportScope.of(IncidentQuery()),  # the scope the dialog opens with
    )
    reporting.remember_export_folder(sample_db, tmp_path)
    dialog = make_dialog()
    assert dialog.title.text() == "Levant daily"
    assert dialog.key_points.toPlainText() == "First point.\nSecond point."
    assert dialog.assessment.toPlainText() == "Almost certainly more to come."
    assert dialog.author.text() == "A. N. Other"
    assert dialog.organisation.text() == "Desk"
    assert dialog.marking.currentText() == "SECRET//REL TO GBR"
    assert dialog.output_path() == tmp_path / "sitrep-2023-10-20.pdf"


def test_raised_marking_is_reported(
    qtbot: QtBot, make_dialog: Any, fake: RecordingDialogs, tmp_path: Path
) -> None:
    dialog = make_dialog(IncidentQuery(countries=("LB",)))  # the one TLP:AMBER incident
    dialog.path_edit.setText(str(tmp_path / "lb"))  # ".pdf" is added
    export(qtbot, dialog)
    assert dialog.result_report is not None
    assert dialog.result_report.path == tmp_path / "lb.pdf"
    assert dialog.result_report.marking_raised
    [(_kind, _title, summary)] = fake.messages
    assert "The marking was raised to TLP:AMBER" in summary


def test_bad_folder_is_a_warning_and_everything_typed_stays(
    qtbot: QtBot, make_dialog: Any, fake: RecordingDialogs, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    dialog = make_dialog()
    qtbot.keyClicks(dialog.key_points, "Keep me.")
    qtbot.keyClicks(dialog.assessment, "And me.")
    dialog.path_edit.setText(str(blocker / "brief.pdf"))
    export(qtbot, dialog)
    assert dialog.isVisible()
    assert dialog.result_report is None
    [(kind, title, text)] = fake.messages
    assert (kind, title) == ("warning", "The SITREP was not written")
    assert text.startswith(f"out: cannot write {blocker / 'brief.pdf'}")
    assert "Traceback" not in text
    assert dialog.key_points.toPlainText() == "Keep me."
    assert dialog.assessment.toPlainText() == "And me."
    assert dialog.path_edit.text() == str(blocker / "brief.pdf")
    assert dialog.export_button.isEnabled()  # fix the path and try again


def test_existing_file_is_replaced_only_when_the_analyst_agrees(
    qtbot: QtBot, make_dialog: Any, fake: RecordingDialogs, tmp_path: Path
) -> None:
    out = tmp_path / "old.pdf"
    out.write_bytes(b"older report")
    dialog = make_dialog()
    dialog.path_edit.setText(str(out))
    fake.answer = False
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert fake.kinds() == ["question"]
    assert dialog._task is None
    assert out.read_bytes() == b"older report"
    fake.answer = True
    export(qtbot, dialog)
    assert out.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize("chosen", ["symlink", "browse"])
def test_the_workspace_is_never_offered_for_replacing(
    qtbot: QtBot,
    make_dialog: Any,
    sample_db: Database,
    fake: RecordingDialogs,
    tmp_path: Path,
    chosen: str,
) -> None:
    workspace = sqlite_path(sample_db.url)
    if workspace is None:
        pytest.skip("a PostgreSQL workspace has no file to overwrite")
    alias = tmp_path / "brief.pdf"  # the dialog adds .pdf: reach the workspace by a link
    alias.symlink_to(workspace)
    before = workspace.read_bytes()
    dialog = make_dialog()
    if chosen == "browse":
        fake.save_answer = alias
        qtbot.mouseClick(dialog.browse, Qt.MouseButton.LeftButton)
    else:
        dialog.path_edit.setFocus()
        qtbot.keyClick(dialog.path_edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClicks(dialog.path_edit, str(alias))
    fake.messages.clear()
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    [(kind, title, text)] = fake.messages  # no "Replace the file?" question first
    assert (kind, title) == ("warning", "The SITREP cannot be written there")
    assert "is the workspace itself" in text
    assert dialog._task is None
    assert dialog.isVisible()
    assert workspace.read_bytes() == before


def test_a_path_typed_key_by_key_is_never_an_error(qtbot: QtBot, make_dialog: Any) -> None:
    dialog = make_dialog()
    dialog.path_edit.setFocus()
    qtbot.keyClick(dialog.path_edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(dialog.path_edit, "/")  # the folder so far, with no file name yet
    assert dialog.output_path() is None
    assert dialog.problem() == "Choose where to save the report."
    qtbot.keyClicks(dialog.path_edit, "tmp/")
    assert dialog.output_path() is None
    qtbot.keyClicks(dialog.path_edit, "brief")
    assert str(dialog.output_path()) == "/tmp/brief.pdf"


def test_browse_fills_the_path(
    qtbot: QtBot, make_dialog: Any, fake: RecordingDialogs, tmp_path: Path
) -> None:
    dialog = make_dialog()
    fake.save_answer = tmp_path / "chosen.pdf"
    qtbot.mouseClick(dialog.browse, Qt.MouseButton.LeftButton)
    assert dialog.path_edit.text() == str(tmp_path / "chosen.pdf")
    assert fake.messages[0][2].endswith("sitrep-2023-10-20.pdf")


def test_too_many_key_points_are_refused_not_dropped(make_dialog: Any) -> None:
    dialog = make_dialog()
    dialog.key_points.setPlainText("\n".join(f"Point {n}" for n in range(12)))
    assert dialog.problem_label.text() == "At most 10 key points, one per line (there are 12)."
    assert not dialog.export_button.isEnabled()


def test_cancel_during_the_export_writes_nothing_and_keeps_the_dialog(
    qtbot: QtBot,
    make_dialog: Any,
    fake: RecordingDialogs,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    release = threading.Event()
    entered = threading.Event()
    real_prepare = reporting.prepare

    def slow_prepare(*args: Any, **kwargs: Any) -> Any:
        entered.set()
        release.wait(10)
        return real_prepare(*args, **kwargs)

    monkeypatch.setattr(reporting, "prepare", slow_prepare)
    dialog = make_dialog()
    out = tmp_path / "never.pdf"
    dialog.path_edit.setText(str(out))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    task = dialog._task
    assert task is not None
    assert not dialog.export_button.isEnabled()  # no second export while one runs
    assert entered.wait(10)
    qtbot.waitUntil(task.dialog.isVisible, timeout=WAIT_MS)
    task.dialog.grab().save("/tmp/exporter/export_progress.png")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # Esc on the export dialog cancels the export
    assert task.cancel_requested
    release.set()
    qtbot.waitUntil(lambda: task.done, timeout=WAIT_MS)
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]
    assert dialog.isVisible()
    assert dialog.result_report is None
    assert dialog.problem_label.text() == "Export cancelled; no file was written."
    assert fake.messages == []
    assert dialog.export_button.isEnabled()


def test_closing_mid_export_joins_the_thread(
    qtbot: QtBot, make_dialog: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entered = threading.Event()
    real_prepare = reporting.prepare

    def slow_prepare(*args: Any, **kwargs: Any) -> Any:
        entered.set()
        threading.Event().wait(0.2)
        return real_prepare(*args, **kwargs)

    monkeypatch.setattr(reporting, "prepare", slow_prepare)
    dialog = make_dialog()
    dialog.path_edit.setText(str(tmp_path / "gone.pdf"))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    task = dialog._task
    assert task is not None
    assert entered.wait(10)
    dialog.done(QDialog.DialogCode.Rejected)  # the window goes away programmatically
    assert task.done
    assert not task.is_running()
    assert not (tmp_path / "gone.pdf").exists()


def test_screenshot(make_dialog: Any) -> None:
    dialog = make_dialog(IncidentQuery(countries=("IQ",), text="drone"))
    dialog.key_points.setPlainText(
        "Two drone attacks on U.S. bases in Iraq on 17 Oct.\n"
        "Islamic Resistance in Iraq claimed both within hours."
    )
    dialog.assessment.setPlainText("Further attacks are likely (moderate confidence).")
    dialog.author.setText("J. Analyst")
    dialog.organisation.setText("Security Desk")
    dialog.grab().save("/tmp/exporter/export_dialog_test.png")


def test_texts_written_for_another_scope_are_not_filled_in_silently(
    qtbot: QtBot, make_dialog: Any, sample_db: Database, tmp_path: Path
) -> None:
    iraq = ReportScope.of(IncidentQuery(countries=("IQ",)))
    texts = ReportTexts(title="SITREP Iraq", key_points=("Iraq point.",), assessment="Iraq view.")
    save_report_texts(sample_db, texts, iraq)
    dialog = make_dialog(IncidentQuery(countries=("LB",)))
    assert dialog.key_points.toPlainText() == ""
    assert dialog.assessment.toPlainText() == ""
    assert dialog.scope_note.isVisible()
    note = dialog.scope_note.label.text()
    assert "written for an earlier report (country Iraq)" in note
    assert "not for this scope (country Lebanon)" in note
    # Exporting this report does not erase what was written for Iraq ...
    dialog.path_edit.setText(str(tmp_path / "lb.pdf"))
    export(qtbot, dialog)
    assert "Iraq point." not in pdf_text(tmp_path / "lb.pdf")
    assert load_remembered(sample_db).texts.key_points == ("Iraq point.",)
    # ... which come back, unannounced, for a report on Iraq.
    again = make_dialog(IncidentQuery(countries=("IQ",)))
    assert again.key_points.toPlainText() == "Iraq point."
    assert not again.scope_note.isVisible()


def test_texts_for_another_scope_can_be_taken_deliberately(
    make_dialog: Any, sample_db: Database
) -> None:
    iraq = ReportScope.of(IncidentQuery(countries=("IQ",)))
    save_report_texts(sample_db, ReportTexts(key_points=("Iraq point.",)), iraq)
    dialog = make_dialog(IncidentQuery(countries=("LB",)))
    dialog.scope_note.button.click()
    assert dialog.key_points.toPlainText() == "Iraq point."
    assert not dialog.scope_note.isVisible()


def test_too_many_key_points_are_refused_in_the_services_words(
    qtbot: QtBot, make_dialog: Any
) -> None:
    from desktop.services.report_request import MAX_KEY_POINTS, check_request

    dialog = make_dialog(IncidentQuery())
    lines = [f"Point {n}" for n in range(MAX_KEY_POINTS + 1)]
    dialog.key_points.setPlainText("\n".join(lines))
    (expected,) = check_request(
        since=None, until=None, title="t", marking="TLP:CLEAR", key_points=lines
    )
    assert dialog.problem_label.text() == expected.message
    assert dialog.problem_label.text() == "At most 10 key points, one per line (there are 11)."
    assert not dialog.export_button.isEnabled()
    dialog.key_points.setPlainText("\n".join(lines[:MAX_KEY_POINTS]))
    assert dialog.problem_label.text() != expected.message


def test_rule_pins_release_level_and_judgements_reach_the_pdf(
    qtbot: QtBot, make_dialog: Any, sample_db: Database, tmp_path: Path
) -> None:
    from desktop.services.incidents import get_incidents

    ids = {i.title: i.id or "" for i in get_incidents(sample_db, IncidentQuery())}
    operations = next(i for t, i in ids.items() if t.startswith("Iran-aligned"))
    asad = next(i for t, i in ids.items() if "al-Asad" in t)
    dialog = make_dialog(IncidentQuery())
    editor = dialog.significance
    dialog.tabs.setCurrentWidget(editor)
    # Only pinned incidents: untick every criterion and keep the top 1 of nothing.
    editor.confirmed.click()
    editor.casualties.click()
    editor.limit.click()
    assert editor.words.text() == "Significant: every incident"
    editor.confirmed.click()
    assert editor.words.text() == "Significant: confirmed"
    qtbot.keyClicks(editor.pinned, operations[:8])
    dialog.max_marking.setCurrentIndex(dialog.max_marking.findData("TLP:GREEN"))

    judgements = dialog.judgements
    dialog.tabs.setCurrentWidget(judgements)
    qtbot.mouseClick(judgements.add_button, Qt.MouseButton.LeftButton)
    table = judgements.table
    table.item(0, 0).setText("Attacks on U.S. bases will go on")
    # Likelihood and confidence are chosen apart; Export waits for both.
    assert "Key judgement 1: give a likelihood word" in dialog.problem_label.text()
    assert not dialog.export_button.isEnabled()
    table.cellWidget(0, 1).setCurrentIndex(5)  # likely (55–80%)
    assert "give an analytic confidence" in dialog.problem_label.text()
    table.cellWidget(0, 2).setCurrentIndex(2)  # Moderate
    table.item(0, 3).setText(asad[:8])
    assert dialog.problem_label.text() == ""

    out = tmp_path / "release.pdf"
    dialog.path_edit.setText(str(out))
    export(qtbot, dialog)
    result = dialog.result_report
    assert result is not None
    every = get_incidents(sample_db, IncidentQuery())
    above_green = [i for i in every if i.marking in ("TLP:AMBER", "TLP:AMBER+STRICT", "TLP:RED")]
    assert result.withheld == len(above_green) > 0
    text = pdf_text(out)
    squeezed = "".join(text.split())
    assert "Iran-aligned Iraqi groups form a joint operations room" in text  # pinned
    assert "1 incident pinned" in text
    assert "AttacksonU.S.baseswillgoon" in squeezed
    assert "55–80%" in text
    assert "TLP:GREEN: Limited disclosure" in text
    assert f"{len(above_green)} incident" in text
    assert "withheld above TLP:GREEN." in text
    remembered = load_remembered(sample_db).texts
    assert remembered.significance == "confirmed"
    assert remembered.judgements[0].likelihood == "likely"
    assert remembered.judgements[0].confidence == "moderate"


def test_browse_offers_word_too_and_a_docx_is_written_as_word(
    qtbot: QtBot, make_dialog: Any, fake: RecordingDialogs, tmp_path: Path
) -> None:
    from docx import Document

    dialog = make_dialog(IncidentQuery(countries=("IQ",)))
    fake.save_answer = tmp_path / "editable.docx"
    qtbot.mouseClick(dialog.browse, Qt.MouseButton.LeftButton)
    assert fake.filters == ["PDF (*.pdf);;Word document (*.docx)"]
    assert dialog.output_path() == tmp_path / "editable.docx"  # no .pdf added
    assert dialog.export_button.toolTip() == plain_tooltip("Write the Word document")
    export(qtbot, dialog)
    assert dialog.result_report is not None
    assert dialog.result_report.path == tmp_path / "editable.docx"
    assert dialog.result_report.pages == 0  # Word lays out the pages
    text = "\n".join(p.text for p in Document(str(tmp_path / "editable.docx")).paragraphs)
    assert "Key points" in text
    [(_kind, _title, summary)] = fake.messages[-1:]
    assert summary.startswith("A Word document, ")
    # Typed, the suffix decides as well; anything else is a PDF.
    dialog.path_edit.setText(str(tmp_path / "brief.DOCX"))
    assert dialog.output_kind() == "Word document"
    dialog.path_edit.setText(str(tmp_path / "brief.txt"))
    assert dialog.output_path() == tmp_path / "brief.txt.pdf"
    assert dialog.output_kind() == "PDF"


def test_a_name_without_a_suffix_takes_the_chosen_filters() -> None:
    from pathlib import Path

    from desktop.views.partials.dialogs import with_filter_suffix

    assert with_filter_suffix(Path("/r/brief"), "Word document (*.docx)") == Path("/r/brief.docx")
    assert with_filter_suffix(Path("/r/brief"), "PDF (*.pdf)") == Path("/r/brief.pdf")
    assert with_filter_suffix(Path("/r/brief.pdf"), "Word document (*.docx)") == Path(
        "/r/brief.pdf"
    )
    assert with_filter_suffix(Path("/r/brief"), "") == Path("/r/brief")
