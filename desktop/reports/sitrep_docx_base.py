"""The Word renderer's building blocks: paragraphs, headings, tables, pictures, and the
marking in every page's header and footer with the TLP sharing rule and "Page X of Y".

``sitrep_docx.SitrepDocxRenderer`` builds the sections on these. Text reaches python-docx as
text, never as markup, so ``<&>`` needs no escaping here; only characters XML cannot hold at
all (control characters) are dropped, since lxml refuses them.
"""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from reportlab.graphics import renderPDF

from desktop import domain
from desktop.reports import fonts
from desktop.reports.bidi import first_strong_is_rtl

if TYPE_CHECKING:
    from collections.abc import Sequence

    from docx.document import Document as DocumentObject
    from docx.section import _Footer, _Header
    from docx.table import Table
    from docx.text.paragraph import Paragraph
    from reportlab.graphics.shapes import Drawing

    from desktop.reports.sitrep_data import SitrepData

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
        import pypdfium2  # no type hints: pyproject ignores its imports

        pdf = pypdfium2.PdfDocument(renderPDF.drawToString(drawing))
        try:
            image = pdf[0].render(scale=dpi / 72).to_pil()
        finally:
            pdf.close()
        out = io.BytesIO()
        image.save(out, format="PNG")
        return out.getvalue()


class DocxBase:
    """One Word document for one prepared report, and the pieces its sections are made of."""

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

    def _table(
        self,
        rows: Sequence[Sequence[str]],
        widths: Sequence[float],
        header: bool = True,
        size: float = 8.5,
        strong: int = -1,
    ) -> Table:
        """A Word table of ``rows`` (the first a header, repeated on every page it runs
        onto, when ``header``); column ``strong`` in bold (a NEW/UPDATED mark)."""
        table = self.doc.add_table(rows=len(rows), cols=len(widths))
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        table.autofit = False
        for column, width in zip(table.columns, widths, strict=True):
            column.width = Pt(width)  # the grid LibreOffice reads; Word reads the cells'
        for r, (row, values) in enumerate(zip(table.rows, rows, strict=True)):
            for c, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
                cell.width = Pt(widths[c])
                paragraph = cell.paragraphs[0]
                for n, part in enumerate(clean(value).split("\n")):
                    run = paragraph.add_run()
                    if n:  # a line of its own in the cell
                        run.add_break()
                    run.add_text(part)
                    run.font.size = Pt(size)
                    run.bold = (header and r == 0) or (c == strong and bool(value))
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
        if self.data.sharing_rule:  # what a recipient may do with it, on every page
            rule = line.insert_paragraph_before().add_run(clean(self.data.sharing_rule))
            rule.italic = True
            rule.font.size = Pt(7)
            rule.font.color.rgb = MUTED
        self._marking_run(footer.add_paragraph())

    def _page_setup(self) -> None:
        """A4 portrait, the PDF's margins, the marking on every page, the file's properties."""
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
