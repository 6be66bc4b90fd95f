"""This app's own writes, told to the main window so it does not take them for someone else's.

The change watcher sees every write to the workspace and cannot tell whose it is. A dialog
deep inside another (New source… in Add citation, in the incident editor) has no line to the
main window, so it announces here what it did, in words for the status bar; the window whose
workspace it is reads the change at once and says what happened, and its watcher then finds
nothing new.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class OwnWrites(QObject):
    # (the Database written to, what was done: "Added source 'Reuters'.")
    written = Signal(object, str)


_hub: OwnWrites | None = None


def own_writes() -> OwnWrites:
    """The one announcer of the process, made on first use (after the QApplication)."""
    global _hub  # one per process, like the QApplication it lives with
    if _hub is None:
        _hub = OwnWrites()
    return _hub


def announce(db: object, message: str) -> None:
    own_writes().written.emit(db, message)
