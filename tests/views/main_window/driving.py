"""Reading and choosing the main window's rows, as the analyst sees them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop.views.partials.incident_table_model import IncidentTableModel

if TYPE_CHECKING:
    from desktop.views.main_window import MainWindow


def titles(win: MainWindow) -> list[str]:
    model = win.model
    return [
        str(model.data(model.index(r, IncidentTableModel.COL_TITLE)))
        for r in range(model.rowCount())
    ]


def select_row(win: MainWindow, title_part: str) -> None:
    row = next(i for i, t in enumerate(titles(win)) if title_part in t)
    win.table.selectRow(row)
