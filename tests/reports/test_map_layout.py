"""What the SITREP's map shows and where, as data: places, areas, outliers, merged markers,
labels — through the shared geo_clusters and placement, with the report's own settings."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.domain import GeoPrecision
from desktop.geo_clusters import PlaceCluster, merge_projected, split_outliers
from desktop.placement import Box, Marker, Side, corners, emptiest, place_labels
from desktop.reports import fonts
from desktop.reports.map_data import map_data, short_name
from desktop.reports.mapchart import LABEL_GAP, LABEL_SIDES, LABEL_SIZE, label_text, marker_radius
from desktop.reports.mapchart import _marker as report_marker
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
        at("", 30.51234, 47.81234, GeoPrecision.EXACT),  # unnamed: its position names it
    ]
    data = map_data(incidents)
    assert [(p.name, p.count, p.exact) for p in data.places] == [
        ("al-Asad airbase", 2, True),
        ("30.51, 47.81", 1, True),
        ("al-Harir airbase", 1, False),
    ]
    assert [(a.key, a.count) for a in data.areas] == [("IQ", 2), ("LB", 1)]
    assert (data.incidents, data.shown) == (8, 7)
    assert data.note == "Map: 7 of 8 incidents shown; the others have no known location."


def test_short_names() -> None:
    assert short_name("al-Ahli Arab Hospital, Gaza City") == "al-Ahli Arab Hospital"
    assert short_name("  Erbil  ") == "Erbil"
    assert len(short_name("x" * 80)) == 28


def place(name: str, lat: float, lon: float, count: int = 1) -> PlaceCluster:
    return PlaceCluster(name, "", lat, lon, count, (count, 0, 0), ())


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
    merged = merge_projected(
        [
            place("Erbil", 36.19, 44.01, 9),
            place("al-Harir", 36.54, 44.29, 2),
            place("Basra", 30.5, 47.8),
        ],
        flat,
        marker_radius,
    )
    assert [(p.name, p.count, p.places) for p in merged] == [("Erbil", 11, 2), ("Basra", 1, 1)]
    assert label_text(merged[0]) == "Erbil +1 (11)"
    assert label_text(merged[1]) == "Basra (1)"


def test_marker_size_grows_with_count_and_is_capped() -> None:
    sizes = [marker_radius(n) for n in (1, 2, 5, 20, 1000)]
    assert sizes == sorted(sizes)
    assert sizes[-1] == 14.0


FRAME = Box(0, 0, 400, 250)


def markers_at(points: list[tuple[float, float, int, str]]) -> list[Marker]:
    fonts.register_fonts()
    return [
        report_marker(place(name, 0, 0, n), x, y, marker_radius(n), LABEL_SIZE)
        for x, y, n, name in points
    ]


def labels_of(markers: list[Marker], frame: Box, reserved: tuple[Box, ...] = ()) -> list[Box]:
    return [
        label.box
        for label in place_labels(markers, frame, LABEL_GAP, reserved, LABEL_SIDES)
        if label is not None
    ]


def test_labels_are_kept_beside_their_markers_and_dropped_when_no_spot_is_free() -> None:
    markers = markers_at([(100, 100, 5, "Baghdad"), (300, 100, 2, "Basra")])
    labels = place_labels(markers, FRAME, LABEL_GAP, (), LABEL_SIDES)
    assert all(labels)
    assert labels[0] is not None
    assert labels[0].box.left >= 100 + marker_radius(5)  # to the right of its marker
    # A crowd in a corner: some labels cannot be placed, and none overprints another.
    crowd = markers_at([(5 + 3 * i, 5 + 3 * i, 1, f"Place {i}") for i in range(8)])
    placed = labels_of(crowd, Box(0, 0, 60, 40))
    assert 0 < len(placed) < 8


def test_a_crowded_label_takes_a_diagonal_before_it_is_dropped() -> None:
    [marker] = markers_at([(200, 120, 1, "Middle")])
    # Small things right, left, above and below the marker: only the diagonals are free.
    hugging = (Box(206, 118, 208, 122), Box(192, 118, 194, 122))
    hugging += (Box(199, 126, 201, 128), Box(199, 112, 201, 114))
    [label] = place_labels([marker], FRAME, LABEL_GAP, hugging, LABEL_SIDES)
    assert label is not None
    assert label.side is Side.ABOVE_RIGHT
    assert label.box.left > marker.x
    assert label.box.bottom > marker.y
    assert place_labels([marker], FRAME, LABEL_GAP, hugging) == [None]  # the four sides alone


def test_labels_avoid_the_legend() -> None:
    legend = Box(110, 90, 210, 120)
    [box] = labels_of(markers_at([(100, 100, 5, "Baghdad")]), FRAME, (legend,))
    assert not box.overlaps(legend)


coordinate = st.floats(min_value=5, max_value=395)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(coordinate, st.floats(5, 245), st.integers(1, 50)), max_size=25))
def test_no_label_overlaps_another_a_marker_or_the_frame(
    points: list[tuple[float, float, int]],
) -> None:
    scale = Box(300, 0, 400, 16)
    markers = markers_at([(x, y, n, f"Place {i}") for i, (x, y, n) in enumerate(points)])
    labels = labels_of(markers, FRAME, (scale,))
    for n, box in enumerate(labels):
        assert box.within(FRAME)
        assert not box.overlaps(scale)
        assert not any(box.touches_circle(m.x, m.y, m.radius) for m in markers)
        assert not any(box.overlaps(other) for other in labels[n + 1 :])


def test_the_legend_goes_to_the_emptiest_corner() -> None:
    markers = [Marker(390, 240, 5, 0, 0), Marker(10, 240, 5, 0, 0), Marker(390, 10, 5, 0, 0)]
    box = emptiest(corners(FRAME, 80, 30), markers)
    assert (box.left, box.bottom) == (4, 4)  # bottom left, the only free corner
    scale = Box(0, 0, 100, 40)
    assert emptiest(corners(FRAME, 80, 30), markers, [scale]) != box
