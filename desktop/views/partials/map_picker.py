"""The editor's "Pick on map" on the main window's map dock.

The editor is window-modal, so while it shows, the window (and its map) takes no clicks:
picking hides the editor, shows and raises the map, and brings the editor back when the
point is clicked or Esc cancels. The editor's place field sees only ``pick_point()`` and
``point_picked``, as from any picker.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtWidgets import QDialog, QDockWidget

    from desktop.views.partials.map_panel import MapPanel

PROMPT = "Click the map where the incident took place (Esc cancels)."


class EditorMapPicker(QObject):
    point_picked = Signal(float, float)  # lat, lon

    def __init__(
        self,
        editor: QDialog,
        panel: MapPanel,
        dock: QDockWidget | None,
        say: Callable[[str], None],
    ) -> None:
        super().__init__(editor)
        self._editor = editor
        self._panel = panel
        self._dock = dock
        self._say = say
        self.picking = False

    def pick_point(self) -> None:
        if self.picking:
            return
        self.picking = True
        self._editor.hide()
        if self._dock is not None:
            self._dock.show()
            self._dock.raise_()
        self._panel.point_picked.connect(self._picked)
        self._panel.canvas.pick_cancelled.connect(self._cancelled)
        self._panel.pick_point()
        self._panel.canvas.setFocus()
        self._say(PROMPT)

    def _picked(self, lat: float, lon: float) -> None:
        self._back()
        self.point_picked.emit(lat, lon)

    def _cancelled(self) -> None:
        self._back()

    def _back(self) -> None:
        self._panel.point_picked.disconnect(self._picked)
        self._panel.canvas.pick_cancelled.disconnect(self._cancelled)
        self.picking = False
        self._say("")
        self._editor.show()
        self._editor.raise_()
        self._editor.activateWindow()
