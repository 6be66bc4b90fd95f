"""The head revision the app checks without Alembic is the one Alembic's scripts end at."""

from __future__ import annotations

from desktop.store.locations import HEAD_REVISION
from desktop.store.migrate import head_revision, known_revisions, revision_ids


def test_head_revision_constant_matches_the_scripts() -> None:
    assert head_revision() == HEAD_REVISION, (
        "a migration was added: set HEAD_REVISION in desktop/store/locations.py to its id"
    )


def test_the_revisions_read_from_file_names_are_alembics() -> None:
    assert revision_ids() == known_revisions(), (
        "name each migration script after its revision id: NNNN_what_it_does.py"
    )
