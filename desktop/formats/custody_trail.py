"""A custody trail as data: the hash chain's one definition, and its JSON in a bundle.

Each entry of an evidence file's trail (who did what to it, when) carries the SHA-256 of the
previous entry's hash followed by its own fields in a canonical form (:func:`entry_hash`).
:func:`check_chain` walks a trail and names the first entry removed, reordered or altered.
The workspace keeps trails in its database (desktop.services.custody); a bundle carries each
file's as ``custody/<sha256>.json`` (:func:`write_trail`, :func:`read_trail`)::

    {"format": "incident-desk/custody-1", "sha256": "<the file's>",
     "entries": [{"seq": 0, "at": "2026-12-06T17:10:00Z", "by": "…", "action": "added",
                  "detail": "…", "prev_hash": "<64 hex>", "entry_hash": "<64 hex>"}, …]}

Plain: no database, no Qt (the import-linter contracts in pyproject.toml).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

from desktop.errors import ValidationError

if TYPE_CHECKING:
    from collections.abc import Sequence

FORMAT = "incident-desk/custody-1"
# The "previous hash" of a trail's first entry.
GENESIS = "0" * 64
# Every action a trail may record; a bundle's trail naming another is refused.
ADDED = "added"
EXPORTED = "exported"
IMPORTED = "imported"
LINKED = "linked"
UNLINKED = "unlinked"
VERIFIED = "verified"
ACTIONS = (ADDED, EXPORTED, IMPORTED, LINKED, UNLINKED, VERIFIED)
# The database's column sizes (desktop.store.models.CustodyEntry) and a bound on the rest.
MAX_BY = 120
MAX_DETAIL = 4000
MAX_ENTRIES = 100_000
_HEX = re.compile(r"[0-9a-f]{64}")


class ChainEntry(Protocol):
    """What :func:`check_chain` reads of an entry (a database row or a :class:`TrailEntry`)."""

    @property
    def sha256(self) -> str: ...
    @property
    def seq(self) -> int: ...
    @property
    def at(self) -> datetime: ...
    @property
    def by(self) -> str: ...
    @property
    def action(self) -> str: ...
    @property
    def detail(self) -> str: ...
    @property
    def prev_hash(self) -> str: ...
    @property
    def entry_hash(self) -> str: ...


@dataclass(frozen=True)
class TrailEntry:
    """One entry as a bundle carries it (``at`` naive UTC, as the database keeps it)."""

    sha256: str
    seq: int
    at: datetime
    by: str
    action: str
    detail: str
    prev_hash: str
    entry_hash: str


def entry_hash(
    prev_hash: str, sha256: str, seq: int, at: datetime, by: str, action: str, detail: str
) -> str:
    """SHA-256 of the previous hash and the entry's fields as compact, sorted JSON."""
    canonical = json.dumps(
        {
            "action": action,
            "at": at.replace(microsecond=0).isoformat(),
            "by": by,
            "detail": detail,
            "seq": seq,
            "sha256": sha256,
        },
        ensure_ascii=False,
        separators=(",", ":"),
        sort_keys=True,
    )
    return hashlib.sha256(prev_hash.encode("ascii") + canonical.encode("utf-8")).hexdigest()


def check_chain(entries: Sequence[ChainEntry], head: str | None) -> str | None:
    """What is wrong with one trail (entries in ``seq`` order), or None when it is whole.

    ``head`` is the hash the trail must end with (None: its end cannot be checked).
    """
    if not entries and head is not None:
        return "the custody trail is missing"
    prev = GENESIS
    for expected, entry in enumerate(entries):
        if entry.seq != expected:
            return f"custody entry {expected} is missing"
        if entry.prev_hash != prev:
            return f"custody entry {entry.seq} does not follow entry {entry.seq - 1}"
        digest = entry_hash(
            prev, entry.sha256, entry.seq, entry.at, entry.by, entry.action, entry.detail
        )
        if digest != entry.entry_hash:
            return f"custody entry {entry.seq} ({entry.action}) was altered"
        prev = digest
    if head is not None and head != prev:
        return "the last custody entries are missing" if head else "the custody head is missing"
    return None


def write_trail(sha256: str, entries: Sequence[ChainEntry]) -> bytes:
    """A trail as its bundle member's bytes (UTF-8 JSON, keys sorted: the same trail
    always gives the same bytes)."""
    document = {
        "format": FORMAT,
        "sha256": sha256,
        "entries": [
            {
                "seq": e.seq,
                "at": e.at.replace(microsecond=0, tzinfo=None).isoformat() + "Z",
                "by": e.by,
                "action": e.action,
                "detail": e.detail,
                "prev_hash": e.prev_hash,
                "entry_hash": e.entry_hash,
            }
            for e in entries
        ],
    }
    text = json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True)
    return (text + "\n").encode("utf-8")


def read_trail(sha256: str, raw: bytes) -> tuple[TrailEntry, ...]:
    """A bundle member's trail of the file ``sha256``, its chain checked; ValidationError
    (one line naming the member and what is wrong) for anything else."""
    member = f"custody/{sha256}.json"

    def problem(what: str) -> ValidationError:
        return ValidationError("", f"refused {member}: {what}; nothing was imported")

    try:
        document = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise problem("not a custody trail (JSON)") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise problem(f"not a custody trail (its format is not {FORMAT})")
    if document.get("sha256") != sha256:
        raise problem("it is the trail of another file")
    rows = document.get("entries")
    if not isinstance(rows, list) or not rows:
        raise problem("it has no entries")
    if len(rows) > MAX_ENTRIES:
        raise problem(f"more than {MAX_ENTRIES:,} entries")
    entries = tuple(_entry(sha256, number, row, problem) for number, row in enumerate(rows))
    broken = check_chain(entries, None)
    if broken is not None:
        raise problem(f"the chain is broken ({broken})")
    return entries


def _entry(sha256: str, number: int, row: Any, problem: Any) -> TrailEntry:
    where = f"entry {number}"
    if not isinstance(row, dict) or set(row) != {
        "seq",
        "at",
        "by",
        "action",
        "detail",
        "prev_hash",
        "entry_hash",
    }:
        raise problem(f"{where} is not seq, at, by, action, detail, prev_hash, entry_hash")
    seq, at, by, action = row["seq"], row["at"], row["by"], row["action"]
    detail, prev, digest = row["detail"], row["prev_hash"], row["entry_hash"]
    if not isinstance(seq, int) or isinstance(seq, bool):
        raise problem(f"{where}: seq is not a number")
    if not isinstance(by, str) or not by or len(by) > MAX_BY:
        raise problem(f"{where}: by is not a name of 1 to {MAX_BY} characters")
    if action not in ACTIONS:
        raise problem(f"{where}: the action is not one of {', '.join(ACTIONS)}")
    if not isinstance(detail, str) or len(detail) > MAX_DETAIL:
        raise problem(f"{where}: detail is not a text of at most {MAX_DETAIL:,} characters")
    for value in (prev, digest):
        if not isinstance(value, str) or not _HEX.fullmatch(value):
            raise problem(f"{where}: a hash is not 64 lowercase hexadecimal digits")
    if not isinstance(at, str) or not at.endswith("Z"):
        raise problem(f"{where}: at is not a UTC date-time (…Z)")
    try:
        moment = datetime.fromisoformat(at[:-1])
    except ValueError:
        raise problem(f"{where}: at is not a UTC date-time (…Z)") from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return TrailEntry(sha256, seq, moment, by, action, detail, prev, digest)
