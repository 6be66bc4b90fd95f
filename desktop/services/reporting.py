"""Building a situation report: choose the incidents, prepare the content, write the PDF
or, for an editable copy, the DOCX (the file's suffix chooses)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.domain import above, country_name, normalise_marking
from desktop.errors import ValidationError
from desktop.reports.sitrep_changes import numbered, with_changes
from desktop.reports.sitrep_data import ReportOptions, prepare, report_period
from desktop.reports.sitrep_docx import render_sitrep_docx
from desktop.reports.sitrep_pdf import render_sitrep
from desktop.reports.timeline import previous_period
from desktop.services import report_records
from desktop.services.bluf import draft_bluf
from desktop.services.dto import IncidentQuery
from desktop.services.incidents import count_incidents, get_incidents
from desktop.services.progress import step
from desktop.services.report_records import LATEST
from desktop.services.significance import DEFAULT_RULE, SignificanceRule, choose, resolve_ids
from desktop.store.engine import sqlite_path
from desktop.store.models import Setting
from desktop.store.outputs import check_target, private_output
from desktop.wording import plural

if TYPE_CHECKING:
    from collections.abc import Callable

    from desktop.services.dto import IncidentData
    from desktop.services.progress import Progress
    from desktop.store.engine import Database

LAST_FOLDER_KEY = "report.last_folder"
# Export progress on a 0–100 scale: reading and preparing are quick next to laying out pages.
_READ, _PREPARE, _LAYOUT, _WRITTEN, _DONE = 0, 5, 10, 97, 100


@dataclass(frozen=True)
class ReportResult:
    path: Path
    pages: int  # 0 for a DOCX, whose pages Word lays out
    incidents: int
    marking: str
    marking_raised: bool
    significant: int = 0  # incidents printed in full
    withheld: int = 0  # incidents left out for being marked above the release level
    # Since the last report (services.report_records): the id this report is recorded
    # under ("" in a read-only workspace), the report it was compared with ("" for none),
    # what changed in one line, and the bottom line drafted from the data (services.bluf).
    report_id: str = ""
    compared_with: str = ""
    changes: str = ""
    drafted_bluf: tuple[str, ...] = ()


@dataclass(frozen=True)
class Selection:
    """Which incidents the report prints in full: a rule, and pins either way (incident
    ids, whole or a unique beginning)."""

    rule: SignificanceRule = DEFAULT_RULE
    pinned: tuple[str, ...] = ()
    unpinned: tuple[str, ...] = ()


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
    if query.area is not None:
        west, south, east, north = query.area
        parts.append(f"area {south:.2f}..{north:.2f}°N, {west:.2f}..{east:.2f}°E")
    if query.text.strip():
        parts.append(f"text “{query.text.strip()}”")
    return "; ".join(parts) if parts else "all incidents"


def report_query(query: IncidentQuery | None) -> IncidentQuery:
    """The query a report runs: live incidents only, oldest first."""
    return replace(query or IncidentQuery(), sort="when", descending=False, deleted=False)


def count_for_report(db: Database, query: IncidentQuery | None) -> int:
    """How many incidents a report of ``query`` would hold (for a preview before exporting)."""
    return count_incidents(db, report_query(query))


REPORT_SUFFIXES = (".pdf", ".docx")


def report_format(out: Path) -> str:
    """ "pdf" or "docx" by ``out``'s suffix; ValidationError for any other."""
    suffix = out.suffix.lower()
    if suffix not in REPORT_SUFFIXES:
        raise ValidationError(
            "out",
            f"{out.name}: a report is written as PDF (.pdf) or as an editable Word "
            "document (.docx); give a file name ending in one of them.",
        )
    return suffix[1:]


def check_output(db: Database, out: Path) -> Path:
    """``out`` made absolute, or ValidationError when no report may be written there.

    For asking before the work starts; :func:`export_sitrep` checks again when it writes.
    """
    out = check_target(out, sqlite_path(db.url))  # "that is the workspace" comes first
    report_format(out)
    return out


def export_sitrep(
    db: Database,
    out: Path,
    query: IncidentQuery | None = None,
    options: ReportOptions | None = None,
    now: datetime | None = None,
    progress: Progress | None = None,
    selection: Selection | None = None,
    *,
    compare_with: str | None = LATEST,
    use_drafted_bluf: bool = False,
) -> ReportResult:
    """Write a SITREP of the incidents matching ``query`` (oldest first) to ``out``.

    The PDF is written through :func:`~desktop.store.outputs.private_output`: never over the
    workspace, owner-only, and renamed over ``out`` only when complete, so a failed or
    cancelled export (``progress.cancel()`` raises :class:`~desktop.services.progress.Cancelled`
    here) leaves any earlier file untouched and no partial one behind.

    ``selection`` chooses the incidents printed in full (the default rule when None); every
    incident is listed in Annex A. With ``options.max_marking``, incidents marked above it
    are left out and counted. A pin that names no incident of the report is a
    ValidationError, raised before anything is written.

    The report is compared with ``compare_with`` (the latest report of its scope, a report
    id, or None; for a releasable version, only a report marked at or below its release
    level) and recorded once written (services.report_records). ``use_drafted_bluf`` prints
    the drafted bottom line as key points when none are given (services.bluf).
    """
    from desktop.services.report_settings import ReportScope  # it imports this module

    query = report_query(query)
    options = options or ReportOptions()
    options = replace(
        options,
        since=options.since or query.since,
        until=options.until or query.until,
        filter_text=options.filter_text or describe_query(query),
    )
    workspace = sqlite_path(db.url)
    out = check_target(out, workspace)  # before the work, as well as before the rename
    kind = report_format(out)
    scope = ReportScope.of(query)
    # A bad id, or a report marked above this version's release level: nothing written.
    earlier = report_records.resolve(db, compare_with, scope, options.max_marking)
    step(progress, _READ, _DONE, "Reading the incidents…")
    incidents = get_incidents(db, query)
    options, incidents = _plan(options, incidents, selection or Selection())
    count = "1 incident" if len(incidents) == 1 else f"{len(incidents)} incidents"
    step(progress, _PREPARE, _DONE, f"Preparing the report on {count}…")
    generated_at = now or datetime.now(UTC)
    ordered = numbered(incidents)
    changes = report_records.changes_since(db, earlier, scope, ordered)
    options = with_changes(options, changes)
    from desktop.services.evidence_transfer import evidence_of

    kept = evidence_of(db, {i.id for i in incidents if i.id})
    data = prepare(incidents, options, generated_at, _previous(db, query, incidents, options), kept)
    draft = draft_bluf(data, ordered, changes)
    if use_drafted_bluf and not data.key_points:  # accepted by the analyst: their words now
        data = replace(data, key_points=draft)
    step(progress, _LAYOUT, _DONE, "Laying out the pages…")
    with private_output(out, workspace) as handle:
        if kind == "docx":  # Word lays out the pages: their number is not known here
            render_sitrep_docx(data, handle)
            pages = 0
        else:
            pages = render_sitrep(data, handle, _layout_progress(progress))
        step(progress, _WRITTEN, _DONE, "Saving the file…")
    report_id = report_records.record_report(
        db,
        report=report_records.new_report_id(),
        generated_at=generated_at,
        as_of=data.as_of,
        scope=scope,
        marking=data.marking,
        format=kind,
        incidents=ordered,
    )
    done = "Document written." if not pages else f"{plural(pages, 'page')} written."
    step(progress, _DONE, _DONE, done)
    return ReportResult(
        out,
        pages,
        len(incidents),
        data.marking,
        data.marking_raised,
        significant=len(data.incidents),
        withheld=data.withheld,
        report_id=report_id,
        compared_with=earlier.id if earlier else "",
        changes=changes.summary if changes else "",
        drafted_bluf=draft,
    )


def _plan(
    options: ReportOptions, incidents: list[IncidentData], selection: Selection
) -> tuple[ReportOptions, list[IncidentData]]:
    """The options with the significant incidents chosen and the judgements' links made
    whole; the incidents without those marked above the release level."""
    pinned = resolve_ids(selection.pinned, incidents, "Pinned incident")
    unpinned = resolve_ids(selection.unpinned, incidents, "Unpinned incident")
    withheld = 0
    release = normalise_marking(options.max_marking)
    if release:
        kept = [i for i in incidents if not above(i.marking, release)]
        withheld = len(incidents) - len(kept)
        incidents = kept
    judgements = tuple(
        # A link to an incident no longer in scope stays as typed: "not in this report".
        replace(j, incident_ids=tuple(_whole(i, incidents) for i in j.incident_ids))
        for j in options.judgements
    )
    chosen = choose(incidents, selection.rule, pinned, unpinned)
    return (
        replace(
            options,
            max_marking=release,
            withheld=withheld,
            judgements=judgements,
            significant=chosen.ids,
            significance_text=chosen.text,
        ),
        incidents,
    )


def _whole(given: str, incidents: list[IncidentData]) -> str:
    try:
        return resolve_ids([given], incidents, "Linked incident")[0]
    except ValidationError:
        return given


def _previous(
    db: Database, query: IncidentQuery, incidents: list[IncidentData], options: ReportOptions
) -> list[IncidentData] | None:
    """The incidents of the same filter over the period of equal length before the
    report's, for the time chart's comparison; None when there is no such period (no
    dates, or a period too long to compare). A releasable version counts only what it
    may release, then as now."""
    start, end = report_period(incidents, options)
    if start is None or end is None:
        return None
    before = previous_period(start, end)
    if before is None:
        return None
    earlier = get_incidents(db, replace(query, since=before[0], until=before[1]))
    if options.max_marking:
        earlier = [i for i in earlier if not above(i.marking, options.max_marking)]
    return earlier


def _layout_progress(progress: Progress | None) -> Callable[[str, int], None] | None:
    """ReportLab's build callback turned into steps between _LAYOUT and _WRITTEN."""
    if progress is None:
        return None
    flowables = 0
    page = 1
    shown = _LAYOUT

    def on_progress(kind: str, value: int) -> None:
        nonlocal flowables, page, shown
        if kind == "SIZE_EST":
            flowables = max(value, 1)
        elif kind == "PAGE":
            page = value + 1
        elif kind == "PROGRESS" and flowables:
            # A flowable split across pages puts its rest back in the story, so the count
            # can fall back: the bar never does.
            share = min(max(value, 0), flowables) / flowables
            shown = max(shown, _LAYOUT + round((_WRITTEN - _LAYOUT) * share))
            progress.step(shown, _DONE, f"Laying out page {page}…")
            return
        progress.check()

    return on_progress


def last_export_folder(db: Database) -> Path | None:
    """The folder the last report was written to, if it still exists."""
    with db.begin() as session:
        row = session.get(Setting, LAST_FOLDER_KEY)
        value = row.value if row is not None else ""
    folder = Path(value) if value else None
    return folder if folder is not None and folder.is_dir() else None


def remember_export_folder(db: Database, folder: Path) -> None:
    """Offer ``folder`` first next time (kept with the database, like the report texts)."""
    if db.read_only:
        return  # the report was written; a workspace on read-only media cannot remember
    with db.begin() as session:
        row = session.get(Setting, LAST_FOLDER_KEY)
        if row is None:
            session.add(Setting(key=LAST_FOLDER_KEY, value=str(folder)))
        else:
            row.value = str(folder)
