"""The colours of the map's and the timeline's categories, readable on light and dark.

Okabe and Ito's colour-blind-safe set, one colour per ACLED event type and per information
status, in the domain's order so a colour always means the same thing. Markers and bars get
an outline in the palette's text colour, which keeps the light colours (yellow) visible on a
light background and the dark ones (blue) on a dark background.
"""

from __future__ import annotations

from PySide6.QtGui import QColor

from desktop.domain import EVENT_TYPES, Status

_SET = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#999999")
OTHER = "#999999"

EVENT_TYPE_COLOURS: dict[str, str] = dict(zip(EVENT_TYPES, _SET, strict=False))
STATUS_COLOURS: dict[str, str] = {
    Status.CONFIRMED: "#009E73",
    Status.REPORTED: "#0072B2",
    Status.CLAIMED: "#E69F00",
    Status.UNVERIFIED: "#999999",
    Status.DISPUTED: "#CC79A7",
    Status.DENIED: "#D55E00",
}


def category_colour(colour_by: str, category: str) -> QColor:
    table = EVENT_TYPE_COLOURS if colour_by == "event_type" else STATUS_COLOURS
    return QColor(table.get(category, OTHER))


def categories(colour_by: str) -> tuple[str, ...]:
    """Every category in the domain's order (the legend's order)."""
    return tuple(EVENT_TYPE_COLOURS if colour_by == "event_type" else STATUS_COLOURS)
