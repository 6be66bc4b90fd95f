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
    Flowable,
    Frame,
    PageBreak,
    PageTemplate,
)

from desktop import domain
from desktop.reports import fonts
from desktop.reports.outline import (
    NumberedCanvas,
    SitrepDocTemplate,
)
from desktop.reports.sitrep_styles import (
    ACCENT,
    MUTED,
    RULE,
    sitrep_stylesheet,
)
from desktop.reports.sitrep_summary import SummaryPages
from desktop.reports.text import (
    draw_runs,
    fit_runs,
    line_runs,
    runs_width,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from reportlab.lib.styles import StyleSheet1
    from reportlab.pdfgen.canvas import Canvas

    from desktop.reports.sitrep_data import SitrepData

# Nothing in a report may make ReportLab fetch a file or a URL.
rl_config.trustedHosts = []
rl_config.trustedSchemes = []


class SitrepRenderer(SummaryPages):
    """Builds the PDF for one prepared report."""

    pagesize = A4
    left_margin = 18 * mm
    right_margin = 18 * mm
    banner_margin = 8 * mm  # page edge to marking banner
    banner_height = 18.0
    top_margin = banner_margin + banner_height + 8 * mm
    bottom_margin = banner_margin + banner_height + 14 * mm
    marking_size = 12.0  # TLP 2.0: 12 pt or larger

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
        if self.data.sharing_rule:  # what a recipient may do with it, on every page
            rule = fit_runs(self.data.sharing_rule, fonts.ITALIC_FONT, 7, self.content_width)
            draw_runs(canvas, self.left_margin, footer_y + 14, rule, 7)
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
        """Pages 1–2 the summary; then the significant incidents in full; then every
        incident on one line (Annex A), the sources (Annex B), the evidence (Annex C) and the
        key."""
        story: list[Flowable] = []
        story += self._summary()
        story.append(PageBreak())
        story += self._significant()
        story += self._annex_incidents()
        story += self._annex_sources()
        story += self._annex_evidence()
        story += self._key()
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
