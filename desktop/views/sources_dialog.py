"""The sources manager: find, add, edit, merge and delete the workspace's sources.

A source is graded once (its reliability) and cited by many incidents, so the manager shows
how often each one is cited: a cited source cannot be deleted, only merged into another,
which moves its citations. Every write goes through :mod:`desktop.services.sources`, and a
refused save reopens the form with what the analyst typed so nothing is lost.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import ConflictError, DeskError, NotFoundError
from desktop.services import sources as source_service
from desktop.services.dto import SourceData
from desktop.views.partials.dialogs import Dialogs
from desktop.views.partials.plain_widgets import TableKeys, plain_label, side_button
from desktop.views.partials.source_form import SourceDialog
from desktop.views.partials.source_table_model import (
    SourceTableModel,
    kind_label,
    reliability_text,
)
from desktop.wording import plural

if TYPE_CHECKING:
    from PySide6.QtCore import QModelIndex

    from desktop.store.engine import Database

FILTER_PLACEHOLDER = "Filter by name or id…"


class MergeChooser(QDialog):
    """Which of the selected sources to keep; the others' citations move onto it."""

    def __init__(self, sources: list[SourceData], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Merge sources")
        self.setMinimumWidth(640)
        intro = plain_label(
            "Keep which source? The citations of the others move to it, "
            "then the others are deleted.",
            self,
        )
        intro.setWordWrap(True)
        self.choices = QListWidget(self)
        # The most cited source is the likeliest one to keep.
        ordered = sorted(sources, key=lambda s: (-s.citation_count, s.name.casefold()))
        for source in ordered:
            cited = plural(source.citation_count, "citation")
            text = f"{source.name}   ({source.reliability}, {cited})"
            item = QListWidgetItem(text, self.choices)
            item.setData(Qt.ItemDataRole.UserRole, source.id)
            item.setToolTip(reliability_text(source.reliability))
        self.choices.setCurrentRow(0)
        self.choices.setMaximumHeight(self.choices.sizeHintForRow(0) * (len(ordered) + 1) + 8)
        self.choices.itemDoubleClicked.connect(self.accept)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Keep this one…")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.choices)
        layout.addWidget(buttons)

    def keeper(self) -> str:
        """The slug of the source to keep."""
        item = self.choices.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item else ""

    def choose(self, slug: str) -> None:
        for row in range(self.choices.count()):
            if self.choices.item(row).data(Qt.ItemDataRole.UserRole) == slug:
                self.choices.setCurrentRow(row)
                return


class SourcesDialog(QDialog):
    """The sources manager; may be shown non-modal beside the main window."""

    show_incidents = Signal(str)  # a source's slug: show the incidents citing it
    changed = Signal()  # a source was created, edited, merged or deleted
    did = Signal(str)  # what was just done, in words for the status bar

    def __init__(
        self,
        db: Database,
        *,
        dialogs: Dialogs | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.dialogs = dialogs or Dialogs(self)
        # The form or chooser currently open over the manager (opened non-blocking, so a
        # test, or the analyst, can still see the manager behind it).
        self.form: SourceDialog | None = None
        self.chooser: MergeChooser | None = None
        self._total = 0

        self.setWindowTitle("Sources")
        self.resize(820, 520)

        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText(FILTER_PLACEHOLDER)
        self.filter_edit.setClearButtonEnabled(True)
        self.count_label = plain_label("", self)

        self.model = SourceTableModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setTabKeyNavigation(False)  # Tab moves on to the buttons
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(SourceTableModel.COL_NAME, Qt.SortOrder.AscendingOrder)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(SourceTableModel.COL_NAME, QHeaderView.ResizeMode.Stretch)
        header.setHighlightSections(False)
        self.table.setColumnWidth(SourceTableModel.COL_KIND, 100)
        self.table.setColumnWidth(SourceTableModel.COL_RELIABILITY, 205)
        self.table.setColumnWidth(SourceTableModel.COL_INCIDENTS, 75)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        find = QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self)
        find.activated.connect(self.filter_edit.setFocus)
        find.activated.connect(self.filter_edit.selectAll)

        self.empty_label = plain_label("", self)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setStyleSheet("color: palette(placeholder-text); font-size: 11pt;")
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty_label)

        self.new_button = side_button("&New…", self)
        self.edit_button = side_button("&Edit…", self)
        self.merge_button = side_button("&Merge…", self)
        self.delete_button = side_button("&Delete", self)
        TableKeys(
            self.table,
            enter=(self.edit_button, self.edit_selected),
            delete=(self.delete_button, self.delete_selected),
        )
        self.show_button = side_button("Show &incidents", self)
        self.close_button = side_button("Close", self)
        self.new_button.setToolTip("Add a source")
        self.merge_button.setToolTip(
            "Select two or more duplicates of one source to merge them into one"
        )

        top = QHBoxLayout()
        top.addWidget(self.filter_edit, 1)
        top.addWidget(self.count_label)
        side = QVBoxLayout()
        for button in (
            self.new_button,
            self.edit_button,
            self.merge_button,
            self.delete_button,
        ):
            side.addWidget(button)
        side.addSpacing(12)
        side.addWidget(self.show_button)
        side.addStretch(1)
        side.addWidget(self.close_button)
        middle = QHBoxLayout()
        middle.addWidget(self.stack, 1)
        middle.addLayout(side)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(middle, 1)

        self.filter_edit.textChanged.connect(self.reload)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(self._on_double_click)
        self.new_button.clicked.connect(self.new_source)
        self.edit_button.clicked.connect(self.edit_selected)
        self.merge_button.clicked.connect(self.merge_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.show_button.clicked.connect(self._emit_show_incidents)
        self.close_button.clicked.connect(self.close)

        self.reload()
        self.table.setFocus()

    # --- reading -----------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        # The window may be kept and shown again after other windows changed the data.
        if not event.spontaneous():
            self.reload()
        super().showEvent(event)

    def reload(self) -> None:
        """Read the sources again, keeping the selection where the sources still exist."""
        self._load(self.selected_slugs())

    def _load(self, select: list[str]) -> None:
        text = self.filter_edit.text()
        try:
            rows = source_service.list_sources(self.db, text)
            self._total = len(source_service.list_sources(self.db)) if text.strip() else len(rows)
        except DeskError as exc:
            self.dialogs.warning("Sources not read", str(exc))
            rows = []
        self.model.set_rows(rows)
        self._select(select)
        self._update_count(text, len(rows))
        self._update_buttons()

    def _update_count(self, text: str, shown: int) -> None:
        total = plural(self._total, "source")
        self.count_label.setText(total if not text.strip() else f"{shown} of {total}")
        if shown:
            self.stack.setCurrentWidget(self.table)
        elif text.strip():
            self.empty_label.setText(f"No source matches “{text.strip()}”.")
            self.stack.setCurrentWidget(self.empty_label)
        else:
            self.empty_label.setText(
                "No sources yet.\n\nClick New… to add the outlets, officials and channels "
                "your incidents cite, each with its reliability grade."
            )
            self.stack.setCurrentWidget(self.empty_label)

    def selected_sources(self) -> list[SourceData]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        found = (self.model.source_at(self.model.index(row, 0)) for row in rows)
        return [source for source in found if source is not None]

    def selected_slugs(self) -> list[str]:
        return [source.id for source in self.selected_sources()]

    def select_sources(self, slugs: list[str]) -> None:
        self._select(slugs)

    def _select(self, slugs: list[str]) -> None:
        selection = self.table.selectionModel()
        selection.clearSelection()
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        first = True
        for slug in slugs:
            row = self.model.row_of(slug)
            if row < 0:
                continue
            index = self.model.index(row, SourceTableModel.COL_NAME)
            if first:
                selection.setCurrentIndex(index, flags)
                self.table.scrollTo(index)
                first = False
            else:
                selection.select(index, flags)

    def _update_buttons(self) -> None:
        chosen = self.selected_sources()
        one = chosen[0] if len(chosen) == 1 else None
        self.edit_button.setEnabled(one is not None)
        self.merge_button.setEnabled(len(chosen) >= 2)
        cited = [source for source in chosen if source.citation_count]
        self.delete_button.setEnabled(bool(chosen) and not cited)
        if cited:
            names = ", ".join(f"'{source.name}'" for source in cited[:3])
            self.delete_button.setToolTip(
                f"{names} {'is' if len(cited) == 1 else 'are'} cited by incidents: "
                "merge into another source instead of deleting."
            )
        else:
            self.delete_button.setToolTip("Delete the selected source (only when not cited)")
        self.show_button.setEnabled(one is not None and one.incident_count > 0)
        self.show_button.setToolTip(
            "Show the incidents citing the selected source in the main window"
            if one is None or one.incident_count
            else "No incident cites this source"
        )

    # --- writing -----------------------------------------------------------------------

    def new_source(self) -> None:
        """Open an empty form; the source is created when the analyst presses OK."""
        # When the filter found nothing, what was typed is the likeliest name of the source.
        name = "" if self.model.rowCount() else self.filter_edit.text().strip()
        self._open_form(SourceData(name=name))

    def edit_selected(self) -> None:
        chosen = self.selected_sources()
        if len(chosen) != 1:
            return
        try:
            current = source_service.get_source(self.db, chosen[0].id)
        except DeskError as exc:
            self.dialogs.warning("Source not opened", str(exc))
            self.reload()
            return
        self._open_form(current)

    def _open_form(self, data: SourceData) -> None:
        form = SourceDialog(self, data, self.dialogs)
        form.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        form.accepted.connect(lambda: self._save(form))
        form.finished.connect(lambda _result: self._forget_form(form))
        self.form = form
        form.open()

    def _forget_form(self, form: SourceDialog) -> None:
        if self.form is form:
            self.form = None

    def _save(self, form: SourceDialog) -> None:
        data = form.source_data()
        try:
            if form.is_new:
                saved = source_service.create_source(self.db, data)
            else:
                saved = source_service.update_source(self.db, data)
        except DeskError as exc:
            self.dialogs.warning("Source not saved", str(exc) + _KEPT)
            self._open_form(self._retry_data(data, exc))
            return
        self.changed.emit()
        self.did.emit(f"{'Added' if form.is_new else 'Saved'} source '{saved.name}'.")
        if self.filter_edit.text().strip() and self.model.row_of(saved.id) < 0:
            # Show the saved source even if it does not match the filter any more.
            self.filter_edit.blockSignals(True)
            self.filter_edit.clear()
            self.filter_edit.blockSignals(False)
        self._load([saved.id])

    def _retry_data(self, data: SourceData, error: DeskError) -> SourceData:
        """What to reopen the form with after a refused save: what was typed, and, when
        the record moved or vanished meanwhile, a version that lets a second save go on."""
        if not data.id:
            return data
        if isinstance(error, NotFoundError):
            return replace(data, id="", version=None)  # deleted meanwhile: save re-creates
        if isinstance(error, ConflictError):
            try:
                latest = source_service.get_source(self.db, data.id)
            except DeskError:
                return replace(data, id="", version=None)
            return replace(data, version=latest.version)
        return data

    def merge_selected(self) -> None:
        chosen = self.selected_sources()
        if len(chosen) < 2:
            return
        chooser = MergeChooser(chosen, self)
        chooser.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        chooser.accepted.connect(lambda: self._merge(chosen, chooser.keeper()))
        chooser.finished.connect(lambda _result: self._forget_chooser(chooser))
        self.chooser = chooser
        chooser.open()

    def _forget_chooser(self, chooser: MergeChooser) -> None:
        if self.chooser is chooser:
            self.chooser = None

    def _merge(self, chosen: list[SourceData], keep: str) -> None:
        keeper = next((source for source in chosen if source.id == keep), None)
        if keeper is None:
            return
        others = [source for source in chosen if source.id != keep]
        moving = sum(source.citation_count for source in others)
        names = ", ".join(f"'{source.name}'" for source in others)
        text = (
            f"Merge {plural(len(others), 'source')} into '{keeper.name}'?\n\n"
            f"{plural(moving, 'citation')} will move to '{keeper.name}' "
            f"({kind_label(keeper.kind)}, {reliability_text(keeper.reliability)}), "
            f"then {names} {'is' if len(others) == 1 else 'are'} deleted.\n\n"
            "This cannot be undone."
        )
        if not self.dialogs.question("Merge sources", text, destructive=True):
            return
        try:
            merged = source_service.merge_sources(self.db, keep, [source.id for source in others])
        except DeskError as exc:
            self.dialogs.warning("Sources not merged", str(exc))
            self.reload()
            return
        self.changed.emit()
        self.did.emit(f"Merged {names} into '{merged.name}'.")
        self._load([merged.id])

    def delete_selected(self) -> None:
        chosen = self.selected_sources()
        if not chosen or any(source.citation_count for source in chosen):
            return
        if len(chosen) == 1:
            text = f"Delete the source '{chosen[0].name}'? No incident cites it."
        else:
            text = f"Delete {len(chosen)} sources? No incident cites them."
        if not self.dialogs.question("Delete sources", text, destructive=True):
            return
        deleted = 0
        for source in chosen:
            try:
                source_service.delete_source(self.db, source.id)
                deleted += 1
            except DeskError as exc:
                self.dialogs.warning("Source not deleted", str(exc))
                break
        if deleted:
            self.changed.emit()
            self.did.emit(
                f"Deleted source '{chosen[0].name}'."
                if deleted == 1
                else f"Deleted {deleted} sources."
            )
        self.reload()

    # --- navigation --------------------------------------------------------------------

    def _emit_show_incidents(self) -> None:
        chosen = self.selected_sources()
        if len(chosen) == 1 and chosen[0].incident_count:
            self.show_incidents.emit(chosen[0].id)

    def _on_double_click(self, index: QModelIndex) -> None:
        source = self.model.source_at(index)
        if source is None:
            return
        if index.column() == SourceTableModel.COL_INCIDENTS:
            if source.incident_count:
                self.show_incidents.emit(source.id)
            return
        self.edit_selected()


_KEPT = "\n\nWhat you typed is kept in the form: correct it and save again, or cancel."
