"""The one gate every user-supplied string passes through before it reaches ReportLab.

Three problems are solved here, so that report code never meets them:

* **Markup.** ``Paragraph`` parses its text as markup: ``<``, ``&`` or ``<img src=...>`` in an
  incident summary would break the build or make ReportLab open files. Everything is escaped.
* **Right-to-left text.** Each line is reordered and its Arabic letters joined (``bidi``).
* **Missing glyphs.** Characters the report fonts cannot draw are replaced (``glyphs``).

Use ``make_paragraphs`` for free text of any length (a narrative, an assessment),
``make_paragraph`` for user text that may wrap but is short, ``para_text`` for short strings
that are composed into markup (table cells, labels), and ``visual_line`` for
``canvas.drawString``.

**Length.** ReportLab wraps a ``Paragraph`` whole and, at each page break, splits it and wraps
the rest again, so one huge paragraph costs time quadratic in its length (a 1 MB narrative
took minutes). ``make_paragraphs`` hands it bounded pieces (``split_paragraphs``), and every
step here is linear in the text it is given.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Paragraph

from desktop.reports import fonts
from desktop.reports.bidi import (
    BREAKABLE_SPACE,
    HARD_BREAK,
    BidiParagraph,
    bidi_reorder,
    first_strong_is_rtl,
    hard_paragraphs,
    has_rtl,
    runs_width,
    shape_runs,
    shape_visual,
    text_width,
)
from desktop.reports.glyphs import (
    EXTENDERS,
    JOINERS,
    REPLACEMENT,
    Run,
    replace_missing,
    strip_format,
)

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

__all__ = [
    "REPLACEMENT",
    "BidiParagraph",
    "Run",
    "bidi_reorder",
    "draw_runs",
    "first_strong_is_rtl",
    "fit_runs",
    "has_rtl",
    "line_runs",
    "make_paragraph",
    "make_paragraphs",
    "para_text",
    "replace_missing",
    "runs_width",
    "shape_visual",
    "split_paragraphs",
    "text_width",
    "visual_line",
]

_BREAK = r"(?:\r\n|[\n\r\u2028\u2029\x0b\x0c\x85])"
# A paragraph ends at a blank line (two hard breaks with at most spaces between them).
_BLANK_LINE = re.compile(rf"{_BREAK}(?:[^\S\n\r\u2028\u2029\x0b\x0c\x85]*{_BREAK})+")
# Where a piece of an over-long paragraph may end, best first: after a line break, after a
# sentence (its closing quotes or brackets and the spaces after it), after a space.
_CUTS = (
    re.compile(_BREAK),
    re.compile(r"[.!?\u061f\u06d4\u2026][\"'\u201d\u2019)\]]*[^\S\n\r]+"),
    BREAKABLE_SPACE,
)
# Long enough to read as running text, short enough that ReportLab lays out about a page of
# it at a time (A4 body text holds some 4,500 characters a page).
PIECE_LIMIT = 3000


def visual_line(
    s: str, font_name: str = fonts.BODY_FONT, font_size: float = 10, rtl: bool | None = None
) -> str:
    """A single line for ``canvas.drawString`` in ``font_name`` alone: glyphs replaced
    (emoji too: use ``line_runs`` to draw them), reordered, shaped.

    ``rtl`` is the paragraph direction; by default that of the first strong character.
    Measure the result with ``text_width``. Text that may need wrapping must go through
    ``make_paragraph`` instead.
    """
    s = " ".join(HARD_BREAK.split(replace_missing(s, font_name, fallback=False)))
    if not has_rtl(s):
        return strip_format(s)
    base = first_strong_is_rtl(s) if rtl is None else rtl
    return shape_visual(bidi_reorder(s, bool(base)), font_name, font_size)


def line_runs(
    s: str, font_name: str = fonts.BODY_FONT, font_size: float = 10, rtl: bool | None = None
) -> list[Run]:
    """A single line for the canvas as runs of one font each (emoji in the fallback font),
    in visual order: draw it with ``draw_runs``, measure it with ``runs_width``."""
    s = " ".join(HARD_BREAK.split(replace_missing(s, font_name)))
    if has_rtl(s):
        s = bidi_reorder(s, bool(first_strong_is_rtl(s) if rtl is None else rtl))
    return shape_runs(s, font_name, font_size)


def fit_runs(s: str, font_name: str, font_size: float, width: float) -> list[Run]:
    """``line_runs`` of ``s``, cut with '…' to at most ``width`` points."""
    runs = line_runs(s, font_name, font_size)
    while len(s) > 1 and runs_width(runs, font_size) > width:
        s = s[:-1]
        runs = line_runs(s.rstrip() + "…", font_name, font_size)
    return runs


def draw_runs(canvas: Canvas, x: float, y: float, runs: list[Run], font_size: float) -> None:
    """Draw ``runs`` from ``x`` on, each in its own font; the canvas keeps the last font."""
    for run in runs:
        canvas.setFont(run.font, font_size)
        canvas.drawString(x, y, run.text)
        x += text_width(run.text, run.font, font_size)


# ------------------------------------------------------------------------------- para_text


def para_text(s: str, font_name: str = fonts.BODY_FONT) -> str:
    """Paragraph markup for user text: printed literally, one ``<br/>`` per newline.

    Right-to-left lines are reordered and their letters joined as whole lines, which is
    right only if they do not wrap: use this for short fields, ``make_paragraph`` for running
    text. The style must not set ``shaping=1`` (the text is already in visual order).
    ``font_name`` is the font the text will be set in (for the missing-glyph check).
    """
    text = replace_missing(s, font_name)
    default_rtl = bool(first_strong_is_rtl(text))
    lines: list[str] = []
    for para in hard_paragraphs(text):
        if has_rtl(para):
            rtl = first_strong_is_rtl(para)
            para = bidi_reorder(para, default_rtl if rtl is None else rtl)
        # Markup drops ShapedStr's glyph offsets; presentation forms still give joined letters.
        lines.append("".join(_run_markup(run, font_name) for run in shape_runs(para, font_name)))
    return "<br/>".join(lines)


def _run_markup(run: Run, font_name: str) -> str:
    text = escape(str(run.text))
    return text if run.font == font_name else f'<font name="{run.font}">{text}</font>'


# ---------------------------------------------------------------------------- long text


def split_paragraphs(text: str, limit: int = PIECE_LIMIT) -> list[list[str]]:
    """``text`` as paragraphs (ended by blank lines), each a list of pieces of at most
    ``limit`` characters: exact slices, so joining them all gives ``text`` back.

    A paragraph longer than ``limit`` is cut at its last line break in the second half of a
    ``limit`` window, else at its last sentence end, else its last space, else (a token
    such as base64 or a URL) anywhere but inside a grapheme. Each cut looks at one window
    only, so the whole split is linear in the text.
    """
    paragraphs: list[list[str]] = []
    start = 0
    for blank in _BLANK_LINE.finditer(text):
        paragraphs.append(_pieces_of(text[start : blank.end()], limit))
        start = blank.end()
    if start < len(text) or not paragraphs:
        paragraphs.append(_pieces_of(text[start:], limit))
    return paragraphs


def _pieces_of(paragraph: str, limit: int) -> list[str]:
    pieces: list[str] = []
    start = 0
    while len(paragraph) - start > limit:
        end = start + _cut(paragraph[start : start + limit + 1], limit)
        pieces.append(paragraph[start:end])
        start = end
    pieces.append(paragraph[start:])
    return pieces


def _cut(window: str, limit: int) -> int:
    """Length of the next piece (1..limit) of a paragraph that goes on past ``window``.

    ``window`` holds one character more than may be taken, so that a cut just before it can
    see what follows.
    """
    for boundary in _CUTS:
        last = None
        for match in boundary.finditer(window, limit // 2, limit):
            last = match
        if last is not None:
            return last.end()
    end = limit
    # Not between a letter and its marks or joiners: they would be shaped (or replaced by
    # U+FFFD) apart from it.
    while end > 1 and (_clings(window[end]) or window[end - 1] in JOINERS):
        end -= 1
    return end


def _clings(c: str) -> bool:
    return unicodedata.category(c)[0] == "M" or c in JOINERS or bool(EXTENDERS.match(c))


# ------------------------------------------------------------------------------ the entry point


def make_paragraph(
    text: str,
    style: ParagraphStyle,
    rtl: bool | None = None,
    bullet: str = "",
    *,
    hanging: bool = False,
) -> Flowable:
    """The flowable for short user text: escaped, wrapped, and right-to-left aware.

    ``rtl``: the direction of a neutral line when ``text`` is a piece of a longer text.
    ``bullet`` stands at the style's bulletIndent, the text hanging at its leftIndent (a
    right-to-left paragraph is mirrored: bullet at the right edge, see BidiParagraph);
    ``hanging`` says ``text`` continues a bulleted one, and hangs so too.
    """
    if has_rtl(text):
        return BidiParagraph(text, style, rtl, bullet, hanging=hanging)
    return Paragraph(para_text(text, style.fontName), style, bulletText=bullet or None)


def make_paragraphs(
    text: str, style: ParagraphStyle, bullet: str = "", limit: int = PIECE_LIMIT
) -> list[Flowable]:
    """The flowables for free text of any length, one or more per paragraph.

    Paragraphs (ended by blank lines) keep the style's spacing; the pieces of an over-long
    one follow each other with none, so they read as one paragraph. ``bullet`` marks the
    first line, where every bullet of the style stands, the text hanging beside it (at the
    right edge for a right-to-left paragraph: see :func:`make_paragraph`).
    """
    rtl = first_strong_is_rtl(text)  # neutral pieces follow the direction of the whole
    flowables: list[Flowable] = []
    for paragraph in split_paragraphs(text, limit):
        pieces = [piece.strip() for piece in paragraph]
        pieces = [piece for piece in pieces if piece]
        for i, piece in enumerate(pieces):
            piece_style = _piece_style(style, first=i == 0, last=i == len(pieces) - 1)
            mark = bullet if not flowables else ""
            flowables.append(make_paragraph(piece, piece_style, rtl, mark, hanging=bool(bullet)))
    return flowables


def _piece_style(style: ParagraphStyle, first: bool, last: bool) -> ParagraphStyle:
    if first and last:
        return style
    return ParagraphStyle(
        f"{style.name}-piece",
        parent=style,
        spaceBefore=style.spaceBefore if first else 0,
        spaceAfter=style.spaceAfter if last else 0,
    )


rtl_paragraph = BidiParagraph  # the name the report code was told to expect
