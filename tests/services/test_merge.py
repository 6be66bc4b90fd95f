"""Two analysts edit one incident: the merge keeps both where it can and asks where not."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from desktop.domain import Status
from desktop.services import incidents as service
from desktop.services import merge
from desktop.services.dto import Casualties

if TYPE_CHECKING:
    from desktop.store.engine import Database
    from tests.conftest import IncidentFactory


def test_changes_on_different_parts_merge_without_asking(
    db: Database, make_incident: IncidentFactory
) -> None:
    base = service.create_incident(db, make_incident())
    theirs = service.update_incident(db, replace(base, status=Status.DISPUTED))
    mine = replace(base, title="Drone attack on al-Asad air base", tags=("drones",))

    result = merge.plan(base, mine, theirs)
    assert result.conflicts == ()
    assert result.taken_from_theirs == ("Status",)
    assert result.merged.title == mine.title
    assert result.merged.status == Status.DISPUTED
    assert result.merged.version == theirs.version
    saved = service.update_incident(db, result.merged)  # the version is theirs: accepted
    assert (saved.title, saved.status, saved.tags) == (mine.title, Status.DISPUTED, ("drones",))


def test_both_changing_one_part_is_a_conflict_the_analyst_settles(
    db: Database, make_incident: IncidentFactory
) -> None:
    base = service.create_incident(db, make_incident())
    theirs = service.update_incident(
        db, replace(base, casualties=Casualties(killed=2, injured=0), summary="Theirs")
    )
    mine = replace(base, casualties=Casualties(killed=1, injured=None), summary="Theirs")

    result = merge.plan(base, mine, theirs)
    assert [c.part for c in result.conflicts] == ["Casualties"]
    conflict = result.conflicts[0]
    assert "Killed: 1" in conflict.mine
    assert "Injured: unknown" in conflict.mine
    assert "Killed: 2" in conflict.theirs
    assert result.taken_from_theirs == ()  # the same summary on both sides is no conflict

    keep_mine = merge.resolve(result, theirs, set())
    assert keep_mine.casualties.killed == 1
    take_theirs = merge.resolve(result, theirs, {"Casualties"})
    assert take_theirs.casualties.killed == 2
