"""Who took part: a small table of actor names, each with a role (claimed by, target…)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.domain import ACTOR_ROLE_LABELS, ActorRole
from desktop.services.dto import Actor

ActorsState = tuple[tuple[str, str], ...]

ROLE_HINTS: dict[ActorRole, str] = {
    ActorRole.PERPETRATOR: "Carried it out, as established by the sources.",
    ActorRole.CLAIMED_BY: "Said it did it. A claim is not an attribution.",
    ActorRole.ATTRIBUTED_TO: "Others (officials, analysts) say it did it.",
    ActorRole.TARGET: "Was attacked or affected.",
    ActorRole.OTHER: "Involved in another way.",
}


class ActorsEdit(QWidget):
    changed = Signal(str)  # "actors" after a row is added, removed, renamed or re-roled

    COL_NAME = 0
    COL_ROLE = 1

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, 2, self)
        self.table.setHorizontalHeaderLabels(["Actor", "Role"])
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(self.COL_NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(self.COL_ROLE, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(self.COL_ROLE, 170)
        self.table.itemChanged.connect(self._on_item_changed)

        self.add_button = QPushButton("A&dd actor", self)
        self.add_button.clicked.connect(self.add_row)
        self.remove_button = QPushButton("Remo&ve actor", self)
        self.remove_button.clicked.connect(self.remove_selected)
        self.remove_button.setEnabled(False)
        self.table.itemSelectionChanged.connect(
            lambda: self.remove_button.setEnabled(bool(self.table.selectedItems()))
        )

        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self._quiet = False

    def actors(self) -> tuple[Actor, ...]:
        return tuple(Actor(name.strip(), ActorRole(role)) for name, role in self.state())

    def set_actors(self, actors: tuple[Actor, ...]) -> None:
        self.set_state(tuple((a.name, ActorRole(a.role).value) for a in actors))

    def state(self) -> ActorsState:
        rows = []
        for row in range(self.table.rowCount()):
            item = self.table.item(row, self.COL_NAME)
            combo = self._role_combo(row)
            rows.append((item.text() if item else "", str(combo.currentData())))
        return tuple(rows)

    def set_state(self, state: ActorsState) -> None:
        self._quiet = True
        try:
            self.table.setRowCount(0)
            for name, role in state:
                self._append(name, role)
        finally:
            self._quiet = False

    def add_row(self) -> None:
        """A new blank actor, ready to type its name."""
        row = self._append("", ActorRole.OTHER.value)
        self.table.setCurrentCell(row, self.COL_NAME)
        self.table.setFocus()
        self.changed.emit("actors")
        item = self.table.item(row, self.COL_NAME)
        if item is not None:
            self.table.editItem(item)

    def remove_selected(self) -> None:
        rows = sorted({index.row() for index in self.table.selectedIndexes()}, reverse=True)
        for row in rows:
            self.table.removeRow(row)
        if rows:
            self.changed.emit("actors")

    def _append(self, name: str, role: str) -> int:
        quiet, self._quiet = self._quiet, True
        try:
            row = self.table.rowCount()
            self.table.insertRow(row)
            item = QTableWidgetItem(name)
            item.setToolTip("The actor's name as the sources give it.")
            self.table.setItem(row, self.COL_NAME, item)
            combo = QComboBox(self.table)
            for value, label in ACTOR_ROLE_LABELS.items():
                combo.addItem(label, value.value)
                combo.setItemData(combo.count() - 1, ROLE_HINTS[value], Qt.ItemDataRole.ToolTipRole)
            combo.setCurrentIndex(max(0, combo.findData(role)))
            combo.activated.connect(lambda _i: self.changed.emit("actors"))
            self.table.setCellWidget(row, self.COL_ROLE, combo)
            return row
        finally:
            self._quiet = quiet

    def _role_combo(self, row: int) -> QComboBox:
        combo = self.table.cellWidget(row, self.COL_ROLE)
        assert isinstance(combo, QComboBox)
        return combo

    def _on_item_changed(self, _item: QTableWidgetItem) -> None:
        if not self._quiet:
            self.changed.emit("actors")
