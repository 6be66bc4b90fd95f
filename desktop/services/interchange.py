"""Importing and exporting interchange files: one transaction, any registered format.

The formats (:mod:`desktop.formats`) turn bytes into plain records and records into bytes;
this is the use case around them. An import reads the file safely
(:mod:`desktop.services.filebytes`), lets the registry pick the reader by content and suffix,
has every record checked against the workspace's rules as it is read (the first problem is
reported with its path, ``incidents[2].when.end: before start``), and stores the records in
one transaction, so it lands whole or not at all. A reader that streams hands on parts of
500 records from a second thread while the parts before are written, or for a large file
going into SQLite from a process of its own (desktop.services.reader_process) as rows ready
to store; the others read the whole file first. An export (desktop.services.exporting)
reads the records a batch at a time for the chosen format's writer.
"""

from __future__ import annotations

import gc
from contextlib import ExitStack, closing, contextmanager
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from sqlalchemy import exists, select
from sqlalchemy.orm import selectinload

from desktop import formats
from desktop.errors import ValidationError
from desktop.formats.base import Part, document_parts
from desktop.records import Document
from desktop.services import (
    bulk,
    clashes,
    evidence_links,
    filebytes,
    history,
    mapping,
    reader_process,
)
from desktop.services.checks import CHECKS as CHECKS
from desktop.services.exporting import export_file as export_file
from desktop.services.exporting import export_records as export_records
from desktop.services.incidents import resolve_sources
from desktop.services.readahead import read_ahead
from desktop.services.reader_process import Reading, RowPart
from desktop.services.sources import insert_source
from desktop.services.validation import citation_warnings
from desktop.store import checkpoint, fulltext
from desktop.store.models import Citation as CitationRow
from desktop.store.models import EvidenceAttachment, Incident, Source
from desktop.wording import plural, quoted

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Sequence
    from datetime import datetime
    from pathlib import Path

    from sqlalchemy.orm import Session

    from desktop.formats.base import Format
    from desktop.records import EvidenceRef, SourceData
    from desktop.services.dto import IncidentData
    from desktop.services.progress import Progress
    from desktop.store.engine import Database


# Incidents per batch: ids per IN (...) query well under every database's bound-parameter
# limit, and the unit of progress reports and cancel checks.
_BATCH = 500
# The bytes every format knows its files by (desktop.formats.reader_for).
_HEAD = 64 * 1024


@dataclass(frozen=True)
class ImportResult:
    incidents_created: int = 0
    incidents_updated: int = 0
    incidents_unchanged: int = 0
    sources_created: int = 0
    sources_updated: int = 0
    # Imported all the same, but worth a look: one line each (see citation_warnings).
    warnings: tuple[str, ...] = ()
    # Left out of the import as asked (a spreadsheet's invalid rows): one line each.
    skipped: tuple[str, ...] = ()
    dry_run: bool = False  # counted in a transaction then rolled back: nothing written

    @property
    def summary(self) -> str:
        text = self._counts
        if self.skipped:
            text += f" {plural(len(self.skipped), 'row')} skipped."
        return f"Dry run, nothing written: {text}" if self.dry_run else text

    @property
    def _counts(self) -> str:
        return (
            f"{plural(self.incidents_created, 'incident')} added, "
            f"{self.incidents_updated:,} updated, {self.incidents_unchanged:,} unchanged; "
            f"{plural(self.sources_created, 'source')} added, "
            f"{self.sources_updated:,} updated."
        )

    def shown_warnings(self, limit: int = 20) -> list[str]:
        """The warnings to show (the rows skipped first), at most ``limit`` and then how
        many more there are."""
        lines = [f"skipped {line}" for line in self.skipped] + list(self.warnings)
        shown = lines[:limit]
        if len(lines) > limit:
            shown.append(f"and {len(lines) - limit:,} more like these")
        return shown

    @property
    def report(self) -> str:
        """The summary, then the warnings worth a look (for a message box)."""
        lines = self.shown_warnings()
        if not lines:
            return self.summary
        return "\n\n".join([self.summary, "Worth a look:\n" + "\n".join(lines)])


# --- reading ---------------------------------------------------------------------------


def read_file(path: Path, reader: Format | None = None) -> Document:
    """Read and check a file in any format there is a reader for; any problem is one
    ValidationError (also a file in no format known: it lists those there are).

    ``reader`` reads it whatever it looks like; without one the file's content and name
    choose (:func:`desktop.formats.reader_for`).
    """
    raw = filebytes.read_bytes(path)
    if reader is None:
        reader = formats.reader_for(path.name, raw)
    assert reader.read is not None
    with _collector_paused():
        return reader.read(raw, CHECKS)


def read_data(raw: bytes, reader: Format) -> Document:
    """Read and check a file's bytes already in hand (the import wizard's preview)."""
    assert reader.read is not None
    with _collector_paused():
        return reader.read(raw, CHECKS)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Keep Python's cyclic garbage collector out of a bulk read or write.

    Parsing 100,000 incidents makes millions of containers, and the collector would walk all
    of them again and again as they survive (half the parse time at that size). Nothing made
    here holds reference cycles, so reference counting frees it all anyway.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if gc.get_freeze_count() == 0:
                # What outlived the pause lives on (the records just read): freezing and
                # unfreezing moves it straight to the oldest generation, so the collector
                # does not first walk its millions of objects through the young ones only
                # to find them all alive.
                # Not when something else froze objects (the app does at start): the
                # unfreeze would undo that.
                gc.freeze()
                gc.unfreeze()
            gc.enable()


# --- importing -------------------------------------------------------------------------


def _comparable(data: IncidentData) -> IncidentData:
    """The record without what the database adds, to tell an unchanged import apart."""
    return replace(
        data,
        version=None,
        audit=None,
        citations=tuple(
            replace(c, source_name="", source_reliability="", source_kind="")
            for c in data.citations
        ),
    )


class _RollBack(Exception):
    """Leaves a dry run's transaction, undoing it."""


@dataclass
class _Gathered:
    """What an import keeps of its parts besides the counts: warnings, rows skipped and the
    evidence entries (linked once every incident is in)."""

    warnings: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    evidence: dict[str, Sequence[EvidenceRef]] = field(default_factory=dict)

    def add(self, part: Part | RowPart) -> None:
        if isinstance(part, RowPart):
            self.warnings += part.warnings
        else:
            self.warnings += citation_warnings(part.incidents, part.first)
        self.skipped += part.skipped
        self.evidence.update(part.evidence)


def import_document(
    db: Database,
    document: Document,
    progress: Progress | None = None,
    then: Callable[[Session], tuple[str, ...]] | None = None,
    *,
    dry_run: bool = False,
) -> ImportResult:
    """Add or update everything in ``document`` in one transaction.

    Sources are matched by id and incidents by UUID; a record identical to the stored one is
    left alone, so importing the same file twice changes nothing. New incidents go in by
    batches of Core inserts (:mod:`desktop.services.bulk`); existing ones are compared and
    updated through the ORM. ``progress`` hears after every batch of 500 and may cancel:
    the :class:`~desktop.services.progress.Cancelled` it raises rolls the whole import back.
    ``then`` runs last in the same transaction (a bundle's evidence goes in there, so a
    file that fails its hash undoes the incidents too); it returns warnings to add.
    ``dry_run`` does all of it, so the counts are those a real import would give, then rolls
    it back.
    """
    return import_parts(db, document_parts(document, _BATCH), progress, lambda _g: then, dry_run)


def import_parts(
    db: Database,
    parts: Iterable[Part] | Reading,
    progress: Progress | None,
    then: Callable[[_Gathered], Callable[[Session], tuple[str, ...]] | None],
    dry_run: bool,
) -> ImportResult:
    """:func:`import_document` of a file's parts as a streaming reader gives them
    (:class:`~desktop.formats.base.Part`), in one transaction all the same: a problem in
    the last part undoes the first; ``parts`` may also be a file to be read by a process of
    its own (desktop.services.reader_process). ``then`` is told what was gathered once all
    are in."""
    gathered = _Gathered()
    try:
        counts, more = _import(db, parts, gathered, progress, then, dry_run)
    except _RollBack as rolled_back:
        counts, more = rolled_back.args
    return ImportResult(
        **counts,
        warnings=(*gathered.warnings, *more),
        skipped=tuple(gathered.skipped),
        dry_run=dry_run,
    )


def _store_sources(
    session: Session,
    sources: tuple[SourceData, ...],
    named_only: frozenset[str],
    user: str,
    counts: dict[str, int],
) -> dict[str, int]:
    """Add or update ``sources``; every stored source's id by its slug."""
    existing_sources = {
        s.slug: s
        for s in session.scalars(select(Source).where(Source.slug.in_([s.id for s in sources])))
    }
    for source in sources:
        stored = existing_sources.get(source.id)
        fields = mapping.source_values(source)
        if stored is None:
            insert_source(session, source, user)
            counts["sources_created"] += 1
        elif source.id in named_only:
            continue  # the file only names it: what is stored knows more
        elif (stored.name, stored.kind, stored.reliability, stored.url, stored.notes) != fields:
            stored.name, stored.kind, stored.reliability, stored.url, stored.notes = fields
            stored.updated_at, stored.updated_by = mapping.utcnow(), user
            counts["sources_updated"] += 1
    session.flush()
    session.expunge_all()
    return _source_ids(session)


def _source_ids(session: Session) -> dict[str, int]:
    """Every stored source's id by its slug (a file's citations may name those it lacks)."""
    return {slug: source_id for slug, source_id in session.execute(select(Source.slug, Source.id))}


# From this many incidents written, the import's commit leaves the WAL checkpoint to a
# background thread (fewer make less than SQLite's own threshold of 1,000 pages).
_DEFER_CHECKPOINT_FROM = 1_000


def _import(
    db: Database,
    parts: Iterable[Part] | Reading,
    gathered: _Gathered,
    progress: Progress | None,
    then: Callable[[_Gathered], Callable[[Session], tuple[str, ...]] | None],
    dry_run: bool,
) -> tuple[dict[str, int], tuple[str, ...]]:
    user = mapping.current_user()
    counts = dict.fromkeys(
        (
            "incidents_created",
            "incidents_updated",
            "incidents_unchanged",
            "sources_created",
            "sources_updated",
        ),
        0,
    )
    with (
        clashes.import_clashes(),
        _collector_paused(),
        db.begin() as session,
        bulk.large_cache(session),
    ):
        source_ids = _source_ids(session)
        now = mapping.utcnow()
        first_id = next_id = bulk.next_incident_id(session)
        lookup = next_id != 1 or not db.is_sqlite  # SQLite with no incidents yet: all are new
        to_index = bulk.NewEntries(session)
        done = expected = 0
        with ExitStack() as indexes:
            given: Iterable[Part | RowPart]
            if isinstance(parts, Reading):
                stored = (
                    frozenset(session.scalars(select(Incident.uuid))) if lookup else frozenset()
                )
                given = indexes.enter_context(closing(parts.start(first_id, stored, user, now)))
            else:
                given = parts
            for part in given:
                if progress is not None:
                    progress.check()
                if part.sources:
                    source_ids = _store_sources(
                        session, part.sources, part.named_only, user, counts
                    )
                gathered.add(part)
                if not part.count:
                    continue
                if not done:
                    # The file's size in incidents (estimated while streaming) minus those
                    # stored: an upper bound of the new ones, enough to choose how to keep the
                    # indexes.
                    indexes.enter_context(
                        bulk.indexes_rebuilt(
                            session,
                            part.expected - (first_id - 1),
                            first_id - 1,
                            keep_wide=isinstance(parts, Reading),
                        )
                    )
                to_index.left = part.expected - (part.first + part.count)
                if isinstance(part, RowPart):
                    next_id = _import_rows(
                        session, part, next_id, source_ids, user, counts, to_index
                    )
                else:
                    next_id = _import_batch(
                        session,
                        part.incidents,
                        part.first,
                        next_id,
                        lookup,
                        source_ids,
                        user,
                        now,
                        counts,
                        to_index,
                    )
                done = part.first + part.count
                expected = max(part.expected, done)
                if progress is not None:
                    about = "" if part.exact else "about "
                    progress.step(done, expected, f"{done:,} of {about}{expected:,} incidents")
            if progress is not None:
                progress.step(done, done, "Indexing")
            to_index.write(session)
        if progress is not None:
            progress.check()  # a cancel during the last batch still undoes everything
        last = then(gathered)
        more = last(session) if last is not None else ()
        if progress is not None:
            progress.check()
        if dry_run:
            raise _RollBack(counts, more)
        if counts["incidents_created"] + counts["incidents_updated"] >= _DEFER_CHECKPOINT_FROM:
            # The commit then returns once the WAL holds the import, without first copying
            # it all into the database file (a large import's last seconds): a background
            # thread does that right after, as after an evidence intake.
            checkpoint.defer(session)
    return counts, more


def _import_batch(
    session: Session,
    batch: Sequence[IncidentData],
    first: int,
    next_id: int,
    lookup: bool,
    source_ids: dict[str, int],
    user: str,
    now: datetime,
    counts: dict[str, int],
    to_index: bulk.NewEntries,
) -> int:
    """Write one batch: compare and update the incidents already stored, add the others.

    ``first`` is the batch's position in the document (for error paths), ``next_id`` the
    first free incident id; ``lookup`` False skips looking for stored incidents (there were
    none when the import began). The new incidents' index entries are added to ``to_index``,
    written once all batches are in. Returns the next free id after the batch.
    """
    # One set test for the batch; the citation at fault is looked for only when there is one.
    if not {c.source for data in batch for c in data.citations} <= source_ids.keys():
        for offset, data in enumerate(batch):
            for j, citation in enumerate(data.citations):
                if citation.source not in source_ids:
                    raise ValidationError(
                        f"incidents[{first + offset}].citations[{j}].source",
                        f"unknown source {quoted(citation.source)}",
                    )
    stored: set[str] = set()
    if lookup:
        ids = [data.id for data in batch if data.id]
        stored = set(session.scalars(select(Incident.uuid).where(Incident.uuid.in_(ids))))
    if stored:
        _update_existing(
            session,
            [(first + i, data) for i, data in enumerate(batch) if data.id in stored],
            user,
            counts,
        )
    new = [data for data in batch if data.id not in stored]
    positions = [first + i for i, data in enumerate(batch) if data.id not in stored]
    counts["incidents_created"] += len(new)
    return bulk.insert_new_incidents(
        session, new, next_id, source_ids, user, now, to_index, positions
    )


def _import_rows(
    session: Session,
    part: RowPart,
    next_id: int,
    source_ids: dict[str, int],
    user: str,
    counts: dict[str, int],
    to_index: bulk.NewEntries,
) -> int:
    """Write one part read by a process (desktop.services.reader_process): update the
    incidents already stored, insert the new ones' rows. Returns the next free id."""
    if part.stored:
        _update_existing(session, part.stored, user, counts)
    if part.new is None:
        return next_id
    if part.new.incidents[0][-1] != next_id:
        raise RuntimeError("the reading process counted the incidents' ids otherwise")
    bulk.write_new_rows(session, part.new, source_ids, to_index)
    counts["incidents_created"] += len(part.new.incidents)
    return next_id + len(part.new.incidents)


def _update_existing(
    session: Session,
    batch: Sequence[tuple[int, IncidentData]],
    user: str,
    counts: dict[str, int],
) -> None:
    """Compare and update the stored incidents ``batch`` holds (each with its place in the
    file, for messages)."""
    stored = [data.id for _position, data in batch]
    rows = {
        row.uuid: row
        for row in session.scalars(
            select(Incident)
            .where(Incident.uuid.in_(stored))
            .options(
                selectinload(Incident.actors),
                selectinload(Incident.tags),
                selectinload(Incident.citations).joinedload(CitationRow.source),
            )
        )
    }
    touched: list[Incident] = []
    # One query, so that re-importing into a workspace without evidence costs nothing more.
    with_evidence = session.scalar(select(exists().select_from(EvidenceAttachment))) or False
    for position, data in batch:
        row = rows.get(data.id or "")
        if row is None:
            continue
        try:
            before = mapping.incident_to_data(row)
            if _comparable(before) == _comparable(mapping.as_stored(data)) and not row.deleted_at:
                counts["incidents_unchanged"] += 1
                continue
            mapping.apply_incident(row, data, resolve_sources(session, data))
            after = mapping.incident_to_data(row)  # as stored: with the sources' names
            if with_evidence:
                evidence_links.follow_citations(session, row, before.citations, after.citations)
            history.record(
                session, row.uuid, history.IMPORTED, history.differences(before, after), by=user
            )
        except ValidationError as exc:
            raise exc.under(f"incidents[{position}]") from None
        row.deleted_at = row.deleted_by = None
        row.updated_at, row.updated_by = mapping.utcnow(), user
        touched.append(row)
        counts["incidents_updated"] += 1
    session.flush()
    fulltext.reindex(session, touched)
    # The batch's objects are written: let them go, so memory does not grow with the file.
    session.expunge_all()


def import_file(
    db: Database,
    path: Path,
    progress: Progress | None = None,
    reader: Format | None = None,
    *,
    dry_run: bool = False,
) -> ImportResult:
    """Read, check and import a file (in ``reader``'s format if given, see read_file);
    ``progress`` hears "reading" first, then the batches.

    A format that streams is read in a second thread a part at a time while the parts
    before are written (desktop.services.readahead), or, for a large file going into
    SQLite, in a process of its own (desktop.services.reader_process), all in one
    transaction; the others are read whole first. An evidence bundle (a zip,
    desktop.formats.bundle) brings its files too (desktop.services.evidence_transfer); a
    document's evidence entries link files the workspace already holds.
    """
    from desktop.services import evidence_transfer

    if reader is None and evidence_transfer.is_bundle(path):
        return evidence_transfer.import_bundle(db, path, progress)
    if progress is not None:
        progress.step(0, 0, f"Reading {path.name}")
    with filebytes.opened(path) as (stream, size):
        if reader is None:
            # Every format knows its files by their first 64 KiB.
            reader = formats.reader_for(path.name, stream.read(_HEAD))
            stream.seek(0)
        streams = reader.read_parts
        if streams is not None:

            def link(gathered: _Gathered) -> Callable[[Session], tuple[str, ...]] | None:
                return evidence_transfer.linker(Document((), (), evidence=gathered.evidence))

            if reader_process.suits(reader, size, db.is_sqlite):
                reading = Reading(path, reader.name)
                return import_parts(db, reading, progress, link, dry_run)
            with closing(read_ahead(streams(stream, size, CHECKS))) as parts:
                return import_parts(db, parts, progress, link, dry_run)
    # One pause of the collector for both the read and the write, and the records let go of
    # before it resumes: resuming in between makes it walk the millions of objects of a
    # 100,000-incident document once or twice only to find them all alive.
    with _collector_paused():
        document = read_file(path, reader)
        return import_document(
            db, document, progress, evidence_transfer.linker(document), dry_run=dry_run
        )


# --- exporting -------------------------------------------------------------------------
# export_file and export_records: desktop.services.exporting (imported above, for callers
# of this module).
