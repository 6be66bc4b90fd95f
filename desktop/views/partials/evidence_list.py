"""The detail pane's evidence: one card per attached file, with its preview and actions.

A card shows the name, size, media type, the citation it is linked to (or the incident),
the SHA-256 in short (Copy puts all 64 digits on the clipboard), who added it and when, the
note, and a preview once one is made (:meth:`EvidenceList.show_preview`). It only displays
and asks: Open, Save a copy… and Add evidence… are signals a controller answers
(:class:`~desktop.views.partials.evidence_view.EvidenceViewer`). Every text is plain text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QGuiApplication, QPixmap
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop import phrases
from desktop.views.partials.plain_widgets import plain_label, plain_tooltip, side_button

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from desktop.services.evidence import EvidenceItem
    from desktop.views.partials.evidence_preview import Preview

SHORT_SHA = 12  # digits shown; Copy gives all 64


def short_sha(sha256: str) -> str:
    return f"{sha256[:SHORT_SHA]}…"


def linked_words(item: EvidenceItem, citation_names: Mapping[int, str]) -> str:
    if item.citation_index is None:
        return "the incident"
    name = citation_names.get(item.citation_index, "")
    return f"citation {item.citation_index + 1}" + (f" ({name})" if name else "")


def added_words(item: EvidenceItem) -> str:
    when = item.added_at.astimezone().strftime("%Y-%m-%d %H:%M")
    return f"added by {item.added_by or 'unknown'}, {when}"


class EvidenceCard(QFrame):
    """One attached file."""

    def __init__(
        self, item: EvidenceItem, citation_names: Mapping[int, str], parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        self.item = item
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(2)
        self.name_label = plain_label(item.name, self, wrap=True, selectable=True)
        font = QFont(self.name_label.font())
        font.setBold(True)
        self.name_label.setFont(font)
        layout.addWidget(self.name_label)
        facts = (
            f"{phrases.size_text(item.size)} · {item.media_type} · "
            f"{linked_words(item, citation_names)}"
        )
        self.facts_label = plain_label(facts, self, wrap=True, selectable=True)
        layout.addWidget(self.facts_label)

        sha_row = QHBoxLayout()
        sha_row.setSpacing(6)
        self.sha_label = plain_label(f"SHA-256 {short_sha(item.sha256)}", self, selectable=True)
        self.sha_label.setToolTip(plain_tooltip(item.sha256))
        self.copy_button = side_button("Copy", self)
        self.copy_button.setToolTip("Copy the whole SHA-256 (64 hexadecimal digits)")
        self.copy_button.clicked.connect(self.copy_sha)
        sha_row.addWidget(self.sha_label)
        sha_row.addWidget(self.copy_button)
        sha_row.addStretch(1)
        layout.addLayout(sha_row)
        self.added_label = plain_label(added_words(item), self, wrap=True)
        layout.addWidget(self.added_label)
        self.note_label = plain_label(f"Note: {item.note}", self, wrap=True, selectable=True)
        self.note_label.setVisible(bool(item.note))
        layout.addWidget(self.note_label)

        self.preview_label = QLabel(self)
        self.preview_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.preview_label.setTextFormat(Qt.TextFormat.PlainText)
        self.preview_label.setWordWrap(True)
        self.preview_label.hide()
        layout.addWidget(self.preview_label)
        # Text in a read-only editor: each line takes its own direction (an Arabic line
        # right to left, the next English one left to right), which one label cannot do.
        self.preview_text = QPlainTextEdit(self)
        self.preview_text.setReadOnly(True)
        self.preview_text.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.preview_text.setFixedHeight(150)
        self.preview_text.hide()
        layout.addWidget(self.preview_text)

        buttons = QHBoxLayout()
        self.open_button: QPushButton = side_button("Open", self)
        self.open_button.setToolTip("Open a read-only copy with this computer's viewer")
        self.save_button: QPushButton = side_button("Save a copy…", self)
        self.save_button.setToolTip("Write the stored bytes, exactly, to a file")
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)

    def copy_sha(self) -> None:
        QGuiApplication.clipboard().setText(self.item.sha256)

    def show_preview(self, preview: Preview) -> None:
        label = self.preview_label
        if preview.image is not None:
            label.setPixmap(QPixmap.fromImage(preview.image))
            label.setStyleSheet("")
        elif preview.text is not None:
            self.preview_text.setPlainText(preview.text)
            self.preview_text.show()
            return
        else:
            label.setText(preview.reason)
            label.setStyleSheet("color: palette(placeholder-text);")
        label.show()

    def text(self) -> str:
        lines = [self.name_label.text(), self.facts_label.text(), self.sha_label.text()]
        lines.append(self.added_label.text())
        if self.item.note:
            lines.append(self.note_label.text())
        if self.preview_label.isVisibleTo(self) and self.preview_label.pixmap().isNull():
            lines.append(self.preview_label.text())
        if self.preview_text.isVisibleTo(self):
            lines.append(self.preview_text.toPlainText())
        return "\n".join(lines)


class EvidenceList(QWidget):
    """The evidence heading, Add evidence…, and a card per item (or a hint when none)."""

    add_requested = Signal()
    open_requested = Signal(object)  # EvidenceItem
    save_requested = Signal(object)  # EvidenceItem
    changed = Signal()  # cards or a preview came or went: the pane's height changes

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.setSpacing(6)
        top = QHBoxLayout()
        self.heading = QLabel("Evidence", self)
        font = QFont(self.heading.font())
        font.setBold(True)
        self.heading.setFont(font)
        self.add_button = side_button("Add evidence…", self)
        self.add_button.setToolTip(
            "Attach files to this incident (or drop them on this pane; on a citation in the "
            "editor to attach them to that citation)"
        )
        self.add_button.clicked.connect(self.add_requested)
        top.addWidget(self.heading)
        top.addStretch(1)
        top.addWidget(self.add_button)
        layout.addLayout(top)
        self.hint = plain_label(
            "No files kept. Drop files here, or Add evidence…, to keep the screenshot, page "
            "or video behind a report with its SHA-256.",
            self,
            wrap=True,
        )
        self.hint.setStyleSheet("color: palette(placeholder-text);")
        layout.addWidget(self.hint)
        self._cards_layout = QVBoxLayout()
        self._cards_layout.setSpacing(6)
        layout.addLayout(self._cards_layout)
        self.cards: list[EvidenceCard] = []

    def set_items(self, items: Sequence[EvidenceItem], citation_names: Mapping[int, str]) -> None:
        for card in self.cards:
            self._cards_layout.removeWidget(card)
            card.hide()
            card.deleteLater()
        self.cards = []
        for item in items:
            card = EvidenceCard(item, citation_names, self)
            card.open_button.clicked.connect(lambda _c=False, i=item: self.open_requested.emit(i))
            card.save_button.clicked.connect(lambda _c=False, i=item: self.save_requested.emit(i))
            self._cards_layout.addWidget(card)
            self.cards.append(card)
        self.heading.setText(f"Evidence ({len(items)})" if items else "Evidence")
        self.hint.setVisible(not items)
        self.changed.emit()

    def card_of(self, sha256: str) -> list[EvidenceCard]:
        return [card for card in self.cards if card.item.sha256 == sha256]

    def show_preview(self, sha256: str, preview: Preview) -> None:
        for card in self.card_of(sha256):
            card.show_preview(preview)
        self.changed.emit()

    def text(self) -> str:
        parts = [self.heading.text()]
        if self.hint.isVisibleTo(self):
            parts.append(self.hint.text())
        parts += [card.text() for card in self.cards]
        return "\n".join(parts)
