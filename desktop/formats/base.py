"""What an interchange format is: a name, a suffix, and a reader and/or a writer.

A format works on plain records only (:mod:`desktop.records`): a reader turns the bytes of a
file into a :class:`~desktop.records.Document`, a writer a document into bytes. Neither
knows of the database, the transaction or Qt; the import and export service
(:mod:`desktop.services.interchange`) reads the file, picks the reader
(:func:`desktop.formats.reader_for`), checks the records against the workspace's rules and
stores them, or gathers the records a writer is given.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from desktop.records import Document

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
    from typing import BinaryIO

    from desktop.formats.json_rows import RowBatch
    from desktop.records import EvidenceRef, HistoryEntry, IncidentData, SourceData

# Incidents per part of a streamed file (see Part).
PART = 500


@dataclass(frozen=True)
class Checks:
    """The workspace's rules for a record, given to a reader by the import service.

    Each raises the record's first problem as a :class:`~desktop.errors.ValidationError`
    (located within the record; the reader adds where the record is in its file). They are
    the services' (``validation.check_incident``, ``check_source``), which read the longest
    texts from the database's columns, so a format cannot import them itself; a reader calls
    them on each record as it makes it, so the first problem in file order is the one told.
    """

    incident: Callable[[IncidentData], None]
    source: Callable[[SourceData], None]
    # ``incident`` without looking for characters no database stores (NUL, half a surrogate
    # pair), for a reader that knows its record's texts hold none: JSON decoded strictly can
    # spell them only as ``\u`` escapes, so a record whose text has no escape has none. The
    # look is a tenth of a large import's reading.
    incident_plain_text: Callable[[IncidentData], None] | None = None


@dataclass(frozen=True)
class Format:
    """One interchange format, as the registry (:data:`desktop.formats.FORMATS`) lists it.

    ``name`` is the command line's word (``incident-desk export NAME``), ``label`` what the
    File menu and the file dialogs show, ``suffix`` the file name's ending (with its dot),
    ``description`` the command line's help. A reader has ``read`` (bytes and the workspace's
    checks → records; any problem one ValidationError) and ``recognises`` (True when the
    bytes are plainly this format, whatever the file's name); a writer has ``write``
    (records → a binary stream). ``with_history`` says the writer can add each incident's
    change history (``export NAME --history``).
    """

    name: str
    label: str
    suffix: str
    description: str
    read: Callable[[bytes, Checks], Document] | None = None
    recognises: Callable[[bytes], bool] | None = None
    write: Callable[[Document, BinaryIO], None] | None = None
    with_history: bool = False
    # A reader that streams: (the open file, its size, checks) → its parts in file order.
    read_parts: Callable[[BinaryIO, int, Checks], Iterator[Part]] | None = None
    # A writer that takes the incidents a batch at a time (see Outgoing): an export then
    # holds one batch in memory rather than the workspace. Writes what ``write`` writes.
    write_batches: Callable[[Outgoing, BinaryIO], None] | None = None
    # A writer that takes the incidents' stored values rather than records (the sources,
    # the batches, with_history; see desktop.formats.json_rows): an export's JSON without a
    # record or a JSON object made per incident. Writes what ``write_batches`` writes.
    stream_rows: (
        Callable[[Sequence[SourceData], Iterable[RowBatch], BinaryIO, bool], None] | None
    ) = None

    @property
    def pattern(self) -> str:
        """The file dialogs' pattern, e.g. ``*.json``."""
        return f"*{self.suffix}"

    @property
    def dialog_filter(self) -> str:
        """One entry of a file dialog's filter, e.g. ``Incident Desk JSON (*.json)``."""
        return f"{self.label} ({self.pattern})"


@dataclass(frozen=True)
class Batch:
    """Some of an export's incidents, in order, with what a writer may add to each.

    ``histories`` (each incident's change history by its id) is None when the export has
    none; ``evidence`` holds each incident's evidence entries by its id (none: no key).
    """

    incidents: Sequence[IncidentData]
    histories: Mapping[str, Sequence[HistoryEntry]] | None = None
    evidence: Mapping[str, Sequence[EvidenceRef]] | None = None


@dataclass(frozen=True)
class Outgoing:
    """What an export writes, the incidents coming a batch at a time as they are read.

    ``batches`` is walked once. ``with_history``: every incident has its history (then each
    batch's ``histories`` is not None).
    """

    sources: tuple[SourceData, ...]
    batches: Iterable[Batch]
    with_history: bool = False

    @classmethod
    def whole(cls, document: Document) -> Outgoing:
        """A document already in memory as one batch."""
        batch = Batch(document.incidents, document.histories, document.evidence)
        return cls(document.sources, (batch,), document.histories is not None)

    def document(self) -> Document:
        """All of it in memory (for a writer that needs every incident at once)."""
        incidents: list[IncidentData] = []
        histories: dict[str, Sequence[HistoryEntry]] = {}
        evidence: dict[str, Sequence[EvidenceRef]] = {}
        for batch in self.batches:
            incidents += batch.incidents
            histories.update(batch.histories or {})
            evidence.update(batch.evidence or {})
        return Document(
            self.sources, tuple(incidents), histories if self.with_history else None, evidence
        )


@dataclass(frozen=True)
class Part:
    """A piece of a file read as a stream, in file order, each record already checked.

    ``sources`` are to be stored before ``incidents`` (and any later part's incidents) cite
    them; ``first`` is the position of ``incidents[0]`` among the file's incidents (for the
    paths in messages: ``incidents[1234]``). ``expected`` is how many incidents the whole file
    holds, exactly or as estimated from the bytes read so far (for progress, and to choose
    how to keep the indexes). ``evidence`` and ``named_only`` are the Document's, for these
    incidents and sources; ``skipped`` the rows left out since the last part.
    """

    sources: tuple[SourceData, ...] = ()
    incidents: tuple[IncidentData, ...] = ()
    first: int = 0
    expected: int = 0
    exact: bool = False  # ``expected`` is the file's count, not an estimate
    evidence: Mapping[str, Sequence[EvidenceRef]] = field(default_factory=dict)
    named_only: frozenset[str] = frozenset()
    skipped: tuple[str, ...] = ()

    @property
    def count(self) -> int:
        """How many incidents the part holds."""
        return len(self.incidents)


def document_parts(document: Document, size: int = PART) -> Iterator[Part]:
    """A document read whole, as the parts a streaming reader would give."""
    total = len(document.incidents)
    yield Part(
        sources=document.sources,
        expected=total,
        exact=True,
        evidence=document.evidence or {},
        named_only=document.named_only,
        skipped=document.skipped,
    )
    for start in range(0, total, size):
        yield Part(
            incidents=document.incidents[start : start + size],
            first=start,
            expected=total,
            exact=True,
        )
