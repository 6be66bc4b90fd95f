"""What the map shows and where, as data: places, areas, outliers, clusters, labels."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.domain import GeoPrecision
from desktop.reports import fonts
from desktop.reports.map_layout import (
    Box,
    MapPlace,
    Marker,
    cluster,
    corners,
    emptiest,
    map_data,
    marker_radius,
    place_labels,
    short_name,
    split_outliers,
)
from desktop.services.dto import IncidentData, When, Where


def at(
    name: str, lat: float | None, lon: float | None, precision: int, country: str = "IQ"
) -> IncidentData:
    day = date(2023, 10, 17)
    return IncidentData(
        title=name,
        when=When(day, day),
        event_type="Battles",
        sub_event_type="Armed clash",
        where=Where(name=name, country=country, lat=lat, lon=lon, precision=precision),
    )


def test_one_place_per_name_sized_by_count_and_shaded_countries() -> None:
    incidents = [
        at("al-Asad airbase (قاعدة عين الأسد)", 33.785, 42.441, GeoPrecision.EXACT),
        at("al-Asad airbase", 33.79, 42.44, GeoPrecision.EXACT),
        at("al-Harir airbase (قاعدة حرير), near a village", 36.537, 44.312, GeoPrecision.NEAR),
        at("Iraq", 33.2, 43.7, GeoPrecision.REGION),
        at("Iraq", None, None, GeoPrecision.REGION),
        at("Lebanon", None, None, GeoPrecision.REGION, "LB"),
        at("Nowhere", None, None, GeoPrecision.REGION, ""),
    ]
    data = map_data(incidents)
    assert [(p.name, p.count, p.exact) for p in data.places] == [
        ("al-Asad airbase", 2, True),
        ("al-Harir airbase", 1, False),
    ]
    assert [(a.key, a.count) for a in data.areas] == [("IQ", 2), ("LB", 1)]
    assert (data.incidents, data.shown) == (7, 6)
    assert data.note == "Map: 6 of 7 incidents shown; the others have no known location."


def test_short_names() -> None:
    assert short_name("al-Ahli Arab Hospital, Gaza City") == "al-Ahli Arab Hospital"
    assert short_name("  Erbil  ") == "Erbil"
    assert len(short_name("x" * 80)) == 28


def place(name: str, lat: float, lon: float, count: int = 1) -> MapPlace:
    return MapPlace(name, lat, lon, count, True)


def test_one_incident_on_another_continent_is_an_outlier() -> None:
    iraq = [
        place("Baghdad", 33.3, 44.4, 10),
        place("Erbil", 36.2, 44.0, 4),
        place("Basra", 30.5, 47.8, 3),
    ]
    core, out = split_outliers([*iraq, place("Nairobi", -1.29, 36.82)])
    assert [p.name for p in out] == ["Nairobi"]
    assert len(core) == 3
    # A region's own spread is no outlier: Gaza and Beirut stay with Iraq.
    core, out = split_outliers([*iraq, place("Gaza", 31.5, 34.46, 2), place("Beirut", 33.9, 35.5)])
    assert out == []
    # Half the incidents far away is a spread-out report, not an outlier.
    core, out = split_outliers([place("Baghdad", 33.3, 44.4), place("Nairobi", -1.29, 36.82)])
    assert out == []


def flat(lon: float, lat: float) -> tuple[float, float]:
    return lon * 10, lat * 10  # 10 points a degree


def test_places_whose_markers_overlap_are_merged_into_the_biggest() -> None:
    markers = cluster(
        [
            place("Erbil", 36.19, 44.01, 9),
            place("al-Harir", 36.54, 44.29, 2),
            place("Basra", 30.5, 47.8),
        ],
        flat,
    )
    assert [(m.name, m.count, m.merged) for m in markers] == [("Erbil", 11, 1), ("Basra", 1, 0)]
    assert markers[0].label == "Erbil +1 (11)"
    assert markers[0].r == marker_radius(11)


def test_marker_size_grows_with_count_and_is_capped() -> None:
    sizes = [marker_radius(n) for n in (1, 2, 5, 20, 1000)]
    assert sizes == sorted(sizes)
    assert sizes[-1] == 14.0


FRAME = Box(0, 0, 400, 250)


def test_labels_are_kept_beside_their_markers_and_dropped_when_no_spot_is_free() -> None:
    fonts.register_fonts()
    markers = [Marker(100, 100, 6, "Baghdad", 5, True), Marker(300, 100, 4, "Basra", 2, True)]
    labels, dropped = place_labels(markers, FRAME, (), fonts.BOLD_FONT, 6.5)
    assert dropped == []
    assert labels[0].text == "Baghdad (5)"
    assert labels[0].box.x >= 106  # to the right of its marker
    # A crowd in a corner: some labels cannot be placed, and none overprints another.
    crowd = [Marker(5 + 3 * i, 5 + 3 * i, 3, f"Place {i}", 1, True) for i in range(8)]
    labels, dropped = place_labels(crowd, Box(0, 0, 60, 40), (), fonts.BOLD_FONT, 6.5)
    assert dropped
    assert len(labels) + len(dropped) == 8


def test_labels_avoid_the_legend() -> None:
    fonts.register_fonts()
    legend = Box(110, 90, 100, 30)
    labels, _ = place_labels([Marker(100, 100, 6, "Baghdad", 5, True)], FRAME, [legend])
    assert not labels[0].box.overlaps(legend)


coordinate = st.floats(min_value=5, max_value=395)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(coordinate, st.floats(5, 245), st.integers(1, 50)), max_size=25))
def test_no_label_overlaps_another_a_marker_or_the_frame(
    points: list[tuple[float, float, int]],
) -> None:
    fonts.register_fonts()
    markers = [
        Marker(x, y, marker_radius(n), f"Place {i}", n, True) for i, (x, y, n) in enumerate(points)
    ]
    labels, dropped = place_labels(markers, FRAME, (Box(300, 0, 100, 16),), fonts.BOLD_FONT, 6.5)
    assert len(labels) + len(dropped) == len(markers)
    for n, label in enumerate(labels):
        assert label.box.inside(FRAME)
        assert not label.box.overlaps(Box(300, 0, 100, 16))
        assert not any(label.box.hits_circle(m.x, m.y, m.r) for m in markers)
        assert not any(label.box.overlaps(other.box) for other in labels[n + 1 :])


def test_the_legend_goes_to_the_emptiest_corner() -> None:
    markers = [
        Marker(390, 240, 5, "a", 1, True),
        Marker(10, 240, 5, "b", 1, True),
        Marker(390, 10, 5, "c", 1, True),
    ]
    box = emptiest(corners(FRAME, 80, 30), markers)
    assert (box.x, box.y) == (4, 4)  # bottom left, the only free corner
    scale = Box(0, 0, 100, 40)
    assert emptiest(corners(FRAME, 80, 30), markers, [scale]) != box
