"""Three-way merge of an incident edited by two people at once.

``base`` is what the analyst opened, ``mine`` what they typed, ``theirs`` what someone else
saved meanwhile. A part changed on one side only is taken from that side; a part changed on
both sides differently is a conflict, and the analyst chooses. The parts are the editor's
sections (title, when, where, actors, citations…), so a merge never splices half a list.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from desktop.fields import merge_parts, part_labels
from desktop.services import history

if TYPE_CHECKING:
    from desktop.services.dto import IncidentData

# Part label → the IncidentData attributes it covers ("Where": ("where",), "Confidence":
# ("confidence", "likelihood") …), from the parts of desktop/fields.py.
PARTS: dict[str, tuple[str, ...]] = merge_parts()


@dataclass(frozen=True)
class PartConflict:
    """One part both sides changed: the words of each version, for the analyst to choose."""

    part: str
    mine: str
    theirs: str


@dataclass(frozen=True)
class MergePlan:
    merged: IncidentData  # every non-conflicting change applied, conflicts as "mine"
    conflicts: tuple[PartConflict, ...]
    taken_from_theirs: tuple[str, ...]


def _values(data: IncidentData, part: str) -> tuple[Any, ...]:
    return tuple(getattr(data, name) for name in PARTS[part])


def _words(data: IncidentData, part: str) -> str:
    """A part as the analyst reads it, from the history's wording."""
    labels = history.fields(data)
    if part == "Citations":
        return "\n".join(v for k, v in labels.items() if k.startswith("Citation ")) or "none"
    wanted = part_labels(part)
    return "\n".join(f"{k}: {labels[k]}" if len(wanted) > 1 else labels[k] for k in wanted)


def _take(target: IncidentData, source: IncidentData, part: str) -> IncidentData:
    return replace(target, **{name: getattr(source, name) for name in PARTS[part]})


def plan(base: IncidentData, mine: IncidentData, theirs: IncidentData) -> MergePlan:
    merged = replace(mine, version=theirs.version, audit=theirs.audit)
    conflicts: list[PartConflict] = []
    taken: list[str] = []
    for part in PARTS:
        b, m, t = _values(base, part), _values(mine, part), _values(theirs, part)
        if t == b or t == m:
            continue  # they did not change it, or made the same change
        if m == b:
            merged = _take(merged, theirs, part)
            taken.append(part)
        else:
            conflicts.append(PartConflict(part, _words(mine, part), _words(theirs, part)))
    return MergePlan(merged, tuple(conflicts), tuple(taken))


def resolve(merge_plan: MergePlan, theirs: IncidentData, choose_theirs: set[str]) -> IncidentData:
    """The merged record with the conflicting parts the analyst gave to the other side."""
    merged = merge_plan.merged
    for conflict in merge_plan.conflicts:
        if conflict.part in choose_theirs:
            merged = _take(merged, theirs, conflict.part)
    return merged
