"""Incident Desk JSON (versions 1 and 2) read as a stream: an incident at a time.

The same records and the same refusals as :func:`desktop.formats.json_v2.read`, each
incident made by version 1's reader (and version 2's evidence entries taken out first), but
handed on in parts of 500 (:class:`~desktop.formats.base.Part`) as the file is read
(:mod:`desktop.formats.jsonscan`), so an import holds a batch, never the whole file. Each
problem is the first in file order, with its path (``incidents[1234].when.start: …``).

Key order. Every file this program writes has ``format`` and ``sources`` before
``incidents``, and streams. A file with ``incidents`` first is read all the same: its
incidents are held (as JSON) until the version and the sources are known, then read, so it
costs the memory of a whole-file read, never a wrong result.

A file that is not a UTF-8 object (UTF-16 or UTF-32 text, a list, nothing) is read whole by
:func:`desktop.formats.json_v2.read`, whose refusals say what is wrong with it.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from desktop.errors import ValidationError
from desktop.formats import json_v1, jsonscan
from desktop.formats.base import PART, Part, document_parts
from desktop.formats.jsonvalues import json_list
from desktop.wording import quoted

if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import BinaryIO

    from desktop.formats.base import Checks
    from desktop.records import EvidenceRef, IncidentData, SourceData

_LISTS = frozenset(("sources", "incidents"))


def parts(stream: BinaryIO, size: int, checks: Checks, batch: int = PART) -> Iterator[Part]:
    """The document in ``stream`` (``size`` bytes, seekable), its sources first."""
    from desktop.formats import json_v2  # it names this reader in its Format

    start = stream.read(4)
    stream.seek(0)
    if json.detect_encoding(start) != "utf-8":
        yield from document_parts(json_v2.read(stream.read(), checks), batch)
        return
    reader = _Reader(checks, size, batch)
    scanner = jsonscan.Scanner(stream)
    try:
        for key, index, value in scanner.members(_LISTS):
            yield from reader.member(key, index, value, scanner.bytes_read, scanner.escaped)
    except jsonscan.NotAnObject:
        stream.seek(0)
        yield from document_parts(json_v2.read(stream.read(), checks), batch)
        return
    yield from reader.end()


class _Reader:
    """The document's meaning, member by member (the text is jsonscan's)."""

    def __init__(self, checks: Checks, size: int, batch: int) -> None:
        from desktop.formats import json_v2

        self.checks, self.size, self.batch = checks, size, batch
        # Looked up once: an import statement for each of 100,000 incidents costs 0.1 s.
        self.take_evidence = json_v2.take_evidence
        self.keys: set[str] = set()
        self.unknown: list[str] = []
        self.version: int | None = None
        self.sources: list[SourceData] = []
        self.slugs: set[str] | None = None  # once the sources have all been read
        self.started = False  # the sources handed on
        self.waiting: list[tuple[int, Any, bool]] = []  # incidents read before those
        self.ids: set[str] = set()
        self.pending: list[IncidentData] = []
        self.evidence: dict[str, tuple[EvidenceRef, ...]] = {}
        self.first = 0
        self.count = 0
        self.bytes_read = 0

    def member(
        self, key: str, index: int | None, value: Any, read: int, escaped: bool = True
    ) -> Iterator[Part]:
        """Read one member, or one item of a list member; ``escaped`` False when its text
        holds no ``\\u`` escape (desktop.formats.base.Checks.incident_plain_text)."""
        self.bytes_read = read
        if key not in json_v1.TOP_KEYS:
            # Told at the end with any others, as a whole-file read tells them: before
            # anything else is wrong. Until then only the text is read.
            self.unknown.append(key)
        if self.unknown:
            return
        self.keys.add(key)
        if index is None and key in _LISTS:
            json_list(value, key)  # not a list: says so
        if key == "format":
            self.version = _version(value)
            yield from self._ready()
        elif key == "sources":
            if index == jsonscan.END:
                self.slugs = set()
                for i, source in enumerate(self.sources):
                    if source.id in self.slugs:
                        raise ValidationError(
                            f"sources[{i}].id", f"{quoted(source.id)} is given twice"
                        )
                    self.slugs.add(source.id)
                yield from self._ready()
            else:
                try:
                    self.sources.append(json_v1.read_source(self.checks, value))
                except ValidationError as exc:
                    raise exc.under(f"sources[{index}]") from None
        elif index != jsonscan.END:
            assert index is not None
            if self.slugs is None or self.version is None:
                self.waiting.append((index, value, escaped))
            else:
                yield from self._incident(index, value, escaped)

    def _ready(self) -> Iterator[Part]:
        """Once the version and the sources are known: the sources, then what waited."""
        if self.started or self.slugs is None or self.version is None:
            return
        self.started = True
        yield Part(sources=tuple(self.sources), expected=self._expected())
        waiting, self.waiting = self.waiting, []
        for index, value, escaped in waiting:
            yield from self._incident(index, value, escaped)

    def _incident(self, index: int, value: Any, escaped: bool) -> Iterator[Part]:
        assert self.slugs is not None
        refs: tuple[EvidenceRef, ...] = ()
        if self.version == 2 and isinstance(value, dict):
            refs = self.take_evidence(value, f"incidents[{index}]")
        try:
            data = json_v1.read_incident(self.checks, value, plain_text=not escaped)
        except ValidationError as exc:
            raise exc.under(f"incidents[{index}]") from None
        assert data.id is not None
        if data.id in self.ids:
            raise ValidationError(f"incidents[{index}].id", f"{quoted(data.id)} is given twice")
        self.ids.add(data.id)
        # Each citation's source looked for only when one of them is not known.
        if not self.slugs.issuperset([c.source for c in data.citations]):
            for j, citation in enumerate(data.citations):
                if citation.source not in self.slugs:
                    raise ValidationError(
                        f"incidents[{index}].citations[{j}].source",
                        f"unknown source {quoted(citation.source)} (not in sources)",
                    )
        if refs:
            self.evidence[data.id] = refs
        self.pending.append(data)
        self.count += 1
        if len(self.pending) >= self.batch:
            yield self._part()

    def _part(self, exact: bool = False) -> Part:
        part = Part(
            incidents=tuple(self.pending),
            first=self.first,
            expected=self._expected(),
            exact=exact,
            evidence=self.evidence,
        )
        self.first += len(self.pending)
        self.pending, self.evidence = [], {}
        return part

    def _expected(self) -> int:
        if not self.count or not self.bytes_read:
            return self.count
        return max(self.count, round(self.count * self.size / self.bytes_read))

    def end(self) -> Iterator[Part]:
        if self.unknown:
            raise ValidationError("", "unknown key(s) " + ", ".join(map(quoted, self.unknown)))
        missing = [key for key in json_v1.TOP_KEYS if key not in self.keys]
        if missing:
            raise ValidationError("", "missing key(s) " + ", ".join(quoted(k) for k in missing))
        yield from self._ready()  # not before: the file held incidents before those keys
        if self.pending:
            self.count = len(self.ids)
            self.bytes_read = self.size
            yield self._part(exact=True)


def _version(value: Any) -> int:
    from desktop.formats import json_v2

    if value == json_v1.FORMAT:
        return 1
    if value == json_v2.FORMAT:
        return 2
    raise ValidationError(
        "format", f"must be '{json_v2.FORMAT}' or '{json_v1.FORMAT}', not {quoted(value)}"
    )
