"""Where each marker's label goes: beside it, clear of the other labels and markers.

Plain Python (no Qt, no ReportLab), for the SITREP's map and a map view in the window alike.
Coordinates grow rightwards and upwards, as ReportLab draws; a view whose y grows downwards
passes its y negated (or reads ``above`` as ``below``).

The labels are placed greedily, the largest counts first: each takes the first side of
right, left, above and below (then, if asked, the diagonals) where its box overlaps no label
placed before it, no marker (its own included) and no reserved box (a legend, an inset), and
does not leave the frame; a label with no such side is dropped, since a map with fewer labels
reads better than one with labels over each other. :func:`emptiest` finds the corner of a
map where a legend hides the fewest markers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence


class Side(StrEnum):
    RIGHT = "right"
    LEFT = "left"
    ABOVE = "above"
    BELOW = "below"
    ABOVE_RIGHT = "above right"
    ABOVE_LEFT = "above left"
    BELOW_RIGHT = "below right"
    BELOW_LEFT = "below left"


SIDES = (Side.RIGHT, Side.LEFT, Side.ABOVE, Side.BELOW)
# Tried after SIDES where a crowded map needs more room; a corner of the box touches the
# marker's circle about where the diagonal crosses it.
DIAGONALS = (Side.ABOVE_RIGHT, Side.ABOVE_LEFT, Side.BELOW_RIGHT, Side.BELOW_LEFT)
_DIAGONAL = 0.7  # of the radius: about cos 45°


@dataclass(frozen=True)
class Marker:
    """A marker at (x, y) with its radius, its label's size and its count (the priority)."""

    x: float
    y: float
    radius: float
    label_width: float
    label_height: float
    count: int = 1


@dataclass(frozen=True)
class Box:
    left: float
    bottom: float
    right: float
    top: float

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.top - self.bottom

    def overlaps(self, other: Box) -> bool:
        return (
            self.left < other.right
            and other.left < self.right
            and self.bottom < other.top
            and other.bottom < self.top
        )

    def within(self, frame: Box) -> bool:
        return (
            frame.left <= self.left
            and self.right <= frame.right
            and frame.bottom <= self.bottom
            and self.top <= frame.top
        )

    def touches_circle(self, x: float, y: float, radius: float) -> bool:
        nearest_x = min(max(x, self.left), self.right)
        nearest_y = min(max(y, self.bottom), self.top)
        return math.hypot(x - nearest_x, y - nearest_y) < radius


@dataclass(frozen=True)
class Label:
    """A placed label: the side of its marker, and its box (``left``/``bottom`` to draw at)."""

    side: Side
    box: Box


def label_box(marker: Marker, side: Side, gap: float = 1.5) -> Box:
    """The label's box on ``side`` of its marker, ``gap`` away from the circle."""
    w, h, r = marker.label_width, marker.label_height, marker.radius
    if side in DIAGONALS:
        reach = _DIAGONAL * r + gap
        right = side in (Side.ABOVE_RIGHT, Side.BELOW_RIGHT)
        above = side in (Side.ABOVE_RIGHT, Side.ABOVE_LEFT)
        left = marker.x + reach if right else marker.x - reach - w
        bottom = marker.y + reach if above else marker.y - reach - h
    elif side is Side.RIGHT:
        left, bottom = marker.x + r + gap, marker.y - h / 2
    elif side is Side.LEFT:
        left, bottom = marker.x - r - gap - w, marker.y - h / 2
    elif side is Side.ABOVE:
        left, bottom = marker.x - w / 2, marker.y + r + gap
    else:
        left, bottom = marker.x - w / 2, marker.y - r - gap - h
    return Box(left, bottom, left + w, bottom + h)


def place_labels(
    markers: Sequence[Marker],
    frame: Box | None = None,
    gap: float = 1.5,
    reserved: Sequence[Box] = (),
    sides: Sequence[Side] = SIDES,
) -> list[Label | None]:
    """Each marker's label (None: dropped), in the order of ``markers``, clear of the
    ``reserved`` boxes too, on the first free of ``sides``.

    Compares each candidate with the markers and the labels placed so far: quadratic, which
    suits the hundreds of places a map shows (thousands are merged first, by
    ``geo_clusters.merge_overlapping``).
    """
    order = sorted(range(len(markers)), key=lambda i: -markers[i].count)
    placed: list[Label | None] = [None] * len(markers)
    boxes: list[Box] = list(reserved)
    for i in order:
        marker = markers[i]
        if marker.label_width <= 0 or marker.label_height <= 0:
            continue
        for side in sides:
            box = label_box(marker, side, gap)
            if frame is not None and not box.within(frame):
                continue
            if any(box.overlaps(other) for other in boxes):
                continue
            if any(box.touches_circle(m.x, m.y, m.radius) for m in markers):
                continue
            placed[i] = Label(side, box)
            boxes.append(box)
            break
    return placed


def corners(frame: Box, width: float, height: float, margin: float = 4.0) -> list[Box]:
    """The four ``width`` x ``height`` boxes in ``frame``'s corners, ``margin`` in: top
    right, top left, bottom right, bottom left."""
    left, right = frame.left + margin, frame.right - margin - width
    bottom, top = frame.bottom + margin, frame.top - margin - height
    return [
        Box(x, y, x + width, y + height)
        for x, y in ((right, top), (left, top), (right, bottom), (left, bottom))
    ]


def emptiest(boxes: Sequence[Box], markers: Sequence[Marker], taken: Sequence[Box] = ()) -> Box:
    """The box covering the fewest markers (the first on a tie) that no ``taken`` box
    overlaps, so that a legend or an inset hides as little as it can."""
    free = [b for b in boxes if not any(b.overlaps(t) for t in taken)] or list(boxes)
    return min(free, key=lambda b: sum(b.touches_circle(m.x, m.y, m.radius + 2) for m in markers))
