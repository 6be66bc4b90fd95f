"""Text from a workspace or a file, made safe to print on a terminal."""

from __future__ import annotations

import json

import pytest

from desktop.wording import printable, printable_json, quoted

HOSTILE = [
    ("\x1b]0;pwned\x07\x1b[2J", "\\x1b]0;pwned\\x07\\x1b[2J"),
    ("a\nb\rc\td", "a\\nb\\rc\\td"),
    ("csi \x9b31m c1", "csi \\x9b31m c1"),
    ("del\x7f", "del\\x7f"),
    ("nul\x00", "nul\\x00"),
    ("\x85next line", "\\x85next line"),
]
KEPT = [
    "كتائب حزب الله",
    "🚀👩‍👩‍👧 emoji",
    "al-Asad \u200f rtl mark",
    "Ünïcödé, back\\slash, 'quotes'",
    "",
]


@pytest.mark.parametrize(("raw", "shown"), HOSTILE)
def test_controls_are_escaped(raw: str, shown: str) -> None:
    assert printable(raw) == shown
    assert printable(shown) == shown  # once escaped, passing it again changes nothing


@pytest.mark.parametrize("text", KEPT)
def test_normal_text_is_untouched(text: str) -> None:
    assert printable(text) is text


def test_json_lines_keep_their_value() -> None:
    value = {"title": "\x1b[2J \x9b \x7f كتائب 🚀"}
    line = printable_json(json.dumps(value, ensure_ascii=False))
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in line)
    assert json.loads(line) == value
    assert "كتائب 🚀" in line


def test_quoted() -> None:
    assert quoted("Bombing\x1b[2J") == "'Bombing\\x1b[2J'"
