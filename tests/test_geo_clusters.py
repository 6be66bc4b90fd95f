"""Places on a map: grouping incidents by place, merging by scale, placing labels."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.geo_clusters import (
    Located,
    PlaceCluster,
    distance_km,
    group_places,
    merge_overlapping,
)
from desktop.placement import SIDES, Box, Marker, Side, label_box, place_labels

AL_ASAD = (33.785, 42.441)
KM = 1 / 111.2  # about a kilometre, in degrees of latitude


def _at(i: int, lat: float, lon: float, name: str = "", country: str = "", p: int = 1) -> Located:
    return Located(f"i{i}", lat, lon, name, country, p)


def test_distance_is_the_great_circle() -> None:
    assert distance_km(0, 0, 1, 0) == pytest.approx(111.2, abs=0.1)
    assert distance_km(0, 179.5, 0, -179.5) == pytest.approx(111.2, abs=0.1)
    assert distance_km(*AL_ASAD, *AL_ASAD) == 0


# ------------------------------------------------------------------------------ by place


def test_identical_coordinates_are_one_place_whatever_their_names() -> None:
    (cluster,) = group_places(
        [_at(1, *AL_ASAD, "al-Asad airbase"), _at(2, *AL_ASAD, "Ain al-Asad")]
    )
    assert cluster.count == 2
    assert cluster.incident_ids == ("i1", "i2")


def test_the_same_name_and_country_within_a_kilometre_is_one_place() -> None:
    lat, lon = AL_ASAD
    points = [
        _at(1, lat, lon, "al-Asad airbase", "IQ", 1),
        _at(2, lat + 0.6 * KM, lon, "Al-Asad  Airbase", "iq", 2),  # case and spaces differ
        _at(3, lat + 1.2 * KM, lon, "al-Asad airbase", "IQ", 3),  # 0.6 km from the second
        _at(4, lat + 3 * KM, lon, "al-Asad airbase", "IQ"),  # 1.8 km from the third
        _at(5, lat + 0.3 * KM, lon, "al-Asad airbase", "SY"),  # another country
        _at(6, lat + 0.3 * KM, lon + 0.001, "Hit", "IQ"),  # another name
    ]
    clusters = group_places(points)
    assert [c.incident_ids for c in clusters] == [("i1", "i2", "i3"), ("i4",), ("i5",), ("i6",)]
    first = clusters[0]
    assert first.name == "al-Asad airbase"  # the most frequent spelling
    assert first.country == "IQ"
    assert first.precisions == (1, 1, 1)
    assert first.lat == pytest.approx(lat + 0.6 * KM)


def test_unnamed_places_join_only_at_identical_coordinates() -> None:
    lat, lon = AL_ASAD
    clusters = group_places([_at(1, lat, lon), _at(2, lat + 0.1 * KM, lon), _at(3, lat, lon)])
    assert [c.incident_ids for c in clusters] == [("i1", "i3"), ("i2",)]


def test_no_points_no_places() -> None:
    assert group_places([]) == []
    assert merge_overlapping([], 1.0, 5.0) == []


_coordinate = st.sampled_from([0.0, 0.004, 0.007, 0.02, 0.5])
_points = st.lists(
    st.builds(
        lambda lat, lon, name, country, p: (lat, lon, name, country, p),
        _coordinate.map(lambda d: 33.0 + d),
        _coordinate.map(lambda d: 44.0 + d),
        st.sampled_from(["", "Hit", "hit ", "Ramadi"]),
        st.sampled_from(["IQ", "SY"]),
        st.integers(1, 3),
    ),
    max_size=25,
)


@given(_points)
@settings(max_examples=200, deadline=None)
def test_every_incident_is_in_exactly_one_place(
    raw: list[tuple[float, float, str, str, int]],
) -> None:
    points = [_at(i, *fields) for i, fields in enumerate(raw)]
    clusters = group_places(points)
    ids = [i for c in clusters for i in c.incident_ids]
    assert sorted(ids) == sorted(p.incident_id for p in points)
    assert [c.count for c in clusters] == sorted((c.count for c in clusters), reverse=True)
    for c in clusters:
        assert c.count == len(c.incident_ids) == sum(c.precisions)
    home = {i: n for n, c in enumerate(clusters) for i in c.incident_ids}
    for p, q in itertools.combinations(points, 2):
        same_spot = (p.lat, p.lon) == (q.lat, q.lon)
        same_name = " ".join(p.name.split()).casefold() == " ".join(q.name.split()).casefold()
        near = distance_km(p.lat, p.lon, q.lat, q.lon) <= 1.0
        if same_spot or (p.name.strip() and same_name and p.country == q.country and near):
            assert home[p.incident_id] == home[q.incident_id]


# ------------------------------------------------------------------------------ by scale


def _place(name: str, lat: float, lon: float, count: int) -> PlaceCluster:
    ids = tuple(f"{name}{n}" for n in range(count))
    return PlaceCluster(name, "IQ", lat, lon, count, (count, 0, 0), ids)


def test_overlapping_markers_merge_into_the_largest() -> None:
    # At 1 km a pixel, markers of radius 6 px overlap when their places are under 12 km apart.
    big = _place("Ramadi", 33.42, 43.30, 5)
    near = _place("Tamim", 33.42 + 8 * KM, 43.30, 2)
    far = _place("Hit", 33.42 + 30 * KM, 43.30, 1)
    merged = merge_overlapping([near, far, big], km_per_pixel=1.0, radius=6.0)
    assert [(c.name, c.count) for c in merged] == [("Ramadi", 7), ("Hit", 1)]
    assert (merged[0].lat, merged[0].lon) == (big.lat, big.lon)
    assert merged[0].incident_ids == big.incident_ids + near.incident_ids
    assert merged[0].precisions == (7, 0, 0)
    # Zoomed in tenfold they stand apart.
    assert len(merge_overlapping([near, far, big], km_per_pixel=0.1, radius=6.0)) == 3


def test_a_marker_that_grows_as_it_merges_may_reach_another() -> None:
    a = _place("A", 33.0, 44.0, 4)
    b = _place("B", 33.0 - 9 * KM, 44.0, 4)
    c = _place("C", 33.0 + 10.5 * KM, 44.0, 1)  # clear of A (6 + 3 px) until A takes B in

    def radius(count: int) -> float:
        return 3.0 * math.sqrt(count)  # 6 px for 4, 8.5 px for 8, 3 px for 1

    merged = merge_overlapping([a, b, c], km_per_pixel=1.0, radius=radius)
    assert [(m.name, m.count) for m in merged] == [("A", 9)]


def test_the_scale_must_be_positive() -> None:
    with pytest.raises(ValueError, match="km_per_pixel"):
        merge_overlapping([_place("A", 0, 0, 1)], 0.0, 5.0)


@given(
    st.lists(
        st.tuples(st.floats(33.0, 33.5), st.floats(44.0, 44.5), st.integers(1, 20)),
        max_size=40,
    ),
    st.floats(0.05, 5.0),
)
@settings(max_examples=150, deadline=None)
def test_after_merging_no_markers_overlap(
    raw: list[tuple[float, float, int]], km_per_pixel: float
) -> None:
    places = [_place(f"p{n}-", lat, lon, count) for n, (lat, lon, count) in enumerate(raw)]

    def radius(count: int) -> float:
        return min(14.0, 3.2 * math.sqrt(count))

    merged = merge_overlapping(places, km_per_pixel, radius)
    assert sum(c.count for c in merged) == sum(c.count for c in places)
    assert sorted(i for c in merged for i in c.incident_ids) == sorted(
        i for c in places for i in c.incident_ids
    )
    middle = (max(p.lat for p in places) + min(p.lat for p in places)) / 2 if places else 0
    squeeze = math.cos(math.radians(middle))
    for p, q in itertools.combinations(merged, 2):
        dx = (p.lon - q.lon) * squeeze * 111.32 / km_per_pixel
        dy = (p.lat - q.lat) * 111.32 / km_per_pixel
        assert math.hypot(dx, dy) >= radius(p.count) + radius(q.count) - 1e-6


# ------------------------------------------------------------------------------- labels


def _marker(x: float, y: float, count: int = 1, r: float = 4.0) -> Marker:
    return Marker(x, y, r, label_width=20.0, label_height=8.0, count=count)


def test_a_lone_label_goes_to_the_right() -> None:
    (label,) = place_labels([_marker(50, 50)])
    assert label is not None
    assert label.side is Side.RIGHT
    assert label.box == Box(55.5, 46.0, 75.5, 54.0)


def test_a_label_moves_round_what_is_in_its_way() -> None:
    big, small = _marker(50, 50, count=9), _marker(70, 50, count=1)
    first, second = place_labels([small, big])
    assert first is not None
    assert second is not None
    assert second.side is Side.LEFT  # the big one first: its right holds the small marker
    assert first.side is Side.RIGHT


def test_the_frame_is_kept_and_labels_with_no_room_are_dropped() -> None:
    frame = Box(0, 0, 100, 100)
    (edge,) = place_labels([_marker(95, 50)], frame)
    assert edge is not None
    assert edge.side is Side.LEFT
    crowd = [_marker(50, 50, count=5), _marker(60, 50), _marker(40, 50), _marker(50, 60)]
    crowd.append(_marker(50, 40))
    labels = place_labels(crowd, frame)
    assert labels[0] is None  # boxed in by its neighbours, though placed first
    assert [label.side if label else None for label in labels[1:]] == [
        Side.RIGHT,
        Side.LEFT,
        Side.RIGHT,
        Side.RIGHT,
    ]


def test_a_label_of_no_size_is_not_placed() -> None:
    assert place_labels([Marker(0, 0, 3, 0, 8)]) == [None]


def test_label_boxes_sit_beside_the_marker() -> None:
    m = _marker(0, 0)
    assert label_box(m, Side.ABOVE, gap=0) == Box(-10, 4, 10, 12)
    assert label_box(m, Side.BELOW, gap=0) == Box(-10, -12, 10, -4)


@given(
    st.lists(
        st.tuples(st.floats(0, 200), st.floats(0, 200), st.integers(1, 30), st.floats(5, 60)),
        max_size=30,
    )
)
@settings(max_examples=150, deadline=None)
def test_placed_labels_overlap_nothing(raw: list[tuple[float, float, int, float]]) -> None:
    markers = [Marker(x, y, min(14.0, 3.2 * math.sqrt(n)), width, 7.0, n) for x, y, n, width in raw]
    frame = Box(0, 0, 200, 200)
    labels = place_labels(markers, frame)
    boxes = [label.box for label in labels if label is not None]
    for a, b in itertools.combinations(boxes, 2):
        assert not a.overlaps(b)
    for box in boxes:
        assert box.within(frame)
        assert not any(box.touches_circle(m.x, m.y, m.radius) for m in markers)
    # A label is dropped only when no side was free when its turn came.
    for i, label in enumerate(labels):
        if label is None:
            earlier = [
                lab.box
                for j, lab in enumerate(labels)
                if lab is not None and markers[j].count >= markers[i].count and j != i
            ]
            for side in SIDES:
                box = label_box(markers[i], side)
                blocked = (
                    not box.within(frame)
                    or any(box.overlaps(other) for other in earlier)
                    or any(box.touches_circle(m.x, m.y, m.radius) for m in markers)
                )
                assert blocked
