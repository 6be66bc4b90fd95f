"""The incident map drawing (the geography it draws is tested in tests/test_geography.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pypdf import PdfReader
from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Circle, Drawing, Group, Polygon, String
from reportlab.lib.colors import HexColor

from desktop.geography import MapPoint
from desktop.reports.mapchart import incident_map, marker_radius

if TYPE_CHECKING:
    from pathlib import Path

AL_ASAD = (33.785, 42.441)
AL_HARIR = (36.537, 44.312)


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


# ---------------------------------------------------------------------------------- the map


def test_map_of_iraqi_bases_renders_to_pdf(tmp_path: Path) -> None:
    points = [MapPoint(*AL_ASAD, label="1", count=3), MapPoint(*AL_HARIR, label="2")]
    drawing = incident_map(points, 400, 280)
    text = render(drawing, tmp_path / "map.pdf")
    assert "Outlines: Natural Earth" in text
    assert "Iraq" in text
    shapes = shapes_of(drawing)
    circles = [s for s in shapes if isinstance(s, Circle)]
    assert len(circles) == 2
    assert max(c.r for c in circles) == marker_radius(3)
    labels = {s.text for s in shapes if isinstance(s, String)}
    assert {"1", "2"} <= labels
    assert sum(isinstance(s, Polygon) for s in shapes) > 5  # Iraq and its neighbours


def test_map_skips_countries_far_outside_the_window() -> None:
    drawing = incident_map([MapPoint(*AL_ASAD, label="1")], 300, 200)
    polygons = [s for s in shapes_of(drawing) if isinstance(s, Polygon)]
    assert len(polygons) < 60  # not the whole world's 280-odd rings


def test_no_located_points_give_a_note(tmp_path: Path) -> None:
    for points in ([], [MapPoint(None, None, label="1"), MapPoint(33.0, None, label="2")]):
        drawing = incident_map(points, 300, 200)
        strings = [s.text for s in shapes_of(drawing) if isinstance(s, String)]
        assert strings == ["No located incidents"]
        assert "No located incidents" in render(drawing, tmp_path / "empty.pdf")


def test_zero_longitude_is_a_location() -> None:
    assert MapPoint(5.6, 0.0, label="1").located
    drawing = incident_map([MapPoint(5.6, 0.0, label="1")], 300, 200)
    assert any(isinstance(s, Circle) for s in shapes_of(drawing))


def test_marker_size_grows_with_count_and_is_capped() -> None:
    sizes = [marker_radius(n) for n in (1, 2, 5, 20, 1000)]
    assert sizes == sorted(sizes)
    assert sizes[-1] == 14.0


def test_palette_colours_markers() -> None:
    blue = HexColor("#1F5FAD")
    drawing = incident_map(
        [MapPoint(*AL_ASAD, label="1", colour="claimed")], 300, 200, palette={"claimed": blue}
    )
    (circle,) = [s for s in shapes_of(drawing) if isinstance(s, Circle)]
    assert circle.fillColor == blue
