"""The SITREP as a PDF: a renderer in the style of pretix's invoice renderer.

Page geometry lives in class attributes, styles in ``_get_stylesheet()``, the marking banners
and footer in ``onPage`` hooks, "Page X of Y" in a two-pass numbered canvas, and the content
in ``_get_story()``. It takes a prepared ``SitrepData`` and never opens the database. Every
user string reaches ReportLab through ``make_paragraphs`` (free text of any length: summaries,
key points, the assessment), ``make_paragraph``/``para_text`` (short fields) or
``line_runs``/``fit_runs`` (lines drawn on the canvas, emoji in their own font).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from desktop import domain
from desktop.reports import charts, fonts
from desktop.reports.mapchart import incident_map
from desktop.reports.outline import (
    EndOfPart,
    NumberedCanvas,
    SitrepDocTemplate,
    opens,
    outlined,
)
from desktop.reports.sitrep_changes_pdf import changes_box, changes_line, mark_markup
from desktop.reports.sitrep_styles import (
    ACCENT,
    HEADER_FILL,
    MUTED,
    RULE,
    ZEBRA,
    sitrep_stylesheet,
)
from desktop.reports.text import (
    draw_runs,
    fit_runs,
    line_runs,
    make_paragraph,
    make_paragraphs,
    para_text,
    runs_width,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from reportlab.lib.styles import StyleSheet1
    from reportlab.pdfgen.canvas import Canvas

    from desktop.reports.sitrep_data import IncidentEntry, KeyEntry, SitrepData

# Nothing in a report may make ReportLab fetch a file or a URL.
rl_config.trustedHosts = []
rl_config.trustedSchemes = []


class SitrepRenderer:
    """Builds the PDF for one prepared report."""

    pagesize = A4
    left_margin = 18 * mm
    right_margin = 18 * mm
    banner_margin = 8 * mm  # page edge to marking banner
    banner_height = 18.0
    top_margin = banner_margin + banner_height + 8 * mm
    bottom_margin = banner_margin + banner_height + 14 * mm
    marking_size = 12.0  # TLP 2.0: 12 pt or larger
    map_height = 235.0
    chart_height = 122.0

    def __init__(self, data: SitrepData) -> None:
        self.data = data
        self.page_width, self.page_height = self.pagesize
        self.content_width = self.page_width - self.left_margin - self.right_margin
        fonts.register_fonts()
        self.styles = self._get_stylesheet()

    # ------------------------------------------------------------------ styles and templates

    def _get_stylesheet(self) -> StyleSheet1:
        return sitrep_stylesheet()

    def _get_templates(self) -> list[PageTemplate]:
        frame = Frame(
            self.left_margin,
            self.bottom_margin,
            self.content_width,
            self.page_height - self.top_margin - self.bottom_margin,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id="body",
        )
        return [PageTemplate(id="page", frames=[frame], onPage=self._on_page)]

    # ---------------------------------------------------------------------- page decoration

    def _on_page(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        canvas.saveState()
        top = self.page_height - self.banner_margin - self.banner_height
        self._draw_marking(canvas, top)
        self._draw_marking(canvas, self.banner_margin)
        footer_y = self.banner_margin + self.banner_height + 8
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(
            self.left_margin, footer_y + 10, self.page_width - self.right_margin, footer_y + 10
        )
        canvas.setFillColor(MUTED)
        left = f"Generated {self.data.generated}"
        if self.data.filter_text:
            left += f" · Filter: {self.data.filter_text}"
        room = self.content_width - 70  # leave the right end to 'Page X of Y'
        line = fit_runs(left, fonts.BODY_FONT, 8, room)
        draw_runs(canvas, self.left_margin, footer_y, line, 8)
        continuing = getattr(doc, "continuing", None)
        if continuing:  # the page would otherwise open on a bare row of someone's table
            head = fit_runs(continuing, fonts.BOLD_FONT, 9, self.content_width)
            canvas.setFillColor(ACCENT)
            draw_runs(canvas, self.left_margin, self.page_height - self.top_margin + 7, head, 9)
        canvas.restoreState()

    def _draw_marking(self, canvas: Canvas, y: float) -> None:
        marking = self.data.marking
        right = self.page_width - self.right_margin
        if marking in domain.TLP_LABELS:  # the label in its colour on black, right-aligned
            size = self.marking_size
            width = canvas.stringWidth(marking, fonts.BOLD_FONT, size) + 12
            canvas.setFillColor(colors.black)
            canvas.rect(right - width, y, width, self.banner_height, stroke=0, fill=1)
            canvas.setFillColor(colors.HexColor(domain.TLP_COLOURS[marking]))
            canvas.setFont(fonts.BOLD_FONT, size)
            canvas.drawRightString(right - 6, y + (self.banner_height - size) / 2 + 2, marking)
            return
        # A classification line: white on a full-width black bar, centred, shrunk to fit.
        canvas.setFillColor(colors.black)
        canvas.rect(self.left_margin, y, self.content_width, self.banner_height, stroke=0, fill=1)
        size = self.marking_size
        line = line_runs(marking, fonts.BOLD_FONT, size)
        while size > 6 and runs_width(line, size) > self.content_width - 12:
            size -= 0.5
            line = line_runs(marking, fonts.BOLD_FONT, size)
        canvas.setFillColor(colors.white)
        width = runs_width(line, size)
        x = self.left_margin + (self.content_width - width) / 2
        draw_runs(canvas, x, y + (self.banner_height - size) / 2 + 2, line, size)

    # ------------------------------------------------------------------------------ the story

    def _get_story(self) -> list[Flowable]:
        story: list[Flowable] = []
        story += self._front_page()
        story.append(PageBreak())
        story += changes_box(self.data.changes, self.styles, self.content_width)
        story += self._incidents()
        story += self._assessment()
        story += self._sources()
        story += self._key()
        return story

    def _heading(self, text: str, key: str, level: int = 0) -> Flowable:
        style = self.styles["H1"] if level == 0 else self.styles["H2"]
        return outlined(make_paragraph(text, style), key, text, level)

    def _table(
        self, rows: list[list[Any]], widths: list[float], header: bool = True, zebra: bool = True
    ) -> Table:
        table = Table(rows, colWidths=widths, repeatRows=1 if header else 0, hAlign="LEFT")
        commands: list[tuple[Any, ...]] = [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
        ]
        if header:
            commands += [
                ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, ACCENT),
            ]
        if zebra:
            start = 1 if header else 0
            for row in range(start + 1, len(rows), 2):
                commands.append(("BACKGROUND", (0, row), (-1, row), ZEBRA))
        table.setStyle(TableStyle(commands))
        return table

    def _cell(self, text: str) -> Flowable:
        return make_paragraph(text, self.styles["Cell"])

    def _head(self, text: str) -> Paragraph:
        return Paragraph(para_text(text), self.styles["CellHead"])

    # -- page 1

    def _front_page(self) -> list[Flowable]:
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
        if d.marking_raised:
            story.append(Spacer(1, 3))
            story.append(make_paragraph(d.marking_note, s["Note"]))
        story.append(Spacer(1, 6))
        story.append(make_paragraph("Key points", s["H2"]))
        if d.key_points:
            for point in d.key_points:
                story += make_paragraphs(point, s["Bullet"], bullet="•")
        else:
            story.append(make_paragraph("No key points were given.", s["Note"]))
        story += changes_line(d.changes, s)
        story.append(Spacer(1, 8))
        story.append(self._figures())
        story.append(Spacer(1, 10))
        story.append(self._charts())
        if not d.incidents:  # an empty map would only say so at length
            return story
        story.append(Spacer(1, 8))
        story.append(incident_map(list(d.map_points), self.content_width, self.map_height))
        located = len(d.map_points)
        if d.incidents and located < len(d.incidents):
            story.append(
                make_paragraph(
                    f"Map: {located} of {len(d.incidents)} incidents have a known location; "
                    "numbers match the incident list.",
                    s["Note"],
                )
            )
        elif d.incidents:
            story.append(make_paragraph("Map numbers match the incident list.", s["Note"]))
        return story

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
        d = self.data
        gap = 18.0
        width = (self.content_width - gap) / 2
        note = ""
        if d.not_by_day:
            note = f"{d.not_by_day} dated only to the week or month not shown"
        day = charts.per_day_chart(d.timeline, width, self.chart_height, note=note)
        kind = charts.per_type_chart(d.per_type, width, self.chart_height)
        table = Table([[day, "", kind]], colWidths=[width, gap, width])
        table.setStyle(
            TableStyle(
                [
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                ]
            )
        )
        return table

    # -- incidents

    def _incidents(self) -> list[Flowable]:
        d = self.data
        story: list[Flowable] = [self._heading("Incidents", "incidents")]
        if not d.incidents:
            story.append(
                make_paragraph("No incidents match this report's filter.", self.styles["Body"])
            )
            return story
        for entry in d.incidents:
            story += self._incident(entry)
        return story

    def _incident(self, e: IncidentEntry) -> list[Flowable]:
        s = self.styles
        heading = self._heading(f"{e.number}. {e.title}", f"incident-{e.number}", level=1)
        if e.mark:  # NEW / UPDATED since the report compared with (sitrep_changes_pdf)
            marked = Paragraph(para_text(f"{e.number}. {e.title}") + mark_markup(e.mark), s["H2"])
            heading = outlined(marked, f"incident-{e.number}", f"{e.number}. {e.title}", 1)
        opens(heading, f"Incident {e.number} (continued) · {e.title}")
        rows: list[list[Any]] = []

        def row(label: str, value: Flowable) -> None:
            rows.append([Paragraph(para_text(label), s["Label"]), value])

        row("When", self._cell(e.when))
        place = e.place + (f" ({e.place_precision.lower()})" if e.place_precision else "")
        if not e.located:
            place += " — not on the map"
        row("Where", self._cell(place))
        row("Type", self._cell(e.type_text))
        if e.actors:
            markup = "<br/>".join(
                f"<font color='#5F5F5F'>{para_text(label)}:</font> {para_text(names)}"
                for label, names in e.actors
            )
            row("Actors", Paragraph(markup, s["Cell"]))
        row("Casualties", self._cell(e.casualties))
        judgement = f"{e.status} · {e.confidence}"
        if e.likelihood:
            judgement += f" · assessed {e.likelihood}"
        row("Status", self._cell(judgement))
        row("Marking", self._cell(e.marking))
        facts = self._table(rows, [78.0, self.content_width - 78.0], header=False, zebra=False)
        story: list[Flowable] = [CondPageBreak(120), KeepTogether([heading, facts])]
        if e.summary:
            story.append(Spacer(1, 5))
            story += make_paragraphs(e.summary, s["Body"])
        if e.citations:
            header = [self._head("Source"), self._head("Grade"), self._head("Excerpt")]
            cite_rows: list[list[Any]] = [header]
            for c in e.citations:
                grade = Paragraph(
                    f"<b>{para_text(c.grade)}</b><br/><font size='7' color='#5F5F5F'>"
                    f"{para_text(c.grade_words)}</font>",
                    s["Cell"],
                )
                cite_rows.append([self._cell(c.source), grade, self._cell(c.excerpt or "—")])
            widths = [120.0, 92.0, self.content_width - 212.0]
            story.append(Spacer(1, 4))
            story.append(self._table(cite_rows, widths))
        else:
            story.append(make_paragraph("No sources cited.", s["Note"]))
        story += [EndOfPart(), Spacer(1, 8)]
        return story

    # -- assessment, sources, key

    def _assessment(self) -> list[Flowable]:
        d, s = self.data, self.styles
        story: list[Flowable] = [
            CondPageBreak(80),
            self._heading("Assessment and outlook", "assessment"),
        ]
        if d.assessment:
            story += make_paragraphs(d.assessment, s["Body"])
        else:
            story.append(make_paragraph("No assessment was written for this report.", s["Note"]))
        words = [f"{c} confidence" for c in d.assessment_confidences]
        note = "Estimative words follow ICD 203; analytic confidence as defined in the key"
        note += f" (stated here: {', '.join(words)})." if words else "."
        story.append(make_paragraph(note, s["Note"]))
        return story

    def _sources(self) -> list[Flowable]:
        d = self.data
        story: list[Flowable] = [CondPageBreak(80), self._heading("Sources", "sources")]
        if not d.sources:
            story.append(make_paragraph("No sources are cited.", self.styles["Body"]))
            return story
        rows: list[list[Any]] = [
            [
                self._head("Source"),
                self._head("Reliability"),
                self._head("Kind"),
                self._head("Cited"),
            ]
        ]
        for src in d.sources:
            rows.append(
                [
                    self._cell(src.name),
                    self._cell(f"{src.reliability} — {src.reliability_label}"),
                    self._cell(src.kind),
                    self._cell(str(src.citations)),
                ]
            )
        w = self.content_width
        story.append(self._table(rows, [w - 262.0, 160.0, 66.0, 36.0]))
        return story

    def _key_table(
        self,
        title: str,
        entries: tuple[KeyEntry, ...],
        term_head: str,
        label_head: str | None,
        term_width: float = 110.0,
        meaning_head: str = "Meaning",
    ) -> list[Flowable]:
        if not entries:
            return []
        rows: list[list[Any]] = []
        if label_head is None:
            rows.append([self._head(term_head), self._head(meaning_head)])
            rows += [[self._cell(e.term), self._cell(e.meaning)] for e in entries]
            widths = [term_width, self.content_width - term_width]
        else:
            rows.append([self._head(term_head), self._head(label_head), self._head(meaning_head)])
            rows += [
                [self._cell(e.term), self._cell(e.label), self._cell(e.meaning)] for e in entries
            ]
            widths = [term_width, 135.0, self.content_width - term_width - 135.0]
        return [KeepTogether([make_paragraph(title, self.styles["H2"]), self._table(rows, widths)])]

    def _key(self) -> list[Flowable]:
        k = self.data.key
        story: list[Flowable] = [
            CondPageBreak(260),
            self._heading("Key to grades and words", "key"),
        ]
        story.append(
            make_paragraph(
                "Grades follow the Admiralty (NATO AJP-2.1) system: a letter for the source's "
                "reliability and a digit for the credibility of the information, e.g. B2.",
                self.styles["Body"],
            )
        )
        story += self._key_table("Source reliability", k.reliability, "Code", "Label", 36.0)
        story += self._key_table("Information credibility", k.credibility, "Code", "Label", 36.0)
        story += self._key_table("Incident status", k.statuses, "Status", None)
        story += self._key_table("Analytic confidence", k.confidences, "Confidence", None)
        story += self._key_table(
            "Estimative language (ICD 203)",
            k.likelihoods,
            "Term",
            "Also written",
            meaning_head="Probability",
        )
        return story

    # ----------------------------------------------------------------------------- building

    def render(
        self, out: Path | BinaryIO, on_progress: Callable[[str, int], None] | None = None
    ) -> int:
        d = self.data
        target: Any = str(out) if isinstance(out, Path) else out
        doc = SitrepDocTemplate(
            target,
            pagesize=self.pagesize,
            leftMargin=self.left_margin,
            rightMargin=self.right_margin,
            topMargin=self.top_margin,
            bottomMargin=self.bottom_margin,
            title=d.title,
            author=d.author or d.organisation,
            subject=f"Situation report, {d.period}, as of {d.as_of}",
            keywords=["SITREP", d.marking],
            creator="Incident Desk",
            producer="Incident Desk (ReportLab)",
            lang="en",
        )
        doc.addPageTemplates(self._get_templates())
        if on_progress is not None:
            doc.setProgressCallBack(on_progress)
        page_x = self.page_width - self.right_margin
        page_y = self.banner_margin + self.banner_height + 8

        def canvasmaker(*args: Any, **kwargs: Any) -> NumberedCanvas:
            return NumberedCanvas(*args, page_x=page_x, page_y=page_y, **kwargs)

        doc.build(self._get_story(), canvasmaker=canvasmaker)
        return int(doc.page)


def render_sitrep(
    data: SitrepData,
    out: Path | BinaryIO,
    on_progress: Callable[[str, int], None] | None = None,
) -> int:
    """Write the PDF for ``data`` to a path or a binary file; returns the number of pages.

    ``on_progress`` receives ReportLab's build progress as ``(kind, value)``: "SIZE_EST" (the
    flowables in the story), "PROGRESS" (flowables laid out so far), "PAGE" (a page finished),
    "STARTED", "FINISHED". An exception it raises stops the build: that is how a cancelled
    export unwinds.
    """
    if isinstance(out, Path):
        out.parent.mkdir(parents=True, exist_ok=True)
    return SitrepRenderer(data).render(out, on_progress)
