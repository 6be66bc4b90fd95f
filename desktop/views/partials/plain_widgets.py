"""Small widget factories shared by the dialogs.

Labels are set to plain text so that user text (a title like ``<img src=x>``) is shown as
typed and never interpreted as Qt rich text; buttons beside a table are never "default", so
Enter belongs to the table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QUrl
from PySide6.QtGui import (
    QDesktopServices,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QShortcut,
    QTextLayout,
    QTextOption,
)
from PySide6.QtWidgets import QLabel, QPushButton, QSizePolicy, QWidget

if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtGui import QPaintEvent, QResizeEvent
    from PySide6.QtWidgets import QAbstractButton, QAbstractScrollArea

ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
# As html.escape(): the window's first paint needs nothing else of the html package, whose
# entity table is a millisecond of the start to import.
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"})


def plain_label(
    text: str = "",
    parent: QWidget | None = None,
    *,
    wrap: bool = False,
    selectable: bool = False,
) -> QLabel:
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if wrap:
        label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    label.setText(text)
    return label


def plain_tooltip(text: str) -> str:
    """A tooltip that shows user text as typed. Qt guesses rich text from a tooltip's
    content (a title like ``<img src=…>`` would be rendered, and its file loaded), so the
    text is escaped inside an explicit paragraph."""
    return "<p>" + text.translate(_ESCAPES).replace("\n", "<br>") + "</p>" if text else ""


def known_viewport(area: QAbstractScrollArea) -> QWidget:
    """``area.viewport()``, handed to Python without PySide6's search for its class.

    A widget Qt made itself gets its Python class from a search of every QWidget subclass
    the first time one is returned as a plain QWidget, which builds some fifty classes and
    their enums (once per process, before the first paint if nothing else did).
    findChild() wraps the viewport as the class it is asked for instead; later viewport()
    calls return that same wrapper. Qt names every scroll area's viewport so.
    """
    area.findChild(QWidget, "qt_scrollarea_viewport", Qt.FindChildOption.FindDirectChildrenOnly)
    return area.viewport()


def side_button(text: str, parent: QWidget) -> QPushButton:
    button = QPushButton(text, parent)
    button.setAutoDefault(False)
    button.setDefault(False)
    return button


class TableKeys(QObject):
    """Enter and Delete on a table press the dialog's buttons for them, when enabled."""

    def __init__(
        self,
        table: QWidget,
        enter: tuple[QAbstractButton, Callable[[], object]],
        delete: tuple[QAbstractButton, Callable[[], object]],
    ) -> None:
        super().__init__(table)
        self._keys = {**dict.fromkeys(ENTER_KEYS, enter), Qt.Key.Key_Delete: delete}
        table.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            target = self._keys.get(Qt.Key(event.key()))
            if target is not None and target[0].isEnabled():
                target[1]()
                return True
        return super().eventFilter(watched, event)


def widget_shortcut(
    keys: QKeySequence | QKeySequence.StandardKey | str | int,
    widget: QWidget,
    slot: Callable[[], object],
) -> QShortcut:
    """A shortcut that works only while ``widget`` has the focus.

    Made, then narrowed: PySide6 6.11 ignores the context given to the constructor together
    with a slot, and the shortcut worked window-wide (Return in the search box opened the
    editor on the selected incident).
    """
    shortcut = QShortcut(QKeySequence(keys), widget)
    shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
    shortcut.activated.connect(slot)
    return shortcut


class TwoLineLabel(QLabel):
    """Plain text wrapped to two lines, always two lines high, the rest elided.

    A description that changes with a choice (a grade's meaning) would otherwise take one
    line, then three, and push the fields below up and down under the analyst's pointer.
    What does not fit ends in "…" and the whole text is the tooltip.
    """

    LINES = 2

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.elided = False

    def setText(self, text: str) -> None:
        super().setText(text)
        self._update_elision()

    def _height(self) -> int:
        margins = self.contentsMargins()
        return self.fontMetrics().lineSpacing() * self.LINES + margins.top() + margins.bottom()

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), self._height())

    def minimumSizeHint(self) -> QSize:
        return QSize(super().minimumSizeHint().width(), self._height())

    def hasHeightForWidth(self) -> bool:
        return False  # the height never follows the text: that is the point

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._update_elision()

    def _lines(self) -> tuple[list[str], bool]:
        """The text as it fits, at most two lines, and whether the last was elided."""
        width = max(1, self.contentsRect().width())
        layout = QTextLayout(self.text(), self.font())
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WordWrap)
        layout.setTextOption(option)
        lines: list[str] = []
        layout.beginLayout()
        while True:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(width)
            lines.append(self.text()[line.textStart() : line.textStart() + line.textLength()])
        layout.endLayout()
        if len(lines) <= self.LINES:
            return lines, False
        rest = " ".join(part.strip() for part in lines[self.LINES - 1 :])
        elided = self.fontMetrics().elidedText(rest, Qt.TextElideMode.ElideRight, width)
        return [*lines[: self.LINES - 1], elided], True

    def _update_elision(self) -> None:
        self.elided = self._lines()[1]
        self.setToolTip(plain_tooltip(self.text()) if self.elided else "")
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setPen(self.palette().color(self.foregroundRole()))
        rect = self.contentsRect()
        spacing = self.fontMetrics().lineSpacing()
        for number, line in enumerate(self._lines()[0]):
            painter.drawText(
                rect.left(),
                rect.top() + number * spacing,
                rect.width(),
                spacing,
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                line.rstrip(),
            )
        painter.end()


LINK_SCHEMES = ("http", "https")


def link_label(url: str, parent: QWidget | None = None) -> QLabel:
    """A web address the analyst can click, opened in the system's browser.

    The label is rich text only to draw the link: the address, user text, is escaped, so
    ``<b>`` in it is shown as typed. An address that is not http(s) stays plain text (a
    ``file:`` or ``javascript:`` address is not something to open with one click). The
    label's ``plain`` property holds the address as typed. :func:`set_link` gives it
    another address (the detail pane keeps its labels from one incident to the next).
    """
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    # Opened here rather than by Qt, from the address as typed (not the one read back
    # out of the markup), through the one function tests can replace.
    label.linkActivated.connect(lambda _href: open_link(str(label.property("plain"))))
    set_link(label, url)
    return label


def set_link(label: QLabel, url: str) -> None:
    """Show ``url`` in a label made by :func:`link_label`."""
    label.setProperty("plain", url)
    if QUrl(url).scheme().lower() not in LINK_SCHEMES:
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setToolTip("")
        label.setText(url)
        return
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
    escaped = url.translate(_ESCAPES)
    label.setText(f'<a href="{escaped}">{escaped}</a>')
    label.setToolTip(plain_tooltip(f"Open {url} in your web browser"))


def open_link(url: str) -> bool:
    return QDesktopServices.openUrl(QUrl(url, QUrl.ParsingMode.TolerantMode))
