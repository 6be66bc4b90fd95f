"""The question asked when someone else saved an incident while it was open in the editor."""

from __future__ import annotations

from enum import Enum

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

# The services' advice fits a command line; here the buttons below offer the ways out.
_SERVICE_ADVICE = " Nothing was overwritten: reload it, then apply your changes again."


class ConflictChoice(Enum):
    RELOAD = "reload"  # take their version, drop these edits
    OVERWRITE = "overwrite"  # save these edits over theirs
    MERGE = "merge"  # keep both where they differ by part, choose where both changed
    CANCEL = "cancel"  # neither for now: keep editing


def ask_conflict(parent: QWidget, message: str) -> ConflictChoice:
    """Ask with buttons that say what they do; Cancel (the default) changes nothing."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Changed by someone else")
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(message.replace(_SERVICE_ADVICE, " Nothing was overwritten yet."))
    box.setInformativeText(
        "Merge keeps their changes to the parts you did not touch and lets you choose where "
        "you both changed something. Keep mine saves what you see here over their changes. "
        "Reload theirs discards your edits and shows their version."
    )
    merge = box.addButton("&Merge…", QMessageBox.ButtonRole.AcceptRole)
    keep = box.addButton("&Keep mine (overwrite)", QMessageBox.ButtonRole.AcceptRole)
    reload = box.addButton("&Reload theirs", QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(merge)
    box.exec()
    clicked = box.clickedButton()
    if clicked is merge:
        return ConflictChoice.MERGE
    if clicked is keep:
        return ConflictChoice.OVERWRITE
    if clicked is reload:
        return ConflictChoice.RELOAD
    return ConflictChoice.CANCEL
