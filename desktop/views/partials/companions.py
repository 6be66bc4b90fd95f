"""Companion windows of the main window: one instance each, where the analyst left it.

Picard's ``SingletonDialog`` and ``PreserveGeometry`` in one small helper: asking for a
companion (sources manager, trash, history, grading scales) shows the instance already open
instead of a second one, and its size and place are restored from and saved to the window
settings (``window/<key>-geometry``), so it opens where it was last, also after a restart.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QEvent, QObject

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from PySide6.QtWidgets import QWidget

    from desktop.views.window_settings import WindowSettings

W = TypeVar("W", bound="QWidget")


class Companions(QObject):
    def __init__(self, parent: QObject, settings: WindowSettings) -> None:
        super().__init__(parent)
        self._settings = settings
        self._open: dict[str, QWidget] = {}

    def show(self, key: str, make: Callable[[], W], *, fresh: bool = False) -> W:
        """The companion ``key``, made by ``make`` unless one is open, shown and raised.

        ``fresh``: the open one (showing other data, e.g. another incident's history) is
        replaced by a new one in its place.
        """
        current = self._open.get(key)
        if current is not None and fresh:
            self._settings.set_state(self._key(key), current.saveGeometry())
            self.close(key)
            current = None
        if current is None:
            current = make()
            self._open[key] = current
            if (geometry := self._settings.state(self._key(key))) is not None:
                current.restoreGeometry(geometry)
            current.installEventFilter(self)
            current.destroyed.connect(lambda _obj=None, key=key, w=current: self._gone(key, w))
        current.show()
        current.raise_()
        current.activateWindow()
        return current  # type: ignore[return-value]  # the one ``make`` made for this key

    def get(self, key: str) -> QWidget | None:
        return self._open.get(key)

    def visible(self, keys: Iterable[str]) -> list[QWidget]:
        return [w for k in keys if (w := self._open.get(k)) is not None and w.isVisible()]

    def close(self, *keys: str) -> None:
        """Close and forget companions bound to what is going away (the old workspace)."""
        for key in keys:
            widget = self._open.pop(key, None)
            if widget is not None:
                widget.removeEventFilter(self)
                widget.close()
                widget.deleteLater()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.Hide, QEvent.Type.Close):
            for key, widget in self._open.items():
                if widget is watched:
                    self._settings.set_state(self._key(key), widget.saveGeometry())
        return False

    def _gone(self, key: str, widget: QWidget) -> None:
        if self._open.get(key) is widget:  # not one that has replaced it meanwhile
            del self._open[key]

    @staticmethod
    def _key(key: str) -> str:
        return f"{key}-geometry"
