"""Duplicates in the window: offered after a save and after an import, found by Edit ▸ Find
duplicates…, merged or dismissed from the review dialog, and what the store holds after."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import Qt

from desktop.records import Actor, Where
from desktop.services import duplicates
from desktop.services import incidents as service
from desktop.services.dto import IncidentQuery
from desktop.views.duplicates_dialog import DuplicatesDialog
from desktop.views.main_window import MainWindow
from tests.views.fakes import RecordingDialogs

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from desktop.services.dto import IncidentData
    from desktop.store.engine import Database
    from tests.conftest import IncidentFactory

# Where the pictures of the dialog go, to be looked at (not compared).
PICTURES = Path("/tmp/d18png")


@pytest.fixture
def window(qtbot: QtBot, db: Database) -> MainWindow:
    win = MainWindow(db, offer_sample=False)
    win.dialogs = RecordingDialogs(answer=True)  # type: ignore[assignment]
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    return win


def _second_report(make_incident: IncidentFactory) -> IncidentData:
    return make_incident(
        title="Drones attack Ain al-Asad airbase",
        summary="Several drones were fired at the base in Anbar.",
        where=Where("Ain al-Asad", "Anbar", "IQ", 33.80, 42.47, 1),
        actors=(Actor("Islamic Resistance in Iraq"),),
        citations=make_incident().citations[1:],
    )


def _cell(dialog: DuplicatesDialog, row: int, column: int) -> str:
    item = dialog.table.item(row, column)
    assert item is not None
    return item.text()


def _review(window: MainWindow, qtbot: QtBot) -> DuplicatesDialog:
    qtbot.waitUntil(lambda: bool(window.findChildren(DuplicatesDialog)), timeout=10_000)
    dialog: DuplicatesDialog = window.findChildren(DuplicatesDialog)[-1]
    qtbot.waitExposed(dialog)
    return dialog


def test_saving_a_duplicate_offers_it_and_not_a_duplicate_is_remembered(
    qtbot: QtBot, window: MainWindow, db: Database, make_incident: IncidentFactory
) -> None:
    first = service.create_incident(db, make_incident())
    second = service.create_incident(db, _second_report(make_incident))
    duplicates.mark_not_duplicate(db, first.id or "", second.id or "")  # not offered: known
    rough = Where("", "", "IQ", precision=3)  # known only to the country
    third = service.create_incident(
        db, make_incident(title="Unrelated", summary="", where=rough, actors=())
    )
    assert duplicates.candidates_for(db, third.id or "") == []
    window.reload()
    editor = window._open_editor(third.id)
    editor.title_edit.clear()
    qtbot.keyClicks(editor.title_edit, "Drone attack at al-Asad airbase")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)

    dialog = _review(window, qtbot)
    assert "“Drone attack at al-Asad airbase” may record the same event" in dialog.intro.text()
    # Both score the same; equal scores come in no promised order (ids are random).
    pairs = [frozenset((p.a.id, p.b.id)) for p in dialog.pairs]
    assert len(pairs) == 2
    assert set(pairs) == {frozenset((first.id, third.id)), frozenset((second.id, third.id))}
    why = _cell(dialog, 0, 3).splitlines()
    assert why[:3] == ["same day", "same country: Iraq", "same event type"]
    assert any(line.startswith("titles ") for line in why)
    dialog.grab().save(str(PICTURES / "after-save.png"))

    shown_first, other = pairs  # the row selected, dismissed by the click below
    qtbot.mouseClick(dialog.dismiss_button, Qt.MouseButton.LeftButton)
    assert duplicates.dismissed_pairs(db) == {
        tuple(sorted((first.id or "", second.id or ""))),
        tuple(sorted(i or "" for i in shown_first)),
    }
    assert [frozenset((p.a.id, p.b.id)) for p in dialog.pairs] == [other]
    assert [frozenset((c.a.id, c.b.id)) for c in duplicates.candidates_for(db, third.id or "")] == [
        other
    ]


def test_find_duplicates_lists_pairs_and_merge_keeps_both_records_content(
    qtbot: QtBot, window: MainWindow, db: Database, make_incident: IncidentFactory
) -> None:
    first = service.create_incident(db, make_incident())
    second = service.create_incident(db, _second_report(make_incident))
    window.reload()
    assert window.actions_.find_duplicates.text() == "Find d&uplicates…"
    handle = window.find_duplicates()
    assert handle.wait(30_000)
    dialog = _review(window, qtbot)
    assert [(p.a.id, p.b.id) for p in dialog.pairs] == [(first.id, second.id)]
    assert _cell(dialog, 0, 1).startswith("Drone attack on al-Asad airbase")
    assert _cell(dialog, 0, 2).startswith("Drones attack Ain al-Asad airbase")
    assert _cell(dialog, 0, 3).splitlines()[:3] == [
        "same day",
        "3 km apart",
        "same event type",
    ]
    dialog.resize(1100, 360)
    dialog.grab().save(str(PICTURES / "find-duplicates.png"))

    asked: list[set[str]] = []

    def take_their_title(plan: object, _pair: object, keep_first: bool) -> set[str]:
        asked.append({c.part for c in plan.conflicts})  # type: ignore[attr-defined]
        assert keep_first
        return {"Title"}

    dialog.ask_merge = take_their_title
    qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
    assert asked == [{"Title", "Summary", "Where"}]
    assert dialog.pairs == []
    assert dialog.intro.text() == "No more pairs to review."
    live = service.get_incidents(db, IncidentQuery())
    assert [i.id for i in live] == [first.id]
    [merged] = live
    assert merged.title == "Drones attack Ain al-Asad airbase"
    assert len(merged.citations) == 2  # the other's citation joined the kept one's
    assert window.model.total == 1  # the window read the workspace again


def test_skip_leaves_the_pair_and_goes_to_the_next(
    qtbot: QtBot, window: MainWindow, db: Database, make_incident: IncidentFactory
) -> None:
    service.create_incident(db, make_incident())
    service.create_incident(db, _second_report(make_incident))
    service.create_incident(db, make_incident(title="Drone attack on al-Asad air base"))
    dialog = window.review_duplicates(duplicates.find_pairs(db))
    qtbot.waitExposed(dialog)
    assert len(dialog.pairs) == 3
    qtbot.mouseClick(dialog.skip_button, Qt.MouseButton.LeftButton)
    assert dialog.table.currentRow() == 1
    assert len(dialog.pairs) == 3
    assert duplicates.dismissed_pairs(db) == set()


def test_an_import_counts_the_new_incidents_with_candidates_and_offers_a_review(
    qtbot: QtBot,
    window: MainWindow,
    db: Database,
    make_incident: IncidentFactory,
    tmp_path: Path,
) -> None:
    first = service.create_incident(db, make_incident())
    exported = tmp_path / "one.json"
    handle = window.export_to("json", exported)
    assert handle is not None
    assert handle.wait(30_000)
    # The same file with the incident under another id: a colleague's copy of it.
    text = exported.read_text(encoding="utf-8").replace(
        first.id or "", "0" * 8 + "-1111-4111-8111-" + "1" * 12
    )
    exported.write_text(text, encoding="utf-8")
    handle = window.import_file(exported)
    assert handle is not None
    assert handle.wait(30_000)
    dialogs = window.dialogs
    assert isinstance(dialogs, RecordingDialogs)
    qtbot.waitUntil(lambda: bool(dialogs.asked), timeout=10_000)
    assert dialogs.asked[-1].startswith("1 new incident may record the same event as another")
    dialog = _review(window, qtbot)
    assert len(dialog.pairs) == 1
    assert dialog.pairs[0].reasons[:3] == ("same day", "under 1 km apart", "same event type")
    dialog.grab().save(str(PICTURES / "after-import.png"))
