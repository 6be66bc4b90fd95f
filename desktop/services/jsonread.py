"""Reading a JSON file the user names, refusing in one sentence whatever is not one.

Anything may be named: a device that never ends (``/dev/zero``), a pipe that blocks the read
for ever, a file in UTF-16, a number of 5,000 digits, arrays nested 100,000 deep. Each is
refused with a :class:`~desktop.errors.ValidationError` before anything is written, never
with a MemoryError, a RecursionError or a hang.
"""

from __future__ import annotations

import codecs
import json
import os
import stat
import sys
from typing import TYPE_CHECKING, Any

from desktop.errors import ValidationError
from desktop.wording import quoted

if TYPE_CHECKING:
    from pathlib import Path

# The largest file read. An export of 100,000 incidents is about 430 MB (320 MB without the
# indentation, see docs/performance.md), and reading one takes about three times its size
# in memory: the cap leaves room for more than twice that, and stops short of what would
# run an ordinary workstation out of memory.
MAX_FILE_BYTES = 1024 * 1024 * 1024
MAX_FILE_TEXT = "1 GiB"
_GREW_CHUNK = 16 * 1024 * 1024
_NOT_JSON = "this is a binary file, not an Incident Desk JSON file"
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


def read_bytes(path: Path) -> bytes:
    """The bytes of the regular file at ``path``, at most :data:`MAX_FILE_BYTES`."""
    try:
        info = path.stat()
        _check_kind(path, info.st_mode)
        if info.st_size > MAX_FILE_BYTES:
            raise ValidationError("", f"{path.name} is larger than {MAX_FILE_TEXT}; split it first")
        # Not blocking, and checked again once open: should a pipe take the file's place in
        # between, opening it must not wait for a writer that never comes.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with os.fdopen(fd, "rb") as stream:
            _check_kind(path, os.fstat(stream.fileno()).st_mode)
            # One allocation of the expected size (as Path.read_bytes makes): the file is read
            # whole, and a 400 MB import should not hold it twice.
            raw = stream.read(info.st_size + 1)
            if len(raw) > info.st_size:  # it grew meanwhile: read on, but never past the cap
                chunks = [raw]
                total = len(raw)
                while total <= MAX_FILE_BYTES and (chunk := stream.read(_GREW_CHUNK)):
                    chunks.append(chunk)
                    total += len(chunk)
                if total > MAX_FILE_BYTES:
                    raise ValidationError(
                        "", f"{path.name} is larger than {MAX_FILE_TEXT}; split it first"
                    )
                raw = b"".join(chunks)
        return raw
    except FileNotFoundError as exc:
        raise ValidationError("", f"{path}: no such file") from exc
    except IsADirectoryError as exc:
        raise ValidationError("", f"{path} is a folder, not a file") from exc
    except MemoryError as exc:
        raise ValidationError("", f"{path.name} is too large to read in the memory free") from exc
    except OSError as exc:
        raise ValidationError("", f"{path}: cannot be read ({exc.strerror})") from exc


def _check_kind(path: Path, mode: int) -> None:
    if stat.S_ISDIR(mode):
        raise ValidationError("", f"{path} is a folder, not a file")
    if not stat.S_ISREG(mode):
        what = "a pipe" if stat.S_ISFIFO(mode) else "a device or socket"
        raise ValidationError("", f"{path} is {what}, not a file; give a JSON file")


def load(raw: bytes) -> Any:
    """The JSON value in ``raw``: UTF-8 (with or without BOM), UTF-16 or UTF-32; binary
    files, other encodings, repeated keys, oversized numbers and deep nesting refused."""
    try:
        return json.loads(decode(raw), object_pairs_hook=_no_duplicate_keys)
    except json.JSONDecodeError as exc:
        raise ValidationError(
            "", f"not valid JSON: line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from exc
    except ValueError as exc:  # Python's limit on the digits of an integer
        raise ValidationError(
            "",
            f"holds a number of more than {sys.get_int_max_str_digits():,} digits, which no "
            "field takes",
        ) from exc
    except RecursionError as exc:
        raise ValidationError(
            "", "is nested too deeply (lists or objects inside each other thousands of times)"
        ) from exc


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
            raise ValidationError("", _NOT_JSON) from exc
        # Without a BOM, zero bytes that merely look like UTF-16 (an image, an archive)
        # decode to nonsense: a real file starts with its object.
        if not marked and (not text.lstrip(" \t\r\n").startswith("{") or "\x00" in text):
            raise ValidationError("", _NOT_JSON)
        return text.removeprefix("\ufeff")
    if b"\x00" in raw[:8192]:
        raise ValidationError("", _NOT_JSON)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(
            "", f"not UTF-8 text (byte {exc.start:,}), nor UTF-16 or UTF-32 with a BOM"
        ) from exc


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) == len(pairs):  # the common case, checked at C speed
        return result
    seen: set[str] = set()
    for key, _value in pairs:
        if key in seen:
            raise ValidationError("", f"key {quoted(key)} appears twice in one object")
        seen.add(key)
    return result  # not reached: a shorter dict means a repeated key
