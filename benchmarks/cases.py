"""The measurements run inside the benchmark's own process, on one workspace size.

They drive the same objects as the GUI: the incident table model fed by the services (as
``MainWindow`` wires it), the services behind the editor, and the SITREP export.
"""

from __future__ import annotations

import textwrap
import time
from dataclasses import replace
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import text

from benchmarks.measure import Timer
from desktop.domain import ActorRole
from desktop.services import incidents as incident_service
from desktop.services import reporting
from desktop.services.dto import Actor, Citation, IncidentData, IncidentQuery, When, Where
from desktop.services.sources import list_sources
from desktop.views.partials.incident_table_model import IncidentTableModel

if TYPE_CHECKING:
    from pathlib import Path

    from desktop.store.engine import Database

# Varied on purpose: common and rare words, prefixes (type-ahead), several words, Arabic with
# and without hamza, actors, places, a number, a word that matches nothing.
SEARCHES: tuple[str, ...] = (
    "drone",
    "Baghdad",
    "Erbil drone",
    "convoy",
    "conv",
    "Kataib Hezbollah",
    "Houthis",
    "shelling",
    "Kismayo",
    "al-Asad",
    "airbase",
    "checkpoint ambush",
    "Tower 22",
    "protest",
    "peaceful crowd",
    "قصف",
    "هجوم طائرة",
    "الأمريكية",
    "الامريكية",
    "الحشد",
    "Rafah",
    "Rapid Support Forces",
    "overnight raid",
    "mortar",
    "sniper Aleppo",
    "12345",
    "pipeline",
    "hostage",
    "retaliatory strike",
    "zzzqx",
)
MANY_CITATIONS = 40


def table_model(db: Database) -> IncidentTableModel:
    """The table model wired to the services exactly as the main window wires it."""
    return IncidentTableModel(
        lambda query, offset, limit: incident_service.list_incidents(db, query, offset, limit),
        lambda query: incident_service.count_incidents(db, query),
    )


def _change(model: IncidentTableModel, query: IncidentQuery) -> None:
    """A whole change of the table: its first rows, then its count (the window counts from
    the event loop, once the rows are painted; here at once, so both are in the time)."""
    model.set_query(query)
    model.count_now()


def search(db: Database) -> dict[str, float]:
    """Typing each query: the first rows, then (timed apart) the count of the matches.

    A typed search keeps the table's order (by default When, newest first): that is the
    judged figure, until the rows are in the table. The window paints them before it counts
    the matches, which costs every match (see desktop.views.partials.incident_table_model);
    the count is timed apart, and the two together. Best match is the analyst's explicit
    choice, measured whole.
    """
    model = table_model(db)
    _change(model, IncidentQuery())
    rows, counted, whole, best = Timer(), Timer(), Timer(), Timer()
    for words in SEARCHES:
        started = time.perf_counter()
        with rows.run():
            model.set_query(IncidentQuery(text=words))
        with counted.run():
            model.count_now()
        whole.samples.append((time.perf_counter() - started) * 1000)
    for words in SEARCHES:
        with best.run():
            _change(model, IncidentQuery(text=words, sort="relevance", descending=True))
    return {
        "search_median_ms": rows.median,
        "search_p95_ms": rows.p95,
        "search_max_ms": rows.worst,
        "search_count_median_ms": counted.median,
        "search_whole_median_ms": whole.median,
        "search_whole_p95_ms": whole.p95,
        "search_best_median_ms": best.median,
        "search_best_p95_ms": best.p95,
        "search_best_max_ms": best.worst,
    }


def filter_queries(db: Database) -> tuple[IncidentQuery, ...]:
    """The 12 filter cases, from the workspace's newest day and its sources."""
    base = IncidentQuery()
    latest = incident_service.list_incidents(db, base, 0, 1)[0].start
    latest_day = latest if isinstance(latest, date) else latest.date()
    sources = sorted(s.id for s in list_sources(db))
    filters = (
        replace(base, countries=("IQ",)),
        replace(base, countries=("SO",)),
        replace(base, event_types=("Protests",)),
        replace(base, statuses=("confirmed", "reported")),
        replace(base, confidences=("high",)),
        replace(base, markings=("TLP:AMBER",)),
        replace(base, tags=("drone",)),
        replace(base, source=sources[len(sources) // 2]),
        replace(base, since=latest_day - timedelta(days=30)),
        replace(
            base, since=latest_day - timedelta(days=365), until=latest_day - timedelta(days=300)
        ),
        replace(base, countries=("SY",), event_types=("Battles",), confidences=("low",)),
        replace(base, text="drone", countries=("IQ",)),
    )
    return filters


def filters_and_sorts(db: Database) -> dict[str, float]:
    model = table_model(db)
    base = IncidentQuery()
    _change(model, base)
    filters = filter_queries(db)
    filter_timer = Timer()
    for query in filters:
        runs = Timer()
        for _ in range(3):
            with runs.run():
                _change(model, query)
        filter_timer.samples.append(runs.median)
    _change(model, base)
    sort_timer = Timer()
    for column in range(model.columnCount()):
        for order in (0, 1):
            runs = Timer()
            for _ in range(3):
                with runs.run():
                    model.sort(column, order)  # type: ignore[arg-type]
            sort_timer.samples.append(runs.median)
    return {
        "filter_median_ms": filter_timer.median,
        "filter_max_ms": filter_timer.worst,
        "sort_median_ms": sort_timer.median,
        "sort_max_ms": sort_timer.worst,
    }


def scroll(db: Database) -> dict[str, float]:
    """Page to the end of the table as scrolling does: every fetchMore timed."""
    model = table_model(db)
    _change(model, IncidentQuery())
    timer = Timer()
    start = time.perf_counter()
    while model.canFetchMore():
        with timer.run():
            model.fetchMore()
    return {
        "scroll_max_ms": timer.worst,
        "scroll_median_ms": timer.median,
        "scroll_pages": float(len(timer.samples) + 1),
        "scroll_total_s": time.perf_counter() - start,
    }


def add_incident_with_many_citations(db: Database) -> str:
    """An incident citing 40 sources, the worst an editor is likely to open."""
    slugs = sorted(s.id for s in list_sources(db))[:MANY_CITATIONS]
    data = IncidentData(
        title="Benchmark: incident with many citations",
        summary="Forty sources reported on this incident.",
        when=When(date(2024, 6, 1), date(2024, 6, 2)),
        where=Where(name="Erbil", admin1="Erbil", country="IQ", lat=36.19, lon=44.01),
        event_type="Explosions/Remote violence",
        sub_event_type="Air/drone strike",
        actors=(Actor("Islamic Resistance in Iraq", ActorRole.CLAIMED_BY),),
        tags=("drone", "benchmark"),
        citations=tuple(
            Citation(source=slug, credibility=1 + i % 6, excerpt=f"Report {i} on the strike.")
            for i, slug in enumerate(slugs)
        ),
    )
    created = incident_service.create_incident(db, data)
    assert created.id is not None
    return created.id


def editor(db: Database, incident_id: str) -> dict[str, float]:
    """The editor's data: open (get_incident) and save (update_incident); the dialog too."""
    opened, saved = Timer(), Timer()
    for i in range(10):
        with opened.run():
            data = incident_service.get_incident(db, incident_id)
        with saved.run():
            incident_service.update_incident(db, replace(data, summary=f"Revision {i}."))
    result = {"editor_open_ms": opened.median, "editor_save_ms": saved.median}
    result.update(_gui_editor(db, incident_id))
    return result


def _gui_editor(db: Database, incident_id: str) -> dict[str, float]:
    from PySide6.QtTest import QTest

    try:
        from desktop.views.incident_editor import IncidentEditor
    except ImportError:  # the dialog is not there (yet): the services figures stand alone
        return {}
    opened, saved = Timer(), Timer()
    for _ in range(3):
        with opened.run():
            dialog = IncidentEditor(db, incident_id)
        title_edit = getattr(dialog, "title_edit", None)
        if title_edit is not None:  # typed as a user would, so the save has a change to write
            title_edit.end(False)
            QTest.keyClicks(title_edit, "+")
        with saved.run():
            ok = dialog.save()
        dialog.deleteLater()
        if not ok:
            return {"gui_editor_open_ms": opened.median}
    return {"gui_editor_open_ms": opened.median, "gui_editor_save_ms": saved.median}


def tag_first(db: Database, count: int) -> IncidentQuery:
    """Tag the ``count`` oldest incidents ``bench-COUNT``: a SITREP's filter of exactly them.

    A period filter would catch a whole day's incidents (over 130 a day at 100,000), so the
    report would not be of the same size at every workspace size.
    """
    tag = f"bench-{count}"
    with db.begin() as session:
        session.execute(
            text(
                "INSERT OR IGNORE INTO incident_tags (incident_id, tag, position) "
                "SELECT id, :tag, 99 FROM incidents WHERE deleted_at IS NULL "
                "ORDER BY start_at, id LIMIT :count"
            ),
            {"tag": tag, "count": count},
        )
    return IncidentQuery(tags=(tag,), sort="when", descending=False)


def pdf(db: Database, out_dir: Path, count: int) -> dict[str, float]:
    query = tag_first(db, count)
    started = time.perf_counter()
    result = reporting.export_sitrep(db, out_dir / f"sitrep-{count}.pdf", query)
    seconds = time.perf_counter() - started
    floor = _canvas_floor(db, query, out_dir / f"floor-{count}.pdf")
    return {
        f"pdf{count}_s": seconds,
        f"pdf{count}_floor_s": floor,
        f"pdf{count}_incidents": float(result.incidents),
        f"pdf{count}_pages": float(result.pages),
    }


def _canvas_floor(db: Database, query: IncidentQuery, out: Path) -> float:
    """The same incidents' text drawn line by line on a plain ReportLab canvas."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    from desktop.reports.fonts import BODY_FONT, register_fonts

    register_fonts()
    started = time.perf_counter()
    incidents = incident_service.get_incidents(db, query)
    canvas = Canvas(str(out), pagesize=A4)
    _width, height = A4
    y = height - 50

    def line(text: str, size: float = 9) -> None:
        nonlocal y
        if y < 50:
            canvas.showPage()
            y = height - 50
        canvas.setFont(BODY_FONT, size)
        canvas.drawString(50, y, text)
        y -= size + 3

    for incident in incidents:
        line(incident.title, 11)
        line(f"{incident.when.start} · {incident.where.name} · {incident.sub_event_type}")
        line(f"{incident.status} · {incident.confidence} · {incident.marking}")
        for wrapped in textwrap.wrap(incident.summary, 100):
            line(wrapped)
        for citation in incident.citations:
            for wrapped in textwrap.wrap(
                f"{citation.source_name} ({citation.source_reliability}{citation.credibility}): "
                f"{citation.excerpt}",
                100,
            ):
                line(wrapped, 8)
    canvas.save()
    return time.perf_counter() - started


def describe(results: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v:.3g}" for k, v in results.items() if isinstance(v, float))
