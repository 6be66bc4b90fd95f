"""Country outlines, the map window, and the incident map drawing."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from pypdf import PdfReader
from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Circle, Drawing, Group, Polygon, String
from reportlab.lib.colors import HexColor

from desktop.reports import geo
from desktop.reports.mapchart import MapPoint, incident_map, marker_radius
from desktop.resources import resource_path

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


# ---------------------------------------------------------------------------- the outlines


def test_outlines_file_is_small_and_public_domain() -> None:
    path = resource_path(*geo.OUTLINES_FILE)
    assert path.stat().st_size < 300_000
    assert "public domain" in path.read_text(encoding="utf-8")[:1000]
    assert resource_path("geo", "LICENSE-NaturalEarth.txt").is_file()


def test_outlines_load_keyed_by_iso_alpha2() -> None:
    outlines = geo.load_outlines()
    assert len(outlines) > 170
    assert {"IQ", "SY", "IR", "FR", "US", "XK"} <= outlines.keys()
    odd = {key for key in outlines if len(key) != 2}
    assert odd == {"N. Cyprus", "Somaliland"}
    assert geo.load_outlines() is outlines  # cached


def test_iraq_outline_is_where_iraq_is() -> None:
    (ring,) = geo.load_outlines()["IQ"]
    box = geo.ring_bounds(ring)
    assert box.west == pytest.approx(38.8, abs=0.5)
    assert box.east == pytest.approx(48.6, abs=0.5)
    assert box.south == pytest.approx(29.1, abs=0.5)
    assert box.north == pytest.approx(37.4, abs=0.5)


def test_country_at() -> None:
    assert geo.country_at(*AL_ASAD) == "IQ"
    assert geo.country_at(*AL_HARIR) == "IQ"
    assert geo.country_at(48.86, 2.35) == "FR"
    assert geo.country_at(20.0, -40.0) is None  # mid-Atlantic


# ------------------------------------------------------------------------------ the window


def test_bounds_contain_the_points_and_their_country() -> None:
    bounds = geo.bounds_for([AL_ASAD, AL_HARIR])
    for lat, lon in (AL_ASAD, AL_HARIR):
        assert bounds.contains(lat, lon)
    iraq = geo.ring_bounds(geo.load_outlines()["IQ"][0])
    assert bounds.west < iraq.west
    assert bounds.east > iraq.east
    assert bounds.south < iraq.south
    assert bounds.north > iraq.north


def test_single_point_gets_a_minimum_window() -> None:
    bounds = geo.bounds_for([(20.0, -40.0)], min_span=8.0)  # at sea: no country to show
    assert bounds.lon_span == pytest.approx(8.0)
    assert bounds.lat_span == pytest.approx(8.0)
    assert bounds.contains(20.0, -40.0)


def test_a_huge_country_is_not_taken_in_whole() -> None:
    moscow = (55.75, 37.62)
    bounds = geo.bounds_for([moscow])
    assert bounds.lon_span < 30
    assert bounds.contains(*moscow)


def test_bounds_stay_inside_the_world() -> None:
    bounds = geo.bounds_for([(89.5, 179.5), (-89.5, -179.0)])
    assert bounds == geo.WORLD
    polar = geo.bounds_for([(89.0, 179.9)])
    assert polar.north <= 90
    assert polar.east <= 180
    assert polar.contains(89.0, 179.9)


def test_no_or_invalid_points_give_the_world() -> None:
    assert geo.bounds_for([]) == geo.WORLD
    assert geo.bounds_for([(float("nan"), 10.0), (95.0, 10.0)]) == geo.WORLD


def test_fit_aspect_widens_to_the_drawing_shape() -> None:
    bounds = geo.bounds_for([AL_ASAD, AL_HARIR])
    fitted = geo.fit_aspect(bounds, 1.6)
    shape = fitted.lon_span * geo.lon_scale(fitted.mid_lat) / fitted.lat_span
    assert shape == pytest.approx(1.6, rel=0.02)
    assert fitted.lon_span >= bounds.lon_span - 1e-9
    assert fitted.lat_span >= bounds.lat_span - 1e-9


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
