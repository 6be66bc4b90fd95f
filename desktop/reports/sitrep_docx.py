"""The SITREP as an editable Word document: a second renderer over the same ``SitrepData``.

For analysts who must edit a brief before release. It follows ``sitrep_pdf.py`` section by
section (same order, same tables, same words) and differs only where Word does the work:
headings are Word headings (the navigation pane and a table of contents find them), the
marking is in every page's header and footer, "Page X of Y" are fields, and the charts and
the map are the PDF's own drawings as PNG images.

Text reaches python-docx as text, never as markup, so ``<&>`` needs no escaping here; only
characters XML cannot hold at all (control characters) are dropped, since lxml refuses them.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from reportlab.graphics import renderPDF

from desktop import domain
from desktop.reports import figures, fonts
from desktop.reports.bidi import first_strong_is_rtl

if TYPE_CHECKING:
    from docx.document import Document as DocumentObject
    from docx.section import _Footer, _Header
    from docx.table import Table
    from docx.text.paragraph import Paragraph
    from reportlab.graphics.shapes import Drawing

    from desktop.reports.sitrep_data import IncidentEntry, KeyEntry, SitrepData

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
MUTED = RGBColor(0x5F, 0x5F, 0x5F)
IMAGE_DPI = 200


def clean(text: str) -> str:
    """``text`` without the characters an XML document cannot hold."""
    return _NOT_XML.sub("", text)


def drawing_png(drawing: Drawing, dpi: int = IMAGE_DPI) -> bytes:
    """A ReportLab drawing as PNG: renderPM when its backend is installed, else drawn to a
    one-page PDF and rasterised with pypdfium2 (renderPM needs rlPyCairo, not locked)."""
    from reportlab.graphics import renderPM

    try:
        return bytes(renderPM.drawToString(drawing, fmt="PNG", dpi=dpi))
    except (ImportError, renderPM.RenderPMError):  # no backend: renderPM says so thus
        import pypdfium2  # type: ignore[import-untyped]  # ships no type hints

        pdf = pypdfium2.PdfDocument(renderPDF.drawToString(drawing))
        try:
            image = pdf[0].render(scale=dpi / 72).to_pil()
        finally:
            pdf.close()
        out = io.BytesIO()
        image.save(out, format="PNG")
        return out.getvalue()


class SitrepDocxRenderer:
    """Builds the DOCX for one prepared report."""

    page_width = Mm(210)
    page_height = Mm(297)
    margin = Mm(18)
    content_width_pt = 210 / 25.4 * 72 - 2 * 18 / 25.4 * 72

    def __init__(self, data: SitrepData) -> None:
        self.data = data
        fonts.register_fonts()
        self.doc: DocumentObject = Document()

    # ------------------------------------------------------------------------ small pieces

    def _para(self, text: str = "", style: str | None = None, muted: bool = False) -> Paragraph:
        paragraph = self.doc.add_paragraph(style=style)
        if text:
            run = paragraph.add_run(clean(text))
            if muted:
                run.font.color.rgb = MUTED
                run.italic = True
        self._direction(paragraph, text)
        return paragraph

    @staticmethod
    def _direction(paragraph: Paragraph, text: str) -> None:
        """A paragraph that starts in Arabic reads right to left, as in the PDF."""
        if first_strong_is_rtl(text):
            paragraph.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            ppr = paragraph._p.get_or_add_pPr()
            ppr.append(OxmlElement("w:bidi"))

    def _paragraphs(self, text: str, style: str | None = None) -> None:
        """Free text, one Word paragraph per paragraph of it (blank lines between)."""
        for block in re.split(r"\n\s*\n", text.strip()):
            if block.strip():
                self._para(block.strip(), style)

    def _heading(self, text: str, level: int) -> Paragraph:
        heading = self.doc.add_heading(clean(text), level)
        self._direction(heading, text)
        return heading

    def _table(self, rows: list[list[str]], widths: list[float], header: bool = True) -> Table:
        table = self.doc.add_table(rows=len(rows), cols=len(widths))
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        table.autofit = False
        for column, width in zip(table.columns, widths, strict=True):
            column.width = Pt(width)  # the grid LibreOffice reads; Word reads the cells'
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                cell = table.cell(r, c)
                cell.width = Pt(widths[c])
                paragraph = cell.paragraphs[0]
                run = paragraph.add_run(clean(value))
                run.font.size = Pt(8.5)
                if header and r == 0:
                    run.bold = True
                self._direction(paragraph, value)
        if header:  # repeated at the top of every page the table runs onto
            tr_pr = table.rows[0]._tr.get_or_add_trPr()
            tr_pr.append(OxmlElement("w:tblHeader"))
        self.doc.add_paragraph()
        return table

    def _picture(self, drawing: Drawing) -> None:
        width = Pt(drawing.width)
        self.doc.add_picture(io.BytesIO(drawing_png(drawing)), width=width)

    # ----------------------------------------------------------------- header and footer

    def _marking_run(self, paragraph: Paragraph) -> None:
        marking = self.data.marking
        run = paragraph.add_run(clean(f" {marking} "))
        run.bold = True
        run.font.size = Pt(12)  # TLP 2.0: 12 pt or larger
        colour = domain.TLP_COLOURS.get(marking, "#FFFFFF")
        run.font.color.rgb = RGBColor.from_string(colour.lstrip("#").upper())
        shade = OxmlElement("w:shd")  # the label on black, as TLP asks
        shade.set(qn("w:val"), "clear")
        shade.set(qn("w:color"), "auto")
        shade.set(qn("w:fill"), "000000")
        run._r.get_or_add_rPr().append(shade)
        tlp = marking in domain.TLP_LABELS
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT if tlp else WD_ALIGN_PARAGRAPH.CENTER

    @staticmethod
    def _field(paragraph: Paragraph, code: str) -> None:
        """A Word field (PAGE, NUMPAGES) that Word fills in when it lays out the pages."""
        field = OxmlElement("w:fldSimple")
        field.set(qn("w:instr"), code)
        run = OxmlElement("w:r")
        properties = OxmlElement("w:rPr")
        size = OxmlElement("w:sz")
        size.set(qn("w:val"), "16")  # 8 pt, as the rest of the footer line
        properties.append(size)
        run.append(properties)
        text = OxmlElement("w:t")
        text.text = "1"
        run.append(text)
        field.append(run)
        paragraph._p.append(field)

    def _decorate(self, header: _Header, footer: _Footer) -> None:
        self._marking_run(header.paragraphs[0])
        line = footer.paragraphs[0]
        left = f"Generated {self.data.generated}"
        if self.data.filter_text:
            left += f" · Filter: {self.data.filter_text}"
        run = line.add_run(clean(left) + "\t")
        run.font.size = Pt(8)
        run.font.color.rgb = MUTED
        run = line.add_run("Page ")
        run.font.size = Pt(8)
        self._field(line, "PAGE")
        line.add_run(" of ").font.size = Pt(8)
        self._field(line, "NUMPAGES")
        self._marking_run(footer.add_paragraph())

    # ------------------------------------------------------------------------- the story

    def _front_page(self) -> None:
        d = self.data
        self._heading(d.title, 0)
        self._para(f"Period: {d.period}")
        self._para(f"As of {d.as_of} ({d.as_of_basis})")
        by = " · ".join(part for part in (d.author, d.organisation) if part)
        if by:
            self._para(f"Prepared by {by}")
        if d.marking_raised:
            self._para(d.marking_note, muted=True)
        self._heading("Key points", 2)
        if d.key_points:
            for point in d.key_points:
                self._para(point, "List Bullet")
        else:
            self._para("No key points were given.", muted=True)
        h = d.headline
        status = " · ".join(f"{word} {n}" for word, n in h.by_status) or "—"
        self._table(
            [
                ["Incidents", "Killed", "Injured", "By status"],
                [f"{h.incidents:,}", h.killed.text, h.injured.text, status],
            ],
            [70.0, 110.0, 110.0, self.content_width_pt - 290.0],
        )
        width = self.content_width_pt
        self._picture(figures.time_chart(d, width))
        pair = figures.bar_charts(d, (width - figures.BAR_CHART_GAP) / 2)
        side_by_side = self.doc.add_table(rows=1, cols=2)  # no style: no borders
        for cell, drawing in zip(side_by_side.rows[0].cells, pair, strict=True):
            run = cell.paragraphs[0].add_run()
            run.add_picture(io.BytesIO(drawing_png(drawing)), width=Pt(drawing.width))
        if d.incidents:
            self._picture(figures.map_drawing(d, width))
            self._para(d.map.note, muted=True)

    def _incidents(self) -> None:
        d = self.data
        self._heading("Incidents", 1)
        if not d.incidents:
            self._para("No incidents match this report's filter.")
        for entry in d.incidents:
            self._incident(entry)

    def _incident(self, e: IncidentEntry) -> None:
        self._heading(f"{e.number}. {e.title}", 2)
        place = e.place + (f" ({e.place_precision.lower()})" if e.place_precision else "")
        if not e.located:
            place += " — not on the map"
        judgement = f"{e.status} · {e.confidence}"
        if e.likelihood:
            judgement += f" · assessed {e.likelihood}"
        rows = [["When", e.when], ["Where", place], ["Type", e.type_text]]
        if e.actors:
            rows.append(["Actors", "\n".join(f"{label}: {names}" for label, names in e.actors)])
        rows += [["Casualties", e.casualties], ["Status", judgement], ["Marking", e.marking]]
        self._table(rows, [78.0, self.content_width_pt - 78.0], header=False)
        if e.summary:
            self._paragraphs(e.summary)
        if e.citations:
            cites = [["Source", "Grade", "Excerpt"]]
            cites += [
                [c.source, f"{c.grade}\n{c.grade_words}", c.excerpt or "—"] for c in e.citations
            ]
            self._table(cites, [120.0, 92.0, self.content_width_pt - 212.0])
        else:
            self._para("No sources cited.", muted=True)

    def _assessment(self) -> None:
        d = self.data
        self._heading("Assessment and outlook", 1)
        if d.assessment:
            self._paragraphs(d.assessment)
        else:
            self._para("No assessment was written for this report.", muted=True)
        words = [f"{c} confidence" for c in d.assessment_confidences]
        note = "Estimative words follow ICD 203; analytic confidence as defined in the key"
        note += f" (stated here: {', '.join(words)})." if words else "."
        self._para(note, muted=True)

    def _sources(self) -> None:
        d = self.data
        self._heading("Sources", 1)
        if not d.sources:
            self._para("No sources are cited.")
            return
        rows = [["Source", "Reliability", "Kind", "Cited"]]
        rows += [
            [s.name, f"{s.reliability} — {s.reliability_label}", s.kind, str(s.citations)]
            for s in d.sources
        ]
        self._table(rows, [self.content_width_pt - 262.0, 160.0, 66.0, 36.0])

    def _key_table(
        self,
        title: str,
        entries: tuple[KeyEntry, ...],
        heads: tuple[str, ...],
        term_width: float = 110.0,
    ) -> None:
        if not entries:
            return
        self._heading(title, 2)
        if len(heads) == 2:
            rows = [list(heads)] + [[e.term, e.meaning] for e in entries]
            widths = [term_width, self.content_width_pt - term_width]
        else:
            rows = [list(heads)] + [[e.term, e.label, e.meaning] for e in entries]
            widths = [term_width, 135.0, self.content_width_pt - term_width - 135.0]
        self._table(rows, widths)

    def _key(self) -> None:
        k = self.data.key
        self._heading("Key to grades and words", 1)
        self._para(
            "Grades follow the Admiralty (NATO AJP-2.1) system: a letter for the source's "
            "reliability and a digit for the credibility of the information, e.g. B2."
        )
        self._key_table("Source reliability", k.reliability, ("Code", "Label", "Meaning"), 36.0)
        self._key_table(
            "Information credibility", k.credibility, ("Code", "Label", "Meaning"), 36.0
        )
        self._key_table("Incident status", k.statuses, ("Status", "Meaning"))
        self._key_table("Analytic confidence", k.confidences, ("Confidence", "Meaning"))
        self._key_table(
            "Estimative language (ICD 203)", k.likelihoods, ("Term", "Also written", "Probability")
        )

    # ---------------------------------------------------------------------------- building

    def render(self, out: Path | BinaryIO) -> None:
        d = self.data
        section = self.doc.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = self.page_width, self.page_height
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, self.margin)
        self._decorate(section.header, section.footer)
        properties = self.doc.core_properties
        properties.title = clean(d.title)
        properties.author = clean(d.author or d.organisation)
        properties.subject = clean(f"Situation report, {d.period}, as of {d.as_of}")
        properties.keywords = clean(f"SITREP, {d.marking}")
        self._front_page()
        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        self._incidents()
        self._assessment()
        self._sources()
        self._key()
        self.doc.save(str(out) if isinstance(out, Path) else out)


def render_sitrep_docx(data: SitrepData, out: Path | BinaryIO) -> None:
    """Write the DOCX for ``data`` to a path or a binary file."""
    SitrepDocxRenderer(data).render(out)
