"""Choosing the source of a citation: a searchable list, or a new source made on the spot."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.domain import RELIABILITY, SOURCE_KIND_LABELS, SourceKind
from desktop.errors import DeskError
from desktop.services import sources as source_service
from desktop.views.partials.own_writes import announce
from desktop.views.partials.plain_widgets import plain_tooltip
from desktop.views.partials.source_form import SourceDialog

if TYPE_CHECKING:
    from collections.abc import Callable

    from desktop.services.dto import SourceData
    from desktop.store.engine import Database
    from desktop.views.partials.dialogs import Dialogs


def kind_label(kind: str) -> str:
    try:
        return SOURCE_KIND_LABELS[SourceKind(kind)]
    except ValueError:  # a kind this version does not know: shown as stored
        return kind


def reliability_label(code: str) -> str:
    """``B — Usually reliable``."""
    grade = RELIABILITY.get(code)
    return f"{code} — {grade.label}" if grade else code


def source_line(source: SourceData) -> str:
    """``U.S. Central Command — Military — B (Usually reliable)``."""
    grade = RELIABILITY.get(source.reliability)
    reliability = f"{source.reliability} ({grade.label})" if grade else source.reliability
    return f"{source.name} — {kind_label(source.kind)} — {reliability}"


def run_modal(dialog: QDialog) -> bool:
    return dialog.exec() == QDialog.DialogCode.Accepted


class SourcePicker(QWidget):
    """``source_changed`` fires with the chosen source, or None when nothing is chosen."""

    source_changed = Signal(object)
    chosen = Signal()  # a source was double-clicked or Enter pressed on it: done choosing

    def __init__(self, db: Database, dialogs: Dialogs, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._dialogs = dialogs
        # How the new-source form is shown; tests fill it in and accept instead.
        self.run_dialog: Callable[[QDialog], bool] = run_modal
        self._chosen: SourceData | None = None

        self.search_edit = QLineEdit(self)
        self.search_edit.setPlaceholderText("Search sources by name…")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.textChanged.connect(self._refresh)
        self.new_button = QPushButton("&New source…", self)
        self.new_button.setToolTip("Add a source that is not in the list yet, and choose it.")
        self.new_button.clicked.connect(self.create_source)
        self.list = QTreeWidget(self)
        self.list.setColumnCount(3)
        self.list.setHeaderLabels(["Source", "Kind", "Reliability"])
        self.list.setRootIsDecorated(False)
        self.list.setUniformRowHeights(True)
        self.list.setAllColumnsShowFocus(True)
        header = self.list.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.list.setMinimumHeight(140)
        self.list.currentItemChanged.connect(self._on_current)
        self.list.itemActivated.connect(lambda _item, _column: self.chosen.emit())
        # Down from the search field goes on to the list, as in a browser's address bar.
        self.search_edit.installEventFilter(self)

        top = QHBoxLayout()
        top.addWidget(self.search_edit, 1)
        top.addWidget(self.new_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.list, 1)
        self.setFocusProxy(self.search_edit)
        self._refresh()

    def source(self) -> SourceData | None:
        return self._chosen

    def select(self, slug: str) -> None:
        """Choose the source with this id, clearing the search so it is in the list."""
        if self.search_edit.text():
            self.search_edit.clear()  # refills the list
        item = self._item(slug)
        if item is None:
            # Made since the list was filled (New source… with an empty search): the
            # cleared search did not refill it, so it is read again.
            self._refresh()
            item = self._item(slug)
        if item is not None:
            self.list.setCurrentItem(item)
            self.list.scrollToItem(item)

    def _item(self, slug: str) -> QTreeWidgetItem | None:
        for row in range(self.list.topLevelItemCount()):
            item = self.list.topLevelItem(row)
            if item is not None and item.data(0, Qt.ItemDataRole.UserRole).id == slug:
                return item
        return None

    def create_source(self) -> None:
        dialog = SourceDialog(self, None, self._dialogs)
        dialog.setWindowTitle("New source")
        name = self.search_edit.text().strip()
        if name:  # what was searched for is most likely the new source's name
            dialog.name_edit.setText(name)
        accepted = self.run_dialog(dialog)
        dialog.deleteLater()
        if not accepted:
            return
        try:
            created = source_service.create_source(self._db, dialog.source_data())
        except DeskError as error:
            self._dialogs.warning("Could not add the source", str(error))
            return
        # The main window would otherwise take it for a change saved elsewhere.
        announce(self._db, f"Added source '{created.name}'.")
        self.select(created.id)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.search_edit
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Down
            and self.list.topLevelItemCount()
        ):
            self.list.setFocus()
            first = self.list.topLevelItem(0)
            if self.list.currentItem() is None and first is not None:
                self.list.setCurrentItem(first)
            return True
        return super().eventFilter(watched, event)

    def _refresh(self) -> None:
        chosen = self._chosen.id if self._chosen else None
        self.list.blockSignals(True)
        try:
            self.list.clear()
            for source in source_service.list_sources(self._db, self.search_edit.text()):
                item = QTreeWidgetItem(
                    [source.name, kind_label(source.kind), reliability_label(source.reliability)]
                )
                item.setData(0, Qt.ItemDataRole.UserRole, source)
                item.setToolTip(0, plain_tooltip(source.name))
                grade = RELIABILITY.get(source.reliability)
                if grade:
                    item.setToolTip(2, grade.meaning)
                self.list.addTopLevelItem(item)
                if source.id == chosen:
                    self.list.setCurrentItem(item)
        finally:
            self.list.blockSignals(False)
        only = self.list.topLevelItem(0) if self.list.topLevelItemCount() == 1 else None
        if self.list.currentItem() is None and only is not None and chosen is None:
            # One match to a search: it is what the analyst is looking for.
            self.list.setCurrentItem(only)

    def _on_current(self, item: QTreeWidgetItem | None, _previous: object) -> None:
        self._chosen = item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None
        self.source_changed.emit(self._chosen)
