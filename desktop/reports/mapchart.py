"""A locator map of incidents for the SITREP: country outlines, numbered markers sized by count.

Drawn with reportlab.graphics from the outlines in resources/geo, so it needs no network.
Equirectangular projection with the cos(mid-latitude) correction: fine for the regional
windows a report shows, and it keeps lon/lat grid lines straight.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from reportlab.graphics.shapes import Circle, Drawing, Group, Line, Path, Polygon, Rect, String
from reportlab.lib.colors import Color, HexColor, white
from reportlab.pdfbase.pdfmetrics import stringWidth

from desktop import geography as geo
from desktop.reports import fonts
from desktop.reports.text import text_width, visual_line

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from desktop.geography import MapPoint

SEA = HexColor("#EAF1F7")
LAND = HexColor("#DADADA")
LAND_OF_INTEREST = HexColor("#C4C4C4")  # countries that hold at least one incident
BORDER = white
GRID = HexColor("#D3DFEA")
FRAME = HexColor("#5A5A5A")
MUTED_TEXT = HexColor("#6B6B6B")
COUNTRY_NAME = HexColor("#8E8E8E")
MARKER = HexColor("#B3261E")
CAPTION_HEIGHT = 13.0  # the strip under the map for the scale bar and the attribution
ATTRIBUTION = "Outlines: Natural Earth"


def incident_map(
    points: Sequence[MapPoint],
    width: float,
    height: float,
    palette: Mapping[str, Color] | None = None,
) -> Drawing:
    """A ``width`` x ``height`` drawing of the located points in their region.

    Points without usable coordinates are left out; if none is left the drawing says
    "No located incidents". The bottom ``CAPTION_HEIGHT`` points hold scale and attribution.
    """
    if width <= 0 or height <= CAPTION_HEIGHT + 20:
        raise ValueError(f"map too small: {width} x {height} pt")
    fonts.register_fonts()
    drawing = Drawing(width, height)
    map_y, map_height = CAPTION_HEIGHT, height - CAPTION_HEIGHT
    located = [p for p in points if p.located]
    if not located:
        drawing.add(Rect(0, map_y, width, map_height, fillColor=SEA, strokeColor=None))
        drawing.add(_frame(width, map_y, map_height))
        drawing.add(
            String(
                width / 2,
                map_y + map_height / 2 - 4,
                "No located incidents",
                fontName=fonts.BODY_FONT,
                fontSize=10,
                fillColor=MUTED_TEXT,
                textAnchor="middle",
            )
        )
        return drawing

    bounds = geo.fit_aspect(geo.bounds_for(p.position() for p in located), width / map_height)
    project = geo.Projection(bounds, 0, map_y, width, map_height)

    # Everything inside the frame is clipped to it: polygons that cross the edge are drawn
    # whole and the clip path (which renderPDF applies to the rest of the group) trims them.
    inside = Group()
    clip = Path(isClipPath=1, strokeColor=None, fillColor=None)
    clip.moveTo(0, map_y)
    clip.lineTo(width, map_y)
    clip.lineTo(width, height)
    clip.lineTo(0, height)
    clip.closePath()
    inside.add(clip)
    inside.add(Rect(0, map_y, width, map_height, fillColor=SEA, strokeColor=None))
    grid_lines, grid_labels = _graticule(project, width, map_y, height)
    inside.add(grid_lines)  # under the land: visible at sea only
    inside.add(_land(project, _countries_of(located)))
    inside.add(_country_names(project))
    inside.add(grid_labels)
    inside.add(_markers(project, located, palette or {}))
    drawing.add(inside)
    drawing.add(_frame(width, map_y, map_height))
    drawing.add(_caption(project, width))
    return drawing


# ------------------------------------------------------------------------------ the layers


def _frame(width: float, y: float, height: float) -> Rect:
    return Rect(0, y, width, height, fillColor=None, strokeColor=FRAME, strokeWidth=0.6)


def _countries_of(points: Iterable[MapPoint]) -> set[str]:
    keys = (geo.country_at(*p.position()) for p in points)
    return {key for key in keys if key}


def _land(project: geo.Projection, highlighted: set[str]) -> Group:
    group = Group()
    view = project.extent
    for key, rings in geo.load_outlines().items():
        fill = LAND_OF_INTEREST if key in highlighted else LAND
        for ring in rings:
            if not view.intersects(geo.ring_bounds(ring)):
                continue  # wholly outside the window: not worth the bytes
            flat = [v for lon, lat in ring for v in project(lon, lat)]
            group.add(
                Polygon(flat, fillColor=fill, strokeColor=BORDER, strokeWidth=0.5, strokeLineJoin=1)
            )
    return group


def _graticule(
    project: geo.Projection, width: float, bottom: float, top: float
) -> tuple[Group, Group]:
    """Faint lon/lat lines, and their labels along the left and bottom edges."""
    group, labels = Group(), Group()
    view = project.extent
    step = geo.nice_step(max(view.lon_span, view.lat_span), 5)
    label_style = {"fontName": fonts.BODY_FONT, "fontSize": 5.5, "fillColor": MUTED_TEXT}
    lon = math.ceil(view.west / step) * step
    while lon <= view.east:
        x, _ = project(lon, 0)
        group.add(Line(x, bottom, x, top, strokeColor=GRID, strokeWidth=0.4))
        labels.add(String(x + 1.5, bottom + 2, geo.degrees(lon, "E", "W"), **label_style))
        lon += step
    lat = math.ceil(view.south / step) * step
    while lat <= view.north:
        _, y = project(0, lat)
        group.add(Line(0, y, width, y, strokeColor=GRID, strokeWidth=0.4))
        labels.add(String(2, y + 1.5, geo.degrees(lat, "N", "S"), **label_style))
        lat += step
    return group, labels


def _country_names(project: geo.Projection) -> Group:
    """Names of the countries whose main landmass shows enough of itself to hold them."""
    group = Group()
    size = 6.0
    view = project.extent
    for key, rings in geo.load_outlines().items():
        main = max(rings, key=geo.ring_area)
        box = geo.ring_bounds(main)
        if not view.intersects(box):
            continue
        seen = geo.Bounds(  # the part of the landmass's box inside the window
            max(box.west, view.west),
            max(box.south, view.south),
            min(box.east, view.east),
            min(box.north, view.north),
        )
        name = geo.country_name(key)
        (x0, y0), (x1, y1) = project(seen.west, seen.south), project(seen.east, seen.north)
        if stringWidth(name, fonts.BODY_FONT, size) > 0.6 * (x1 - x0) or y1 - y0 < 3 * size:
            continue
        # The centroid if it is in view, else the middle of the visible part, if on land.
        inner = geo.shrink(view, 0.08)
        for lon, lat in (geo.label_point(main), ((seen.west + seen.east) / 2, seen.mid_lat)):
            if inner.contains(lat, lon) and geo.point_in_ring(lat, lon, main):
                x, y = project(lon, lat)
                group.add(
                    String(
                        x,
                        y - size / 3,
                        name,
                        fontName=fonts.BODY_FONT,
                        fontSize=size,
                        fillColor=COUNTRY_NAME,
                        textAnchor="middle",
                    )
                )
                break
    return group


def marker_radius(count: int) -> float:
    """Circle area grows with the count; capped so one busy place cannot hide the map."""
    return min(14.0, 3.2 * math.sqrt(max(1, count)))


def _markers(
    project: geo.Projection, points: list[MapPoint], palette: Mapping[str, Color]
) -> Group:
    group = Group()
    size = 6.5
    # Big circles first, so small ones stay visible on top of them.
    for point in sorted(points, key=lambda p: -p.count):
        lat, lon = point.position()
        x, y = project(lon, lat)
        r = marker_radius(point.count)
        colour = palette.get(point.colour, MARKER) if point.colour else MARKER
        group.add(
            Circle(x, y, r, fillColor=colour, strokeColor=white, strokeWidth=0.8, fillOpacity=0.9)
        )
        label = visual_line(point.label, fonts.BOLD_FONT, size)  # numbers, but never unsafe
        if not label:
            continue
        label_width = text_width(label, fonts.BOLD_FONT, size)
        lx, ly = x + r * 0.75 + 1.5, y + r * 0.5
        group.add(
            Rect(
                lx - 1,
                ly - 1.8,
                label_width + 2,
                size + 1.6,
                rx=1,
                ry=1,
                fillColor=white,
                fillOpacity=0.8,
                strokeColor=None,
            )
        )
        group.add(
            String(
                lx,
                ly,
                label,
                fontName=fonts.BOLD_FONT,
                fontSize=size,
                fillColor=HexColor("#222222"),
            )
        )
    return group


def _caption(project: geo.Projection, width: float) -> Group:
    """Scale bar on the left, attribution on the right, under the frame."""
    group = Group()
    km = geo.round_down(project.km_per_point * width / 4)
    bar = km / project.km_per_point
    y = 4.0
    style = {"fontName": fonts.BODY_FONT, "fontSize": 6.0, "fillColor": MUTED_TEXT}
    group.add(Line(0, y, bar, y, strokeColor=FRAME, strokeWidth=0.8))
    for x in (0, bar / 2, bar):
        group.add(Line(x, y, x, y + 2.5, strokeColor=FRAME, strokeWidth=0.6))
    group.add(String(bar + 3, y - 0.5, f"{km:g} km", **style))
    group.add(String(width, y - 0.5, ATTRIBUTION, textAnchor="end", **style))
    return group
