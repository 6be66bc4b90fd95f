"""The results table, its ratios and the issue's targets (judged at 100,000 incidents)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

JUDGED_SIZE = 100_000


@dataclass(frozen=True)
class Row:
    """One line of the table: a metric, how to print it and what it is compared with."""

    key: str
    label: str
    unit: str
    floor: str | None = None  # a metric measured beside it in the same run
    limit: float | None = None  # the absolute target (at JUDGED_SIZE)
    floor_factor: float | None = None  # target: at most this many times the floor
    growth: float | None = None  # target: at most this many times the 1,000 figure


ROWS: tuple[Row, ...] = (
    Row(
        "import_s",
        "import JSON file (streamed)",
        "s",
        floor="import_floor_s",
        limit=15.0,
        floor_factor=2.5,
    ),
    Row("import_floor_s", "  floor: json.load+executemany", "s"),
    Row("import_cpu_s", "  CPU time (its reading process too)", "s", floor="import_floor_cpu_s"),
    Row("import_floor_cpu_s", "  floor's CPU time", "s"),
    Row("import_rate", "import throughput", "inc/s"),
    Row("import_peak_mb", "import peak RSS (both processes)", "MB", limit=400.0),
    Row("import_floor_peak_mb", "  floor's peak RSS", "MB"),
    Row("import_acled_s", "import ACLED CSV", "s", floor="import_s", floor_factor=1.5),
    Row("import_acled_peak_mb", "  its peak RSS", "MB"),
    Row("import_stix_s", "import STIX (≤10k)", "s", floor="import_s"),
    Row("import_misp_s", "import MISP (≤10k)", "s", floor="import_s"),
    Row("import_csv_s", "import CSV (≤10k)", "s", floor="import_s"),
    Row("import_xlsx_s", "import XLSX (≤10k)", "s", floor="import_s"),
    Row("start_s", "start to first rows", "s", floor="start_floor_s", limit=1.5, floor_factor=2.0),
    Row("start_floor_s", "  floor: bare Qt window", "s"),
    Row("start_ready_s", "  start until ready for input", "s"),
    Row("search_median_ms", "search to first rows, median", "ms", limit=50.0, growth=1.5),
    Row("search_p95_ms", "search to first rows, p95", "ms"),
    Row("search_count_median_ms", "  then its count, median", "ms"),
    Row("search_whole_median_ms", "  rows and count, median", "ms", limit=50.0),
    Row("search_whole_p95_ms", "  rows and count, p95", "ms"),
    Row("search_best_median_ms", "search by best match, median", "ms", limit=50.0),
    Row("search_best_p95_ms", "search by best match, p95", "ms"),
    Row("filter_median_ms", "filter change median", "ms"),
    Row("filter_max_ms", "filter change worst", "ms", limit=100.0),
    Row("geo_filter_median_ms", "map+timeline redrawn, median", "ms"),
    Row("geo_filter_max_ms", "map+timeline redrawn, worst", "ms", limit=100.0),
    Row("geo_read_median_ms", "  of which counts (SQL), median", "ms"),
    Row("geo_read_cpu_max_ms", "  counts' CPU, costliest case", "ms"),
    Row("gui_block_max_ms", "window blocked, worst", "ms", limit=50.0),
    Row("gui_busy_max_ms", "  of which GUI thread's own CPU", "ms"),
    Row("sort_median_ms", "sort change median", "ms"),
    Row("sort_max_ms", "sort change worst", "ms", limit=100.0),
    Row("scroll_max_ms", "scroll: worst fetchMore", "ms", limit=50.0),
    Row("scroll_unfrozen_max_ms", "  same without gc.freeze()", "ms"),
    Row("scroll_median_ms", "scroll: median fetchMore", "ms"),
    Row("scroll_total_s", "scroll: whole table", "s"),
    Row("editor_open_ms", "editor data open (40 cit.)", "ms"),
    Row("editor_save_ms", "editor data save", "ms"),
    Row("gui_editor_open_ms", "editor dialog open", "ms"),
    Row("gui_editor_save_ms", "editor dialog save", "ms"),
    Row("pdf100_s", "PDF, 100 incidents", "s", floor="pdf100_floor_s"),
    Row("pdf100_floor_s", "  floor: plain canvas", "s"),
    Row("pdf100_pages", "  pages", "pages"),
    Row(
        "pdf1000_s",
        "PDF, 1,000 incidents",
        "s",
        floor="pdf1000_floor_s",
        limit=10.0,
        floor_factor=6.0,
    ),
    Row("pdf1000_floor_s", "  floor: plain canvas", "s"),
    Row("pdf1000_pages", "  pages", "pages", limit=60.0),
    Row("pdf10000_s", "PDF, 10,000 incidents", "s", floor="pdf10000_floor_s"),
    Row("pdf10000_floor_s", "  floor: plain canvas", "s"),
    Row("pdf10000_pages", "  pages", "pages"),
    Row("rss_mb", "app peak RSS", "MB", limit=400.0),
)


def _fmt(value: float | None) -> str:
    if value is None:
        return "—"
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}" if value < 1 else f"{value:.2f}"


def judge(results: dict[int, dict[str, float]]) -> dict[str, bool]:
    """Each target's verdict at JUDGED_SIZE (empty when that size was not run)."""
    big = results.get(JUDGED_SIZE)
    small = results.get(min(results)) if results else None
    verdicts: dict[str, bool] = {}
    if big is None:
        return verdicts
    for row in ROWS:
        value = big.get(row.key)
        if value is None:
            continue
        if row.limit is not None:
            verdicts[f"{row.key} ≤ {row.limit:g} {row.unit}"] = value <= row.limit
        if row.floor_factor is not None and row.floor and row.floor in big:
            verdicts[f"{row.key} ≤ {row.floor_factor:g}× floor"] = (
                value <= row.floor_factor * big[row.floor]
            )
        if row.growth is not None and small is not None and row.key in small:
            verdicts[f"{row.key} ≤ {row.growth:g}× its 1k value"] = (
                value <= row.growth * small[row.key]
            )
    return verdicts


def table(results: dict[int, dict[str, float]]) -> str:
    """The table: one column per size, then the ratio at the largest size, target, verdict."""
    sizes = sorted(results)
    largest, smallest = sizes[-1], sizes[0]
    verdicts = judge(results)
    head = ["metric", "unit", *(f"{n:,}" for n in sizes), "ratio", "target", "ok"]
    lines = [head]
    for row in ROWS:
        values = [results[n].get(row.key) for n in sizes]
        if all(v is None for v in values):
            continue
        # At the largest size the figure was measured at (some formats stop at 10k).
        at = next((n for n in reversed(sizes) if results[n].get(row.key) is not None), largest)
        last = results[at].get(row.key)
        ratio = ""
        if last is not None and row.floor and results[at].get(row.floor):
            ratio = f"{last / results[at][row.floor]:.2f}× floor"
            if at != largest:
                ratio += f" at {at // 1000}k"
        elif last is not None and len(sizes) > 1 and results[smallest].get(row.key):
            ratio = f"{last / results[smallest][row.key]:.2f}× {smallest // 1000}k"
        targets = []
        if row.limit is not None:
            targets.append(f"≤{row.limit:g}")
        if row.floor_factor is not None:
            targets.append(f"≤{row.floor_factor:g}×floor")
        if row.growth is not None:
            targets.append(f"≤{row.growth:g}×1k")
        own = [ok for name, ok in verdicts.items() if name.startswith(row.key + " ")]
        verdict = "" if not own else ("pass" if all(own) else "FAIL")
        lines.append(
            [row.label, row.unit, *(_fmt(v) for v in values), ratio, " ".join(targets), verdict]
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    rendered = []
    for number, line in enumerate(lines):
        cells = [
            cell.ljust(widths[i]) if i in (0, 1, len(head) - 2) else cell.rjust(widths[i])
            for i, cell in enumerate(line)
        ]
        rendered.append("  ".join(cells).rstrip())
        if number == 0:
            rendered.append("  ".join("-" * w for w in widths))
    return "\n".join(rendered)


def as_json(results: dict[int, dict[str, float]], meta: dict[str, Any]) -> dict[str, Any]:
    return {
        "meta": meta,
        "results": {str(n): values for n, values in sorted(results.items())},
        "targets": judge(results),
    }
