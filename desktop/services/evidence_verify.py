"""Verifying evidence: every stored item rehashed, every custody trail checked.

The command line's ``evidence verify`` and the app's daily check on open both run
:func:`verify_evidence`; :func:`verification_due` says whether the day has come. What the
last verification found is kept in the workspace (:func:`last_problems`), so damage is shown
again on every open, by every window, until a verification finds everything intact.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from desktop.services import custody, mapping
from desktop.services.evidence_common import Reporter
from desktop.store import blobs
from desktop.store.models import CustodyEntry, EvidenceAttachment, EvidenceContent, Setting
from desktop.wording import quoted

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from desktop.services.evidence_common import ProgressLike
    from desktop.store.engine import Database

# The app verifies on open when the last verification is older than this.
VERIFY_EVERY = timedelta(days=1)
_VERIFIED_KEY = "evidence.verified_at"
_PROBLEMS_KEY = "evidence.problems"


@dataclass(frozen=True)
class EvidenceProblem:
    """Something :func:`verify_evidence` found wrong: ``kind`` is ``damaged`` (the bytes
    differ from their hash or size), ``missing`` (chunks are gone) or ``custody`` (the
    trail is broken); ``names`` the file names it is attached under."""

    sha256: str
    names: tuple[str, ...]
    kind: str
    detail: str

    @property
    def line(self) -> str:
        """One line for the command line and the app: names, hash, what is wrong."""
        names = ", ".join(quoted(n) for n in self.names) or "(attached to nothing)"
        return f"{self.kind}: {names} {self.sha256}: {self.detail}"


@dataclass(frozen=True)
class VerifyReport:
    """The outcome of :func:`verify_evidence`: how much was checked, and what is wrong."""

    items: int
    bytes: int
    problems: tuple[EvidenceProblem, ...]
    verified_at: datetime

    @property
    def intact(self) -> bool:
        return not self.problems


def verify_evidence(db: Database, progress: ProgressLike | None = None) -> VerifyReport:
    """Rehash every stored item and check every custody trail.

    A problem is reported for bytes that no longer match their SHA-256 or size
    (``damaged``), chunks that are gone (``missing``) and a trail with an entry removed or
    altered (``custody``). Then, unless the workspace is read-only, each item's trail gains
    ``verified`` ("intact" or what is wrong) and the time and the problems are remembered
    (:func:`last_verified`, :func:`last_problems`). ``progress`` hears the bytes read so far.
    """
    problems: list[EvidenceProblem] = []
    outcomes: dict[str, str] = {}
    with db.begin() as session:
        contents = list(session.scalars(select(EvidenceContent).order_by(EvidenceContent.id)))
        names = _names_by_content(session)
        reporter = Reporter(progress, sum(c.size for c in contents))
        heads = {c.sha256: c.custody_head for c in contents}
        for content in contents:
            reporter.text = f"Checking {', '.join(names.get(content.id, ())) or content.sha256}"
            digest, size, missing = hashlib.sha256(), 0, []
            count = 0
            for number, data in blobs.read_chunks(session, content.id):
                count += 1
                if data is None:
                    missing.append(number)
                    continue
                digest.update(data)
                size += len(data)
                reporter.advance(len(data))
            missing += range(count, content.chunk_count)
            problem = None
            if missing:
                problem = ("missing", f"{len(missing):,} of {content.chunk_count:,} parts are gone")
            elif size != content.size:
                problem = ("damaged", f"{size:,} bytes stored, {content.size:,} recorded")
            elif digest.hexdigest() != content.sha256:
                problem = ("damaged", "the stored bytes no longer match their SHA-256")
            item_names = tuple(names.get(content.id, ()))
            if problem is not None:
                problems.append(EvidenceProblem(content.sha256, item_names, *problem))
            outcomes[content.sha256] = "intact" if problem is None else problem[1]
        for sha in sorted({*custody.trails_with_sha(session), *heads}):
            entries = list(
                session.scalars(
                    select(CustodyEntry)
                    .where(CustodyEntry.sha256 == sha)
                    .order_by(CustodyEntry.seq)
                )
            )
            broken = custody.check_chain(entries, heads.get(sha))
            if broken is not None:
                content_id = next((c.id for c in contents if c.sha256 == sha), None)
                item_names = tuple(names.get(content_id, ())) if content_id else ()
                problems.append(EvidenceProblem(sha, item_names, "custody", broken))
    now = mapping.utcnow().replace(microsecond=0)
    if not db.read_only:
        _remember(db, outcomes, problems, now)
    total = sum(c.size for c in contents)
    return VerifyReport(len(contents), total, tuple(problems), now.replace(tzinfo=UTC))


def _names_by_content(session: Session) -> dict[int, list[str]]:
    names: dict[int, list[str]] = {}
    for content_id, name in session.execute(
        select(EvidenceAttachment.content_id, EvidenceAttachment.name).order_by(
            EvidenceAttachment.id
        )
    ):
        if name not in names.setdefault(content_id, []):
            names[content_id].append(name)
    return names


def _remember(
    db: Database, outcomes: dict[str, str], problems: list[EvidenceProblem], now: datetime
) -> None:
    user = mapping.current_user()
    found = json.dumps([asdict(p) for p in problems], ensure_ascii=False)
    with db.begin() as session:
        for sha, outcome in outcomes.items():
            custody.append(session, sha, custody.VERIFIED, user, now, outcome)
            content = blobs.find_content(session, sha)
            if content is not None:
                content.verified_at = now
        for key, value in ((_VERIFIED_KEY, now.isoformat()), (_PROBLEMS_KEY, found)):
            row = session.get(Setting, key)
            if row is None:
                session.add(Setting(key=key, value=value))
            else:
                row.value = value


def last_problems(db: Database) -> tuple[EvidenceProblem, ...]:
    """What the last verification found wrong (empty if it found nothing, or never ran)."""
    with db.begin() as session:
        row = session.get(Setting, _PROBLEMS_KEY)
    if row is None or not row.value:
        return ()
    try:
        found = json.loads(row.value)
        return tuple(
            EvidenceProblem(p["sha256"], tuple(p["names"]), p["kind"], p["detail"]) for p in found
        )
    except (ValueError, TypeError, KeyError):
        # Written by this module only; unreadable means tampered with: say so, not nothing.
        return (EvidenceProblem("(unknown)", (), "unreadable", "the record of the last check"),)


def last_verified(db: Database) -> datetime | None:
    """When :func:`verify_evidence` last ran to the end (aware UTC), None if never."""
    with db.begin() as session:
        row = session.get(Setting, _VERIFIED_KEY)
    if row is None or not row.value:
        return None
    try:
        return datetime.fromisoformat(row.value).replace(tzinfo=UTC)
    except ValueError:
        return None


def verification_due(db: Database, now: datetime | None = None) -> bool:
    """Whether the app should verify now: there is evidence, and the last verification is
    older than a day (or there was none)."""
    with db.begin() as session:
        if session.scalar(select(func.count()).select_from(EvidenceContent)) == 0:
            return False
    last = last_verified(db)
    now = now or datetime.now(UTC)
    return last is None or now - last >= VERIFY_EVERY
