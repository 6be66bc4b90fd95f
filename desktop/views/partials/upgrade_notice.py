"""A notice while an older workspace is upgraded: the upgrade holds the window for seconds.

An upgrade (with its backup copy) is one transaction in the GUI thread; at 100,000 incidents it
takes several seconds, during which the window cannot paint. The notice is shown and painted
before the work starts, so the analyst knows why nothing answers, and that a backup is made.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication

from desktop import APP_NAME
from desktop.services.preview import upgrade_due

if TYPE_CHECKING:
    import os
    from collections.abc import Iterator

    from PySide6.QtWidgets import QProgressDialog, QWidget

NOTICE_TEXT = (
    "Updating the workspace for this version of Incident Desk…\n\n"
    "A backup copy is made first, in the backups folder beside it. A large workspace "
    "takes a few seconds."
)


def upgrade_notice(parent: QWidget | None = None) -> QProgressDialog:
    """The notice, shown and painted."""
    from PySide6.QtWidgets import QProgressDialog  # here: rarely needed, and start counts

    notice = QProgressDialog(NOTICE_TEXT, "", 0, 0, parent)
    notice.setWindowTitle(f"{APP_NAME}: updating the workspace")
    notice.setCancelButton(None)  # an upgrade is one transaction: it finishes or changes nothing
    notice.setMinimumDuration(0)
    notice.show()
    for _ in range(3):  # shown and painted before the work blocks the event loop
        QApplication.processEvents()
    return notice


@contextmanager
def notice_if_upgrading(
    target: str | os.PathLike[str] | None, parent: QWidget | None = None
) -> Iterator[None]:
    """Show :func:`upgrade_notice` while the block runs, if ``target`` needs an upgrade."""
    notice = upgrade_notice(parent) if upgrade_due(target) else None
    try:
        yield
    finally:
        if notice is not None:
            notice.close()
            notice.deleteLater()
