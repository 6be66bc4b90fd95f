"""The SITREP export dialog: what the report covers, what it says, and where it goes.

It offers what ``incident-desk export pdf`` offers — title, period, marking and release
level, country, tag and event type, author, organisation, key points, key judgements, the
assessment, and which incidents are printed in full (the significance rule and pins) —
starting from the filters the incident table shows, and the earlier report to compare with
and a drafted bottom line. It assembles partials: ``ExportScope`` (what it covers),
``JudgementsEditor``, ``SignificanceEditor`` and ``SinceLastReport``. The file's suffix
chooses what is written: a PDF, or (``.docx``) a Word document to edit. The texts come from and
go back to the workspace's report settings, so the next report starts from this one's. A
live count says how many incidents the report will
hold; Export stays disabled, with the reason beside it, while there is nothing to report or
something to fix. The export runs in a worker thread with a progress dialog and Cancel; a
problem is a warning and the dialog stays open with everything typed in it.
"""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, QUrl
from PySide6.QtGui import QCloseEvent, QDesktopServices, QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.domain import TLP_LABELS, normalise_marking
from desktop.errors import DeskError
from desktop.services import incidents as incident_service
from desktop.services import reporting
from desktop.services.report_request import MAX_KEY_POINTS, check_request, key_point_lines
from desktop.services.report_settings import (
    Remembered,
    ReportScope,
    ReportTexts,
    load_remembered,
    remember_report,
)
from desktop.views.palette import problem_style
from desktop.views.partials.dialogs import Dialogs
from desktop.views.partials.export_scope import ExportScope
from desktop.views.partials.judgements_editor import JudgementsEditor
from desktop.views.partials.plain_widgets import plain_label, plain_tooltip
from desktop.views.partials.scope_note import ScopeNote
from desktop.views.partials.significance_editor import SignificanceEditor
from desktop.views.partials.since_last import SinceLastReport
from desktop.views.partials.task_runner import TaskHandle, run_task
from desktop.wording import plural

if TYPE_CHECKING:
    from collections.abc import Callable

    from desktop.services.dto import IncidentQuery
    from desktop.services.incidents import Facets
    from desktop.services.reporting import ReportResult
    from desktop.store.engine import Database

DEBOUNCE_MS = 250
TASK_TITLE = "Exporting the SITREP"
NO_LIMIT = "No limit (every marking)"
# The save dialog offers both kinds; the suffix of the file chosen decides which is written.
SAVE_FILTERS = "PDF (*.pdf);;Word document (*.docx)"


def today() -> date:
    """Today's date; a function so tests can fix it."""
    return date.today()


def open_file(path: Path) -> None:
    """Open ``path`` in the system's viewer for its kind (PDF, or Word)."""
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def _hint(text: str, parent: QWidget) -> QLabel:
    label = plain_label(text, parent)
    label.setWordWrap(True)
    font = label.font()
    font.setPointSizeF(max(font.pointSizeF() - 1, 7.0))
    label.setFont(font)
    label.setStyleSheet("color: palette(placeholder-text);")
    return label


def _incidents(count: int) -> str:
    return plural(count, "incident")


def summary_text(result: ReportResult) -> str:
    """What the analyst is told once the report is written."""
    pages = f"{plural(result.pages, 'page')}, " if result.pages else "A Word document, "
    text = (
        f"{pages}{_incidents(result.incidents)}, marked {result.marking}.\nSaved as {result.path}."
    )
    if result.withheld:
        text += f"\n{_incidents(result.withheld)} withheld above the release level."
    if result.marking_raised:
        text += (
            f"\n\nThe marking was raised to {result.marking} because the report holds "
            "incidents with a stricter marking than the one you chose."
        )
    return text


class ExportDialog(QDialog):
    """Choose and write one situation report; see the module docstring.

    After ``exec()``, :attr:`result_report` holds what was written (None if nothing was).
    """

    def __init__(
        self,
        db: Database,
        query: IncidentQuery,
        *,
        dialogs: Dialogs | None = None,
        parent: QWidget | None = None,
        opener: Callable[[Path], None] = open_file,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export SITREP")
        self._db = db
        self._query = query
        self.dialogs = dialogs or Dialogs(self)
        self._opener = opener
        self._task: TaskHandle | None = None
        self._count: int | None = None
        self._notice = ""  # what happened last ("cancelled"), until the analyst changes something
        self.result_report: ReportResult | None = None

        self._remembered = self._load_remembered()
        self._build()
        self._fill(self._remembered, self._load_facets())

        self._recount = QTimer(self)
        self._recount.setSingleShot(True)
        self._recount.setInterval(DEBOUNCE_MS)
        self._recount.timeout.connect(self.update_count)
        self._connect_changes()
        self.update_count()

    # --- building --------------------------------------------------------------------

    def _build(self) -> None:
        self.title = QLineEdit(self)
        self.title.setPlaceholderText("Situation Report")
        self.title.setMaxLength(200)
        title_font = QFont(self.title.font())
        title_font.setPointSizeF(title_font.pointSizeF() + 2)
        self.title.setFont(title_font)

        # What the report covers.
        self.scope = ExportScope(self._query, self)
        self.since, self.until = self.scope.since, self.scope.until
        self.country, self.event_type, self.tag = (
            self.scope.country,
            self.scope.event_type,
            self.scope.tag,
        )
        self.keep_other, self.count_label = self.scope.keep_other, self.scope.count_label
        self.problem_label = plain_label("", self)
        self.problem_label.setWordWrap(True)
        self.problem_label.setStyleSheet(problem_style())

        # Where it goes.
        self.path_edit = QLineEdit(self)
        self.path_edit.setPlaceholderText("File to write: NAME.pdf, or NAME.docx to edit in Word")
        self.browse = QPushButton("Browse…", self)
        self.browse.setAutoDefault(False)
        self.browse.clicked.connect(self.choose_path)
        path_row = QWidget(self)
        path_layout = QHBoxLayout(path_row)
        path_layout.setContentsMargins(0, 0, 0, 0)
        path_layout.addWidget(self.path_edit, 1)
        path_layout.addWidget(self.browse)
        self.open_when_done = QCheckBox("Open the report when done", self)
        goes = QGroupBox("Where it goes", self)
        goes_form = QFormLayout(goes)
        goes_form.addRow("File", path_row)
        goes_form.addRow("", self.open_when_done)

        # What it says.
        self.marking = QComboBox(self)
        self.marking.setEditable(True)
        self.marking.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.marking.addItems(list(TLP_LABELS))
        self.marking.setToolTip(
            "A TLP label, or type a classification line. It is raised automatically to the "
            "strictest marking among the incidents included."
        )
        self.key_points = QPlainTextEdit(self)
        self.key_points.setTabChangesFocus(True)
        self.key_points.setPlaceholderText(
            "One point per line: what happened and what it means, most important first."
        )
        self.assessment = QPlainTextEdit(self)
        self.assessment.setTabChangesFocus(True)
        self.assessment.setPlaceholderText(
            "What it means and what to expect next, in ICD 203 words "
            "(likely, almost certainly…) and with your confidence."
        )
        self.author = QLineEdit(self)
        self.organisation = QLineEdit(self)
        says = QGroupBox("What it says", self)
        self.max_marking = QComboBox(self)
        self.max_marking.addItem(NO_LIMIT, "")
        for label in reversed(TLP_LABELS):
            self.max_marking.addItem(f"At most {label}", label)
        self.max_marking.setToolTip(
            "A releasable version: incidents marked above this level are left out (the report "
            "says how many), and every page is marked at this level."
        )
        says_form = QFormLayout(says)
        says_form.addRow("Marking", self.marking)
        says_form.addRow("Release", self.max_marking)
        says_form.addRow(
            "Key points",
            self._with_hint(
                self.key_points,
                f"The bottom line up front, on page 1. Up to {MAX_KEY_POINTS} points.",
            ),
        )
        says_form.addRow("Assessment", self.assessment)
        # Shown when the remembered key points and assessment were written for another scope:
        # they are then not filled in, and the analyst may still take them deliberately.
        self.scope_note = ScopeNote(self)
        self.scope_note.taken.connect(self.take_remembered)
        says_form.addRow("", self.scope_note)
        # Compare with; a drafted bottom line.
        self.since_last = SinceLastReport(self._db, self.query, self.release_level, self)
        self.since_last.chosen.connect(self.key_points.setPlainText)
        says_form.addRow("", self.since_last)
        says_form.addRow("Author", self.author)
        says_form.addRow("Organisation", self.organisation)
        says_form.addRow("", _hint("Texts and marking are kept for the next report.", self))

        self.buttons = QDialogButtonBox(self)
        self.export_button = self.buttons.addButton(
            "Export", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.export_button.setDefault(True)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.export_now)
        self.buttons.rejected.connect(self.reject)

        self.judgements = JudgementsEditor(self)
        self.significance = SignificanceEditor(self)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(says, "What it says")
        self.tabs.addTab(self.judgements, "Key judgements")
        self.tabs.addTab(self.significance, "In full")

        left = QVBoxLayout()
        left.addWidget(self.scope)
        left.addWidget(goes)
        left.addStretch(1)
        columns = QHBoxLayout()
        columns.setSpacing(12)
        columns.addLayout(left, 5)
        columns.addWidget(self.tabs, 6)
        title_row = QFormLayout()
        title_row.addRow("Title", self.title)
        footer = QHBoxLayout()
        footer.addWidget(self.problem_label, 1)
        footer.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 12)
        layout.setSpacing(10)
        layout.addLayout(title_row)
        layout.addLayout(columns, 1)
        layout.addLayout(footer)
        self.resize(940, 600)

    def _with_hint(self, widget: QWidget, hint: str) -> QWidget:
        box = QWidget(self)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(widget)
        layout.addWidget(_hint(hint, box))
        return box

    def _load_remembered(self) -> Remembered:
        try:
            return load_remembered(self._db)
        except DeskError as exc:
            self.dialogs.warning("Cannot read the saved report texts", str(exc))
            return Remembered()

    def _load_facets(self) -> Facets | None:
        try:
            return incident_service.facets(self._db)
        except DeskError as exc:
            self.dialogs.warning("Cannot read the workspace", str(exc))
            return None

    def _fill(self, remembered: Remembered, facets: Facets | None) -> None:
        self.scope.fill(facets, today())
        scope = ReportScope.of(self.query())
        texts = remembered.for_scope(scope)
        if not remembered.fits(scope):
            self.scope_note.say(
                "The remembered key points, key judgements and assessment were written for "
                f"{remembered.origin()}, not for this scope ({scope.words}): "
                "they are not filled in."
            )
        self.title.setText(texts.title)
        marking = normalise_marking(texts.marking) or TLP_LABELS[-1]
        self.marking.setCurrentText(marking)
        self.key_points.setPlainText("\n".join(texts.key_points))
        self.assessment.setPlainText(texts.assessment)
        self.judgements.set_judgements(texts.judgements)
        self.significance.set_rule(texts.significance)
        self.author.setText(texts.author)
        self.organisation.setText(texts.organisation)
        folder = self._last_folder() or Path.home()
        self.path_edit.setText(str(folder / f"sitrep-{today():%Y-%m-%d}.pdf"))

    def take_remembered(self) -> None:
        """Fill in the key points and assessment written for another scope, as asked."""
        texts = self._remembered.texts
        self.key_points.setPlainText("\n".join(texts.key_points))
        self.assessment.setPlainText(texts.assessment)
        self.judgements.set_judgements(texts.judgements)

    def _last_folder(self) -> Path | None:
        try:
            return reporting.last_export_folder(self._db)
        except DeskError:
            return None  # only a convenience: the home folder will do

    def _connect_changes(self) -> None:
        self.scope.connect_changes(self._filters_changed)
        self.judgements.changed.connect(self._changed)
        self.significance.changed.connect(self._changed)
        self.max_marking.currentIndexChanged.connect(self._filters_changed)  # compare-with list
        for line in (self.title, self.path_edit):
            line.textChanged.connect(self._changed)
        self.marking.currentTextChanged.connect(self._changed)
        self.key_points.textChanged.connect(self._changed)

    # --- reading the form --------------------------------------------------------------

    def query(self) -> IncidentQuery:
        """The incidents the report will hold, as chosen in the dialog."""
        return self.scope.query()

    def release_level(self) -> str:
        """The release level chosen ("TLP:GREEN"), or "" for none."""
        return str(self.max_marking.currentData() or "")

    def key_point_lines(self) -> tuple[str, ...]:
        return key_point_lines(self.key_points.toPlainText())

    def report_texts(self) -> ReportTexts:
        """The texts as typed, to keep for the next report."""
        return ReportTexts(
            title=" ".join(self.title.text().split()),
            author=self.author.text().strip(),
            organisation=self.organisation.text().strip(),
            marking=normalise_marking(self.marking.currentText()),
            key_points=self.key_point_lines(),
            assessment=self.assessment.toPlainText().strip(),
            judgements=self.judgements.judgements(),
            significance=self.significance.rule().text,
        )

    def output_path(self) -> Path | None:
        text = self.path_edit.text().strip()
        if not text:
            return None
        path = Path(text).expanduser()
        if not path.name or text.endswith(("/", os.sep)):
            return None  # a folder, as typed so far: no file name yet
        if path.suffix.lower() in reporting.REPORT_SUFFIXES:
            return path  # the kind follows the suffix: a PDF, or a Word document to edit
        return path.with_name(path.name + ".pdf")

    def problem(self) -> str:
        """Why Export is disabled, or "" when the report can be written.

        The request's rules are the command line's too (services.report_request); only
        the file to write is the dialog's own question.
        """
        problems = check_request(
            since=self.since.value(),
            until=self.until.value(),
            title=self.title.text(),
            marking=self.marking.currentText(),
            key_points=self.key_point_lines(),
            incidents=self._count,
            max_marking=self.release_level(),
            judgements=self.judgements.judgements(),
        )
        if problems:
            return problems[0].message
        if self.output_path() is None:
            return "Choose where to save the report."
        return ""

    # --- reacting ----------------------------------------------------------------------

    def _filters_changed(self) -> None:
        self._recount.start()
        self._changed()

    def _changed(self) -> None:
        self._notice = ""
        self._update_state()

    def update_count(self) -> None:
        """Count the incidents the report would hold now (the debounce timer calls this)."""
        self._recount.stop()
        since, until = self.since.value(), self.until.value()
        if since and until and until < since:
            self._count = None
            self.count_label.setText("")
        else:
            try:
                self._count = reporting.count_for_report(self._db, self.query())
            except DeskError as exc:
                self._count = None
                self.count_label.setText(f"Cannot count the incidents: {exc}")
            else:
                self.count_label.setText(f"{_incidents(self._count)} will be included.")
        self.since_last.refresh()
        self._update_state()

    def _update_state(self) -> None:
        problem = self.problem()
        busy = self._task is not None and not self._task.done
        self.problem_label.setText(problem or self._notice)
        self.export_button.setEnabled(not problem and not busy)
        self.export_button.setToolTip(plain_tooltip(problem or f"Write the {self.output_kind()}"))

    def output_kind(self) -> str:
        """What the file will be, in words: the suffix chooses."""
        path = self.output_path()
        return "Word document" if path and path.suffix.lower() == ".docx" else "PDF"

    def choose_path(self) -> None:
        current = self.output_path()
        suggested = str(current) if current else f"sitrep-{today():%Y-%m-%d}.pdf"
        path = self.dialogs.save_path("Save the SITREP as", suggested, SAVE_FILTERS)
        if path is not None:
            self.path_edit.setText(str(path))

    # --- exporting ---------------------------------------------------------------------

    def export_now(self) -> TaskHandle | None:
        """Save the texts and start writing the report; returns the running task (or None)."""
        if self._task is not None and not self._task.done:
            return self._task
        self.update_count()  # the filters may have changed within the debounce interval
        problem = self.problem()
        path = self.output_path()
        if problem or path is None:
            self.dialogs.warning("The SITREP cannot be exported yet", problem)
            return None
        try:
            reporting.check_output(self._db, path)
        except DeskError as exc:
            # Before the replace question: the workspace is never offered for replacing.
            self.dialogs.warning("The SITREP cannot be written there", str(exc))
            return None
        if path.is_file() and not self.dialogs.question(
            "Replace the file?",
            f"{path} already exists. Replace it with the new report?",
            destructive=True,
        ):
            return None
        texts = self.report_texts()
        db, query = self._db, self.query()
        try:
            remember_report(db, texts, ReportScope.of(query), self._remembered)
        except DeskError as exc:
            self.dialogs.warning("Cannot keep the report texts", str(exc))
            return None
        compare = self.since_last.choice()
        options = replace(texts.options(), max_marking=self.release_level())
        pinned, unpinned = self.significance.pins()
        selection = reporting.Selection(self.significance.rule(), pinned, unpinned)
        self._task = run_task(
            self,
            TASK_TITLE,
            lambda progress: reporting.export_sitrep(
                db,
                path,
                query,
                options,
                progress=progress,
                selection=selection,
                compare_with=compare,
            ),
            on_done=self._exported,
            on_error=self._failed,
            on_cancelled=self._cancelled,
        )
        self._task.finished.connect(self._update_state)
        self._update_state()
        return self._task

    def _exported(self, result: ReportResult) -> None:
        self.result_report = result
        try:
            reporting.remember_export_folder(self._db, result.path.parent)
        except DeskError:
            pass  # the report is written; only next time's suggested folder is lost
        if self.open_when_done.isChecked():
            self._opener(result.path)
        self.dialogs.information("SITREP written", summary_text(result))
        self.accept()

    def _failed(self, error: DeskError) -> None:
        self.dialogs.warning("The SITREP was not written", str(error))

    def _cancelled(self) -> None:
        self._notice = "Export cancelled; no file was written."
        self._update_state()

    # --- closing -----------------------------------------------------------------------

    def reject(self) -> None:
        if self._task is not None and not self._task.done:
            self._task.cancel()  # the progress dialog closes when the work has stopped
            return
        super().reject()

    def done(self, code: int) -> None:
        self._stop_task()
        super().done(code)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._task is not None and not self._task.done:
            self._task.cancel()  # like Cancel: stop the export first, then close
            event.ignore()
            return
        super().closeEvent(event)

    def _stop_task(self) -> None:
        # A dialog never goes away with its export still running in a thread.
        if self._task is not None and not self._task.done:
            self._task.abandon()
