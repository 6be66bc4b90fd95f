"""Emoji and other symbols in an incident's text are found by searching for them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from desktop.services import incidents
from desktop.services.dto import IncidentQuery

if TYPE_CHECKING:
    from desktop.store.engine import Database
    from tests.conftest import IncidentFactory


def titles(db: Database, text: str) -> list[str]:
    return [row.title for row in incidents.list_incidents(db, IncidentQuery(text=text))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("🔥", ["🔥Fire at the fuel depot"]),
        ("🚁", ["Helicopter 🚁 down near Erbil ❤️"]),
        ("fire", ["🔥Fire at the fuel depot"]),  # the word beside the emoji still a word
        ("fire 🔥", ["🔥Fire at the fuel depot"]),
        ("🔥 fu", ["🔥Fire at the fuel depot"]),  # the word being typed still a prefix
        ("❤", ["Helicopter 🚁 down near Erbil ❤️"]),
        ("❤️", ["Helicopter 🚁 down near Erbil ❤️"]),  # with or without its selector
        ("°", ["Heat 45°C at the camp"]),
        ("45", ["Heat 45°C at the camp"]),
        ("🚁 🔥", []),  # every word must occur
        ("💧", []),
    ],
)
def test_symbols_are_searchable(
    db: Database, make_incident: IncidentFactory, text: str, expected: list[str]
) -> None:
    for title in (
        "🔥Fire at the fuel depot",
        "Helicopter 🚁 down near Erbil ❤️",
        "Heat 45°C at the camp",
    ):
        incidents.create_incident(db, make_incident(title=title))
    assert titles(db, text) == expected
