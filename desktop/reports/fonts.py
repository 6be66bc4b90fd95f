"""The report fonts: DejaVu Sans, shipped in resources/fonts, covering Latin and Arabic.

ReportLab's built-in Helvetica has no Arabic (or most non-Latin) glyphs, so every report
style must use these names, and ``register_fonts()`` must run before a document is built.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from desktop.resources import resource_path

if TYPE_CHECKING:
    from pathlib import Path

FAMILY = "DejaVuSans"
BODY_FONT = "DejaVuSans"
BOLD_FONT = "DejaVuSans-Bold"
ITALIC_FONT = "DejaVuSans-Oblique"
BOLD_ITALIC_FONT = "DejaVuSans-BoldOblique"

# (bold, italic) -> font name; ReportLab's <b>/<i> markup resolves through addMapping.
_FACES: dict[tuple[bool, bool], str] = {
    (False, False): BODY_FONT,
    (True, False): BOLD_FONT,
    (False, True): ITALIC_FONT,
    (True, True): BOLD_ITALIC_FONT,
}

# DejaVu's oblique faces have no Arabic glyphs; right-to-left text falls back to these.
_UPRIGHT = {ITALIC_FONT: BODY_FONT, BOLD_ITALIC_FONT: BOLD_FONT}


def font_file(font_name: str) -> Path:
    """The .ttf file behind one of this module's font names."""
    if font_name not in _FACES.values():
        raise KeyError(f"not a bundled report font: {font_name}")
    return resource_path("fonts", f"{font_name}.ttf")


def is_bundled(font_name: str) -> bool:
    return font_name in _FACES.values()


def upright(font_name: str) -> str:
    """The non-oblique face of a bundled font (itself if already upright)."""
    return _UPRIGHT.get(font_name, font_name)


def register_fonts() -> None:
    """Register the DejaVu Sans family with ReportLab; safe to call any number of times."""
    registered = set(pdfmetrics.getRegisteredFontNames())
    for (bold, italic), name in _FACES.items():
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, str(font_file(name))))
        addMapping(FAMILY, int(bold), int(italic), name)
