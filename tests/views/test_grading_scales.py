"""The F1 reference card shows every grade of both scales at its default size."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QTableWidget

from desktop.views.grading_scales_dialog import GradingScalesDialog

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot


def test_all_six_grades_of_each_scale_show_at_the_default_size(qtbot: QtBot) -> None:
    dialog = GradingScalesDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    tables = dialog.findChildren(QTableWidget)
    assert len(tables) == 2
    line = dialog.fontMetrics().height()
    for table in tables:
        assert table.rowCount() == 6
        assert table.verticalScrollBar().maximum() == 0  # nothing to scroll to
        heights = [table.rowHeight(row) for row in range(6)]
        assert sum(heights) <= table.viewport().height()
        # No row is taller than its text (at most two lines here) and a margin.
        assert max(heights) <= 2 * line + 16, heights
        for row in range(6):
            rect = table.visualItemRect(table.item(row, 0))
            assert table.viewport().rect().contains(rect), row
