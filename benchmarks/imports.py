"""Imports of every format, each against a floor measured in the same run (issue 18, item 7).

The JSON import is the user's path (``interchange.import_file``: streamed, read in a second
thread while SQLite writes) of the generated workspace into a new SQLite file. Its floor is
the least any import of that file must do: ``json.load`` of it, then one ``executemany`` per
table of the same rows (incidents, actors, tags, citations, sources) into plain tables with
no index, no full-text entries and no checks, in one transaction. The other formats import
the same incidents as our own export writes them (``interchange.export_file``), so each is
judged against the JSON import of the same incidents: ACLED at every size, STIX, MISP, CSV
and XLSX at 10,000 and below (their readers hold the whole file, and at 100,000 they would
add minutes to every run).

Each import runs in a fresh process (``python -m benchmarks.child``), for its peak RSS.
"""

from __future__ import annotations

import json
import sqlite3
import time
from functools import partial
from pathlib import Path
from typing import Any

from benchmarks import generate, measure

# Formats measured beside the JSON import, and the largest size each is measured at.
OTHER_FORMATS: tuple[tuple[str, int], ...] = (
    ("acled", 100_000),
    ("stix", 10_000),
    ("misp", 10_000),
    ("csv", 10_000),
    ("xlsx", 10_000),
)
_SUFFIX = {"acled": ".csv", "stix": ".json", "misp": ".json", "csv": ".csv", "xlsx": ".xlsx"}


def export_path(root: Path, size: int, name: str) -> Path:
    return root / f"workspace-{size}-v{generate.GENERATOR_VERSION}.{name}{_SUFFIX[name]}"


def ensure_export(root: Path, size: int, name: str, db_path: Path) -> Path:
    """The workspace's incidents as format ``name`` writes them (from the imported
    workspace ``db_path``), written on first use and kept beside the JSON file."""
    path = export_path(root, size, name)
    if not path.exists():
        from desktop import formats
        from desktop.services import interchange
        from desktop.store.engine import open_database

        db = open_database(db_path)
        try:
            part = path.with_name(path.name + ".part" + path.suffix)
            interchange.export_file(db, part, writer=formats.writer(name))
            part.replace(path)
        finally:
            db.close()
    return path


# The JSON import and its floor are each run this many times, alternately, and the fastest
# run of each is kept: the machine's pace drifts from one minute to the next (the floor's
# json.load of 100,000 incidents took 3.4 s and 6.1 s within the hour), and noise only slows.
IMPORT_RUNS = 3


def run(
    root: Path, size: int, workspace: Path, say: Any, runs: int = IMPORT_RUNS
) -> dict[str, float]:
    """The JSON import and its floor, then the other formats; figures by key."""
    values: dict[str, float] = {}
    db_path = root / f"db-{size}.sqlite3"
    floors: list[dict[str, Any]] = []
    imports: list[dict[str, Any]] = []
    for turn in range(1, runs + 1):
        say(f"import floor: json.load + executemany ({turn} of {runs})")
        floors.append(
            measure.child("import_floor", str(workspace), str(root / f"floor-{size}.sqlite3"))
        )
        say(f"import (JSON) ({turn} of {runs})")
        imports.append(measure.child("import", str(workspace), str(db_path)))
    floor = min(floors, key=lambda r: float(r["seconds"]))
    imported = min(imports, key=lambda r: float(r["seconds"]))
    values["import_floor_s"] = floor["seconds"]
    values["import_floor_cpu_s"] = floor["cpu_seconds"]
    values["import_floor_peak_mb"] = floor["peak_mb"]
    values.update(
        import_s=imported["seconds"],
        import_cpu_s=imported["cpu_seconds"],
        import_rate=imported["incidents"] / imported["seconds"],
        # The largest of the runs: memory is judged on the worst.
        import_peak_mb=max(float(r["peak_mb"]) for r in imports),
    )
    for name, largest in OTHER_FORMATS:
        if size > largest:
            continue
        source = ensure_export(root, size, name, db_path)
        say(f"import ({name})")
        other = measure.child("import", str(source), str(root / f"db-{size}-{name}.sqlite3"))
        if other["incidents"] != imported["incidents"]:
            raise RuntimeError(f"{name}: {other['incidents']} incidents imported, not {size}")
        values[f"import_{name}_s"] = other["seconds"]
        values[f"import_{name}_peak_mb"] = other["peak_mb"]
    return values


# --- the floor, in the child process ---------------------------------------------------------

_PLAIN_TABLES = (
    "CREATE TABLE sources (slug, name, kind, reliability, url, notes)",
    "CREATE TABLE incidents (n, uuid, title, summary, notes, start, end_, time_precision, "
    "place, admin1, country, lat, lon, geo_precision, event_type, sub_event_type, killed, "
    "injured, casualty_note, status, confidence, likelihood, marking)",
    "CREATE TABLE actors (n, position, name, role)",
    "CREATE TABLE tags (n, position, tag)",
    "CREATE TABLE citations (n, position, source, credibility, url, published, retrieved, "
    "language, excerpt)",
)
_INCIDENT_COLUMNS = 23
_CITATION_KEYS = ("url", "published", "retrieved", "language", "excerpt")


def floor(file: str, db_path: str) -> dict[str, Any]:
    """``json.load`` of the file, then its rows into plain tables by ``executemany``."""
    target = Path(db_path)
    for stale in target.parent.glob(target.name + "*"):
        stale.unlink()
    start = time.perf_counter()
    with open(file, "rb") as stream:
        document = json.load(stream)
    connection = sqlite3.connect(target)
    for statement in _PLAIN_TABLES:
        connection.execute(statement)
    incidents: list[tuple[Any, ...]] = []
    actors: list[tuple[Any, ...]] = []
    tags: list[tuple[Any, ...]] = []
    citations: list[tuple[Any, ...]] = []
    for n, incident in enumerate(document["incidents"]):
        row: list[Any] = [n, incident.get("id")]
        for key, value in incident.items():
            if key in ("id", "actors", "tags", "citations", "history", "evidence"):
                continue
            row.extend(value.values() if isinstance(value, dict) else (value,))
        incidents.append(tuple((row + [None] * _INCIDENT_COLUMNS)[:_INCIDENT_COLUMNS]))
        actors.extend((n, i, a["name"], a.get("role")) for i, a in enumerate(incident["actors"]))
        tags.extend((n, i, tag) for i, tag in enumerate(incident["tags"]))
        citations.extend(
            (n, i, c["source"], c["credibility"], *(c.get(key) for key in _CITATION_KEYS))
            for i, c in enumerate(incident["citations"])
        )
    with connection:
        connection.executemany(
            "INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?)",
            [tuple(s.values())[:6] for s in document["sources"]],
        )
        connection.executemany(
            f"INSERT INTO incidents VALUES ({', '.join('?' * _INCIDENT_COLUMNS)})", incidents
        )
        connection.executemany("INSERT INTO actors VALUES (?, ?, ?, ?)", actors)
        connection.executemany("INSERT INTO tags VALUES (?, ?, ?)", tags)
        connection.executemany(
            "INSERT INTO citations VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", citations
        )
    connection.close()
    return {"seconds": time.perf_counter() - start, "incidents": len(incidents)}


def _say(size: int, text: str) -> None:
    print(f"  [{size:,}] {text}", flush=True)


def main(argv: list[str]) -> int:
    """``python -m benchmarks.imports [SIZE ...]``: the import figures alone, with ratios."""
    root = Path("build/bench")
    for size in [int(n) for n in argv] or [10_000]:
        workspace = generate.ensure_workspace(root, size)
        values = run(root, size, workspace, partial(_say, size))
        json_s = values["import_s"]
        print(f"{size:,} incidents: {json.dumps({k: round(v, 3) for k, v in values.items()})}")
        print(f"  JSON import / floor: {json_s / values['import_floor_s']:.2f}×")
        for name, _largest in OTHER_FORMATS:
            if f"import_{name}_s" in values:
                print(f"  {name} import / JSON import: {values[f'import_{name}_s'] / json_s:.2f}×")
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
