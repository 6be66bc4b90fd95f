"""The SITREP's summary pages (1–2), the only ones many will read.

Title, period and cut-off; what the marking is and why (raised by which incidents, or the
incidents withheld from a releasable version); the analyst's key points; headline figures,
charts and map; what changed since the last report (when that is known); the key judgements
table (ICD 203) and the assessment. ``SummaryPages`` builds them for the renderer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from desktop.reports import figures
from desktop.reports import sitrep_words as words
from desktop.reports.outline import outlined
from desktop.reports.sitrep_sections import SitrepSections, incident_key
from desktop.reports.sitrep_styles import ACCENT, RULE, ZEBRA
from desktop.reports.text import make_paragraph, make_paragraphs, para_text

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from reportlab.graphics.shapes import Drawing

    from desktop.reports.sitrep_judgements import JudgementRow


class FitDrawing(Flowable):
    """A drawing as tall as the frame has room for, between ``least`` and ``most`` points:
    the map takes what page 1 leaves (the page stands alone), or its full height on the next
    page when less than ``least`` is left. ``room_below`` is kept for the line under it.

    ``then`` is what follows it on the summary pages (changes, judgements, assessment). When
    all of it fits under a map no lower than ``least``, the map leaves it the room: a short
    report's summary ends on page 1 instead of spilling a few lines onto a page of their own.
    When it does not all fit, the map takes its room and the rest starts the next page.
    """

    def __init__(
        self,
        make: Callable[[float], Drawing],
        least: float = 150.0,
        most: float = figures.MAP_HEIGHT,
        room_below: float = 20.0,
        then: Sequence[Flowable] = (),
    ) -> None:
        super().__init__()
        self._make, self._least, self._most, self._below = make, least, most, room_below
        self._then = then
        self._drawing: Drawing | None = None

    def _then_height(self, width: float) -> float:
        """The room what follows needs: its height, and at a conditional break at least the
        height that break asks for (else it would start a page after all)."""
        height = 0.0
        for flowable in reversed(self._then):
            if isinstance(flowable, CondPageBreak):
                height = max(height, flowable.height)
                continue
            height += flowable.wrapOn(self.canv, width, _UNBOUNDED)[1]
            height += flowable.getSpaceBefore() + flowable.getSpaceAfter()
        return height

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        room = avail_height - self._below
        if self._then:
            left = room - self._then_height(avail_width)
            if left >= self._least:
                room = left
        height = max(self._least, min(self._most, room))
        if self._drawing is None or self._drawing.height != height:
            self._drawing = self._make(height)
        return self._drawing.width, height

    def draw(self) -> None:
        if self._drawing is not None:
            self._drawing.drawOn(self.canv, 0, 0)


# Height offered to a flowable measured for its natural height.
_UNBOUNDED = 1e6


class SummaryPages(SitrepSections):
    """Story builders for pages 1–2."""

    def _summary(self) -> list[Flowable]:
        """Pages 1–2: the front page, then the changes, judgements and assessment, which the
        map leaves room for when they are short (see :class:`FitDrawing`)."""
        rest = [*self._changes(), *self._judgements(), *self._assessment()]
        return [*self._front_page(then=rest), *rest]

    def _front_page(self, then: Sequence[Flowable] = ()) -> list[Flowable]:
        d, s = self.data, self.styles
        story: list[Flowable] = [
            outlined(make_paragraph(d.title, s["Title"]), "summary", "Summary", 0)
        ]
        meta = [f"Period: {d.period}", f"As of {d.as_of} ({d.as_of_basis})"]
        by = " · ".join(part for part in (d.author, d.organisation) if part)
        if by:
            meta.append(f"Prepared by {by}")
        for line in meta:
            story.append(make_paragraph(line, s["Meta"]))
        if d.withheld_note:
            story.append(Spacer(1, 3))
            story.append(make_paragraph(d.withheld_note, s["Rule"]))
        if d.marking_raised:
            story.append(Spacer(1, 3))
            story.append(make_paragraph(d.marking_note, s["Note"]))
        story.append(Spacer(1, 6))
        story.append(make_paragraph("Key points", s["H2"]))
        if d.key_points:
            for point in d.key_points:
                story += make_paragraphs(point, s["Bullet"], bullet="•")
        else:
            story.append(make_paragraph(words.NO_KEY_POINTS, s["Note"]))
        if pointer := words.changes_pointer(d):  # the box follows the map
            story.append(make_paragraph(pointer, s["Note"]))
        story.append(Spacer(1, 8))
        story.append(self._figures())
        story.append(Spacer(1, 10))
        story.append(self._charts())
        if d.annex:  # an empty map would only say so at length
            story += self._map(then)
        return story

    def _map(self, then: Sequence[Flowable]) -> list[Flowable]:
        d = self.data
        note = make_paragraph(d.map.note, self.styles["Note"])
        # No KeepTogether: it would measure the map at the whole height left, and push it
        # to page 2; the map leaves room for its line itself.
        return [
            Spacer(1, 8),
            FitDrawing(lambda h: figures.map_drawing(d, self.content_width, h), then=then),
            note,
        ]

    def _figures(self) -> Table:
        h, s = self.data.headline, self.styles
        status = " · ".join(f"{word} {n}" for word, n in h.by_status) or "—"
        cells = [
            (f"{h.incidents:,}", "", "Incidents"),
            (h.killed.figure, h.killed.note, "Killed"),
            (h.injured.figure, h.injured.note, "Injured"),
        ]
        top: list[Flowable] = []
        for value, note, _ in cells:
            markup = para_text(value)
            if note:  # how many incidents give no count, right under the sum
                markup += f"<br/><font size='7.5' color='#5F5F5F'>{para_text(note)}</font>"
            top.append(Paragraph(markup, s["FigureWords"] if note else s["Figure"]))
        top.append(Paragraph(para_text(status), s["FigureText"]))
        bottom = [Paragraph(para_text(label), s["FigureLabel"]) for _, _, label in cells]
        bottom.append(Paragraph("By status", s["FigureLabel"]))
        col = self.content_width * 0.17
        table = Table([top, bottom], colWidths=[col, col, col, self.content_width - 3 * col])
        table.setStyle(
            TableStyle(
                [
                    ("BOX", (0, 0), (-1, -1), 0.6, RULE),
                    ("LINEBEFORE", (1, 0), (-1, -1), 0.4, RULE),
                    ("BACKGROUND", (0, 0), (-1, -1), ZEBRA),
                    ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
                    ("TOPPADDING", (0, 0), (-1, 0), 7),
                    ("BOTTOMPADDING", (0, 1), (-1, 1), 6),
                    ("ALIGN", (3, 0), (3, -1), "CENTER"),
                ]
            )
        )
        return table

    def _charts(self) -> Table:
        """The time chart across the page; by type and by country side by side under it."""
        d, gap = self.data, figures.BAR_CHART_GAP
        width = (self.content_width - gap) / 2
        by_type, by_country = figures.bar_charts(d, width)
        rows = [
            [figures.time_chart(d, self.content_width), "", ""],
            [by_type, "", by_country],
        ]
        table = Table(rows, colWidths=[width, gap, width])
        table.setStyle(
            TableStyle(
                [
                    ("SPAN", (0, 0), (-1, 0)),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 1), (-1, 1), 8),
                ]
            )
        )
        return table

    # ------------------------------------------------------------------- page 2

    def _changes(self) -> list[Flowable]:
        box = self.data.changes
        if box is None:
            return []
        s = self.styles
        # One row a line, so that a long box splits across pages; its heading stays with it.
        rows = [
            [make_paragraphs(line, s["Bullet"], bullet="•")]
            for line in box.lines or (words.NOTHING_CHANGED,)
        ]
        table = Table(rows, colWidths=[self.content_width])
        table.setStyle(
            TableStyle(
                [
                    ("BOX", (0, 0), (-1, -1), 0.8, ACCENT),
                    ("BACKGROUND", (0, 0), (-1, -1), ZEBRA),
                    ("LEFTPADDING", (0, 0), (-1, -1), 8),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 8),
                    ("TOPPADDING", (0, 0), (-1, -1), 1),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                    ("TOPPADDING", (0, 0), (-1, 0), 5),
                    ("BOTTOMPADDING", (0, -1), (-1, -1), 5),
                ]
            )
        )
        heading = self._heading(box.title, "changes", level=1)
        return [CondPageBreak(80), KeepTogether([heading, table])]

    def _judgements(self) -> list[Flowable]:
        d, s = self.data, self.styles
        if not d.judgements:
            return []
        rows: list[list[Any]] = [
            [Paragraph(para_text(h), s["SmallHead"]) for h in words.JUDGEMENT_HEADS]
        ]
        rows += [self._judgement_row(j) for j in d.judgements]
        widths = [self.content_width * share for share in words.JUDGEMENT_WIDTHS]
        return [
            CondPageBreak(140),
            self._heading("Key judgements", "judgements", level=1),
            self._table(rows, widths),
            make_paragraph(words.JUDGEMENTS_NOTE, s["Note"]),
        ]

    def _judgement_row(self, j: JudgementRow) -> list[Flowable]:
        s = self.styles["SmallCell"]
        likelihood = para_text(j.likelihood)
        if j.likelihood_range:
            likelihood += f"<br/><font color='#5F5F5F'>{para_text(j.likelihood_range)}</font>"
        basis = [
            # An incident printed in full links to its entry.
            f"<a href='#{incident_key(b.number)}' color='#1F3F63'>{para_text(b.text)}</a>"
            if b.full
            else para_text(b.text)
            for b in j.basis
        ]
        if j.missing or not j.basis:
            basis.append(f"<i>{para_text(j.missing_text or j.basis_text)}</i>")
        return [
            make_paragraph(j.text, s),
            Paragraph(likelihood, s),
            make_paragraph(j.confidence, s),
            Paragraph("<br/>".join(basis), s),
            make_paragraph(j.assumption or "—", s),
            make_paragraph(j.indicator or "—", s),
        ]

    def _assessment(self) -> list[Flowable]:
        d, s = self.data, self.styles
        story: list[Flowable] = [
            CondPageBreak(80),
            self._heading("Assessment and outlook", "assessment", level=1),
        ]
        if d.assessment:
            story += make_paragraphs(d.assessment, s["Body"])
        else:
            story.append(make_paragraph(words.NO_ASSESSMENT, s["Note"]))
        story.append(make_paragraph(words.assessment_note(d), s["Note"]))
        return story
