"""A drafted bottom line (BLUF) for a report whose analyst has typed none.

Drafted from the prepared report, in the report's own conventions (figures never hide the
incidents not counted), and claiming nothing the data does not hold: counts, countries,
statuses and casualty figures, never a judgement or an estimative word. It is a suggestion:
printed as key points only when the analyst accepted it (``--accept-drafted-bluf``, or "Use
this draft" in the export dialog, which puts it in the key points for them to edit).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop.domain import Status, above, country_name, normalise_marking
from desktop.wording import plural

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime

    from desktop.reports.sitrep_changes import SitrepChanges
    from desktop.reports.sitrep_data import SitrepData, Tally
    from desktop.services.dto import IncidentData, IncidentQuery
    from desktop.store.engine import Database

# Up to this many countries are named; more are counted.
COUNTRIES_NAMED = 3


def draft_bluf(
    data: SitrepData,
    incidents: Sequence[tuple[int, IncidentData]],
    changes: SitrepChanges | None = None,
) -> tuple[str, ...]:
    """The drafted key points: what, where and how sure; the most serious; the casualties.

    ``incidents`` are the report's, with their numbers (``sitrep_changes.numbered``).
    """
    total = len(incidents)
    if total == 0:
        return ("No incident is recorded in this report's scope.",)
    points = [_overview(incidents, changes)]
    if (serious := _most_serious(data, incidents)) is not None:
        points.append(serious)
    killed = _tally_words(data.headline.killed, total)
    injured = _tally_words(data.headline.injured, total)
    points.append(f"Killed: {killed}; injured: {injured}.")
    return tuple(points)


def _overview(incidents: Sequence[tuple[int, IncidentData]], changes: SitrepChanges | None) -> str:
    total = len(incidents)
    text = plural(total, "incident")
    if changes is not None:
        new = changes.new.total
        since = f"since {changes.since.generated_dtg}"
        if new == 0:
            text += f" (none new {since})"
        elif new == total:
            text += f" (new {since})" if total == 1 else f" (all new {since})"
        else:
            text += f" ({new:,} new {since})"
    places = _places([incident for _, incident in incidents])
    if places:
        text += f" in {places}"
    confirmed = sum(1 for _, i in incidents if i.status == Status.CONFIRMED)
    if total == 1:
        status = incidents[0][1].status
        sure = "confirmed" if confirmed else f"not confirmed (status: {status.value})"
        return f"{text}, {sure}."
    if confirmed == total:
        return f"{text}; all confirmed."
    if confirmed == 0:
        return f"{text}; none confirmed."
    return f"{text}; {confirmed:,} of {total:,} confirmed."


def _places(incidents: Sequence[IncidentData]) -> str:
    """``Iraq``, ``Iraq and Syria``, ``Iraq, Jordan and Syria``, ``5 countries``, and how many
    have no country recorded; "" when none has one."""
    codes = sorted({i.where.country for i in incidents if i.where.country})
    unplaced = sum(1 for i in incidents if not i.where.country)
    if not codes:
        return ""
    names = sorted(country_name(c) or c for c in codes)
    if len(names) > COUNTRIES_NAMED:
        where = f"{len(names)} countries"
    elif len(names) == 1:
        where = names[0]
    else:
        where = f"{', '.join(names[:-1])} and {names[-1]}"
    if unplaced:
        where += f" ({unplaced:,} with no country recorded)"
    return where


def _most_serious(data: SitrepData, incidents: Sequence[tuple[int, IncidentData]]) -> str | None:
    """The incident with the most killed (then injured) among those counted; None when no
    count is above zero. A tie is said as a tie, never settled by a guess."""

    def score(incident: IncidentData) -> tuple[int, int]:
        return (incident.casualties.killed or 0, incident.casualties.injured or 0)

    best = max((score(i) for _, i in incidents), default=(0, 0))
    if best == (0, 0):
        return None
    top = [(n, i) for n, i in incidents if score(i) == best]
    counted = "" if _all_counted(data) else " counted"
    figures = _figures(*best)
    if len(top) > 1:
        numbers = ", ".join(str(n) for n, _ in top)
        many = f"{len(top)} incidents ({numbers})"
        return f"Most serious by{counted} casualties: {many}, {figures} each."
    number, incident = top[0]
    title = " ".join(incident.title.split()) or "Untitled incident"
    when = next((e.when for e in data.incidents if e.number == number), "")
    dated = f" ({when})" if when else ""
    return f"Most serious by{counted} casualties: {number}. {title}{dated}, {figures}."


def _figures(killed: int, injured: int) -> str:
    if killed and injured:
        return f"{killed:,} killed and {injured:,} injured"
    return f"{killed:,} killed" if killed else f"{injured:,} injured"


def _all_counted(data: SitrepData) -> bool:
    return not (data.headline.killed.not_counted or data.headline.injured.not_counted)


def _tally_words(tally: Tally, total: int) -> str:
    """``5``; ``5 counted, 2 incidents not counted``; ``not known (no incident gives a
    count)`` — never "at least 0", which reads as "nobody"."""
    if not tally.not_counted:
        return f"{tally.counted:,}"
    if tally.not_counted == total:
        return (
            "not known (no count given)" if total == 1 else "not known (no incident gives a count)"
        )
    return f"{tally.counted:,} counted, {plural(tally.not_counted, 'incident')} not counted"


def draft_for(
    db: Database,
    query: IncidentQuery | None,
    compare_with: str | None,
    now: datetime | None = None,
    release: str = "",
) -> tuple[str, ...]:
    """The draft for a report of ``query`` compared with ``compare_with`` (see
    :func:`desktop.services.report_records.resolve`), as the export dialog offers it; for a
    releasable version (``release``, its level), of the incidents it may hold only."""
    from datetime import UTC, datetime

    from desktop.reports.sitrep_changes import numbered
    from desktop.reports.sitrep_data import ReportOptions, prepare
    from desktop.services import report_records
    from desktop.services.incidents import get_incidents
    from desktop.services.report_settings import ReportScope
    from desktop.services.reporting import report_query

    query = report_query(query)
    scope = ReportScope.of(query)
    earlier = report_records.resolve(db, compare_with, scope, release)
    incidents = get_incidents(db, query)
    if level := normalise_marking(release):
        incidents = [i for i in incidents if not above(i.marking, level)]
    ordered = numbered(incidents)
    changes = report_records.changes_since(db, earlier, scope, ordered)
    options = ReportOptions(since=query.since, until=query.until)
    data = prepare(incidents, options, now or datetime.now(UTC))
    return draft_bluf(data, ordered, changes)
