"""The report fonts: DejaVu Sans, shipped in resources/fonts, covering Latin and Arabic,
and Noto Emoji (monochrome), the fallback for the emoji DejaVu lacks.

ReportLab's built-in Helvetica has no Arabic (or most non-Latin) glyphs, so every report
style must use these names, and ``register_fonts()`` must run before a document is built.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont

from desktop.resources import resource_path

if TYPE_CHECKING:
    from pathlib import Path

FAMILY = "DejaVuSans"
BODY_FONT = "DejaVuSans"
BOLD_FONT = "DejaVuSans-Bold"
ITALIC_FONT = "DejaVuSans-Oblique"
BOLD_ITALIC_FONT = "DejaVuSans-BoldOblique"
# One face only: bold or italic emoji (inside <b> or <i> markup) are drawn in it too.
EMOJI_FONT = "NotoEmoji-Regular"

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
    if not is_bundled(font_name):
        raise KeyError(f"not a bundled report font: {font_name}")
    return resource_path("fonts", f"{font_name}.ttf")


def is_bundled(font_name: str) -> bool:
    return font_name in _FACES.values() or font_name == EMOJI_FONT


def upright(font_name: str) -> str:
    """The non-oblique face of a bundled font (itself if already upright)."""
    return _UPRIGHT.get(font_name, font_name)


_reportlab_cmap = ttfonts.makeToUnicodeCMap
_ASTRAL_TARGET = re.compile(r"(?<= )<([0-9A-F]{5,6})>$", re.MULTILINE)


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """ReportLab's ToUnicode CMap, with characters above U+FFFF (emoji) written in UTF-16 as
    PDF requires: ReportLab 5.1 writes ``<1F680>``, so readers could not copy or search them
    (pypdf gave nothing). The rest of the CMap is ReportLab's, unchanged."""

    def utf16(match: re.Match[str]) -> str:
        return f"<{chr(int(match[1], 16)).encode('utf-16-be').hex().upper()}>"

    return _ASTRAL_TARGET.sub(utf16, _reportlab_cmap(fontname, subset))


def register_fonts() -> None:
    """Register the DejaVu Sans family and the emoji font with ReportLab; safe to call any
    number of times."""
    registered = set(pdfmetrics.getRegisteredFontNames())
    for (bold, italic), name in _FACES.items():
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, str(font_file(name))))
        addMapping(FAMILY, int(bold), int(italic), name)
    if EMOJI_FONT not in registered:
        pdfmetrics.registerFont(TTFont(EMOJI_FONT, str(font_file(EMOJI_FONT))))
    for bold, italic in _FACES:
        addMapping(EMOJI_FONT, int(bold), int(italic), EMOJI_FONT)
    ttfonts.makeToUnicodeCMap = _to_unicode_cmap  # looked up by name when a PDF is saved
