"""The incident map drawing (what it shows and where is tested in test_map_layout.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pypdf import PdfReader
from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Circle, Drawing, Group, Polygon, String

from desktop.geo_clusters import PlaceCluster
from desktop.reports.map_data import MapArea, MapData
from desktop.reports.mapchart import AREA, MARKER, incident_map, marker_radius

if TYPE_CHECKING:
    from pathlib import Path


def place(name: str, lat: float, lon: float, count: int, exact: bool) -> PlaceCluster:
    precisions = (count, 0, 0) if exact else (0, count, 0)
    return PlaceCluster(name, "", lat, lon, count, precisions, ())


AL_ASAD = place("al-Asad airbase", 33.785, 42.441, 3, exact=True)
AL_HARIR = place("al-Harir airbase", 36.537, 44.312, 1, exact=False)
NAIROBI = place("Nairobi", -1.29, 36.82, 1, exact=True)


def shapes_of(node: Drawing | Group) -> list[object]:
    found: list[object] = []
    for child in node.contents:
        found.append(child)
        if isinstance(child, Group):
            found.extend(shapes_of(child))
    return found


def render(drawing: Drawing, path: Path) -> str:
    renderPDF.drawToFile(drawing, str(path))
    return PdfReader(str(path)).pages[0].extract_text()


def data(places: list[PlaceCluster], areas: tuple[MapArea, ...] = ()) -> MapData:
    count = sum(p.count for p in places) + sum(a.count for a in areas)
    return MapData(tuple(places), areas, count, count)


def test_places_are_named_with_their_counts_and_a_legend(tmp_path: Path) -> None:
    drawing = incident_map(data([AL_ASAD, AL_HARIR]), 480, 240)
    text = render(drawing, tmp_path / "map.pdf")
    assert "al-Asad airbase (3)" in text
    assert "al-Harir airbase (1)" in text
    assert "Exact place" in text
    assert "Approximate place" in text
    assert "Outlines: Natural Earth" in text
    assert " km" in text  # the scale
    circles = [s for s in shapes_of(drawing) if isinstance(s, Circle)]
    big = [c for c in circles if c.r == marker_radius(3)]
    assert len(big) == 1
    assert big[0].fillColor == MARKER  # exact: solid
    ring = [c for c in circles if c.r == marker_radius(1)]
    assert ring[0].strokeColor == MARKER  # approximate: a ring on white
    assert ring[0].fillColor != MARKER
    assert sum(isinstance(s, Polygon) for s in shapes_of(drawing)) > 5  # Iraq and neighbours


def test_country_level_incidents_shade_the_country_not_a_dot(tmp_path: Path) -> None:
    drawing = incident_map(data([], (MapArea("IQ", "Iraq", 2),)), 400, 240)
    shapes = shapes_of(drawing)
    assert not any(isinstance(s, Circle) and s.fillColor == MARKER for s in shapes)
    assert any(isinstance(s, Polygon) and s.fillColor == AREA for s in shapes)
    assert "Country or province only (2)" in render(drawing, tmp_path / "area.pdf")


def test_a_far_place_goes_to_an_inset(tmp_path: Path) -> None:
    near = [
        AL_ASAD,
        place("Baghdad", 33.3, 44.4, 8, True),
        place("Erbil", 36.2, 44.0, 5, True),
    ]
    drawing = incident_map(data([*near, NAIROBI]), 480, 260)
    text = render(drawing, tmp_path / "inset.pdf")
    assert "Nairobi (1)" in text  # named in the inset
    assert "Baghdad (8)" in text
    # The main map stays on Iraq: Baghdad and Erbil are far apart on it, not one pile.
    circles = [s for s in shapes_of(drawing) if isinstance(s, Circle) and s.r > 5]
    xs = sorted(c.cx for c in circles)
    assert xs[-1] - xs[0] > 20


def test_no_places_give_a_note(tmp_path: Path) -> None:
    drawing = incident_map(MapData((), (), 3, 0), 300, 200)
    strings = [s.text for s in shapes_of(drawing) if isinstance(s, String)]
    assert strings == ["No located incidents"]
    assert "No located incidents" in render(drawing, tmp_path / "empty.pdf")


def test_the_map_skips_countries_far_outside_the_window() -> None:
    drawing = incident_map(data([AL_ASAD]), 300, 200)
    polygons = [s for s in shapes_of(drawing) if isinstance(s, Polygon)]
    assert len(polygons) < 60  # not the whole world's 280-odd rings
