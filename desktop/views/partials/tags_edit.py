"""Tags typed as a comma-separated line, completing each tag from those already in use."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QStringListModel, Qt
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget


def split_tags(text: str) -> tuple[str, ...]:
    """``drone, US bases,`` → ``("drone", "US bases")``; blanks dropped, order kept."""
    return tuple(part.strip() for part in text.split(",") if part.strip())


def join_tags(tags: tuple[str, ...]) -> str:
    return ", ".join(tags)


class _LastTagCompleter(QCompleter):
    """Completes the tag being typed (after the last comma), keeping the ones before it."""

    def __init__(self, tags: list[str], edit: QLineEdit) -> None:
        # Parented, so Python does not collect the model the completer only borrows.
        self._tags = QStringListModel(tags, edit)
        super().__init__(self._tags, edit)
        self._edit = edit
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterMode(Qt.MatchFlag.MatchStartsWith)
        self.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)

    def splitPath(self, path: str) -> list[str]:
        return [path.rsplit(",", 1)[-1].strip()]

    def pathFromIndex(self, index: QModelIndex | QPersistentModelIndex) -> str:
        if not index.isValid():
            return self._edit.text()
        tag = str(index.data())
        head = self._edit.text().rsplit(",", 1)[0] if "," in self._edit.text() else ""
        return f"{head}, {tag}" if head else tag


class TagsEdit(QLineEdit):
    def __init__(self, known_tags: tuple[str, ...] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText("Comma-separated, e.g. drone, US bases")
        self.setToolTip("Free labels to group incidents; known tags complete as you type.")
        self.tag_completer = _LastTagCompleter(sorted(known_tags, key=str.casefold), self)
        self.setCompleter(self.tag_completer)
        # Qt sets the text only while the line has the focus; a pick from the popup must
        # always land (and before the editor records the change, hence connected first).
        self.tag_completer.activated.connect(self.setText)

    def tags(self) -> tuple[str, ...]:
        return split_tags(self.text())

    def set_tags(self, tags: tuple[str, ...]) -> None:
        self.setText(join_tags(tags))
