"""Words in messages: counted nouns ("1 incident", never "7 incident(s)"), and text from a
workspace or a file made safe to print."""

from __future__ import annotations

import re

# C0 controls, DEL and C1 controls: ESC, BEL, CSI (U+009B) … make a terminal clear the
# screen, retitle the window or hide what follows, so a title or a file value holding them
# must not reach one raw. Bidirectional marks and overrides are left as they are: they move
# no cursor, and Arabic text needs them (the right-to-left mark U+200F is common).
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count:,} {one}" if count == 1 else f"{count:,} {many or one + 's'}"


def printable(text: str) -> str:
    """``text`` with every control character written as an escape (``\\x1b``, ``\\n``).

    Everything else (Arabic, emoji, accents, backslashes) is left untouched, and text that
    has been through here once comes back unchanged, so messages may be passed twice.
    """
    if _CONTROLS.search(text) is None:  # nearly always: no copy
        return text
    return _CONTROLS.sub(_escape, text)


def printable_json(line: str) -> str:
    """A line of JSON with the controls ``json.dumps(ensure_ascii=False)`` leaves raw (DEL
    and C1) escaped as JSON escapes, so it still parses to the same value."""
    return _CONTROLS.sub(lambda found: f"\\u{ord(found.group()):04x}", line)


def quoted(value: object) -> str:
    """A value from a file or the user, quoted for an error message and safe to print."""
    return printable(f"'{value}'")


def _escape(found: re.Match[str]) -> str:
    char = found.group()
    return _NAMED.get(char) or f"\\x{ord(char):02x}"
