"""The reports a workspace has written, so the next one can say what changed since.

Every exported report is recorded (``report_records``): a short id an analyst can type
(``K7M2Q``), when it was written, what it covered (its scope, as data and in words), its
marking, and each incident it held with its number, version and the facts a change is told
by (``report_record_incidents``; :class:`desktop.reports.sitrep_changes.Facts`).

Reports *of the same scope* have the same filters, whatever their period: this week's report
on Iraq is compared with last week's (the incidents that fell out of the moving period are
said to be outside it). :func:`changes_since` compares the incidents of a report being
written with the latest such report, with one the analyst names, or with none.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import insert, select
from sqlalchemy.orm import selectinload

from desktop.domain import above, normalise_marking
from desktop.errors import NotFoundError, ValidationError
from desktop.phrases import exact_text
from desktop.reports.sitrep_changes import (
    Facts,
    Fate,
    Recorded,
    RecordedIncident,
    SitrepChanges,
    compare,
)
from desktop.reports.sitrep_data import dtg
from desktop.services import mapping, stored_values
from desktop.services.report_request import LATEST, NONE, report_id
from desktop.store.models import Citation, Incident, ReportRecord, ReportRecordIncident
from desktop.wording import quoted

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from datetime import datetime

    from sqlalchemy.orm import Session

    from desktop.services.dto import IncidentData
    from desktop.services.report_settings import ReportScope
    from desktop.store.engine import Database

# Ids: five characters an analyst reads aloud and types without doubt (no 0/O, 1/I/L).
ID_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
ID_LENGTH = 5
_PERIOD = ("since", "until")
_CHUNK = 500  # incident ids per IN (…) list


@dataclass(frozen=True)
class ReportSummary:
    """One recorded report, as ``incident-desk reports`` and the export dialog list it."""

    id: str
    generated_at: datetime  # aware, UTC
    as_of: str
    scope: ReportScope
    marking: str
    format: str
    incidents: int

    @property
    def dtg(self) -> str:
        return dtg(self.generated_at)

    @property
    def label(self) -> str:
        """``181200ZOCT23 · K7M2Q · 7 incidents``, for a list to choose from."""
        count = f"{self.incidents:,} incident" + ("" if self.incidents == 1 else "s")
        return f"{self.dtg} · {self.id} · {count}"

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "generated": self.generated_at.isoformat(),
            "dtg": self.dtg,
            "as_of": self.as_of,
            "scope": self.scope.to_json(),
            "marking": self.marking,
            "format": self.format,
            "incidents": self.incidents,
        }


def series_of(scope: ReportScope) -> str:
    """What reports of the same scope share: a digest of their filters but the period."""
    filters = [list(pair) for pair in scope.filters if pair[0] not in _PERIOD]
    text = json.dumps(filters, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def period_of(scope: ReportScope) -> tuple[tuple[str, str], ...]:
    return tuple(pair for pair in scope.filters if pair[0] in _PERIOD)


def new_report_id() -> str:
    return "".join(secrets.choice(ID_ALPHABET) for _ in range(ID_LENGTH))


# ------------------------------------------------------------------------------ recording


def record_report(
    db: Database,
    *,
    report: str,
    generated_at: datetime,
    as_of: str,
    scope: ReportScope,
    marking: str,
    format: str,
    incidents: Sequence[tuple[int, IncidentData]],
) -> str:
    """Record a report just written: its id (``report``, or a new one if that is taken).

    A read-only workspace records nothing and returns "".
    """
    if db.read_only:
        return ""
    with db.begin() as session:
        while session.get(ReportRecord, report) is not None:
            report = new_report_id()
        session.add(
            ReportRecord(
                id=report,
                created_at=stored_values.to_db_time(generated_at),
                created_by=mapping.current_user(),
                as_of=as_of,
                scope=json.dumps(scope.to_json(), ensure_ascii=False),
                series=series_of(scope),
                marking=marking,
                format=format,
                incident_count=len(incidents),
            )
        )
        session.flush()
        rows = [
            _incident_row(report, number, incident, generated_at) for number, incident in incidents
        ]
        if rows:
            session.execute(insert(ReportRecordIncident), rows)
    return report


def _incident_row(
    report: str, number: int, incident: IncidentData, generated_at: datetime
) -> dict[str, object]:
    updated = incident.audit.updated_at if incident.audit else generated_at
    return {
        "report_id": report,
        "incident_uuid": incident.id or "",
        "number": number,
        "version": incident.version or 0,
        "updated_at": stored_values.to_db_time(updated),
        "facts": Facts.of(incident).to_json(),
    }


# -------------------------------------------------------------------------------- listing


def list_reports(db: Database, scope: ReportScope | None = None) -> list[ReportSummary]:
    """The recorded reports, newest first; only those of ``scope``'s series when given."""
    from desktop.services.report_settings import ReportScope

    stmt = select(ReportRecord).order_by(ReportRecord.created_at.desc(), ReportRecord.id)
    if scope is not None:
        stmt = stmt.where(ReportRecord.series == series_of(scope))
    with db.begin() as session:
        rows = session.scalars(stmt).all()
        summaries = []
        for row in rows:
            stored = _json(row.scope)
            known = ReportScope.from_json(stored) or ReportScope((), "scope not readable")
            summaries.append(
                ReportSummary(
                    id=row.id,
                    generated_at=mapping.as_aware(row.created_at),
                    as_of=row.as_of,
                    scope=known,
                    marking=row.marking,
                    format=row.format,
                    incidents=row.incident_count,
                )
            )
    return summaries


def _json(text: str) -> object:
    try:
        return json.loads(text)
    except ValueError:
        return None


def find_report(db: Database, text: str) -> ReportSummary:
    """The recorded report of the id typed, or NotFoundError saying how to find one."""
    wanted = report_id(text)
    for summary in list_reports(db):
        if summary.id == wanted:
            return summary
    raise NotFoundError(
        f"No report {quoted(wanted)} is recorded in this workspace "
        "(incident-desk reports lists them)."
    )


def comparable(db: Database, scope: ReportScope, release: str = "") -> list[ReportSummary]:
    """The reports of ``scope`` a report may be compared with, newest first.

    A releasable version (``release``, its level) is compared only with a report marked at
    or below that level: the box names the earlier report's incidents, and one marked above
    it may name incidents this version must not hold.
    """
    level = normalise_marking(release)
    return [r for r in list_reports(db, scope) if not (level and above(r.marking, level))]


def resolve(
    db: Database, compare_with: str | None, scope: ReportScope, release: str = ""
) -> ReportSummary | None:
    """The report to compare with: the latest :func:`comparable` one (``LATEST``), a named
    one, or None (NONE). A named report marked above ``release`` is a ValidationError."""
    if compare_with is None or compare_with.strip().lower() == NONE:
        return None
    if compare_with == LATEST:
        same = comparable(db, scope, release)
        return same[0] if same else None
    found = find_report(db, compare_with)
    level = normalise_marking(release)
    if level and above(found.marking, level):
        raise ValidationError(
            "compare_with",
            f"Report {found.id} is marked {found.marking}, above this version's release "
            f"level {level}: its changes would name incidents this version may not hold. "
            "Compare with a report marked at or below it, or with none.",
        )
    return found


# ----------------------------------------------------------------------------- comparing


def changes_since(
    db: Database,
    earlier: ReportSummary | None,
    scope: ReportScope,
    incidents: Sequence[tuple[int, IncidentData]],
) -> SitrepChanges | None:
    """What changed since ``earlier`` for the (numbered) incidents of a report of ``scope``."""
    if earlier is None:
        return None
    with db.begin() as session:
        held = session.scalars(
            select(ReportRecordIncident).where(ReportRecordIncident.report_id == earlier.id)
        ).all()
        recorded = Recorded(
            id=earlier.id,
            generated_at=earlier.generated_at,
            as_of=earlier.as_of,
            scope_words=earlier.scope.words,
            incidents=tuple(
                RecordedIncident(r.incident_uuid, r.number, r.version, Facts.from_json(r.facts))
                for r in held
            ),
        )
        here = {incident.id for _, incident in incidents}
        fates = _fates(session, [r.id for r in recorded.incidents if r.id not in here])
    return compare(
        recorded,
        incidents,
        fates,
        same_scope=series_of(earlier.scope) == series_of(scope),
        same_period=period_of(earlier.scope) == period_of(scope),
        since_generated=exact_text(earlier.generated_at),
    )


def _fates(session: Session, uuids: Sequence[str]) -> dict[str, Fate]:
    """What became of each incident: deleted (trash or purged), or live with its facts now."""
    fates: dict[str, Fate] = {}
    for chunk in _chunks(uuids):
        stmt = (
            select(Incident)
            .where(Incident.uuid.in_(chunk))
            .options(
                selectinload(Incident.actors),
                selectinload(Incident.tags),
                selectinload(Incident.citations).joinedload(Citation.source),
            )
        )
        for row in session.scalars(stmt):
            if row.deleted_at is not None:
                fates[row.uuid] = Fate(deleted=True)
            else:
                data = mapping.incident_to_data(row)
                fates[row.uuid] = Fate(False, Facts.of(data), data.version)
    for uuid in uuids:
        fates.setdefault(uuid, Fate(deleted=True))  # purged from the trash
    return fates


def _chunks(values: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]
