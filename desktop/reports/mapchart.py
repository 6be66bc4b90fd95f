"""The SITREP's map: country outlines, one marker per place, named, with a legend.

Drawn with reportlab.graphics from the outlines in resources/geo, so it needs no network.
What is shown comes from ``map_data.py``; where (merged markers, outliers for the inset,
labels clear of each other) is decided with the shared ``desktop.geo_clusters`` and
``desktop.placement``; this module draws it. Equirectangular projection with the
cos(mid-latitude) correction: fine for the regional windows a report shows, and it keeps
lon/lat grid lines straight.

Precision is drawn, not hidden: a solid dot is an exact place, a ring a place known only
approximately, and incidents placed only to a country or a province shade that country
(a dot at a country's centre would claim a place nobody reported).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from reportlab.graphics.shapes import Circle, Drawing, Group, Line, Path, Polygon, Rect, String
from reportlab.lib.colors import HexColor, white

from desktop import geography as geo
from desktop.geo_clusters import merge_projected, split_outliers
from desktop.placement import DIAGONALS, SIDES, Box, Marker, corners, emptiest, place_labels
from desktop.reports import fonts
from desktop.reports.text import fit_runs, runs_width, text_width, visual_line

if TYPE_CHECKING:
    from collections.abc import Sequence

    from desktop.geo_clusters import PlaceCluster
    from desktop.reports.map_data import MapData

SEA = HexColor("#EAF1F7")
LAND = HexColor("#DADADA")
LAND_OF_INTEREST = HexColor("#C4C4C4")  # countries that hold at least one place
AREA = HexColor("#F0D2CE")  # countries holding incidents placed only to them or a province
BORDER = white
GRID = HexColor("#D3DFEA")
FRAME = HexColor("#5A5A5A")
MUTED_TEXT = HexColor("#6B6B6B")
COUNTRY_NAME = HexColor("#8E8E8E")
MARKER = HexColor("#B3261E")
INK = HexColor("#222222")
ATTRIBUTION = "Outlines: Natural Earth"
LABEL_SIZE = 6.5
LEGEND_SIZE = 6.0
SMALL = 5.5
LABEL_GAP = 2.0  # between a marker and its label
LABEL_SIDES = (*SIDES, *DIAGONALS)


def marker_radius(count: int) -> float:
    """Circle area grows with the count; capped so one busy place cannot hide the map."""
    return min(14.0, 3.2 * math.sqrt(max(1, count)))


def label_text(place: PlaceCluster) -> str:
    """ "Erbil +2 (11)": the place's name, the places merged into it, the incidents."""
    more = f" +{place.places - 1}" if place.places > 1 else ""
    return f"{place.name}{more} ({place.count:,})"


def _marker(place: PlaceCluster, x: float, y: float, r: float, size: float) -> Marker:
    """A marker with its label's box measured at ``size`` (the text and a margin)."""
    w = text_width(label_text(place), fonts.BOLD_FONT, size) + 3
    return Marker(x, y, r, w, size + 2, place.count)


def incident_map(data: MapData, width: float, height: float) -> Drawing:
    """A ``width`` x ``height`` drawing of ``data``'s places and shaded countries.

    Nothing to show: the drawing says "No located incidents". Scale bar, attribution,
    legend and (when a place lies far from the rest) an inset of the whole extent are
    inside the frame.
    """
    if width <= 60 or height <= 60:
        raise ValueError(f"map too small: {width} x {height} pt")
    fonts.register_fonts()
    drawing = Drawing(width, height)
    frame = Box(0, 0, width, height)
    if not data.places and not data.areas:
        drawing.add(Rect(0, 0, width, height, fillColor=SEA, strokeColor=None))
        drawing.add(_frame(frame))
        drawing.add(
            String(
                width / 2,
                height / 2 - 4,
                "No located incidents",
                fontName=fonts.BODY_FONT,
                fontSize=10,
                fillColor=MUTED_TEXT,
                textAnchor="middle",
            )
        )
        return drawing

    core, outliers = split_outliers(data.places)
    project = geo.Projection(_window(core, data, width / height), 0, 0, width, height)
    places = merge_projected(core, project, marker_radius)
    markers = [
        _marker(p, *project(p.lon, p.lat), marker_radius(p.count), LABEL_SIZE) for p in places
    ]
    areas = {a.key for a in data.areas}
    inside = _clipped(frame)
    inside.add(Rect(0, 0, width, height, fillColor=SEA, strokeColor=None))
    grid_lines, grid_labels = _graticule(project, width, 0, height)
    inside.add(grid_lines)  # under the land: visible at sea only
    highlighted = {k for p in core if (k := geo.country_at(p.lat, p.lon))}
    inside.add(_land(project, highlighted, areas))
    inside.add(_country_names(project))
    inside.add(grid_labels)
    drawing.add(inside)

    legend_lines = _legend_lines(data, places)
    legend_w = max(text_width(t, fonts.BODY_FONT, LEGEND_SIZE) for t, _ in legend_lines) + 20
    scale_box = Box(width - 130, 2, width - 2, 18)
    reserved = [scale_box]
    legend_h = len(legend_lines) * 8.5 + 4
    legend_box = emptiest(corners(frame, legend_w, legend_h), markers, reserved)
    reserved.append(legend_box)
    inset_box = None
    if outliers:
        w = width * 0.3
        inset_box = emptiest(corners(frame, w, w * 0.6), markers, reserved)
        reserved.append(inset_box)
    labels = place_labels(markers, frame, LABEL_GAP, reserved, LABEL_SIDES)
    drawing.add(_markers(places, markers))
    for place, label in zip(places, labels, strict=True):
        if label is not None:
            drawing.add(_label_box(label_text(place), label.box, LABEL_SIZE))
    drawing.add(_legend(legend_box, legend_lines))
    if inset_box is not None:
        drawing.add(_inset(inset_box, data.places, project.extent))
    drawing.add(_scale(project, scale_box))
    drawing.add(_frame(frame))
    return drawing


def _window(core: Sequence[PlaceCluster], data: MapData, aspect: float) -> geo.Bounds:
    """The core places (their countries with them), else the shaded countries."""
    if core:
        bounds = geo.bounds_for((p.lat, p.lon) for p in core)
    else:
        bounds_of = geo.outline_bounds()
        boxes = [bounds_of[a.key][geo.mainland(a.key)] for a in data.areas]
        bounds = geo.bounds_for(
            [(b.south, b.west) for b in boxes] + [(b.north, b.east) for b in boxes]
        )
    return geo.fit_aspect(bounds, aspect)


# ------------------------------------------------------------------------------ the layers


def _clipped(frame: Box) -> Group:
    """A group whose contents are trimmed to ``frame``: polygons crossing the edge are drawn
    whole and the clip path (which renderPDF applies to the rest of the group) trims them."""
    group = Group()
    clip = Path(isClipPath=1, strokeColor=None, fillColor=None)
    clip.moveTo(frame.left, frame.bottom)
    clip.lineTo(frame.right, frame.bottom)
    clip.lineTo(frame.right, frame.top)
    clip.lineTo(frame.left, frame.top)
    clip.closePath()
    group.add(clip)
    return group


def _frame(frame: Box, colour: HexColor = FRAME) -> Rect:
    return _panel(frame, 1.0, colour, 0.6, fill=None)


def _land(
    project: geo.Projection, highlighted: set[str], areas: set[str], border: float = 0.5
) -> Group:
    group = Group()
    view = project.extent
    bounds_of = geo.outline_bounds()
    for key, rings in geo.load_outlines().items():
        fill = AREA if key in areas else LAND_OF_INTEREST if key in highlighted else LAND
        for ring, box in zip(rings, bounds_of[key], strict=True):
            if not view.intersects(box):
                continue  # wholly outside the window: not worth the bytes
            flat = [v for lon, lat in ring for v in project(lon, lat)]
            group.add(
                Polygon(
                    flat, fillColor=fill, strokeColor=BORDER, strokeWidth=border, strokeLineJoin=1
                )
            )
    return group


def _graticule(
    project: geo.Projection, width: float, bottom: float, top: float
) -> tuple[Group, Group]:
    """Faint lon/lat lines, and their labels along the left and top edges (the bottom
    holds the legend and the scale)."""
    group, labels = Group(), Group()
    view = project.extent
    step = geo.nice_step(max(view.lon_span, view.lat_span), 5)
    label_style = {"fontName": fonts.BODY_FONT, "fontSize": SMALL, "fillColor": MUTED_TEXT}
    lon = math.ceil(view.west / step) * step
    while lon <= view.east:
        x, _ = project(lon, 0)
        group.add(Line(x, bottom, x, top, strokeColor=GRID, strokeWidth=0.4))
        labels.add(String(x + 1.5, top - SMALL - 2, geo.degrees(lon, "E", "W"), **label_style))
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
    bounds_of = geo.outline_bounds()
    for key, rings in geo.load_outlines().items():
        n = geo.mainland(key)
        main, box = rings[n], bounds_of[key][n]
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
        if text_width(name, fonts.BODY_FONT, size) > 0.6 * (x1 - x0) or y1 - y0 < 3 * size:
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


def _dot(x: float, y: float, r: float, exact: bool) -> Circle:
    """Solid for an exact place, a ring for an approximate one."""
    if exact:
        return Circle(
            x, y, r, fillColor=MARKER, strokeColor=white, strokeWidth=0.8, fillOpacity=0.9
        )
    return Circle(
        x, y, r, fillColor=white, fillOpacity=0.55, strokeColor=MARKER, strokeWidth=min(2.0, r / 2)
    )


def _markers(places: Sequence[PlaceCluster], markers: Sequence[Marker]) -> Group:
    group = Group()
    # Big circles first, so small ones stay visible on top of them.
    for place, m in sorted(zip(places, markers, strict=True), key=lambda pm: -pm[1].radius):
        group.add(_dot(m.x, m.y, m.radius, place.exact))
    return group


def _label_box(text: str, box: Box, size: float) -> Group:
    group = Group()
    group.add(
        Rect(
            box.left,
            box.bottom,
            box.width,
            size + 2,
            rx=1,
            ry=1,
            fillColor=white,
            fillOpacity=0.8,
            strokeColor=None,
        )
    )
    line = visual_line(text, fonts.BOLD_FONT, size)
    group.add(
        String(
            box.left + 1.5,
            box.bottom + 2,
            line,
            fontName=fonts.BOLD_FONT,
            fontSize=size,
            fillColor=INK,
        )
    )
    return group


def _legend_lines(data: MapData, places: Sequence[PlaceCluster]) -> list[tuple[str, str]]:
    """(text, symbol) rows of the legend: only the symbols the map uses."""
    lines: list[tuple[str, str]] = []
    if any(p.exact for p in places):
        lines.append(("Exact place", "dot"))
    if any(not p.exact for p in places):
        lines.append(("Approximate place", "ring"))
    if data.areas:
        counted = sum(a.count for a in data.areas)
        lines.append((f"Country or province only ({counted:,})", "area"))
    if places:
        lines.append(("Size: incidents (n); +n: places nearby", "none"))
    return lines


def _panel(
    box: Box,
    opacity: float,
    stroke: HexColor | None = None,
    stroke_width: float = 0.3,
    fill: HexColor | None = white,
) -> Rect:
    """A see-through white background (the legend's, the scale's), or a frame."""
    return Rect(
        box.left,
        box.bottom,
        box.width,
        box.height,
        fillColor=fill,
        fillOpacity=opacity,
        strokeColor=stroke,
        strokeWidth=stroke_width,
    )


def _legend(box: Box, lines: list[tuple[str, str]]) -> Group:
    group = Group()
    group.add(_panel(box, 0.85, FRAME))
    y = box.bottom + box.height - 9.5
    for text, symbol in lines:
        cx, cy = box.left + 8, y + 2
        if symbol == "area":
            group.add(Rect(cx - 4, cy - 3, 8, 6, fillColor=AREA, strokeColor=None))
        elif symbol != "none":
            group.add(_dot(cx, cy, 3, symbol == "dot"))
        runs = fit_runs(text, fonts.BODY_FONT, LEGEND_SIZE, box.width - 18)
        x = box.left + 15 if symbol != "none" else box.left + 4
        for run in runs:
            group.add(
                String(x, y, run.text, fontName=run.font, fontSize=LEGEND_SIZE, fillColor=INK)
            )
            x += runs_width([run], LEGEND_SIZE)
        y -= 8.5
    return group


def _inset(box: Box, places: Sequence[PlaceCluster], main: geo.Bounds) -> Group:
    """Every place on a small map of the whole extent, the main map's window outlined."""
    points = [(p.lat, p.lon) for p in places]
    points += [(main.south, main.west), (main.north, main.east)]
    bounds = geo.fit_aspect(
        geo.bounds_for(points, padding=0.1, max_country_span=0), box.width / box.height
    )
    project = geo.Projection(bounds, box.left, box.bottom, box.width, box.height)
    group = _clipped(box)
    group.add(Rect(box.left, box.bottom, box.width, box.height, fillColor=SEA, strokeColor=None))
    group.add(_land(project, set(), set(), border=0.2))
    (x0, y0), (x1, y1) = project(main.west, main.south), project(main.east, main.north)
    group.add(Rect(x0, y0, x1 - x0, y1 - y0, fillColor=None, strokeColor=FRAME, strokeWidth=0.8))
    away = [p for p in places if not main.contains(p.lat, p.lon)]
    markers = [
        _marker(p, *project(p.lon, p.lat), min(4.0, marker_radius(p.count) / 2), SMALL)
        for p in away
    ]
    for place, m in zip(away, markers, strict=True):
        group.add(_dot(m.x, m.y, m.radius, place.exact))
    labels = place_labels(markers, box, LABEL_GAP, (), LABEL_SIDES)
    for place, label in zip(away, labels, strict=True):
        if label is not None:
            group.add(_label_box(label_text(place), label.box, SMALL))
    outer = Group()
    outer.add(group)
    outer.add(_frame(box, FRAME))
    return outer


def _scale(project: geo.Projection, box: Box) -> Group:
    """Scale bar and attribution, in the frame's bottom-right corner."""
    group = Group()
    km = geo.round_down(project.km_per_point * box.width * 0.35)
    bar = km / project.km_per_point
    style = {"fontName": fonts.BODY_FONT, "fontSize": SMALL, "fillColor": MUTED_TEXT}
    group.add(_panel(box, 0.75))
    right = box.left + box.width - 3
    y = box.bottom + 10
    group.add(Line(right - bar, y, right, y, strokeColor=FRAME, strokeWidth=0.8))
    for x in (right - bar, right - bar / 2, right):
        group.add(Line(x, y, x, y + 2.5, strokeColor=FRAME, strokeWidth=0.6))
    group.add(String(right - bar - 3, y - 0.5, f"{km:g} km", textAnchor="end", **style))
    group.add(String(right, box.bottom + 2, ATTRIBUTION, textAnchor="end", **style))
    return group
