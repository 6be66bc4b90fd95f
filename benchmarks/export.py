"""``python -m benchmarks.export [--sizes 1000,10000,100000]``: exporting, against a floor.

Issue 18, item 7: exporting JSON at 100,000 incidents within 1× the floor, a ``json.load``
and a ``json.dump`` (as the export writes it: indented by two, not ASCII-only) of the very
file exported, measured in the same run; and under 300 MB of peak memory. The other formats
are measured beside it, time and peak memory, judged against nothing: CSV, XLSX and ACLED at
every size (STIX too, streamed since x1), MISP (written from the whole document in memory)
up to ``--whole-up-to``. Each figure is one fresh process (``benchmarks.export_child``), so
its peak RSS (``ru_maxrss``) is its own; best of ``--runs``, floor and export taking turns so that a
busy moment of the machine does not fall on one side only.

The workspaces are those of ``make bench`` (``build/bench/db-N.sqlite3``), imported here
when missing. Judged only when 100,000 is among the sizes, as ``make bench`` does.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchmarks import generate, measure

DEFAULT_SIZES = (1_000, 10_000, 100_000)
RATIO_TARGET = 1.0
PEAK_TARGET_MB = 300.0
JUDGED_SIZE = 100_000
OTHERS = ("csv", "xlsx", "acled", "stix", "misp")
# Written from the whole document in memory (not streamed): several GB and minutes at
# 100,000, so measured only up to --whole-up-to.
WHOLE = ("misp",)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.export", description=__doc__)
    parser.add_argument("--sizes", default=",".join(str(n) for n in DEFAULT_SIZES))
    parser.add_argument("--out", type=Path, default=Path("build/bench"), help="cache and results")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure, best kept")
    parser.add_argument(
        "--whole-up-to",
        type=int,
        default=10_000,
        help="measure MISP (not streamed) at sizes up to this (default: %(default)s)",
    )
    return parser.parse_args(argv)


def child(*args: str) -> dict[str, Any]:
    """Run ``python -m benchmarks.export_child ARGS``; the JSON it printed."""
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.export_child", *args],
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"export child {args[0]} failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def _digest(path: Path) -> str:
    """The file's SHA-256, read in chunks: reading it whole would grow this process, and
    the children it starts next inherit its peak RSS (``ru_maxrss`` survives the exec)."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _best(results: list[dict[str, Any]]) -> dict[str, Any]:
    return min(results, key=lambda r: float(r["seconds"]))


def workspace_db(out: Path, size: int) -> Path:
    """``make bench``'s workspace of ``size`` incidents, imported if it is not there yet."""
    db_path = out / f"db-{size}.sqlite3"
    if not db_path.exists():
        file = generate.ensure_workspace(out, size)
        measure.child("import", str(file), str(db_path), timeout=1200)
    return db_path


def run_size(size: int, out: Path, runs: int, whole: bool) -> dict[str, float]:
    def say(text: str) -> None:
        print(f"  [{size:,}] {text}", flush=True)

    db_path = workspace_db(out, size)
    # The process's own size first: the workspace opened, nothing read.
    values: dict[str, float] = {"idle_peak_mb": child("idle", str(db_path))["peak_mb"]}
    with tempfile.TemporaryDirectory(prefix="bench-export-", dir=out) as folder:
        target = Path(folder) / "export.json"
        copy = Path(folder) / "floor.json"
        exports: list[dict[str, Any]] = []
        floors: list[dict[str, Any]] = []
        say(f"JSON export and its floor (best of {runs})")
        for _ in range(runs):
            exports.append(child("export", str(db_path), "json", str(target)))
            floors.append(child("floor", str(target), str(copy)))
        if _digest(copy) != _digest(target):
            raise RuntimeError("the floor's json.dump wrote other bytes than the export")
        export, floor = _best(exports), _best(floors)
        values.update(
            json_s=export["seconds"],
            json_peak_mb=export["peak_mb"],
            floor_s=floor["seconds"],
            floor_peak_mb=floor["peak_mb"],
            json_ratio=export["seconds"] / floor["seconds"],
            json_mb=target.stat().st_size / 1e6,
        )
        for name in OTHERS:
            if whole or name not in WHOLE:
                say(name)
                result = child("export", str(db_path), name, str(Path(folder) / f"out.{name}"))
                values[f"{name}_s"] = result["seconds"]
                values[f"{name}_peak_mb"] = result["peak_mb"]
    return values


def table(results: dict[int, dict[str, float]]) -> str:
    sizes = sorted(results)
    lines = [f"{'':34}" + "".join(f"{size:>12,}" for size in sizes)]

    def row(label: str, key: str, unit: str) -> None:
        cells = []
        for size in sizes:
            value = results[size].get(key)
            cells.append(f"{'—' if value is None else f'{value:,.2f}':>12}")
        lines.append(f"{label + ' (' + unit + ')':34}" + "".join(cells))

    row("JSON export", "json_s", "s")
    row("  floor: json.load + json.dump", "floor_s", "s")
    row("  ratio to the floor", "json_ratio", "×")
    row("JSON export peak RSS", "json_peak_mb", "MB")
    row("  floor peak RSS", "floor_peak_mb", "MB")
    row("  idle process peak RSS", "idle_peak_mb", "MB")
    row("  file size", "json_mb", "MB")
    for name in OTHERS:
        row(f"{name.upper()} export", f"{name}_s", "s")
        row(f"{name.upper()} export peak RSS", f"{name}_peak_mb", "MB")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    sizes = sorted({int(n) for n in args.sizes.split(",") if n.strip()})
    os.environ.setdefault("INCIDENT_DESK_USER", "benchmark")
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    results: dict[int, dict[str, float]] = {}
    for size in sizes:
        print(f"exports of {size:,} incidents", flush=True)
        results[size] = run_size(size, out, args.runs, size <= args.whole_up_to)
    print()
    print(table(results))
    print(f"load average: {', '.join(f'{n:.2f}' for n in os.getloadavg())}")
    (out / "export-results.json").write_text(
        json.dumps({str(k): v for k, v in results.items()}, indent=2) + "\n", encoding="utf-8"
    )
    judged = results.get(JUDGED_SIZE)
    if judged is None:
        print("(not judged: the targets are for 100,000 incidents)")
        return 0
    missed = []
    if judged["json_ratio"] > RATIO_TARGET:
        missed.append(f"JSON export {judged['json_ratio']:.2f}× its floor (target {RATIO_TARGET})")
    if judged["json_peak_mb"] > PEAK_TARGET_MB:
        missed.append(f"JSON export peak {judged['json_peak_mb']:.0f} MB (target 300)")
    print("all targets met" if not missed else "missed: " + "; ".join(missed))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
