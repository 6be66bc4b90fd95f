"""Duplicate candidates: incidents that may be two records of one event, with the reasons.

Two incidents are compared only when they are in the same country (or both in none) and
their periods overlap or lie at most ``days`` apart: one incident's neighbours are one range
of ``ix_incidents_live_nearby`` (migration 0014); the workspace scan sorts each country by
start and, to stay quick at 100,000 incidents, also blocks on the title and keeps each
incident's few best (:mod:`desktop.services.duplicate_scan`). A pair must then be near in
place as well (see :func:`_place`), and is scored from
0 to 1 by how close in time and place, the event type, shared actors and how alike the
titles or summaries read (rapidfuzz's token set ratio, after the search index's Arabic
folding). Pairs an analyst dismissed ("not a duplicate") are remembered and never proposed
again; a merge goes through :func:`merge_incidents`, keeping both incidents' citations,
actors, tags and histories. docs/duplicates.md explains the score to analysts.
"""

from __future__ import annotations

import functools
import math
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, utils
from sqlalchemy import func, or_, select

from desktop.domain import TimePrecision, country_name
from desktop.errors import ValidationError
from desktop.geo_clusters import EARTH_RADIUS_KM
from desktop.phrases import span_short
from desktop.services import duplicate_scan, history, mapping, merge
from desktop.services.incidents import get_incident, load_incident, resolve_sources
from desktop.services.validation import check_incident
from desktop.store import fulltext
from desktop.store.models import Incident, IncidentActor, NotDuplicate
from desktop.wording import quoted

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Iterable

    from sqlalchemy.orm import Session

    from desktop.services.dto import IncidentData
    from desktop.store.engine import Database

DEFAULT_DAYS = 2  # periods further apart than this are never candidates
DEFAULT_MIN_SCORE = 0.6
# How far back the candidates of one incident are looked for before its own start: an
# incident that began longer ago than this and still overlaps it (a span of months) is left
# out, so that the editor's look-up is one short range of the index.
LOOKBACK_DAYS = 62
NEAR_KM = 25.0  # points further apart are not the same place
# Each part's share of the score; they add up to 1.
WEIGHTS = {"time": 0.2, "place": 0.2, "type": 0.15, "actors": 0.15, "text": 0.3}
TEXT_REASON = 50  # a title or summary similarity (percent) worth naming from this on
_SUMMARY_CHARS = 300  # summaries are compared by their beginning, where the facts are
_CHUNK = 500  # ids per IN (…), under SQLite's parameter limit
_BATCH = 10_000  # rows fetched at a time by the scan


@dataclass(frozen=True)
class Side:
    """One incident of a pair as the analyst recognises it."""

    id: str
    title: str
    when: str
    place: str


@dataclass(frozen=True)
class Candidate:
    """Two incidents that may be one event: ``a`` the earlier, with the score and why."""

    a: Side
    b: Side
    score: float
    reasons: tuple[str, ...]


class _Facts:
    """What the comparison reads of one incident, with its keys worked out once (a scan
    compares each incident with dozens of others)."""

    __slots__ = (
        "_folded",
        "actors",
        "admin1",
        "admin1_key",
        "cos_lat",
        "country",
        "end",
        "end_day",
        "event_type",
        "geo_precision",
        "lat",
        "lon",
        "place_key",
        "place_name",
        "precise",
        "precision",
        "rough",
        "row_id",
        "start",
        "start_day",
        "summary",
        "title",
        "uuid",
    )

    def __init__(
        self,
        row_id: int,
        uuid: str,
        title: str,
        summary: str,
        start: datetime,
        end: datetime,
        precision: str,
        country: str,
        admin1: str,
        place_name: str,
        lat: float | None,
        lon: float | None,
        geo_precision: int,
        event_type: str,
    ) -> None:
        self.row_id, self.uuid, self.title, self.summary = row_id, uuid, title, summary
        self.start, self.end, self.precision = start, end, precision
        self.start_day, self.end_day = start.toordinal(), end.toordinal()
        # The few countries, provinces and places recur on thousands of rows: one copy each.
        self.country, self.admin1, self.place_name = _one(country), _one(admin1), _one(place_name)
        self.lat, self.lon, self.geo_precision = lat, lon, geo_precision
        self.event_type = _one(event_type)
        self.place_key = _name_key(place_name)
        self.admin1_key = _name_key(admin1)
        # Placed only to a province or larger, or not by name: compared by province.
        self.rough = geo_precision == 3 or not self.place_key
        self.precise = lat is not None and lon is not None and geo_precision < 3
        self.cos_lat = math.cos(math.radians(lat)) if lat is not None else 0.0
        self.actors: dict[str, str] = {}  # folded name → name
        self._folded: tuple[str, str] | None = None

    @property
    def folded(self) -> tuple[str, str]:
        if self._folded is None:
            self._folded = (_fold(self.title), _fold(self.summary[:_SUMMARY_CHARS]))
            self.summary = ""  # only the folded form is read from now on: one copy, not two
        return self._folded

    def side(self) -> Side:
        place = self.place_name or self.admin1 or country_name(self.country) or "place unknown"
        precision = TimePrecision(self.precision)
        if precision == TimePrecision.EXACT:
            when = span_short(mapping.as_aware(self.start), mapping.as_aware(self.end), precision)
        else:
            when = span_short(self.start.date(), self.end.date(), precision)
        return Side(self.uuid, self.title, when, place)


def _fold(text: str) -> str:
    """Text as compared: Arabic spelling variants folded as the search index does, then
    lower case without punctuation."""
    return str(utils.default_process(fulltext.normalise(text)))


def _one(text: str) -> str:
    return sys.intern(text) if isinstance(text, str) else text


@functools.lru_cache(maxsize=4096)  # places, provinces and actors recur
def _name_key(name: str) -> str:
    return " ".join(fulltext.normalise(name).split()).casefold()


# --- comparing two incidents ----------------------------------------------------------------


def _time(a: _Facts, b: _Facts, days: int) -> tuple[float, str] | None:
    gap = max(a.start_day, b.start_day) - min(a.end_day, b.end_day)
    if gap > days:
        return None
    if gap >= 1:
        return 1 - gap / (days + 1), "1 day apart" if gap == 1 else f"{gap} days apart"
    if a.precision == TimePrecision.MONTH or b.precision == TimePrecision.MONTH:
        return 0.6, "same month"
    if a.precision == TimePrecision.WEEK or b.precision == TimePrecision.WEEK:
        return 0.8, "same week"
    if a.start_day == b.start_day and a.end_day == b.end_day:
        return 1.0, "same day"
    return 0.9, "overlapping dates"


def _km(a: _Facts, b: _Facts) -> float:
    """The great-circle distance (haversine, as geo_clusters.distance_km), with each side's
    cosine worked out once."""
    assert a.lat is not None
    assert a.lon is not None
    assert b.lat is not None
    assert b.lon is not None
    dp, dl = math.radians(b.lat - a.lat), math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + a.cos_lat * b.cos_lat * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def _place(a: _Facts, b: _Facts) -> tuple[float, str] | None:
    if a.precise and b.precise:
        km = _km(a, b)
        if km > NEAR_KM:
            return None
        if km < 1:
            return 1.0, "under 1 km apart"
        return 1 - 0.7 * km / NEAR_KM, f"{km:.0f} km apart"
    if a.place_key and a.place_key == b.place_key:
        return 0.9, f"same place: {a.place_name.strip()}"
    if not (a.rough or b.rough):
        return None
    if a.admin1_key and b.admin1_key:
        if a.admin1_key != b.admin1_key:
            return None
        return 0.6, f"same province: {a.admin1.strip()}"
    return 0.3, f"same country: {country_name(a.country) or 'none recorded'}"


def _compare(a: _Facts, b: _Facts, days: int, min_score: float) -> tuple[float, list[str]] | None:
    """The pair's score and reasons, or None when it is not a candidate (too far apart in
    time or place, or below ``min_score``)."""
    when = _time(a, b, days)
    if when is None:
        return None
    where = _place(a, b)
    if where is None:
        return None
    score = WEIGHTS["time"] * when[0] + WEIGHTS["place"] * where[0]
    reasons = [when[1], where[1]]
    if a.event_type and a.event_type == b.event_type:
        score += WEIGHTS["type"]
        reasons.append("same event type")
    shared = [name for key, name in a.actors.items() if key in b.actors]
    if shared:
        score += WEIGHTS["actors"]
        reasons.extend(f"shared actor: {name}" for name in shared[:3])
    if score + WEIGHTS["text"] < min_score:
        return None  # no text could lift it: spare the comparison
    (title_a, summary_a), (title_b, summary_b) = a.folded, b.folded
    titles = fuzz.token_set_ratio(title_a, title_b) if title_a and title_b else 0.0
    summaries = fuzz.token_set_ratio(summary_a, summary_b) if summary_a and summary_b else 0.0
    score += WEIGHTS["text"] * max(titles, summaries) / 100
    if titles >= TEXT_REASON:
        reasons.append(f"titles {titles:.0f}% alike")
    if summaries >= TEXT_REASON and summaries > titles:
        reasons.append(f"summaries {summaries:.0f}% alike")
    score = round(score, 2)
    return (score, reasons) if score >= min_score else None


# --- reading what is compared ----------------------------------------------------------------

_COLUMNS = (
    Incident.id,
    Incident.uuid,
    Incident.title,
    func.substr(Incident.summary, 1, _SUMMARY_CHARS),
    Incident.start_at,
    Incident.end_at,
    Incident.time_precision,
    Incident.country,
    Incident.admin1,
    Incident.place_name,
    Incident.lat,
    Incident.lon,
    Incident.geo_precision,
    Incident.event_type,
)


def _facts(session: Session, ids: Iterable[int]) -> dict[int, _Facts]:
    wanted = sorted(set(ids))
    found: dict[int, _Facts] = {}
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        for values in session.execute(select(*_COLUMNS).where(Incident.id.in_(chunk))):
            found[values[0]] = _Facts(*values)
        actors = select(IncidentActor.incident_id, IncidentActor.name).where(
            IncidentActor.incident_id.in_(chunk)
        )
        for incident_id, name in session.execute(actors.order_by(IncidentActor.position)):
            found[incident_id].actors.setdefault(_name_key(name), name)
    return found


def _dismissed(session: Session, uuids: Collection[str] | None = None) -> set[tuple[str, str]]:
    stmt = select(NotDuplicate.a_uuid, NotDuplicate.b_uuid)
    if uuids is not None:
        listed = sorted(uuids)
        pairs: set[tuple[str, str]] = set()
        for start in range(0, len(listed), _CHUNK):
            chunk = listed[start : start + _CHUNK]
            either = or_(NotDuplicate.a_uuid.in_(chunk), NotDuplicate.b_uuid.in_(chunk))
            pairs.update((a, b) for a, b in session.execute(stmt.where(either)))
        return pairs
    return {(a, b) for a, b in session.execute(stmt)}


def _pair_key(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def _live_facts(session: Session) -> dict[int, _Facts]:
    """The facts of every live incident (a scan meets nearly all of them), read in batches
    so that the rows are not all held beside the facts."""
    live = select(*_COLUMNS).where(Incident.deleted_at.is_(None))
    found = {
        values[0]: _Facts(*values)
        for values in session.execute(live.execution_options(yield_per=_BATCH))
    }
    actors = select(IncidentActor.incident_id, IncidentActor.name).order_by(
        IncidentActor.incident_id, IncidentActor.position
    )
    for incident_id, name in session.execute(actors.execution_options(yield_per=_BATCH)):
        facts = found.get(incident_id)
        if facts is not None:
            facts.actors.setdefault(_name_key(name), name)
    return found


def _near_one(session: Session, x: _Facts, days: int) -> list[int]:
    """Row ids of the live incidents that may be candidates of ``x``: one range of the
    index (its country, starting from LOOKBACK_DAYS before ``x`` to ``days`` after it)."""
    stmt = select(Incident.id).where(
        Incident.deleted_at.is_(None),
        Incident.country == x.country,
        Incident.start_at >= x.start - timedelta(days=days + LOOKBACK_DAYS),
        Incident.start_at <= x.end + timedelta(days=days, seconds=1),
        Incident.end_at >= x.start - timedelta(days=days + 1),
        Incident.id != x.row_id,
    )
    return list(session.scalars(stmt))


def _ranked(
    found: dict[int, _Facts],
    pairs: Iterable[tuple[int, int]],
    dismissed: set[tuple[str, str]],
    days: int,
    min_score: float,
) -> list[Candidate]:
    candidates: list[Candidate] = []
    seen: set[tuple[int, int]] = set()
    sides: dict[int, Side] = {}  # one per incident, however many pairs it is in

    def side(facts: _Facts) -> Side:
        found = sides.get(facts.row_id)
        if found is None:
            found = sides[facts.row_id] = facts.side()
        return found

    for x, y in pairs:
        first, second = found[x], found[y]
        if (second.start, second.row_id) < (first.start, first.row_id):
            first, second = second, first
        key = (first.row_id, second.row_id)
        if key in seen or _pair_key(first.uuid, second.uuid) in dismissed:
            continue
        seen.add(key)
        compared = _compare(first, second, days, min_score)
        if compared is not None:
            score, reasons = compared
            candidates.append(Candidate(side(first), side(second), score, tuple(reasons)))
    # Best first; among equals the most recent pair first, as the table lists incidents.
    candidates.sort(key=lambda c: (c.b.when, c.a.id, c.b.id), reverse=True)
    candidates.sort(key=lambda c: c.score, reverse=True)
    return candidates


# --- use cases ---------------------------------------------------------------------------


def find_pairs(
    db: Database,
    *,
    min_score: float = DEFAULT_MIN_SCORE,
    limit: int | None = None,
    days: int = DEFAULT_DAYS,
    since: int | None = None,
) -> list[Candidate]:
    """The workspace's candidate pairs, best first (``since``: see :func:`newest_mark`): each
    incident's few best, found as :mod:`duplicate_scan` says."""
    with db.begin() as session:
        found = _live_facts(session)
        dismissed = _dismissed(session)
    scored: list[tuple[float, int, int]] = []
    for first, second in duplicate_scan.title_neighbours(found.values(), days, since):
        if _pair_key(first.uuid, second.uuid) in dismissed:
            continue
        compared = _compare(first, second, days, min_score)
        if compared is not None:
            scored.append((compared[0], first.row_id, second.row_id))
    kept = [scored[n][1:] for n in duplicate_scan.best_per_incident(scored)]
    del scored
    candidates = _ranked(found, kept, dismissed, days, min_score)
    return candidates if limit is None else candidates[:limit]


def candidates_for(
    db: Database,
    incident_id: str,
    *,
    min_score: float = DEFAULT_MIN_SCORE,
    days: int = DEFAULT_DAYS,
) -> list[Candidate]:
    """The candidates of one incident (the editor asks after each save), best first."""
    return candidates_for_many(db, [incident_id], min_score=min_score, days=days)


def candidates_for_many(
    db: Database,
    incident_ids: Collection[str],
    *,
    min_score: float = DEFAULT_MIN_SCORE,
    days: int = DEFAULT_DAYS,
) -> list[Candidate]:
    """The candidates of some incidents, each pair once, best first."""
    with db.begin() as session:
        ids = _row_ids(session, incident_ids)
        own = _facts(session, ids)
        pairs = [(x, y) for x in own.values() for y in _near_one(session, x, days)]
        found = {**_facts(session, {y for _x, y in pairs} - own.keys()), **own}
        dismissed = _dismissed(session, [f.uuid for f in own.values()])
    return _ranked(found, ((x.row_id, y) for x, y in pairs), dismissed, days, min_score)


def _row_ids(session: Session, incident_ids: Collection[str]) -> list[int]:
    listed = list(incident_ids)
    found: list[int] = []
    for start in range(0, len(listed), _CHUNK):
        chunk = listed[start : start + _CHUNK]
        found.extend(session.scalars(select(Incident.id).where(Incident.uuid.in_(chunk))))
    return found


def newest_mark(db: Database) -> int:
    """A mark of the incidents there are now: after an import, :func:`since_mark` finds the
    candidates of those added since."""
    with db.begin() as session:
        return int(session.scalar(select(func.max(Incident.id))) or 0)


# Past this many new incidents, scanning the workspace once beats looking each one up.
_SCAN_FROM = 2000


def since_mark(
    db: Database, mark: int, *, min_score: float = DEFAULT_MIN_SCORE, days: int = DEFAULT_DAYS
) -> tuple[list[Candidate], int]:
    """The candidate pairs with an incident added after ``mark`` (from :func:`newest_mark`),
    and how many of those added have one."""
    with db.begin() as session:
        new = set(
            session.scalars(
                select(Incident.uuid).where(Incident.id > mark, Incident.deleted_at.is_(None))
            )
        )
    if len(new) > _SCAN_FROM:
        candidates = find_pairs(db, min_score=min_score, days=days, since=mark)
    else:
        candidates = candidates_for_many(db, new, min_score=min_score, days=days)
    return candidates, len({side.id for c in candidates for side in (c.a, c.b)} & new)


def mark_not_duplicate(db: Database, first: str, second: str) -> None:
    """Remember that two incidents are different events: they are never proposed again."""
    if first == second:
        raise ValidationError("", "An incident cannot be a duplicate of itself.")
    a, b = _pair_key(first, second)
    with db.begin() as session:
        known = set(session.scalars(select(Incident.uuid).where(Incident.uuid.in_((a, b)))))
        for incident_id in (a, b):
            if incident_id not in known:
                raise ValidationError("", f"No incident with id {incident_id}.")
        if session.get(NotDuplicate, (a, b)) is None:
            session.add(
                NotDuplicate(
                    a_uuid=a,
                    b_uuid=b,
                    decided_at=mapping.utcnow(),
                    decided_by=mapping.current_user(),
                )
            )


def dismissed_pairs(db: Database) -> set[tuple[str, str]]:
    """The pairs marked "not a duplicate", each as (smaller id, larger id)."""
    with db.begin() as session:
        return _dismissed(session)


def merge_plan(db: Database, keep_id: str, other_id: str) -> tuple[merge.MergePlan, IncidentData]:
    """How ``other_id`` would merge into ``keep_id``, and the other record (for resolve)."""
    if keep_id == other_id:
        raise ValidationError("", "An incident cannot be merged with itself.")
    keep, other = get_incident(db, keep_id), get_incident(db, other_id)
    return merge.plan_pair(keep, other), other


def merge_incidents(
    db: Database,
    keep_id: str,
    other_id: str,
    choose_other: Collection[str] = (),
    *,
    ask: Callable[[merge.MergePlan], Collection[str] | None] | None = None,
) -> IncidentData | None:
    """Merge ``other_id`` into ``keep_id`` and move the other to the trash.

    The kept incident gains the other's actors, tags and citations, the parts blank on its
    side, and the conflicting parts named in ``choose_other`` (or those ``ask`` returns;
    None from it cancels, and nothing is changed). Both pasts are kept: the kept incident's
    history records the merge with what changed, and the other's, still under its own id,
    says where it went; Edit ▸ Trash can bring it back.
    """
    plan, other = merge_plan(db, keep_id, other_id)
    if ask is not None and plan.conflicts:
        chosen = ask(plan)
        if chosen is None:
            return None
        choose_other = chosen
    data = merge.resolve(plan, other, set(choose_other))
    check_incident(data)
    with db.begin() as session:  # one transaction: both incidents change, or neither
        now, user = mapping.utcnow(), mapping.current_user()
        row, gone = load_incident(session, keep_id), load_incident(session, other_id)
        for found, read in ((row, plan.merged), (gone, other)):
            stale = mapping.stale_edit(quoted(found.title), found, read.version)
            if stale is not None or found.deleted_at is not None:
                raise stale or ValidationError("", f"{quoted(found.title)} is in the trash.")
        before = mapping.incident_to_data(row)
        mapping.apply_incident(row, data, resolve_sources(session, data))
        row.updated_at, row.updated_by = now, user
        gone.deleted_at, gone.deleted_by = now, user
        session.flush()
        fulltext.reindex(session, [row])
        merged = mapping.incident_to_data(row)
        changes = [
            ("Merged from", None, f"{quoted(other.title)} ({other_id})"),
            *history.differences(before, merged),
        ]
        history.record(session, keep_id, history.UPDATED, changes, by=user, at=now)
        into = [("Merged into", None, f"{quoted(merged.title)} ({keep_id})")]
        history.record(session, other_id, history.UPDATED, into, by=user, at=now)
        history.record(session, other_id, history.DELETED, by=user, at=now)
        # Settled: were the other brought back from the trash, it is not proposed again.
        a, b = _pair_key(keep_id, other_id)
        if session.get(NotDuplicate, (a, b)) is None:
            session.add(NotDuplicate(a_uuid=a, b_uuid=b, decided_at=now, decided_by=user))
        return merged
