"""Reading the file the user names for import, refusing in one sentence whatever is not one.

Anything may be named: a device that never ends (``/dev/zero``), a pipe that blocks the read
for ever, a file larger than memory. Each is refused with a
:class:`~desktop.errors.ValidationError` before anything is written, never with a
MemoryError or a hang. What the bytes hold is the format's to check (a JSON format's text:
``desktop.formats.jsontext``).
"""

from __future__ import annotations

import os
import stat
from contextlib import contextmanager
from typing import TYPE_CHECKING, cast

from desktop.errors import ValidationError

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path
    from typing import BinaryIO

# The largest file read. An export of 100,000 incidents is about 430 MB (320 MB without the
# indentation, see docs/performance.md), and reading one takes about three times its size
# in memory: the cap leaves room for more than twice that, and stops short of what would
# run an ordinary workstation out of memory.
MAX_FILE_BYTES = 1024 * 1024 * 1024
MAX_FILE_TEXT = "1 GiB"
_GREW_CHUNK = 16 * 1024 * 1024


def read_bytes(path: Path) -> bytes:
    """The bytes of the regular file at ``path``, at most :data:`MAX_FILE_BYTES`."""
    with opened(path) as (stream, size):
        try:
            # One allocation of the expected size (as Path.read_bytes makes): the file is read
            # whole, and a 400 MB import should not hold it twice.
            raw = stream.read(size + 1)
            if len(raw) > size:  # it grew meanwhile: read on (the stream stops at the cap)
                raw = b"".join([raw, *iter(lambda: stream.read(_GREW_CHUNK), b"")])
        except MemoryError as exc:
            raise ValidationError(
                "", f"{path.name} is too large to read in the memory free"
            ) from exc
    return raw


@contextmanager
def opened(path: Path) -> Iterator[tuple[BinaryIO, int]]:
    """The regular file at ``path`` open for reading, with its size; anything else (a folder,
    a pipe, a device, a missing file) refused, and reading past :data:`MAX_FILE_BYTES` too.
    Not blocking, and checked again once open: should a pipe take the file's place in
    between, opening it must not wait for a writer that never comes."""
    try:
        info = path.stat()
        _check_kind(path, info.st_mode)
        if info.st_size > MAX_FILE_BYTES:
            raise ValidationError("", f"{path.name} is larger than {MAX_FILE_TEXT}; split it first")
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        raw = os.fdopen(fd, "rb")
    except FileNotFoundError as exc:
        raise ValidationError("", f"{path}: no such file") from exc
    except IsADirectoryError as exc:
        raise ValidationError("", f"{path} is a folder, not a file") from exc
    except OSError as exc:
        raise ValidationError("", f"{path}: cannot be read ({exc.strerror})") from exc
    with raw:
        _check_kind(path, os.fstat(raw.fileno()).st_mode)
        yield cast("BinaryIO", _Capped(raw, path)), info.st_size


class _Capped:
    """A file read no further than MAX_FILE_BYTES, its read errors one sentence each (the
    part of a binary file a streaming reader uses: read, seek, tell)."""

    def __init__(self, raw: BinaryIO, path: Path) -> None:
        self._raw, self._path = raw, path

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._raw.seek(offset, whence)

    def tell(self) -> int:
        return self._raw.tell()

    def read(self, size: int | None = -1) -> bytes:
        left = MAX_FILE_BYTES + 1 - self._raw.tell()
        try:
            data = self._raw.read(left if size is None or size < 0 else min(size, left))
        except OSError as exc:
            raise ValidationError("", f"{self._path}: cannot be read ({exc.strerror})") from exc
        if self._raw.tell() > MAX_FILE_BYTES:
            raise ValidationError(
                "", f"{self._path.name} is larger than {MAX_FILE_TEXT}; split it first"
            )
        return data


def _check_kind(path: Path, mode: int) -> None:
    if stat.S_ISDIR(mode):
        raise ValidationError("", f"{path} is a folder, not a file")
    if not stat.S_ISREG(mode):
        what = "a pipe" if stat.S_ISFIFO(mode) else "a device or socket"
        raise ValidationError("", f"{path} is {what}, not a file; give a JSON file")
