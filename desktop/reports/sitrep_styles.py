"""The SITREP's colours and paragraph styles (kept apart from the renderer's layout code)."""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle, StyleSheet1

from desktop.reports import fonts

INK = colors.HexColor("#1E1E1E")
MUTED = colors.HexColor("#5F5F5F")
RULE = colors.HexColor("#B9C3CC")
HEADER_FILL = colors.HexColor("#E7EDF3")
ACCENT = colors.HexColor("#1F3F63")
ZEBRA = colors.HexColor("#F6F8FA")


def sitrep_stylesheet() -> StyleSheet1:
    """The paragraph styles of the SITREP, all in the bundled DejaVu faces."""
    sheet = StyleSheet1()
    base = ParagraphStyle(
        "Body", fontName=fonts.BODY_FONT, fontSize=9.5, leading=13, textColor=INK, spaceAfter=4
    )
    sheet.add(base)
    sheet.add(
        ParagraphStyle(
            "Title",
            parent=base,
            fontName=fonts.BOLD_FONT,
            fontSize=20,
            leading=24,
            textColor=ACCENT,
            spaceAfter=4,
        )
    )
    sheet.add(
        ParagraphStyle("Meta", parent=base, fontSize=9, leading=12.5, textColor=MUTED, spaceAfter=0)
    )
    sheet.add(
        ParagraphStyle(
            "Note",
            parent=base,
            fontName=fonts.ITALIC_FONT,
            fontSize=8.5,
            leading=11,
            textColor=MUTED,
        )
    )
    sheet.add(
        ParagraphStyle(
            "H1",
            parent=base,
            fontName=fonts.BOLD_FONT,
            fontSize=13.5,
            leading=17,
            textColor=ACCENT,
            spaceBefore=10,
            spaceAfter=6,
        )
    )
    sheet.add(
        ParagraphStyle(
            "H2",
            parent=base,
            fontName=fonts.BOLD_FONT,
            fontSize=11,
            leading=14,
            textColor=INK,
            spaceBefore=10,
            spaceAfter=4,
        )
    )
    sheet.add(ParagraphStyle("Bullet", parent=base, leftIndent=12, bulletIndent=2, spaceAfter=2))
    sheet.add(ParagraphStyle("Cell", parent=base, fontSize=8.5, leading=11, spaceAfter=0))
    sheet.add(
        ParagraphStyle(
            "CellHead",
            parent=base,
            fontName=fonts.BOLD_FONT,
            fontSize=8.5,
            leading=11,
            spaceAfter=0,
        )
    )
    sheet.add(
        ParagraphStyle(
            "Label",
            parent=base,
            fontName=fonts.BOLD_FONT,
            fontSize=8.5,
            leading=11,
            textColor=MUTED,
            spaceAfter=0,
        )
    )
    sheet.add(
        ParagraphStyle(
            "Figure",
            parent=base,
            fontName=fonts.BOLD_FONT,
            fontSize=15,
            leading=18,
            alignment=TA_CENTER,
            textColor=ACCENT,
            spaceAfter=0,
        )
    )
    sheet.add(
        ParagraphStyle(
            "FigureLabel",
            parent=base,
            fontSize=7.5,
            leading=9.5,
            alignment=TA_CENTER,
            textColor=MUTED,
            spaceAfter=0,
        )
    )
    sheet.add(ParagraphStyle("FigureWords", parent=sheet["Figure"], fontSize=10.5, leading=13))
    # The significance rule at the head of its section, the withheld count on page 1.
    sheet.add(
        ParagraphStyle(
            "Rule", parent=base, fontName=fonts.BOLD_FONT, fontSize=9, leading=12, textColor=ACCENT
        )
    )
    sheet.add(ParagraphStyle("SmallCell", parent=sheet["Cell"], fontSize=7.5, leading=9.5))
    sheet.add(ParagraphStyle("SmallHead", parent=sheet["CellHead"], fontSize=7.5, leading=9.5))
    sheet.add(ParagraphStyle("FigureText", parent=sheet["Cell"], alignment=TA_CENTER))
    return sheet
