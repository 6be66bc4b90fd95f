"""A streaming reader's checked records held compactly until its file's sources are known.

A format that only names its sources (MISP, a spreadsheet's source column) may grade a name
in a later record than the one that first named it (:class:`~desktop.formats.peers.SourceBook`),
and the sources must be stored before the incidents citing them. Such a reader reads and
checks every record first, then hands on the sources and the incidents. Held as records, the
incidents of a whole file would cost what reading the file whole does; held here, each part
of 500 is pickled and compressed, a few hundred bytes an incident (some thirty times less),
and unpacked as it is handed on. Only our own objects, made in this process, are ever
unpickled: never a file's bytes.
"""

from __future__ import annotations

import pickle
import zlib
from collections import deque
from typing import TYPE_CHECKING

from desktop.formats.base import PART, Part

if TYPE_CHECKING:
    from collections.abc import Iterator

    from desktop.records import IncidentData


class HeldParts:
    """Records added in file order, handed back as parts of ``size``."""

    def __init__(self, size: int = PART) -> None:
        self.size = size
        self.count = 0
        self._packed: deque[bytes] = deque()
        self._pending: list[IncidentData] = []

    def add(self, data: IncidentData) -> None:
        self._pending.append(data)
        if len(self._pending) >= self.size:
            self._pack()

    def _pack(self) -> None:
        if self._pending:
            records = tuple(self._pending)
            self._packed.append(zlib.compress(pickle.dumps(records, pickle.HIGHEST_PROTOCOL), 1))
            self.count += len(records)
            self._pending = []

    def parts(self, head: Part) -> Iterator[Part]:
        """``head`` (the sources, and whatever else the file's first part says) with the
        number of records, then the records a part at a time; the held parts are let go of
        as they are handed on."""
        self._pack()
        total = self.count
        yield Part(
            sources=head.sources,
            expected=total,
            exact=True,
            evidence=head.evidence,
            named_only=head.named_only,
            skipped=head.skipped,
        )
        first = 0
        while self._packed:
            incidents: tuple[IncidentData, ...] = pickle.loads(
                zlib.decompress(self._packed.popleft())
            )
            yield Part(incidents=incidents, first=first, expected=total, exact=True)
            first += len(incidents)
