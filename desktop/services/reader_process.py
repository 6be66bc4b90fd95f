"""A large import's reading in a process of its own, on the second core.

An import reads and checks each record (Python) and writes the rows (SQLite). In two threads
of one process the two take turns: ``executemany`` lets go of the GIL for each row's step of
SQLite and must wait for the reader's turn to take it back, so the import took as long as its
two halves added up (docs/performance.md). Here a second Python process reads the file (by
its path, with the same reader and checks as the thread would use), makes each part's new
incidents into the rows SQLite stores (desktop.services.new_rows) and hands them over a
pipe, pickled; this process only writes them. The incidents the workspace already holds go
over as records, to be compared and updated as before.

The rows need the ids the incidents will get: the import gives the first free one and the
workspace's incident UUIDs when it starts (:meth:`Reading.start`), and the process counts
on. Sources go over as records: this process stores them and knows their ids.

Used for a registered format that streams, on SQLite, from :data:`PROCESS_FROM_BYTES`:
starting Python again costs a few tenths of a second. Any problem the reader finds is
raised here as the thread would raise it (the same ValidationError, with its path); should
the process die, its last words are.
"""

from __future__ import annotations

import gc
import os
import pickle
import struct
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING

from desktop.errors import DeskError, ValidationError
from desktop.services.new_rows import NewRows, new_rows
from desktop.services.readahead import read_ahead
from desktop.services.validation import citation_warnings

if TYPE_CHECKING:
    from collections.abc import Generator, Iterator, Mapping, Sequence
    from datetime import datetime

    from desktop.formats.base import Format, Part
    from desktop.records import EvidenceRef, IncidentData, SourceData

# From this size a file is read in a process of its own: starting one costs about half a
# second, which a file of 10,000 incidents (about 16 MB of JSON) just wins back.
PROCESS_FROM_BYTES = 16 * 1024 * 1024

_HEADER = struct.Struct("<cQ")
_PART, _REFUSED, _FAILED, _DONE = b"p", b"r", b"f", b"d"


@dataclass
class RowPart:
    """A :class:`~desktop.formats.base.Part` as the reading process hands it on: its new
    incidents as rows, the incidents already stored as records with their places in the
    file, the warnings about its citations already made."""

    count: int  # incidents in the part, new and stored
    first: int
    expected: int
    exact: bool
    new: NewRows | None = None
    stored: tuple[tuple[int, IncidentData], ...] = ()
    sources: tuple[SourceData, ...] = ()
    named_only: frozenset[str] = frozenset()
    evidence: Mapping[str, Sequence[EvidenceRef]] = field(default_factory=dict)
    skipped: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Request:
    path: str
    reader: str  # the registered format's name
    first_id: int
    stored: frozenset[str]
    user: str
    now: datetime


class ReaderStopped(DeskError):
    """The reading process ended without finishing (killed, out of memory, a fault)."""


def suits(reader: Format, size: int, sqlite: bool) -> bool:
    """Whether to read with a process: a large file, a format of the registry (a reader made
    for one import, with its own options, cannot be named to the process), SQLite (whose
    ids the import gives), and a Python to start."""
    from desktop import formats

    registered = any(reader is known for known in formats.readers())
    return (
        size >= PROCESS_FROM_BYTES
        and registered
        and reader.read_parts is not None
        and sqlite
        and bool(sys.executable)
    )


@dataclass(frozen=True)
class Reading:
    """A file to be read by a process, once the import knows where its ids start."""

    path: Path
    reader: str

    def start(
        self, first_id: int, stored: frozenset[str], user: str, now: datetime
    ) -> Generator[RowPart, None, None]:
        """The file's parts, read in a process started now; closing the iterator stops it."""
        request = _Request(str(self.path), self.reader, first_id, stored, user, now)
        with tempfile.TemporaryFile() as errors:
            process = _spawn(errors)
            # A thread takes each part off the pipe as it comes, so that the process never
            # waits for this one (writing a run of full-text entries takes half a second).
            frames = read_ahead(_frames(process, request, errors), _AHEAD)
            finished = False
            try:
                for body in frames:
                    yield pickle.loads(body)
                finished = True
            finally:
                _end(process, finished)
                frames.close()
                assert process.stdout is not None
                process.stdout.close()


def _end(process: subprocess.Popen[bytes], finished: bool) -> None:
    """Let a process that said it is done end by itself; stop one that did not."""
    if finished:
        try:
            process.wait(timeout=_EXIT_SECONDS)
        except subprocess.TimeoutExpired:
            pass
    if process.poll() is None:
        process.kill()
    process.wait()


_EXIT_SECONDS = 10
# Parts held, pickled, between the process and the import: about 0.7 MB each.
_AHEAD = 64


def _spawn(errors: IO[bytes]) -> subprocess.Popen[bytes]:
    package_root = str(Path(__file__).resolve().parents[2])
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, (package_root, env.get("PYTHONPATH"))))
    return subprocess.Popen(
        # Not ``-m``: the classes pickled must be this module's, not ``__main__``'s.
        [sys.executable, "-c", f"from {__name__} import main; main()"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=errors,
        env=env,
        # No console window for it when the app runs without one (Windows).
        creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),
    )


def _frames(
    process: subprocess.Popen[bytes], request: _Request, errors: IO[bytes]
) -> Iterator[bytes]:
    """The pickled parts the process sends; its refusal or failure raised."""
    assert process.stdin is not None
    assert process.stdout is not None
    with process.stdin:
        pickle.dump(request, process.stdin, pickle.HIGHEST_PROTOCOL)
    while True:
        kind, body = _receive(process.stdout)
        if kind == _PART:
            yield body
        elif kind == _REFUSED:
            raise ValidationError(*pickle.loads(body))
        elif kind == _FAILED:
            raise ReaderStopped(f"Reading the file failed: {pickle.loads(body)}")
        elif kind == _DONE:
            return
        else:
            raise ReaderStopped(_last_words(errors))


def _receive(stream: IO[bytes]) -> tuple[bytes, bytes]:
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        return b"", b""  # the process ended without a word
    kind, size = _HEADER.unpack(header)
    body = stream.read(size)
    if len(body) < size:
        return b"", b""
    return kind, body


def _last_words(errors: IO[bytes]) -> str:
    errors.seek(0)
    lines = errors.read().decode("utf-8", "replace").strip().splitlines()
    said = f": {lines[-1]}" if lines else ""
    return f"The process reading the file stopped before its end{said}"


# --- in the reading process ------------------------------------------------------------


class _Rows:
    """Each part of a file made into a RowPart, the new incidents' ids counted on."""

    def __init__(self, request: _Request) -> None:
        self.next_id = request.first_id
        # The workspace's incidents, and then the file's new ones: a record met again (a
        # reader that allows it) updates the one written before, as in the thread.
        self.stored = set(request.stored)
        self.user, self.now = request.user, request.now

    def part(self, part: Part) -> RowPart:
        new: list[IncidentData] = []
        positions: list[int] = []
        stored: list[tuple[int, IncidentData]] = []
        for position, data in enumerate(part.incidents, part.first):
            if data.id in self.stored:
                stored.append((position, data))
            else:
                new.append(data)
                positions.append(position)
        rows = None
        if new:
            rows = new_rows(new, self.next_id, self.user, self.now, positions)
            self.next_id += len(new)
            self.stored.update(data.id for data in new if data.id)
        return RowPart(
            count=len(part.incidents),
            first=part.first,
            expected=part.expected,
            exact=part.exact,
            new=rows,
            stored=tuple(stored),
            sources=part.sources,
            named_only=part.named_only,
            evidence=part.evidence,
            skipped=part.skipped,
            warnings=citation_warnings(part.incidents, part.first),
        )


def _send(out: IO[bytes], kind: bytes, payload: object) -> None:
    body = pickle.dumps(payload, pickle.HIGHEST_PROTOCOL)
    out.write(_HEADER.pack(kind, len(body)))
    out.write(body)
    out.flush()


def main() -> None:
    """The reading process: a request on stdin, the parts on stdout."""
    from desktop import formats
    from desktop.services import filebytes
    from desktop.services.checks import CHECKS

    # Nothing read here holds reference cycles (desktop.services.interchange).
    gc.disable()
    # The pipes by their descriptors: a Python without a console (pythonw) has no sys.stdout.
    out = os.fdopen(1, "wb", closefd=False)
    with os.fdopen(0, "rb", closefd=False) as given:
        request: _Request = pickle.load(given)
    rows = _Rows(request)
    try:
        reader = formats.reader(request.reader)
        assert reader.read_parts is not None
        with filebytes.opened(Path(request.path)) as (stream, size):
            for part in reader.read_parts(stream, size, CHECKS):
                _send(out, _PART, rows.part(part))
    except ValidationError as exc:
        _send(out, _REFUSED, (exc.field, exc.problem))
        return
    except DeskError as exc:
        _send(out, _FAILED, str(exc))
        return
    except BrokenPipeError:
        return  # the import stopped reading: cancelled, or a problem in its writing
    _send(out, _DONE, None)
    # Everything is said and flushed: end at once, without freeing the file's records one by
    # one first (the import waits for this process to end).
    os._exit(0)
