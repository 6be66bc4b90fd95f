"""Render the main windows to PNG with the sample workspace: ``make screenshots``.

Runs offscreen on a throw-away database and settings folder, so it never touches the
analyst's own workspace; the pictures go to the folder given (``build/screenshots``).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtWidgets import QApplication, QDockWidget, QWidget

from desktop.services import sample
from desktop.services.workspace import new_scratch_workspace
from desktop.views.main_geo import MAP_DOCK, TIMELINE_DOCK
from desktop.views.main_window import MainWindow
from desktop.views.palette import follow_system_palette

if TYPE_CHECKING:
    from desktop.store.engine import Database

WINDOW_SIZE = (1360, 820)
# The window as it starts on a small screen and a full-HD one (main-window-1024x700.png …),
# to see that the map and timeline leave the table its rows.
START_SIZES = ((1024, 700), (1920, 1080))
GEO_SIZE = (1100, 720)  # map.png and timeline.png


def _grab(widget: QWidget, path: Path) -> Path:
    widget.show()
    QApplication.processEvents()
    widget.grab().save(str(path))
    return path


def _wait_for_geo(window: MainWindow) -> None:
    """Until the map's and the timeline's counts are drawn (they are read in workers)."""
    deadline = time.monotonic() + 30
    while len(window.geo_drawn) < 2 and time.monotonic() < deadline:
        QApplication.processEvents()
        time.sleep(0.01)


def _grab_geo(window: MainWindow, out: Path) -> list[Path]:
    """map.png and timeline.png: each dock floated alone at GEO_SIZE, then put back."""
    written = []
    for name, file in ((MAP_DOCK, "map.png"), (TIMELINE_DOCK, "timeline.png")):
        dock = window.findChild(QDockWidget, name)
        assert dock is not None
        dock.setFloating(True)
        dock.resize(*GEO_SIZE)
        dock.show()
        QApplication.processEvents()
        if name == MAP_DOCK and window.map_panel is not None:
            window.map_panel.canvas.home()
        elif window.timeline is not None:
            window.timeline.home()
        QApplication.processEvents()
        written.append(_grab(dock.widget(), out / file))
        dock.setFloating(False)
    QApplication.processEvents()
    return written


def render(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    follow_system_palette(app)
    written: list[Path] = []
    with tempfile.TemporaryDirectory() as scratch:
        QCoreApplication.setOrganizationName("incident-desk-screenshots")
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, scratch)
        db = new_scratch_workspace(Path(scratch) / "sample.sqlite3")
        sample.load_sample(db)
        window = MainWindow(db, offer_sample=False)
        window.resize(*WINDOW_SIZE)
        titles = [
            window.model.row_at(window.model.index(r, 0)) for r in range(window.model.rowCount())
        ]
        chosen = next((r for r in titles if r is not None and "al-Asad" in r.title), None)
        if chosen is not None:
            window.select_incident(chosen.id)
        window._build_geo()  # as attach() does once the window has painted
        _wait_for_geo(window)
        written.append(_grab(window, out / "main-window.png"))
        written += _grab_geo(window, out)

        editor = window.edit_incident()
        if editor is not None:
            editor.tabs.setCurrentIndex(editor.tabs.count() - 1)  # sources and confidence
            written.append(_grab(editor, out / "incident-editor.png"))
            editor.tabs.setCurrentIndex(0)
            written.append(_grab(editor, out / "incident-editor-event.png"))
            editor.reject()
        sources = window.show_sources()
        written.append(_grab(sources, out / "sources.png"))
        sources.close()
        export = window.export_sitrep()
        written.append(_grab(export, out / "export-dialog.png"))
        export.reject()
        window.close()
        written += [_grab_start(db, size, out) for size in START_SIZES]
        db.close()
    return written


def _grab_start(db: Database, size: tuple[int, int], out: Path) -> Path:
    """The window as it first opens at ``size``: no layout saved yet."""
    QSettings().clear()
    window = MainWindow(db, offer_sample=False)
    window.resize(*size)
    window.show()
    QApplication.processEvents()
    window._build_geo()
    _wait_for_geo(window)
    window.select_index(window.model.index(0, 0))
    path = _grab(window, out / f"main-window-{size[0]}x{size[1]}.png")
    window.close()
    return path


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "build/screenshots")
    for path in render(out):
        sys.stdout.write(f"{path}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
