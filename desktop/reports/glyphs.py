"""Which characters the report fonts can draw, and what becomes of those they cannot.

DejaVu Sans has no glyphs for most emoji; those are drawn in the fallback font, Noto Emoji
(monochrome), and a line is split into runs of one font each (``font_runs``). What neither
font has (CJK, emoji newer than the font) becomes U+FFFD, one per grapheme, instead of
``.notdef`` boxes. Variation selectors, skin tones, the keycap mark and the tags of
subdivision flags are dropped (a monochrome font shows none of them), and a ZWJ sequence is
drawn as its parts: ReportLab draws one glyph per character and never forms the font's
ligatures. A flag's two regional indicators are drawn as the two boxed letters they are.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import NamedTuple

import uharfbuzz as hb

from desktop.reports import fonts

REPLACEMENT = "\ufffd"
JOINERS = frozenset({"\u200c", "\u200d"})  # ZWNJ, ZWJ: they steer Arabic joining
# Characters that belong to the emoji grapheme before them and vanish with it when that
# grapheme cannot be drawn: skin tones, tags (subdivision flags), the keycap mark.
EXTENDERS = re.compile(r"[\U0001f3fb-\U0001f3ff\U000e0020-\U000e007f\u20e3]")
_VARIATION_SELECTOR = re.compile(r"[\ufe00-\ufe0f\U000e0100-\U000e01ef]")
_REGIONAL_INDICATOR = re.compile(r"[\U0001f1e6-\U0001f1ff]")


# ------------------------------------------------------------------------ cleaning the text


@functools.cache
def _coverage(font_name: str) -> frozenset[int] | None:
    """Code points the font has glyphs for; None for fonts not shipped with the app."""
    if not fonts.is_bundled(font_name):
        return None
    face = hb.Face(hb.Blob.from_file_path(str(fonts.font_file(font_name))))
    return frozenset(face.unicodes)


def _is_dropped(c: str) -> bool:
    """Characters never worth drawing: control codes, lone surrogates, variation selectors."""
    cat = unicodedata.category(c)
    if cat == "Cc":
        return c not in "\t\n\r\x0b\x0c\x85"  # keep what reads as a space or a line break
    return cat == "Cs" or bool(_VARIATION_SELECTOR.match(c))


def _fallback_has(c: str) -> bool:
    covered = _coverage(fonts.EMOJI_FONT)
    return covered is not None and ord(c) in covered


def replace_missing(s: str, font_name: str = fonts.BODY_FONT, fallback: bool = True) -> str:
    """Replace each grapheme neither the font nor the fallback font can draw with U+FFFD.

    A ZWJ emoji sequence, a flag or an emoji with a skin tone becomes one U+FFFD, not several.
    Without ``fallback`` (text that must be drawn in ``font_name`` alone) every emoji the
    font lacks is replaced. Fonts other than the bundled ones are left alone: their coverage
    is not known here.
    """
    covered = _coverage(font_name)
    out: list[str] = []
    absorbing = False  # the last output is a replacement that may still have parts to swallow
    after_zwj = False  # ... and the previous character was a ZWJ inside it
    open_flag = False  # ... and it is a first regional indicator waiting for its pair
    for c in s:
        if _is_dropped(c):
            continue
        if absorbing:
            if c == "\u200d":
                after_zwj = True
                continue
            if after_zwj or EXTENDERS.match(c) or (open_flag and _REGIONAL_INDICATOR.match(c)):
                after_zwj = open_flag = False
                continue
        absorbing = after_zwj = open_flag = False
        if covered is None or ord(c) in covered or c.isspace():
            out.append(c)
        elif fallback and _fallback_has(c):
            out.append(c)  # drawn in the fallback font (see font_runs)
        elif not EXTENDERS.match(c):  # a stray skin tone or tag is dropped, not replaced
            out.append(REPLACEMENT)
            absorbing = True
            open_flag = bool(_REGIONAL_INDICATOR.match(c))
    return "".join(out)


def strip_format(s: str, keep_joiners: bool = False) -> str:
    """Drop bidi controls, soft hyphens, BOMs...: they have done their job by now."""
    return "".join(
        c for c in s if unicodedata.category(c) != "Cf" or (keep_joiners and c in JOINERS)
    )


# ------------------------------------------------------------------------------- font runs


class Run(NamedTuple):
    """Part of a line drawn in one font."""

    text: str
    font: str


def font_runs(s: str, font_name: str = fonts.BODY_FONT) -> list[Run]:
    """``s`` cut into runs of one font each: ``font_name``, or the fallback font for the
    characters only it has. Pass text that went through ``replace_missing``.

    Spaces always belong to ``font_name`` (the fallback has none); format characters (ZWJ,
    bidi controls) go with the run they stand in, so that they never cut one. Concatenating
    the runs' texts gives ``s`` back.
    """
    covered = _coverage(font_name)
    runs: list[Run] = []
    for c in s:
        if c.isspace():
            font = font_name
        elif unicodedata.category(c) == "Cf" and runs:
            font = runs[-1].font
        elif covered is not None and ord(c) not in covered and _fallback_has(c):
            font = fonts.EMOJI_FONT
        else:
            font = font_name
        if runs and runs[-1].font == font:
            runs[-1] = Run(runs[-1].text + c, font)
        else:
            runs.append(Run(c, font))
    return runs
