"""``python -m benchmarks.search_index [--size 100000]``: what keeping the search index sound
costs (desktop/store/search_repair.py), each figure beside a floor measured in the same run.

- the check every opening makes (the index's settings and its probe) against the floor of
  one ``SELECT 1`` round trip on the same connection;
- the one rebuild a workspace indexed with older settings gets (symbols as words) against a
  rebuild with the older settings, on the same workspace;
- normalising the workspace's text for the index (symbols set apart) against the older
  normalising (without).
"""

from __future__ import annotations

import argparse
import statistics
import time
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING
from unittest import mock

from benchmarks import generate, measure

if TYPE_CHECKING:
    from collections.abc import Callable

OLD_TOKENIZE = "unicode61 remove_diacritics 2"


def _median_ms(runs: int, action: Callable[[], object]) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def _old_normalise(value: str) -> str:
    from desktop.folding import ARABIC_FOLDS, ARABIC_MARKS

    if value.isascii():
        return value
    value = unicodedata.normalize("NFKC", value)
    return ARABIC_MARKS.sub("", value).translate(ARABIC_FOLDS)


def run(size: int, out: Path) -> dict[str, float]:
    from sqlalchemy import text

    from desktop.store import fts5, fulltext, search_repair
    from desktop.store.engine import open_database

    db_path = out / f"search-index-{size}.sqlite3"
    if not db_path.exists():
        workspace = generate.ensure_workspace(out, size)
        measure.child("import", str(workspace), str(db_path))
    values: dict[str, float] = {}
    db = open_database(db_path, daily_backup=False)
    try:
        engine, where = db.engine, db.location
        values["open_check_ms"] = _median_ms(21, lambda: search_repair.check_on_open(engine, where))

        def round_trip() -> None:
            with engine.begin() as connection:
                connection.execute(text("SELECT 1")).all()

        values["open_check_floor_ms"] = _median_ms(21, round_trip)

        old_sql = fts5.CREATE_FTS_SQL.replace(fts5.TOKENIZE, OLD_TOKENIZE)
        with (
            mock.patch.object(fts5, "TOKENIZE", OLD_TOKENIZE),
            mock.patch.object(fts5, "CREATE_FTS_SQL", old_sql),
            mock.patch.object(fulltext, "normalise", _old_normalise),
            engine.begin() as connection,
        ):
            started = time.perf_counter()
            fulltext.rebuild(connection)
            values["rebuild_old_settings_s"] = time.perf_counter() - started
        with engine.begin() as connection:
            assert not fts5.has_current_settings(connection)
        started = time.perf_counter()
        search_repair.check_on_open(engine, where)  # finds the older settings: rebuilds
        values["rebuild_on_open_s"] = time.perf_counter() - started

        with engine.begin() as connection:
            texts = [
                " ".join(row)
                for row in connection.execute(text("SELECT title, summary, notes FROM incidents"))
            ]
        fulltext.normalise("é")  # the symbols' list is made once per process
        values["normalise_ms"] = _median_ms(3, lambda: [fulltext.normalise(t) for t in texts])
        values["normalise_old_ms"] = _median_ms(3, lambda: [_old_normalise(t) for t in texts])
    finally:
        db.close()
    return values


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.search_index")
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--out", type=Path, default=Path("build/bench"))
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, value in run(args.size, args.out).items():
        print(f"{name:28} {value:12.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
