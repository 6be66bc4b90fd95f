"""Stand-ins for what would block a test: :class:`desktop.views.partials.dialogs.Dialogs`
(no box ever opens) and a recorder of the upgrade notice.

It records every message as ``(kind, title, text)`` and answers as the test says, so a test
can drive a window end to end and then read what the analyst would have been told.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop.views.partials import upgrade_notice
from desktop.views.partials.dialogs import Choice

if TYPE_CHECKING:
    from pathlib import Path

    import pytest
    from PySide6.QtWidgets import QProgressDialog, QWidget


class RecordingDialogs:
    def __init__(self, answer: bool = True, choice: Choice = Choice.DISCARD) -> None:
        self.messages: list[tuple[str, str, str]] = []
        self.answer = answer  # to yes/no questions
        self.destructive: list[str] = []  # titles of the questions asked with No as default
        self.choice = choice  # to "save your changes?"
        self.save_answer: Path | None = None  # the file a save dialog returns
        self.open_answer: Path | None = None  # the file an open dialog returns
        self.open_answers: list[Path] = []  # the files a many-files open dialog returns
        self.filters: list[str] = []  # the file dialogs' filters, in order

    def warning(self, title: str, text: str) -> None:
        self.messages.append(("warning", title, text))

    def information(self, title: str, text: str) -> None:
        self.messages.append(("information", title, text))

    def question(self, title: str, text: str, *, destructive: bool = False) -> bool:
        self.messages.append(("question", title, text))
        if destructive:
            self.destructive.append(title)
        return self.answer

    def save_discard_cancel(self, title: str, text: str) -> Choice:
        self.messages.append(("save_discard_cancel", title, text))
        return self.choice

    def open_path(self, title: str, filter_: str) -> Path | None:
        self.messages.append(("open_path", title, ""))
        self.filters.append(filter_)
        return self.open_answer

    def open_paths(self, title: str, filter_: str) -> list[Path]:
        self.messages.append(("open_paths", title, ""))
        self.filters.append(filter_)
        return list(self.open_answers)

    def open_workspace(self) -> Path | str | None:
        return None

    def save_path(self, title: str, suggested: str, filter_: str) -> Path | None:
        self.messages.append(("save_path", title, suggested))
        self.filters.append(filter_)
        return self.save_answer

    def for_child(self) -> RecordingDialogs:
        return self  # a window's dialogs answer for the editor and companions too

    def kinds(self) -> list[str]:
        return [kind for kind, _title, _text in self.messages]

    @property
    def asked(self) -> list[str]:
        """The texts of the questions put to the analyst, in order."""
        return [
            text for kind, _t, text in self.messages if kind in ("question", "save_discard_cancel")
        ]

    @property
    def told(self) -> list[tuple[str, str]]:
        """The (title, text) of the warnings and notices shown, in order."""
        return [
            (title, text)
            for kind, title, text in self.messages
            if kind in ("warning", "information")
        ]


def record_upgrade_notices(monkeypatch: pytest.MonkeyPatch) -> list[QProgressDialog]:
    """The upgrade notices shown from now on (each as shown: visible, with its text)."""
    shown: list[QProgressDialog] = []
    original = upgrade_notice.upgrade_notice

    def recorded(
        parent: QWidget | None = None, text: str = upgrade_notice.NOTICE_TEXT
    ) -> QProgressDialog:
        notice = original(parent, text)
        assert notice.isVisible()
        assert notice.labelText() == text
        shown.append(notice)
        return notice

    monkeypatch.setattr(upgrade_notice, "upgrade_notice", recorded)
    return shown
