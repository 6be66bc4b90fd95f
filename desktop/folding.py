"""Folding the spelling variants of a name that a searcher should not have to match exactly.

Plain Python (no Qt, no SQLAlchemy): the full-text index (``store/fulltext.py``) folds Arabic
with the same marks and letters, and the gazetteer (``services/gazetteer.py``) folds whole
place names with :func:`fold_name`, at index time and at every keystroke alike.
"""

from __future__ import annotations

import re
import unicodedata

# Arabic vowel and Quranic marks, and tatweel (the stretching stroke, a letter to Unicode).
ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
# Hamza and wasla forms of alef, alef maqsura and taa marbuta, as people type them
# interchangeably.
ARABIC_FOLDS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"})
# The same as (letter, replacement) pairs: see fold_arabic.
_ARABIC_PAIRS = tuple((chr(code), to) for code, to in ARABIC_FOLDS.items())


def fold_arabic(text: str) -> str:
    """``text`` without ARABIC_MARKS and with ARABIC_FOLDS' letters replaced: a ``replace``
    for each letter, ten times as fast as ``str.translate`` with a dictionary, which looks
    every character of the text up (the full-text entries of a large import)."""
    text = ARABIC_MARKS.sub("", text)
    for letter, folded in _ARABIC_PAIRS:
        text = text.replace(letter, folded)
    return text


# Besides ARABIC_FOLDS, for names only: the Persian and Kurdish yeh and keheh that
# GeoNames uses for Kurdish places (سلێمانی), and Latin letters that Unicode does not
# decompose into a base letter and an accent (ı, ø, ł …).
_NAME_FOLDS = str.maketrans(
    {
        "ی": "ي",
        "ې": "ي",
        "ک": "ك",
        "ı": "i",
        "ø": "o",
        "ł": "l",
        "đ": "d",
        "ð": "d",
        "ħ": "h",
        "ŧ": "t",
        "æ": "ae",
        "œ": "oe",
        "þ": "th",
    }
)
# Apostrophes and transliteration marks for ayn and hamza vanish: "Ta‘izz" is typed "Taizz"
# or "Ta'izz"; every other run of punctuation or space is one space ("al-Asad", "Al Asad").
_VANISHING = "'’‘`´ʻʼʽʾʿˀˁ"
_ASCII_VANISHING = re.compile("['`]")
_ASCII_SEPARATORS = re.compile(r"[^a-z0-9]+")


def is_symbol(char: str) -> bool:
    """Whether a character is a symbol (emoji, ©, °): the full-text index makes each one a
    word of its own, complete as soon as it is typed."""
    return unicodedata.category(char) == "So"


def fold_name(text: str) -> str:
    """A name as the gazetteer compares it: lower case, no accents nor Arabic marks, Arabic
    letter variants folded, punctuation read as one space. "Ḩadīthah" → "hadithah",
    "al-Asad" → "al asad", "الحديثة" and "الحَدِيثَة" → "الحديثه"."""
    if text.isascii():  # most names: no accents to take off
        return _ASCII_SEPARATORS.sub(" ", _ASCII_VANISHING.sub("", text.lower())).strip()
    folded = unicodedata.normalize("NFKD", text.casefold())
    folded = fold_arabic(folded).translate(_NAME_FOLDS)
    kept: list[str] = []
    gap = False
    for char in folded:
        category = unicodedata.category(char)
        if category == "Mn" or char in _VANISHING:
            continue  # an accent NFKD split off (أ is ا and a hamza mark), an apostrophe
        # Letters, digits and spacing vowel signs (Devanagari …) make words, as in the
        # full-text index; anything else separates them.
        if category[0] in "LN" or category == "Mc":
            if gap and kept:
                kept.append(" ")
            kept.append(char)
            gap = False
        else:
            gap = True
    return "".join(kept)
