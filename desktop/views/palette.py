"""Follow the system's light or dark mode.

Fusion draws the same on every platform; its palette is chosen from the colour scheme Qt
reads from the desktop (Qt 6.5+) and changed again when the analyst switches mode.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

_DARK = {
    QPalette.ColorRole.Window: "#2b2d30",
    QPalette.ColorRole.WindowText: "#e6e6e6",
    QPalette.ColorRole.Base: "#1e1f22",
    QPalette.ColorRole.AlternateBase: "#26282b",
    QPalette.ColorRole.ToolTipBase: "#3c3f41",
    QPalette.ColorRole.ToolTipText: "#e6e6e6",
    QPalette.ColorRole.Text: "#e6e6e6",
    QPalette.ColorRole.Button: "#3c3f41",
    QPalette.ColorRole.ButtonText: "#e6e6e6",
    QPalette.ColorRole.BrightText: "#ff6b6b",
    QPalette.ColorRole.Link: "#6aa9ff",
    QPalette.ColorRole.Highlight: "#2f65ca",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.PlaceholderText: "#8c8c8c",
}
_DARK_DISABLED = "#7a7a7a"


def is_dark() -> bool:
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


def palette_for(dark: bool) -> QPalette:
    """Fusion's own light palette, or a dark one with readable disabled text."""
    if not dark:
        return QApplication.style().standardPalette()
    palette = QPalette()
    for role, colour in _DARK.items():
        palette.setColor(role, QColor(colour))
    for role in (
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
        QPalette.ColorRole.WindowText,
    ):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(_DARK_DISABLED))
    return palette


def follow_system_palette(app: QApplication) -> None:
    app.setStyle("Fusion")
    app.setPalette(palette_for(is_dark()))
    hints = QGuiApplication.styleHints()
    hints.colorSchemeChanged.connect(
        lambda scheme: app.setPalette(palette_for(scheme == Qt.ColorScheme.Dark))
    )


def dark_palette_in_use() -> bool:
    """Whether the palette actually applied is dark (it may differ from the system's)."""
    window = QApplication.palette().color(QPalette.ColorRole.Window)
    return window.lightness() < 128


def problem_style() -> str:
    """Red text that stays readable on the light and on the dark palette."""
    return f"color: {'#ff8a80' if dark_palette_in_use() else '#b3261e'};"


# Secondary text follows the palette, so hints read well in both modes.
HINT_STYLE = "color: palette(placeholder-text);"
