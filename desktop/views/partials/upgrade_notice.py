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
from desktop.services.preview import index_rebuild_due, upgrade_due

if TYPE_CHECKING:
    import os
    from collections.abc import Iterator

    from PySide6.QtWidgets import QProgressDialog, QWidget

NOTICE_TEXT = (
    "Updating the workspace for this version of Incident Desk…\n\n"
    "A backup copy is made first, in the backups folder beside it. A large workspace "
    "takes a few seconds."
)
INDEX_NOTICE_TEXT = (
    "Updating the workspace's search index for this version of Incident Desk…\n\n"
    "Nothing else changes. A large workspace takes a minute or so, once."
)


def upgrade_notice(parent: QWidget | None = None, text: str = NOTICE_TEXT) -> QProgressDialog:
    """The notice, shown and painted."""
    from PySide6.QtWidgets import QProgressDialog  # here: rarely needed, and start counts

    notice = QProgressDialog(text, "", 0, 0, parent)
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
    """Show :func:`upgrade_notice` while the block runs, if ``target`` needs an upgrade, or
    its search index a rebuild (store/search_repair.py)."""
    notice = None
    if upgrade_due(target):
        notice = upgrade_notice(parent)
    elif index_rebuild_due(target):
        notice = upgrade_notice(parent, INDEX_NOTICE_TEXT)
    try:
        yield
    finally:
        if notice is not None:
            notice.close()
            notice.deleteLater()
