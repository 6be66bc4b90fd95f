"""The incident table's columns are plain data in desktop/services/listing.py: the Qt model
shows them, the search sorts by their keys."""

from __future__ import annotations

from datetime import date

from desktop.domain import Confidence, Status, TimePrecision
from desktop.services import listing, search
from desktop.services.listing import COLUMNS, SORT_KEYS, IncidentRow, column_index

ROW = IncidentRow(
    "id-1",
    date(2023, 10, 16),
    date(2023, 10, 22),
    TimePrecision.WEEK,
    "Drone attack",
    "al-Asad airbase, Anbar, Iraq",
    "IQ",
    "Explosions/Remote violence",
    "Air/drone strike",
    Status.CONFIRMED,
    Confidence.MODERATE,
    2,
    "TLP:CLEAR",
    0,
    None,
)


def test_every_sortable_column_is_a_sort_key_the_search_orders_by() -> None:
    keys = [column.key for column in COLUMNS if column.sortable]
    assert SORT_KEYS == (*keys, "relevance")
    assert set(keys) <= set(search._SORT_COLUMNS)
    assert len({column.key for column in COLUMNS}) == len(COLUMNS)


def test_a_column_is_found_by_its_key() -> None:
    assert column_index("when") == 0
    assert COLUMNS[column_index("sources")].align_right
    assert column_index("relevance") == -1


def test_the_cells_and_tooltips_of_a_row() -> None:
    cells = {column.key: column.text(ROW) for column in COLUMNS}
    assert cells == {
        "when": "wk of 2023-10-16",
        "title": "Drone attack",
        "place": "al-Asad airbase, Anbar, Iraq",
        "type": "Air/drone strike",
        "status": "Confirmed",
        "confidence": "Moderate",
        "sources": "2",
        "marking": "TLP:CLEAR",
    }
    tips = {column.key: column.tip(ROW) for column in COLUMNS if column.tip is not None}
    assert tips["when"] == "wk of 2023-10-16 to wk of 2023-10-22"
    assert tips["type"] == "Explosions/Remote violence"
    assert set(tips) == {"when", "title", "type", "status", "confidence"}


def test_the_widths_are_declared_with_the_columns() -> None:
    assert [c.key for c in COLUMNS if c.stretch] == ["title"]
    assert [c.key for c in COLUMNS if c.grows] == ["place", "type"]
    assert all(column.sample for column in COLUMNS)
    assert listing.PAGE_SIZE > 0


def test_when_and_title_are_never_hidden_for_room_and_the_least_read_go_first() -> None:
    drops = {column.key: column.drop for column in COLUMNS if column.drop}
    assert "when" not in drops
    assert "title" not in drops
    assert len(set(drops.values())) == len(drops)  # one order, no ties
    assert sorted(drops, key=drops.__getitem__) == [
        "sources",
        "confidence",
        "marking",
        "status",
        "type",
        "place",
    ]
