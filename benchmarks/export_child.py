"""One export measurement in a fresh process: ``python -m benchmarks.export_child CASE ARGS``.

Cases: ``export DB FORMAT OUT`` (``export_file`` of the whole workspace, as ``incident-desk
export FORMAT`` does), ``floor FILE OUT`` (``json.load`` of FILE and ``json.dump`` of it to
OUT, indented by two and not ASCII-only, as the export writes) and ``idle DB`` (the
workspace opened and nothing more: the process's own size). Each prints one line of JSON:
``seconds`` (wall time of the work alone) and ``peak_mb`` (the process's peak RSS).
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable


def _peak_mb() -> float:
    # Linux reports ru_maxrss in KiB.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_export(db_path: str, name: str, out: str) -> dict[str, Any]:
    from desktop import formats
    from desktop.services.interchange import export_file
    from desktop.store.engine import open_database

    db = open_database(Path(db_path), daily_backup=False)
    writer = formats.writer(name)
    start = time.perf_counter()
    count = export_file(db, Path(out), writer=writer)
    seconds = time.perf_counter() - start
    db.close()
    return {"seconds": seconds, "incidents": count, "peak_mb": _peak_mb()}


def run_floor(file: str, out: str) -> dict[str, Any]:
    start = time.perf_counter()
    with open(file, encoding="utf-8") as source:
        value = json.load(source)
    with open(out, "w", encoding="utf-8") as target:
        json.dump(value, target, ensure_ascii=False, indent=2)
        target.write("\n")
    return {"seconds": time.perf_counter() - start, "peak_mb": _peak_mb()}


def run_idle(db_path: str) -> dict[str, Any]:
    from desktop import formats  # noqa: F401 - imported as an export imports it
    from desktop.services import interchange  # noqa: F401
    from desktop.store.engine import open_database

    open_database(Path(db_path), daily_backup=False).close()
    return {"seconds": 0.0, "peak_mb": _peak_mb()}


def main(argv: list[str]) -> int:
    case, *args = argv
    cases: dict[str, Callable[..., dict[str, Any]]] = {
        "export": run_export,
        "floor": run_floor,
        "idle": run_idle,
    }
    print(json.dumps(cases[case](*args)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
