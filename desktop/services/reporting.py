"""Building a situation report: choose the incidents, prepare the content, write the PDF."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from desktop.domain import country_name
from desktop.errors import ValidationError
from desktop.reports.sitrep_data import ReportOptions, prepare
from desktop.reports.sitrep_pdf import render_sitrep
from desktop.services.dto import IncidentQuery
from desktop.services.incidents import get_incidents

if TYPE_CHECKING:
    from pathlib import Path

    from desktop.store.engine import Database


@dataclass(frozen=True)
class ReportResult:
    path: Path
    pages: int
    incidents: int
    marking: str
    marking_raised: bool


def describe_query(query: IncidentQuery) -> str:
    """The filter in words, printed on the report so a reader knows what it covers."""
    parts = []
    if query.since or query.until:
        since = query.since.isoformat() if query.since else "…"
        until = query.until.isoformat() if query.until else "…"
        parts.append(f"period {since} to {until}")
    if query.countries:
        parts.append("country " + ", ".join(country_name(c) for c in query.countries))
    if query.event_types:
        parts.append("type " + ", ".join(query.event_types))
    if query.tags:
        parts.append("tag " + ", ".join(query.tags))
    for label, values in (
        ("status", query.statuses),
        ("confidence", query.confidences),
        ("marking", query.markings),
    ):
        if values:
            parts.append(f"{label} " + ", ".join(values))
    if query.text.strip():
        parts.append(f"text “{query.text.strip()}”")
    return "; ".join(parts) if parts else "all incidents"


def export_sitrep(
    db: Database,
    out: Path,
    query: IncidentQuery | None = None,
    options: ReportOptions | None = None,
    now: datetime | None = None,
) -> ReportResult:
    """Write a SITREP of the incidents matching ``query`` (oldest first) to ``out``."""
    query = replace(query or IncidentQuery(), sort="when", descending=False, deleted=False)
    options = options or ReportOptions()
    options = replace(
        options,
        since=options.since or query.since,
        until=options.until or query.until,
        filter_text=options.filter_text or describe_query(query),
    )
    if out.exists() and out.is_dir():
        raise ValidationError("out", f"{out} is a folder; give a file name ending in .pdf")
    incidents = get_incidents(db, query)
    data = prepare(incidents, options, now or datetime.now(UTC))
    tmp = out.with_name(f".{out.name}.part")
    try:
        pages = render_sitrep(data, tmp)
        tmp.replace(out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ValidationError("out", f"cannot write {out}: {exc.strerror}") from exc
    return ReportResult(out, pages, len(incidents), data.marking, data.marking_raised)
