"""Right-to-left text: bidi levels, reordering, Arabic shaping, and the ``BidiParagraph``.

ReportLab joins Arabic letters with harfbuzz (``uharfbuzz``), but its right-to-left ordering
needs ``rlbidi`` (not on PyPI); without it whole lines come out in left-to-right word order,
and harfbuzz, guessing each word's direction from its script, reverses Arabic-Indic numbers
such as ``٢٠٢٣``. Here python-bidi resolves the embedding levels of each *line* (lines are
broken on the logical text first, as UAX #9 requires), the line is reordered and its brackets
mirrored, and only runs of right-to-left letters are given to ReportLab's harfbuzz shaping,
in logical order, where its guess is always right.
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from dataclasses import dataclass
from itertools import groupby
from typing import TYPE_CHECKING

from bidi import get_display
from bidi.mirror import MIRRORED
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import ShapedStr, shapeStr
from reportlab.platypus import Flowable

from desktop.reports import fonts
from desktop.reports.glyphs import JOINERS, Run, font_runs, replace_missing, strip_format

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from reportlab.lib.styles import ParagraphStyle

_log = logging.getLogger(__name__)
_RUST_LEVEL = re.compile(r"Level\(\s*(\d+),?\s*\)")
_RTL_CLASSES = frozenset({"R", "AL"})
_ISOLATE_OPEN = frozenset({"\u2066", "\u2067", "\u2068"})  # LRI, RLI, FSI
_ISOLATE_CLOSE = "\u2069"  # PDI
# Whitespace a line may break at: every Unicode space except the no-break ones.
BREAKABLE_SPACE = re.compile(r"[^\S\u00a0\u2007\u202f]+")
HARD_BREAK = re.compile(r"\r\n|[\n\r\u2028\u2029\x0b\x0c\x85]")
# Words up to this length are measured whole before being cut (cheap, and nearly all fit).
_SHORT_WORD = 200


# --------------------------------------------------------------------------- character checks


def has_rtl(s: str) -> bool:
    """True if ``s`` contains a strong right-to-left character (Arabic, Hebrew, ...)."""
    return any(unicodedata.bidirectional(c) in _RTL_CLASSES for c in s)


def first_strong_is_rtl(s: str) -> bool | None:
    """Direction of the first strong character (UAX #9 rule P2); None if there is none."""
    depth = 0  # characters inside isolates do not count, as in P2
    for c in s:
        if c in _ISOLATE_OPEN:
            depth += 1
        elif c == _ISOLATE_CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0:
            cls = unicodedata.bidirectional(c)
            if cls == "L":
                return False
            if cls in _RTL_CLASSES:
                return True
    return None


# ------------------------------------------------------------------------------------ bidi


def bidi_levels(line: str, rtl: bool) -> list[int] | None:
    """Resolved embedding levels of one line's characters, as computed by python-bidi.

    python-bidi's ``get_display(debug=True)`` is its documented way to return the levels;
    it gives them per UTF-8 byte in Rust's debug notation. None if that ever changes.
    """
    report = get_display(line, base_dir="R" if rtl else "L", debug=True)
    if not isinstance(report, str) or "levels:" not in report:
        return None
    section = report.split("levels:", 1)[1].split("paragraphs:", 1)[0]
    per_byte = [int(level) for level in _RUST_LEVEL.findall(section)]
    if len(per_byte) != len(line.encode("utf-8")):
        return None
    levels, offset = [], 0
    for c in line:
        levels.append(per_byte[offset])
        offset += len(c.encode("utf-8"))
    return levels


def bidi_reorder(line: str, rtl: bool) -> str:
    """Visual order of one line, brackets mirrored where they read right to left (UAX #9).

    python-bidi resolves the levels (the hard part: brackets, isolates, numbers); its
    ``get_display`` reorders but does not mirror, so rules L1, L2 and L4 are applied here.
    """
    levels = bidi_levels(line, rtl) if line else []
    if levels is None:  # unknown python-bidi output: right order, unmirrored brackets
        _log.warning("python-bidi gave no levels; brackets in RTL text may be unmirrored")
        return str(get_display(line, base_dir="R" if rtl else "L"))
    base = 1 if rtl else 0
    # L1: trailing whitespace and whitespace before a tab go back to the paragraph level.
    trailing = True
    for i in range(len(line) - 1, -1, -1):
        cls = unicodedata.bidirectional(line[i])
        if cls in ("S", "B"):
            levels[i], trailing = base, True
        elif trailing and (cls in ("WS", "BN") or line[i] in _ISOLATE_OPEN or line[i] == "\u2069"):
            levels[i] = base
        else:
            trailing = False
    # L2: from the highest level down to the lowest odd one, reverse every run at or above it.
    order = list(range(len(line)))
    top = max(levels, default=0)
    lowest_odd = min((lv for lv in levels if lv % 2), default=top + 1)
    for level in range(top, lowest_odd - 1, -1):
        i = 0
        while i < len(order):
            if levels[order[i]] >= level:
                j = i
                while j < len(order) and levels[order[j]] >= level:
                    j += 1
                order[i:j] = order[i:j][::-1]
                i = j
            else:
                i += 1
    # L4: a mirrored character at an odd level is drawn with its mirror image.
    return "".join(MIRRORED.get(line[k], line[k]) if levels[k] % 2 else line[k] for k in order)


# --------------------------------------------------------------------------------- shaping


def _shaping_font(font_name: str) -> str:
    """The bundled face that draws ``font_name``'s Arabic (obliques have none)."""
    return fonts.upright(font_name) if fonts.is_bundled(font_name) else fonts.BODY_FONT


def _joins_rtl(c: str) -> bool:
    """Characters harfbuzz must see together to pick right-to-left contextual forms."""
    return unicodedata.bidirectional(c) in ("R", "AL", "NSM") or c in JOINERS


def shape_visual(visual: str, font_name: str = fonts.BODY_FONT, font_size: float = 10) -> str:
    """Join the letters of the right-to-left runs of a visual-order line.

    Each run of RTL letters (with their marks and joiners) is turned back into logical order
    and shaped by ReportLab's harfbuzz shaping, which returns it in visual order as a
    ``ShapedStr`` carrying glyph positions (marks, ligatures); ``canvas.drawString`` draws
    that exactly. Everything else is passed through. The result is still a ``str``.
    """
    fonts.register_fonts()  # harfbuzz shaping looks the font up in ReportLab's registry
    font_name = _shaping_font(font_name)
    result: str = ShapedStr("", shapeData=[])
    shaped_any = False
    for joins, chars in groupby(strip_format(visual, keep_joiners=True), key=_joins_rtl):
        run = "".join(chars)
        if joins and has_rtl(run):
            shaped = shapeStr(run[::-1], font_name, font_size, force=True)
            # Without uharfbuzz ReportLab hands the text back unshaped (and in logical
            # order): keep the visual run then, unjoined but in the right order.
            result += shaped if isinstance(shaped, ShapedStr) else run
            shaped_any = True
        else:
            result += strip_format(run)
    return result if shaped_any else str(result)


def text_width(s: str, font_name: str, font_size: float) -> float:
    """Width of a string from ``shape_visual``/``visual_line`` (shaped advances included)."""
    data = getattr(s, "__shapeData__", None)
    if data is None:
        return float(stringWidth(s, font_name, font_size))
    width = 0.0
    for c, glyph in zip(s, data, strict=True):
        if glyph.x_advance or glyph.width:  # a shaped glyph: harfbuzz's advance
            width += glyph.x_advance * font_size / 1000
        else:  # unshaped text appended to a ShapedStr carries no advance of its own
            width += stringWidth(c, font_name, font_size)
    return width


def shape_runs(visual: str, font_name: str = fonts.BODY_FONT, font_size: float = 10) -> list[Run]:
    """A visual-order line as runs of one font each (``font_runs``), the right-to-left
    letters of each run joined (``shape_visual``) and format characters dropped: draw each
    run in its own font, one after the other, and measure it with ``text_width``."""
    runs: list[Run] = []
    for run in font_runs(visual, font_name):
        if run.font != fonts.EMOJI_FONT and has_rtl(run.text):
            text = shape_visual(run.text, run.font, font_size)
        else:
            text = strip_format(run.text)
        if text:
            runs.append(Run(text, run.font))
    return runs


def runs_width(runs: list[Run], font_size: float) -> float:
    return sum(text_width(run.text, run.font, font_size) for run in runs)


def runs_text(runs: list[Run]) -> str:
    """The glyphs of ``runs`` as one string (a single run's ``ShapedStr`` kept as it is)."""
    return runs[0].text if len(runs) == 1 else "".join(str(run.text) for run in runs)


def hard_paragraphs(s: str) -> list[str]:
    return HARD_BREAK.split(s)


# ------------------------------------------------------------------------------ the flowable


@dataclass(frozen=True)
class BidiLine:
    """One laid-out line of a ``BidiParagraph``."""

    logical: str  # the line's words in reading order
    visual: str  # python-bidi's reordering of ``logical`` (what a reader's eye follows)
    glyphs: str  # ``visual`` with contextual (joined) letter forms: what is drawn
    rtl: bool  # direction of the paragraph the line belongs to
    width: float
    para_index: int  # which hard paragraph (newline-separated block) it came from
    breaks_word: bool = False  # the next line continues a word cut for being too long
    runs: tuple[Run, ...] = ()  # ``glyphs`` cut by font: drawn one after the other


@dataclass(frozen=True)
class _Para:
    text: str
    rtl: bool


class BidiParagraph(Flowable):
    """A paragraph of plain (unmarked) text that may contain right-to-left runs.

    Lines are broken on the logical text, then each line is reordered on its own, so an
    Arabic paragraph reads top-right to bottom-left with its first words on the first line.
    Lines of a right-to-left paragraph are right-aligned (centred if the style says so).
    Honours fontName, fontSize, leading, textColor, alignment, left/rightIndent,
    spaceBefore/After and allowWidows/allowOrphans; an oblique font is replaced by its upright
    face (DejaVu's obliques have no Arabic), a non-bundled font by DejaVu Sans.
    """

    def __init__(
        self,
        text: str,
        style: ParagraphStyle,
        rtl: bool | None = None,
        bullet: str = "",
        *,
        hanging: bool = False,
    ) -> None:
        """``rtl``: the direction of lines with no strong character when ``text`` is a piece
        of a longer text (that text's direction); by default that of ``text`` itself.

        ``bullet`` is drawn before the first line as ReportLab's Paragraph draws its bullet:
        at the style's bulletIndent, the text hanging at its leftIndent. A right-to-left
        paragraph is mirrored: the bullet stands at the right edge, where its reader starts.
        ``hanging`` mirrors it so without a bullet (the rest of a bulleted text).
        """
        super().__init__()
        font_name = fonts.upright(style.fontName) if fonts.is_bundled(style.fontName) else None
        text = replace_missing(text, font_name or fonts.BODY_FONT)
        default_rtl = bool(first_strong_is_rtl(text) if rtl is None else rtl)
        paras = [
            _Para(p, default_rtl if (d := first_strong_is_rtl(p)) is None else d)
            for p in hard_paragraphs(text)
        ]
        self._init_state(style, font_name or fonts.BODY_FONT, paras, bullet=bullet)
        self._mirrored = (hanging or bool(bullet)) and bool(paras) and paras[0].rtl

    def _init_state(
        self,
        style: ParagraphStyle,
        font_name: str,
        paras: list[_Para],
        before: float | None = None,
        after: float | None = None,
        bullet: str = "",
    ) -> None:
        self.style = style
        self.font_name = font_name
        self._paras = paras
        self.bullet = bullet
        # A bulleted right-to-left paragraph hangs from the right: its indents swap sides.
        self._mirrored = False
        self._space_before: float = style.spaceBefore if before is None else before
        self._space_after: float = style.spaceAfter if after is None else after
        self._laid_out_for: float | None = None
        self.lines: list[BidiLine] = []

    # -- layout

    def _width(self, word: str, rtl: bool) -> float:
        return _word_width(word, self.font_name, self.style.fontSize, rtl)

    def _content_width(self, avail_width: float) -> float:
        return max(1.0, avail_width - self.style.leftIndent - self.style.rightIndent)

    def _layout(self, avail_width: float) -> None:
        """Greedy line breaking on the logical text (word widths measured shaped)."""
        if self._laid_out_for == avail_width:
            return
        width = self._content_width(avail_width)
        space = stringWidth(" ", self.font_name, self.style.fontSize)
        lines: list[BidiLine] = []
        for index, para in enumerate(self._paras):
            first_line = len(lines)
            current: list[str] = []
            current_width = 0.0
            for piece, cut in self._pieces(para, width):
                piece_width = self._width(piece, para.rtl)
                if current and current_width + space + piece_width > width + 1e-6:
                    lines.append(self._line(current, para.rtl, index, cut=False))
                    current, current_width = [], 0.0
                current_width += piece_width + (space if current else 0.0)
                current.append(piece)
                if cut:  # the head of a word too long for any line ends its line
                    lines.append(self._line(current, para.rtl, index, cut=True))
                    current, current_width = [], 0.0
            if current or len(lines) == first_line:  # an empty paragraph is a blank line
                lines.append(self._line(current, para.rtl, index, cut=False))
        self.lines = lines
        self._laid_out_for = avail_width

    def _pieces(self, para: _Para, width: float) -> Iterator[tuple[str, bool]]:
        """Words, with any word wider than a line cut into pieces; True marks a cut."""
        for word in BREAKABLE_SPACE.split(para.text.strip()):
            if not word:
                continue
            # Only prefixes about a line long are measured: measuring the rest of a long
            # token once per line would be quadratic in its length.
            while len(word) > 1:
                head = _longest_fitting_prefix(word, lambda w: self._width(w, para.rtl) <= width)
                if len(head) == len(word):
                    break
                yield head, True
                word = word[len(head) :]
            yield word, False

    def _line(self, words: list[str], rtl: bool, index: int, cut: bool) -> BidiLine:
        logical = " ".join(words)
        reordered = bidi_reorder(logical, rtl) if has_rtl(logical) else logical
        runs = shape_runs(reordered, self.font_name, self.style.fontSize)
        width = runs_width(runs, self.style.fontSize)
        return BidiLine(
            logical,
            strip_format(reordered),
            runs_text(runs),
            rtl,
            width,
            index,
            breaks_word=cut,
            runs=tuple(runs),
        )

    # -- the Flowable protocol (ReportLab's camelCase names)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self._layout(availWidth)
        self.width = availWidth
        self.height = len(self.lines) * self.style.leading
        return self.width, self.height

    def minWidth(self) -> float:
        """Widest word: Table uses this for columns without a fixed width."""
        widest = max(
            (self._width(w, p.rtl) for p in self._paras for w in BREAKABLE_SPACE.split(p.text)),
            default=0.0,
        )
        return widest + self.style.leftIndent + self.style.rightIndent

    def getSpaceBefore(self) -> float:
        return self._space_before

    def getSpaceAfter(self) -> float:
        return self._space_after

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        self._layout(availWidth)
        total = len(self.lines)
        fit = int((availHeight + 1e-6) // self.style.leading)
        if fit >= total:
            return [self]
        if not self.style.allowWidows and total - fit < 2:
            fit = total - 2  # do not leave one line alone at the top of the next page
        if fit < (1 if self.style.allowOrphans else 2):
            return []  # nor one line alone at the bottom of this one
        head, tail = self.lines[:fit], self.lines[fit:]
        return [
            self._part(head, after=0.0, bullet=self.bullet),
            self._part(tail, before=0.0),
        ]

    def _part(
        self,
        lines: list[BidiLine],
        before: float | None = None,
        after: float | None = None,
        bullet: str = "",
    ) -> BidiParagraph:
        """A paragraph holding just ``lines``; it re-wraps if later given another width.
        The bullet goes with the first part only; both keep the side the text hangs from."""
        part: BidiParagraph = self.__class__.__new__(self.__class__)
        Flowable.__init__(part)
        part._init_state(
            self.style,
            self.font_name,
            _regroup(lines),
            self._space_before if before is None else before,
            self._space_after if after is None else after,
            bullet,
        )
        part._mirrored = self._mirrored
        part.lines, part._laid_out_for = lines, self._laid_out_for
        return part

    def draw(self) -> None:
        style = self.style
        canv = self.canv
        canv.saveState()
        canv.setFillColor(style.textColor)
        canv.setFont(self.font_name, style.fontSize)
        inner = self._content_width(self.width)
        y = self.height - style.fontSize  # the first baseline where Paragraph puts it
        if self.bullet:
            self._draw_bullet(y)
        start = style.rightIndent if self._mirrored else style.leftIndent
        for line in self.lines:
            x = start
            if style.alignment == TA_CENTER:
                x += (inner - line.width) / 2
            elif line.rtl or style.alignment == TA_RIGHT:
                x += inner - line.width
            for run in line.runs:
                canv.setFont(run.font, style.fontSize)
                canv.drawString(x, y, run.text)
                x += text_width(run.text, run.font, style.fontSize)
            y -= style.leading
        canv.restoreState()

    def _draw_bullet(self, baseline: float) -> None:
        style = self.style
        font, size = style.bulletFontName, style.bulletFontSize
        x = style.bulletIndent
        if self._mirrored:
            x = self.width - style.bulletIndent - stringWidth(self.bullet, font, size)
        self.canv.setFont(font, size)
        self.canv.drawString(x, baseline, self.bullet)


def _regroup(lines: list[BidiLine]) -> list[_Para]:
    """The hard paragraphs a run of lines came from (to re-wrap a split part)."""
    paras: list[_Para] = []
    for _, group in groupby(lines, key=lambda line: line.para_index):
        text = ""
        members = list(group)
        for i, line in enumerate(members):
            joiner = "" if i == 0 or members[i - 1].breaks_word else " "
            text += joiner + line.logical
        paras.append(_Para(text, members[0].rtl))
    return paras


def _longest_fitting_prefix(word: str, fits: Callable[[str], bool]) -> str:
    """Longest prefix that fits (at least one character), never splitting off a mark.

    Galloping, then binary search: a long token (a pasted URL or hash) costs a few
    measurements of prefixes at most twice a line long, not of the whole token. An ordinary
    word is measured once.
    """
    if len(word) <= _SHORT_WORD and fits(word):
        return word
    low, high = 1, 2  # word[:low] is taken even if it does not fit
    while high < len(word) and fits(word[:high]):
        low, high = high, 2 * high
    high = min(high, len(word))
    if high == len(word) and fits(word):
        return word
    high -= 1  # word[:high + 1] is known not to fit
    while low < high:
        mid = (low + high + 1) // 2
        if fits(word[:mid]):
            low = mid
        else:
            high = mid - 1
    end = low
    while 1 < end < len(word) and (
        unicodedata.category(word[end])[0] == "M" or word[end] in JOINERS
    ):
        end -= 1  # do not separate a combining mark or a joiner from its base
    return word[:end]


@functools.lru_cache(maxsize=8192)
def _word_width(word: str, font_name: str, size: float, rtl: bool) -> float:
    visual = bidi_reorder(word, rtl) if has_rtl(word) else word
    return runs_width(shape_runs(visual, font_name, size), size)
