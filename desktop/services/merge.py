"""Merging incident records part by part: an edit with someone else's, or two duplicates.

:func:`plan` is the three-way merge of an incident edited by two people at once. ``base`` is
what the analyst opened, ``mine`` what they typed, ``theirs`` what someone else saved
meanwhile. A part changed on one side only is taken from that side; a part changed on both
sides differently is a conflict, and the analyst chooses. The parts are the editor's
sections (title, when, where, actors, citations…), so a merge never splices half a list.

:func:`plan_pair` merges two incidents found to be the same event (services/duplicates.py):
the lists (actors, tags, citations) keep the items of both, a part blank on the kept side
is filled from the other, and every other part that differs is a conflict, "mine" being the
kept incident and "theirs" the other, so :func:`resolve` and the merge dialog serve both.
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


# Parts holding lists: merging two incidents keeps the items of both, the kept side's first.
UNITED_PARTS = ("Actors", "Tags", "Citations")


def _blank(values: tuple[Any, ...]) -> bool:
    return all(value in ("", None, ()) for value in values)


def _united(keep: IncidentData, other: IncidentData) -> IncidentData:
    """``keep`` with the actors, tags and citations of ``other`` it lacks added after its own."""

    def citation_key(citation: Any) -> tuple[Any, ...]:
        return (citation.source, citation.url, citation.published, citation.excerpt)

    def actor_key(actor: Any) -> str:
        return actor.name.casefold()  # once, with the kept incident's role

    def tag_key(tag: str) -> str:
        return tag.casefold()

    def union(mine: tuple[Any, ...], theirs: tuple[Any, ...], key: Any) -> tuple[Any, ...]:
        seen = {key(item) for item in mine}
        return mine + tuple(item for item in theirs if key(item) not in seen)

    return replace(
        keep,
        actors=union(keep.actors, other.actors, actor_key),
        tags=union(keep.tags, other.tags, tag_key),
        citations=union(keep.citations, other.citations, citation_key),
    )


def plan_pair(keep: IncidentData, other: IncidentData) -> MergePlan:
    """The merge of ``other`` into ``keep``, two records of one event (see the module)."""
    merged = _united(keep, other)
    conflicts: list[PartConflict] = []
    taken: list[str] = []
    for part in PARTS:
        if part in UNITED_PARTS:
            continue
        k, o = _values(keep, part), _values(other, part)
        if k == o or _blank(o):
            continue
        if _blank(k):
            merged = _take(merged, other, part)
            taken.append(part)
        else:
            conflicts.append(PartConflict(part, _words(keep, part), _words(other, part)))
    return MergePlan(merged, tuple(conflicts), tuple(taken))


def resolve(merge_plan: MergePlan, theirs: IncidentData, choose_theirs: set[str]) -> IncidentData:
    """The merged record with the conflicting parts the analyst gave to the other side."""
    merged = merge_plan.merged
    for conflict in merge_plan.conflicts:
        if conflict.part in choose_theirs:
            merged = _take(merged, theirs, conflict.part)
    return merged
