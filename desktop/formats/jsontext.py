"""JSON text as read from a file: decoded and parsed, refusing in one sentence what is not.

A file in UTF-16, a number of 5,000 digits, arrays nested 100,000 deep, a repeated key:
each is refused with a :class:`~desktop.errors.ValidationError`, never with a MemoryError or
a RecursionError. For every JSON-based format (reading the file itself, a device or a pipe
named instead, and its size are the import service's: ``desktop.services.filebytes``).
"""

from __future__ import annotations

import codecs
import json
import sys
from typing import Any

from desktop.errors import ValidationError
from desktop.wording import quoted

NOT_JSON = "this is a binary file, not an Incident Desk JSON file"
# Encodings json.detect_encoding finds from the first bytes (by their BOM or their zero bytes).
_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_WIDE = {
    "utf-16": "UTF-16",
    "utf-16-le": "UTF-16",
    "utf-16-be": "UTF-16",
    "utf-32": "UTF-32",
    "utf-32-le": "UTF-32",
    "utf-32-be": "UTF-32",
}


def invalid_at(line: int, column: int, message: str) -> ValidationError:
    """The decoder's complaint at a place in the file, as every JSON reader says it."""
    return ValidationError("", f"not valid JSON: line {line} column {column}: {message}")


def duplicate_key(key: str) -> ValidationError:
    """A key given twice in one object (json would keep the last silently)."""
    return ValidationError("", f"key {quoted(key)} appears twice in one object")


def number_too_long() -> ValidationError:
    """A number past Python's limit on an integer's digits, as every JSON reader says it."""
    return ValidationError(
        "",
        f"holds a number of more than {sys.get_int_max_str_digits():,} digits, which no "
        "field takes",
    )


def nested_too_deeply() -> ValidationError:
    """A value nested past the decoder's recursion, as every JSON reader says it."""
    return ValidationError(
        "", "is nested too deeply (lists or objects inside each other thousands of times)"
    )


def load(raw: bytes) -> Any:
    """The JSON value in ``raw``: UTF-8 (with or without BOM), UTF-16 or UTF-32; binary
    files, other encodings, repeated keys, oversized numbers and deep nesting refused."""
    try:
        return json.loads(decode(raw), object_pairs_hook=no_duplicate_keys)
    except json.JSONDecodeError as exc:
        raise invalid_at(exc.lineno, exc.colno, exc.msg) from exc
    except ValueError as exc:  # Python's limit on the digits of an integer
        raise number_too_long() from exc
    except RecursionError as exc:
        raise nested_too_deeply() from exc


def decode(raw: bytes) -> str:
    # json.detect_encoding reads the BOM, or the zero bytes every JSON text in UTF-16/32 has
    # around its first ASCII characters; anything else is taken for UTF-8.
    encoding = json.detect_encoding(raw[:4])
    if encoding in _WIDE:
        marked = raw.startswith(_BOMS)
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError as exc:
            if marked:
                raise ValidationError(
                    "", f"not valid {_WIDE[encoding]} text (byte {exc.start:,})"
                ) from exc
            raise ValidationError("", NOT_JSON) from exc
        # Without a BOM, zero bytes that merely look like UTF-16 (an image, an archive)
        # decode to nonsense: a real file starts with its object.
        if not marked and (not text.lstrip(" \t\r\n").startswith("{") or "\x00" in text):
            raise ValidationError("", NOT_JSON)
        return text.removeprefix("\ufeff")
    if b"\x00" in raw[:8192]:
        raise ValidationError("", NOT_JSON)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(
            "", f"not UTF-8 text (byte {exc.start:,}), nor UTF-16 or UTF-32 with a BOM"
        ) from exc


def no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) == len(pairs):  # the common case, checked at C speed
        return result
    seen: set[str] = set()
    for key, _value in pairs:
        if key in seen:
            raise duplicate_key(key)
        seen.add(key)
    return result  # not reached: a shorter dict means a repeated key


def head_text(raw: bytes, size: int = 64 * 1024) -> str:
    """The start of ``raw`` as text, leniently (for recognising a format, never for reading
    it): in the encoding :func:`decode` would use, what does not decode left out."""
    encoding = json.detect_encoding(raw[:4])
    return raw[:size].decode(encoding, errors="ignore").removeprefix("\ufeff")
