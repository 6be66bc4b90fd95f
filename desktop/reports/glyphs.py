"""Which characters the report fonts can draw, and what becomes of those they cannot.

DejaVu Sans has no glyphs for most emoji or for CJK; such characters become U+FFFD (one per
grapheme, joiners and modifiers dropped) instead of ``.notdef`` boxes.
"""

from __future__ import annotations

import functools
import re
import unicodedata

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


def replace_missing(s: str, font_name: str = fonts.BODY_FONT) -> str:
    """Replace each grapheme the font cannot draw (emoji, CJK, ...) with U+FFFD.

    A ZWJ emoji sequence, a flag or an emoji with a skin tone becomes one U+FFFD, not several.
    Fonts other than the bundled ones are left alone: their coverage is not known here.
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
