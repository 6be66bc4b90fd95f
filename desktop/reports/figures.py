"""The SITREP's figures as drawings, one definition for every renderer.

The PDF places these ReportLab drawings in its story; the DOCX renders the same drawings
to PNG images. Sizes are in points.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop.reports import charts
from desktop.reports.mapchart import incident_map

if TYPE_CHECKING:
    from reportlab.graphics.shapes import Drawing

    from desktop.reports.sitrep_data import SitrepData

TIME_CHART_HEIGHT = 120.0
BAR_CHART_MAX_HEIGHT = 110.0  # more rows than fit are summed into "Other …"
BAR_CHART_GAP = 18.0
MAP_HEIGHT = 220.0


def time_chart(data: SitrepData, width: float, height: float = TIME_CHART_HEIGHT) -> Drawing:
    note = ""
    if data.not_by_day:
        note = f"{data.not_by_day} dated only to the week or month not shown"
    return charts.per_day_chart(data.timeline, width, height, note=note)


def bar_chart_height(data: SitrepData, width: float) -> float:
    """One height for the two bar charts side by side: the taller one's, capped."""
    needed = max(
        charts.bar_rows_height(data.per_type, width),
        charts.bar_rows_height(data.per_country, width),
    )
    return min(BAR_CHART_MAX_HEIGHT, needed)


def bar_charts(data: SitrepData, width: float) -> tuple[Drawing, Drawing]:
    """Incidents by type and by country, each ``width`` wide, of one height."""
    height = bar_chart_height(data, width)
    return (
        charts.per_type_chart(data.per_type, width, height),
        charts.per_country_chart(data.per_country, width, height),
    )


def map_drawing(data: SitrepData, width: float, height: float = MAP_HEIGHT) -> Drawing:
    return incident_map(data.map, width, height)
