"""The "Changes since the report of <DTG>" box, the line on page 1 and the NEW / UPDATED marks.

Flowables for :class:`desktop.reports.sitrep_changes.SitrepChanges`, built in the SITREP's
styles; every text from the workspace (titles, places) goes through ``make_paragraph``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table, TableStyle

from desktop.reports.outline import outlined
from desktop.reports.sitrep_changes import NEW, UPDATED
from desktop.reports.sitrep_styles import ACCENT, RULE, ZEBRA
from desktop.reports.text import make_paragraph, para_text

if TYPE_CHECKING:
    from reportlab.lib.styles import StyleSheet1
    from reportlab.platypus import Flowable

    from desktop.reports.sitrep_changes import ChangeGroup, SitrepChanges

MARK_COLOURS = {NEW: "#1B6E35", UPDATED: "#8A4B00"}
LABEL_WIDTH = 86.0


def mark_markup(mark: str, size: float = 8) -> str:
    """Paragraph markup for an entry's mark (`` NEW``), "" for none: append to a heading."""
    colour = MARK_COLOURS.get(mark)
    if colour is None:
        return ""
    return f" <font size='{size}' color='{colour}'><b>{para_text(mark)}</b></font>"


def changes_line(changes: SitrepChanges | None, styles: StyleSheet1) -> list[Flowable]:
    """One line for page 1: ``Since the report of 181200ZOCT23: 2 new, 1 updated…``."""
    if changes is None:
        return []
    return [make_paragraph(changes.summary + " Details before the incidents.", styles["Note"])]


def changes_box(changes: SitrepChanges | None, styles: StyleSheet1, width: float) -> list[Flowable]:
    """The box itself: what is new, updated and no longer in the report, each named."""
    if changes is None:
        return []
    heading = outlined(make_paragraph(changes.heading, styles["H1"]), "changes", changes.heading, 0)
    intro = make_paragraph(changes.basis, styles["Note"])
    rows: list[list[Any]] = []
    for label, group, marked in (
        ("New", changes.new, NEW),
        ("Updated", changes.updated, UPDATED),
        ("No longer in this report", changes.gone, ""),
    ):
        if group.total:
            rows.append([_label(label, group.total, marked, styles), _lines(group, marked, styles)])
    if changes.nothing_changed:
        rows.append(
            [
                _label("No change", 0, "", styles),
                [make_paragraph("No incident is new, updated or gone.", styles["Cell"])],
            ]
        )
    if changes.rest:
        rows.append(
            [_label("Otherwise", 0, "", styles), [make_paragraph(changes.rest, styles["Cell"])]]
        )
    table = Table(rows, colWidths=[LABEL_WIDTH, width - LABEL_WIDTH], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.8, ACCENT),
                ("BACKGROUND", (0, 0), (-1, -1), ZEBRA),
                ("LINEBELOW", (0, 0), (-1, -2), 0.4, RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 5),
                ("RIGHTPADDING", (0, 0), (-1, -1), 5),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return [KeepTogether([heading, intro, Spacer(1, 3)]), table, Spacer(1, 10)]


def _label(text: str, count: int, mark: str, styles: StyleSheet1) -> Paragraph:
    markup = f"<b>{para_text(text)}</b>"
    if count:
        markup += f" ({count:,})"
    if mark:
        markup = f"<font color='{MARK_COLOURS[mark]}'>{markup}</font>"
    return Paragraph(markup, styles["Cell"])


def _lines(group: ChangeGroup, mark: str, styles: StyleSheet1) -> list[Flowable]:
    cells = [make_paragraph(line.text, styles["Cell"]) for line in group.lines]
    if group.more:
        where = f", marked {mark} in the incidents" if mark else ""
        cells.append(make_paragraph(f"… and {group.more:,} more{where}.", styles["Note"]))
    return cells
