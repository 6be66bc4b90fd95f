"""Country outlines, the map window and map points: geography without drawing."""

from __future__ import annotations

import pytest

from desktop import geography as geo
from desktop.geography import MapPoint
from desktop.resources import resource_path

AL_ASAD = (33.785, 42.441)
AL_HARIR = (36.537, 44.312)


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


def test_zero_longitude_is_a_location() -> None:
    assert MapPoint(5.6, 0.0, label="1").located
    assert MapPoint(5.6, 0.0, label="1").position() == (5.6, 0.0)


def test_unlocated_points_have_no_position() -> None:
    assert not MapPoint(33.0, None, label="2").located
    with pytest.raises(ValueError, match="no usable coordinates"):
        MapPoint(95.0, 10.0, label="3").position()


def test_projection_keeps_one_scale_and_centres_the_window() -> None:
    bounds = geo.fit_aspect(geo.bounds_for([AL_ASAD, AL_HARIR]), 400 / 280)
    project = geo.Projection(bounds, 0, 0, 400, 280)
    mid = ((bounds.west + bounds.east) / 2, bounds.mid_lat)
    assert project(*mid) == pytest.approx((200, 140))
    assert project.extent.contains(*AL_ASAD)
    assert project.km_per_point > 0


def test_country_names_are_short() -> None:
    assert geo.country_name("CD") == "DR Congo"
    assert geo.country_name("IQ") == "Iraq"
    assert geo.country_name("Somaliland") == "Somaliland"


def test_geography_needs_no_reportlab_or_qt() -> None:
    import ast
    from pathlib import Path

    source = Path(geo.__file__).read_text(encoding="utf-8")
    imported = {
        node.module or ""
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ImportFrom)
    } | {
        alias.name
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    assert not {m for m in imported if m.split(".")[0] in {"reportlab", "PySide6"}}


def test_the_cached_outline_bounds_are_each_rings_bounds() -> None:
    from desktop.geography import load_outlines, mainland, outline_bounds, ring_area, ring_bounds

    outlines, boxes = load_outlines(), outline_bounds()
    assert boxes.keys() == outlines.keys()
    for key, rings in outlines.items():
        assert boxes[key] == tuple(ring_bounds(r) for r in rings)
        assert ring_area(rings[mainland(key)]) == max(ring_area(r) for r in rings)
