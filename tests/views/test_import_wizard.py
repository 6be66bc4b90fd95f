"""File ▸ Import… of a spreadsheet: the wizard previews the first rows, guesses the mapping
from the headers, lets the analyst pick fields from dropdowns, lists every row's problems
before anything is written, saves presets, offers ACLED built in, then imports."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from openpyxl import Workbook
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtWidgets import QComboBox

from desktop.services.dto import IncidentQuery
from desktop.services.incidents import get_incidents
from desktop.views.import_wizard import NOT_IMPORTED, ImportWizard
from desktop.views.main_window import MainWindow
from desktop.views.partials.import_presets import ACLED, PresetStore
from tests.interchange.test_acled import ROWS, _csv
from tests.views.fakes import RecordingDialogs

if TYPE_CHECKING:
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from desktop.store.engine import Database


def _log(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in (
        ["Date", "What happened", "Town", "Country", "Dead"],
        [datetime(2023, 10, 17), "Drone attack on al-Asad", "al-Asad", "Iraq", 0],
        [None, "A row without a date", "Mosul", "Iraq", 1],
        ["2023-10-19", "Rockets near Erbil", "Erbil", "Narnia", "unknown"],
        ["2023-10-20", "Protest in Baghdad", "Baghdad", "IQ", ""],
    ):
        sheet.append(row)
    book.save(path)
    return path


def _window(qtbot: QtBot, db: Database) -> tuple[MainWindow, RecordingDialogs]:
    window = MainWindow(db, offer_sample=False)
    dialogs = RecordingDialogs()
    window.dialogs = dialogs  # type: ignore[assignment]
    qtbot.addWidget(window)
    window.show()
    return window, dialogs


def _combo(wizard: ImportWizard, column: int) -> QComboBox:
    combo = wizard.preview.cellWidget(0, column)
    assert isinstance(combo, QComboBox)
    return combo


def _pick(qtbot: QtBot, combo: QComboBox, key: str | None) -> None:
    """Choose an entry as a user does: open the dropdown, move to it, press Enter."""
    combo.setFocus()
    target = combo.findData(key)
    combo.showPopup()
    view = combo.view()
    view.setCurrentIndex(view.model().index(target, 0))
    qtbot.keyClick(view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: combo.currentIndex() == target)


def test_the_wizard_maps_checks_and_imports(
    qtbot: QtBot, db: Database, tmp_path: Path, monkeypatch: object
) -> None:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    monkeypatch.setattr(  # type: ignore[attr-defined]
        "desktop.views.import_wizard.PresetStore", lambda: PresetStore(settings)
    )
    window, dialogs = _window(qtbot, db)
    dialogs.open_answer = _log(tmp_path / "log.xlsx")
    window.actions_.import_file.trigger()
    wizard = window.findChild(ImportWizard)
    assert isinstance(wizard, ImportWizard)
    qtbot.waitUntil(wizard.isVisible)

    # Guessed from the headers: Date, Town, Country, Dead; "What happened" names no field.
    assert [_combo(wizard, i).currentData() for i in range(5)] == [
        "when.start", None, "where.name", "where.country", "casualties.killed"
    ]  # fmt: skip
    assert _combo(wizard, 1).currentText() == NOT_IMPORTED
    assert wizard.preview.item(1, 1).text() == "Drone attack on al-Asad"
    assert wizard.preview.rowCount() == 5  # the dropdowns, then four rows

    _pick(qtbot, _combo(wizard, 1), "title")
    assert wizard.mapping()["title"] == "What happened"
    problems = [wizard.problems.item(i).text() for i in range(wizard.problems.count())]
    assert problems == [
        "row 3: when.start: missing",
        "row 4: where.country: 'Narnia' is not a country (a name or an ISO 3166 code)",
    ]
    assert "2 rows ready to import; 2 rows with problems" in wizard.status.text()
    assert not wizard.import_button.isEnabled()  # nothing is written while rows are bad
    shot = tmp_path / "import-wizard.png"
    assert wizard.grab().save(str(shot))  # looked at while writing this test

    # Saved as a preset: offered the next time, with the same mapping.
    qtbot.keyClicks(wizard.preset_name, "Field team log")
    qtbot.mouseClick(wizard.save_preset, Qt.MouseButton.LeftButton)
    assert PresetStore(settings).saved()["Field team log"]["title"] == "What happened"
    assert wizard.preset.currentText() == "Field team log"

    box = wizard.skip_invalid  # clicked on its tick box, at its left end
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
    assert box.isChecked()
    assert wizard.import_button.isEnabled()
    qtbot.mouseClick(wizard.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(dialogs.told), timeout=30_000)
    title, text = dialogs.told[-1]
    assert title == "Import finished"
    assert "2 incidents added" in text
    assert "skipped row 3: when.start: missing" in text
    titles = sorted(i.title for i in get_incidents(db, IncidentQuery()))
    assert titles == ["Drone attack on al-Asad", "Protest in Baghdad"]


def test_an_acled_file_opens_with_the_acled_preset(
    qtbot: QtBot, db: Database, tmp_path: Path
) -> None:
    window, dialogs = _window(qtbot, db)
    path = tmp_path / "acled-download.csv"
    path.write_text(_csv(ROWS), "utf-8")
    dialogs.open_answer = path
    window.actions_.import_file.trigger()
    wizard = window.findChild(ImportWizard)
    assert isinstance(wizard, ImportWizard)
    assert wizard.preset.currentText() == ACLED
    assert not _combo(wizard, 0).isEnabled()  # ACLED's own columns: nothing to map
    assert "2 rows ready to import." in wizard.status.text()
    qtbot.mouseClick(wizard.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(dialogs.told), timeout=30_000)
    assert "2 incidents added" in dialogs.told[-1][1]
    assert len(get_incidents(db, IncidentQuery())) == 2
