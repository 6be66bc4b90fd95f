"""The map dock's content: a row of tools above the :class:`MapCanvas`.

Zoom in and out, back to the incidents, the box tool (a plain drag draws a box instead of
panning) and the colouring (event type or status). :meth:`pick_point` and
:attr:`point_picked` are the canvas's, for whoever needs a point picked on the map.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QToolButton, QVBoxLayout, QWidget

from desktop.views.partials.map_canvas import ZOOM_STEP, MapCanvas

COLOURINGS = (("Colour by event type", "event_type"), ("Colour by status", "status"))


class MapPanel(QWidget):
    point_picked = Signal(float, float)  # lat, lon: see pick_point()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.canvas = MapCanvas(self)
        self.canvas.point_picked.connect(self.point_picked)
        tools = QHBoxLayout()
        tools.setContentsMargins(4, 2, 4, 2)
        self.zoom_in = self._button("+", "Zoom in (+, or the mouse wheel)")
        self.zoom_in.clicked.connect(lambda: self.canvas.zoom_by(ZOOM_STEP))
        self.zoom_out = self._button("−", "Zoom out (-, or the mouse wheel)")
        self.zoom_out.clicked.connect(lambda: self.canvas.zoom_by(1 / ZOOM_STEP))
        self.reset = self._button("Show all", "Back to the incidents shown (0)")
        self.reset.clicked.connect(self.canvas.home)
        self.box = self._button(
            "Box filter", "Drag a box to show only the incidents in it (or Shift+drag)"
        )
        self.box.setCheckable(True)
        self.box.toggled.connect(self._box_toggled)
        self.colouring = QComboBox(self)
        self.colouring.setToolTip("What the markers' colours stand for")
        for label, value in COLOURINGS:
            self.colouring.addItem(label, value)
        self.colouring.currentIndexChanged.connect(
            lambda _i: self.canvas.set_colour_by(self.colouring.currentData())
        )
        for widget in (self.zoom_in, self.zoom_out, self.reset, self.box):
            tools.addWidget(widget)
        tools.addStretch(1)
        tools.addWidget(self.colouring)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(tools)
        layout.addWidget(self.canvas, 1)

    def _button(self, text: str, tip: str) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setToolTip(tip)
        button.setAutoRaise(True)
        return button

    def _box_toggled(self, on: bool) -> None:
        self.canvas.box_mode = on

    def pick_point(self) -> None:
        """The next click on the map is a point: :attr:`point_picked` (lat, lon) follows;
        Esc on the map cancels (the canvas's ``pick_cancelled``)."""
        self.canvas.pick_point()
