"""The top-level object of a JSON file read a member at a time, never the text whole.

:class:`Scanner` walks the outer object itself and hands each member's value, or each item
of a member that is a list, to ``json``'s own C decoder (``raw_decode``) over a window of
the text, so a file of 100,000 incidents is never one string nor one tree in memory. The
refusals are :mod:`desktop.formats.jsontext`'s, in the same words: repeated keys, numbers
of thousands of digits, deep nesting, syntax errors with the file's line and column.

A value may end past the window: the decoder then fails at the window's end, and the value
is decoded again with more text. A failure that stays where it was with more text is the
file's own error.
"""

from __future__ import annotations

import codecs
import json
import re
from typing import TYPE_CHECKING, Any

from desktop.errors import ValidationError
from desktop.formats import jsontext

if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import BinaryIO

# Bytes read at a time: a few hundred incidents' worth.
CHUNK = 1024 * 1024
# Text left in the window below which it is topped up before a value is decoded: far more
# than an incident's few kilobytes.
_MARGIN = 64 * 1024
_SPACE = re.compile(r"[ \t\n\r]*")
END = -1  # the index that says a list has ended
_DECODER = json.JSONDecoder(object_pairs_hook=jsontext.no_duplicate_keys)


class NotAnObject(Exception):
    """The text does not start with ``{``: for the whole-file reader to refuse in its words."""


class Scanner:
    """The members of the JSON object in a UTF-8 binary stream, in file order.

    :meth:`members` yields ``(key, index, value)``: ``index`` None for a whole member's
    value, else the position of an item of a member listed in ``lists`` (whose value is a
    JSON array; any other value of such a key comes whole, index None), then ``(key, END,
    None)`` once that array has ended.
    """

    def __init__(self, stream: BinaryIO, chunk: int | None = None) -> None:
        self._stream = stream
        self._chunk = chunk or CHUNK
        self._decode = codecs.getincrementaldecoder("utf-8-sig")("strict")
        self._text = ""
        self._pos = 0
        self._eof = False
        self.bytes_read = 0
        # Whether the text of the value read last holds a ``\u`` escape (Checks'
        # incident_plain_text): the only way strict JSON in strict UTF-8 can spell a NUL or
        # half a surrogate pair.
        self.escaped = False
        # Where the window starts in the file, for the messages' line and column.
        self._lines_before = 0
        self._columns_before = 0

    # --- the window ------------------------------------------------------------------

    def _more(self, size: int = 0) -> bool:
        """Add ``size`` bytes (a chunk) to the window, dropping what was read; False at the
        end of the file."""
        if self._eof:
            return False
        raw = self._stream.read(size or self._chunk)
        self._eof = not raw
        if not self.bytes_read and raw and b"\x00" in raw[:8192]:
            raise ValidationError("", jsontext.NOT_JSON)
        try:
            new = self._decode.decode(raw, final=self._eof)
            if not raw:  # the window stays as it is, for a message's place in it
                return False
        except UnicodeDecodeError as exc:
            raise ValidationError(
                "",
                f"not UTF-8 text (byte {self.bytes_read + exc.start:,}), nor UTF-16 or UTF-32 "
                "with a BOM",
            ) from exc
        self.bytes_read += len(raw)
        # Counted in place: a copy of what was read would cost as much as the count.
        lines = self._text.count("\n", 0, self._pos)
        if lines:
            self._lines_before += lines
            self._columns_before = self._pos - self._text.rfind("\n", 0, self._pos) - 1
        else:
            self._columns_before += self._pos
        self._text = self._text[self._pos :] + new
        self._pos = 0
        return True

    def _error(self, message: str, pos: int) -> ValidationError:
        line = self._lines_before + self._text.count("\n", 0, pos) + 1
        start = self._text.rfind("\n", 0, pos)
        column = pos - start if start >= 0 else self._columns_before + pos + 1
        return jsontext.invalid_at(line, column, message)

    def _peek(self) -> str:
        """The next character after white space ("" at the end of the file)."""
        while True:
            self._pos = _SPACE.match(self._text, self._pos).end()  # type: ignore[union-attr]
            if self._pos < len(self._text):
                return self._text[self._pos]
            if not self._more():
                return ""

    def _expect(self, allowed: str, message: str) -> str:
        char = self._peek()
        if not char or char not in allowed:
            raise self._error(message, self._pos)
        self._pos += 1
        return char

    def _value(self) -> Any:
        self._peek()
        if len(self._text) - self._pos < _MARGIN:
            # Topped up first: a value cut by the window's end would be decoded in vain, and
            # its failure count the lines of the whole window.
            self._more()
        last: tuple[str, int] | None = None
        more = self._chunk
        while True:
            try:
                value, end = _DECODER.raw_decode(self._text, self._pos)
            except json.JSONDecodeError as exc:
                here = (exc.msg, exc.pos - self._pos)
                # More text may complete the value; the same failure with more is the file's,
                # but for a string, which is unterminated until its end is read. Twice as much
                # each time, so that a long value is not decoded again for every chunk.
                cut = here != last or exc.msg.startswith("Unterminated string")
                if cut and self._more(more):
                    last, more = here, more * 2
                    continue
                raise self._error(exc.msg, exc.pos) from None
            except ValueError as exc:  # Python's limit on the digits of an integer
                raise jsontext.number_too_long() from exc
            except RecursionError as exc:
                raise jsontext.nested_too_deeply() from exc
            # A number at the window's end may go on past it (``12`` of ``123``).
            if end == len(self._text) and self._more(more):
                more *= 2
                continue
            self.escaped = self._text.find("\\u", self._pos, end) >= 0
            self._pos = end
            return value

    # --- the object ------------------------------------------------------------------

    def members(self, lists: frozenset[str]) -> Iterator[tuple[str, int | None, Any]]:
        if self._peek() != "{":
            raise NotAnObject
        self._pos += 1
        seen: set[str] = set()
        if self._peek() == "}":
            self._pos += 1
        else:
            while True:
                if self._peek() != '"':
                    raise self._error(
                        "Expecting property name enclosed in double quotes", self._pos
                    )
                key = self._value()
                if key in seen:
                    raise jsontext.duplicate_key(key)
                seen.add(key)
                self._expect(":", "Expecting ':' delimiter")
                if key in lists and self._peek() == "[":
                    self._pos += 1
                    yield from self._items(key)
                else:
                    yield key, None, self._value()
                if self._expect(",}", "Expecting ',' delimiter") == "}":
                    break
        if self._peek():
            raise self._error("Extra data", self._pos)

    def _items(self, key: str) -> Iterator[tuple[str, int | None, Any]]:
        if self._peek() == "]":
            self._pos += 1
        else:
            index = 0
            while True:
                yield key, index, self._value()
                index += 1
                if self._expect(",]", "Expecting ',' delimiter") == "]":
                    break
        yield key, END, None
