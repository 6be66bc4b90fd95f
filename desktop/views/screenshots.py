"""Render the main windows to PNG with the sample workspace: ``make screenshots``.

Runs offscreen on a throw-away database and settings folder, so it never touches the
analyst's own workspace; the pictures go to the folder given (``build/screenshots``).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtWidgets import QApplication, QWidget

from desktop.services import sample
from desktop.services.workspace import new_scratch_workspace
from desktop.views.main_window import MainWindow
from desktop.views.palette import follow_system_palette

WINDOW_SIZE = (1360, 820)


def _grab(widget: QWidget, path: Path) -> Path:
    widget.show()
    QApplication.processEvents()
    widget.grab().save(str(path))
    return path


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
        written.append(_grab(window, out / "main-window.png"))

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
        db.close()
    return written


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "build/screenshots")
    for path in render(out):
        sys.stdout.write(f"{path}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
