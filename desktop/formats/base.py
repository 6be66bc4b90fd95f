"""What an interchange format is: a name, a suffix, and a reader and/or a writer.

A format works on plain records only (:mod:`desktop.records`): a reader turns the bytes of a
file into a :class:`~desktop.records.Document`, a writer a document into bytes. Neither
knows of the database, the transaction or Qt; the import and export service
(:mod:`desktop.services.interchange`) reads the file, picks the reader
(:func:`desktop.formats.reader_for`), checks the records against the workspace's rules and
stores them, or gathers the records a writer is given.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import BinaryIO

    from desktop.records import Document, IncidentData, SourceData


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

    @property
    def pattern(self) -> str:
        """The file dialogs' pattern, e.g. ``*.json``."""
        return f"*{self.suffix}"

    @property
    def dialog_filter(self) -> str:
        """One entry of a file dialog's filter, e.g. ``Incident Desk JSON (*.json)``."""
        return f"{self.label} ({self.pattern})"
