"""Evidence stays with its citation when the incident's citations are reordered, edited or
removed in a save, and is never left on a citation it does not support."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from desktop.records import Citation
from desktop.services import evidence, incidents
from desktop.services.evidence_links import citation_moves

if TYPE_CHECKING:
    from pathlib import Path

    from desktop.services.dto import SourceData
    from desktop.store.engine import Database
    from tests.conftest import IncidentFactory

A = Citation("centcom", 2, url="https://a.example/1", excerpt="Statement")
B = Citation("irgc", 6, url=None, excerpt="We struck the base")
C = Citation("kurdistan-24", 3, url="https://c.example/2")
A_0, B_0, C_0 = A, B, C


def test_moves_follow_each_citation() -> None:
    assert citation_moves((A, B, C), (A, B, C)) == {0: 0, 1: 1, 2: 2}
    assert citation_moves((A, B, C), (C, A, B)) == {0: 1, 1: 2, 2: 0}
    assert citation_moves((A, B, C), (A, C)) == {0: 0, 1: None, 2: 1}
    # An edited credibility or date is still the same citation (same source and address).
    assert citation_moves((A, B), (B, replace(A, credibility=1))) == {0: 1, 1: 0}
    # A citation replaced by another source's is gone, even at the same place.
    assert citation_moves((A, B), (A, C)) == {0: 0, 1: None}
    # Two identical citations are matched one to one, in order.
    assert citation_moves((A, A), (A,)) == {0: 0, 1: None}


def test_a_save_carries_evidence_with_its_citation(
    db: Database,
    sources: tuple[SourceData, SourceData],
    make_incident: IncidentFactory,
    tmp_path: Path,
) -> None:
    centcom, reuters = (s.id or "" for s in sources)
    A, B, C = (
        replace(A_, source=slug) for A_, slug in ((A_0, centcom), (B_0, reuters), (C_0, reuters))
    )
    saved = incidents.create_incident(db, make_incident(citations=(A, B, C)))
    assert saved.id is not None
    shot, clip = tmp_path / "shot.png", tmp_path / "clip.mp4"
    shot.write_bytes(b"\x89PNG screenshot of the statement")
    clip.write_bytes(b"video of the claim")
    evidence.add_evidence(db, [shot], saved.id, citation_index=0)
    evidence.add_evidence(db, [clip], saved.id, citation_index=1)

    def where() -> dict[str, int | None]:
        return {i.name: i.citation_index for i in evidence.list_evidence(db, saved.id)}

    # Reordered: each file follows its citation.
    current = incidents.get_incident(db, saved.id)
    current = incidents.update_incident(db, replace(current, citations=(C, B, A)))
    assert where() == {"shot.png": 2, "clip.mp4": 1}
    # The claim's citation removed: its video stays on the incident, never on another one.
    incidents.update_incident(db, replace(current, citations=(C, A)))
    assert where() == {"shot.png": 1, "clip.mp4": None}
    items = {i.name: i for i in evidence.list_evidence(db, saved.id)}
    clip_trail = evidence.custody_trail(db, items["clip.mp4"].sha256)
    assert clip_trail[-1].action == "unlinked"
    assert "kept on the incident" in clip_trail[-1].detail
    shot_trail = evidence.custody_trail(db, items["shot.png"].sha256)
    assert [e.action for e in shot_trail] == ["added", "linked"]
    assert evidence.verify_evidence(db).intact
