"""File ▸ Open database: a workspace file on this computer, or a team's PostgreSQL server."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.services.workspace import server_url
from desktop.views.palette import problem_style
from desktop.views.partials.plain_widgets import plain_label

WORKSPACE_FILTER = "Incident Desk workspaces (*.sqlite3 *.sqlite *.db);;All files (*)"
DEFAULT_PORT = 5432


class OpenDatabaseDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Open database")
        self.setMinimumWidth(520)
        self.file_choice = QRadioButton("A workspace &file on this computer", self)
        self.server_choice = QRadioButton("A team database on a &PostgreSQL server", self)
        group = QButtonGroup(self)
        group.addButton(self.file_choice)
        group.addButton(self.server_choice)
        self.file_choice.setChecked(True)

        self.path_edit = QLineEdit(self)
        self.path_edit.setPlaceholderText("incidents.sqlite3")
        self.browse_button = browse = QPushButton("&Browse…", self)
        browse.setAutoDefault(False)
        browse.clicked.connect(self._browse)
        file_row = QHBoxLayout()
        file_row.setContentsMargins(24, 0, 0, 0)
        file_row.addWidget(self.path_edit, 1)
        file_row.addWidget(browse)

        self.server = QWidget(self)
        form = QFormLayout(self.server)
        form.setContentsMargins(24, 0, 0, 0)
        self.host_edit = QLineEdit("localhost", self.server)
        self.port_edit = QSpinBox(self.server)
        self.port_edit.setRange(1, 65535)
        self.port_edit.setValue(DEFAULT_PORT)
        self.database_edit = QLineEdit(self.server)
        self.database_edit.setPlaceholderText("incidents")
        self.user_edit = QLineEdit(self.server)
        self.password_edit = QLineEdit(self.server)
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText("empty: from ~/.pgpass or PGPASSWORD")
        for label, widget in (
            ("&Host:", self.host_edit),
            ("P&ort:", self.port_edit),
            ("&Database:", self.database_edit),
            ("&User:", self.user_edit),
            ("Pass&word:", self.password_edit),
        ):
            form.addRow(label, widget)
        note = plain_label(
            "The password is used to connect and is never stored: the recent databases list "
            "keeps the address only.",
            self.server,
            wrap=True,
        )
        form.addRow(note)

        self.problem = plain_label("", self, wrap=True)
        self.problem.setStyleSheet(problem_style())
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.file_choice)
        layout.addLayout(file_row)
        layout.addSpacing(8)
        layout.addWidget(self.server_choice)
        layout.addWidget(self.server)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)

        for signal in (
            self.file_choice.toggled,
            self.path_edit.textChanged,
            self.host_edit.textChanged,
            self.database_edit.textChanged,
            self.user_edit.textChanged,
        ):
            signal.connect(self._update)
        self._update()

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open database", "", WORKSPACE_FILTER)
        if path:
            self.path_edit.setText(path)
            self.file_choice.setChecked(True)

    def _problem_text(self) -> str:
        if self.file_choice.isChecked():
            text = self.path_edit.text().strip()
            if not text:
                return "Choose a workspace file."
            if not Path(text).expanduser().is_file():
                return "No such file. (File ▸ New database creates one.)"
            return ""
        if not self.host_edit.text().strip():
            return "The server's host name is required."
        if not self.database_edit.text().strip():
            return "The database name is required."
        return ""

    def _update(self) -> None:
        self.path_edit.setEnabled(self.file_choice.isChecked())
        self.browse_button.setEnabled(self.file_choice.isChecked())
        self.server.setEnabled(self.server_choice.isChecked())
        problem = self._problem_text()
        self.problem.setText(problem)
        self.buttons.button(QDialogButtonBox.StandardButton.Open).setEnabled(not problem)

    def target(self) -> Path | str | None:
        """The file path or database URL chosen (None while incomplete)."""
        if self._problem_text():
            return None
        if self.file_choice.isChecked():
            return Path(self.path_edit.text().strip()).expanduser()
        return server_url(
            self.host_edit.text().strip(),
            self.port_edit.value(),
            self.database_edit.text().strip(),
            self.user_edit.text().strip(),
            self.password_edit.text(),
        )
