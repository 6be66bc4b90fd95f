"""The SITREP's body after the summary: significant incidents in full, the annexes, the key.

``SitrepSections`` holds the story builders the renderer (``sitrep_pdf.SitrepRenderer``)
assembles, and the small table helpers they share. Every user string goes through
``make_paragraph``/``para_text`` (cells) or ``make_paragraphs`` (narratives); the annexes'
one-line rows through ``sitrep_lines`` (cut to their column, drawn on the canvas).
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

from desktop.reports import sitrep_evidence
from desktop.reports import sitrep_words as words
from desktop.reports.outline import EndOfPart, opens, outlined
from desktop.reports.sitrep_lines import Column, Line, LineTable
from desktop.reports.sitrep_styles import ACCENT, HEADER_FILL, RULE, ZEBRA
from desktop.reports.text import make_paragraph, make_paragraphs, para_text

if TYPE_CHECKING:
    from reportlab.lib.styles import StyleSheet1

    from desktop.reports.sitrep_data import IncidentEntry, KeyEntry, SitrepData

ANNEX_ROW_HEIGHT = 16.0  # about 42 rows to a page
ANNEX_A_WIDTHS = (28.0, 66.0, 96.0, 82.0, 96.0, 38.0, 32.0)  # the mark column takes the rest


def incident_key(number: int) -> str:
    """The destination (bookmark) of an incident's full entry."""
    return f"incident-{number}"


class SitrepSections:
    """Story builders for the sections after the summary pages."""

    data: SitrepData
    styles: StyleSheet1
    content_width: float

    # ---------------------------------------------------------------------------- helpers

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

    # ------------------------------------------------------------- significant incidents

    def _significant(self) -> list[Flowable]:
        d, s = self.data, self.styles
        title = words.significant_title(d)
        story: list[Flowable] = [self._heading(title, "incidents")]
        if not d.annex:
            story.append(make_paragraph(words.NO_INCIDENTS, s["Body"]))
            return story
        if d.significance_text:
            story.append(make_paragraph(d.significance_text, s["Rule"]))
        if not d.incidents:
            story.append(make_paragraph(words.NONE_MEET_RULE, s["Note"]))
        for entry in d.incidents:
            story += self._incident(entry)
        return story

    def _incident(self, e: IncidentEntry) -> list[Flowable]:
        s = self.styles
        heading = self._heading(words.entry_heading(e), incident_key(e.number), level=1)
        opens(heading, f"Incident {e.number} (continued) · {e.title}")
        rows: list[list[Any]] = []

        def row(label: str, value: Flowable) -> None:
            rows.append([Paragraph(para_text(label), s["Label"]), value])

        row("When", self._cell(e.when))
        row("Where", self._cell(words.entry_place(e)))
        row("Type", self._cell(e.type_text))
        if e.actors:
            markup = "<br/>".join(
                f"<font color='#5F5F5F'>{para_text(label)}:</font> {para_text(names)}"
                for label, names in e.actors
            )
            row("Actors", Paragraph(markup, s["Cell"]))
        row("Casualties", self._cell(e.casualties))
        row("Status", self._cell(words.entry_status(e)))
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
            story.append(make_paragraph(words.NO_CITATIONS, s["Note"]))
        story += [EndOfPart(), Spacer(1, 8)]
        return story

    # --------------------------------------------------------------------------- annexes

    def _annex_incidents(self) -> list[Flowable]:
        d, s = self.data, self.styles
        if not d.annex:
            return []
        title = words.ANNEX_A
        heading = self._heading(title, "annex-a")
        opens(heading, f"{title} (continued)")
        note = words.annex_note(d, links=True)
        widths = (*ANNEX_A_WIDTHS, self.content_width - sum(ANNEX_A_WIDTHS))  # room for UPDATED
        columns = tuple(
            Column(head, width, "right" if head in ("No.", "K / I") else "left")
            for head, width in zip(words.ANNEX_A_HEADS, widths, strict=True)
        )
        lines = [
            Line(r.cells, link=incident_key(r.number) if r.full else "", strong=len(r.cells) - 1)
            for r in d.annex
        ]
        return [
            CondPageBreak(120),
            heading,
            make_paragraph(note, s["Note"]),
            LineTable(columns, lines, row_height=ANNEX_ROW_HEIGHT),
            EndOfPart(),
        ]

    def _annex_evidence(self) -> list[Flowable]:
        """Annex C: each evidence file the incidents cite, with its SHA-256."""
        lines = self.data.evidence
        if not lines:
            return []
        title = f"Annex C — {sitrep_evidence.TITLE.lower()}"
        heading = self._heading(title, "evidence")
        opens(heading, f"{title} (continued)")
        table = sitrep_evidence.annex_flowables(lines, self.styles, self.content_width)[1:]
        return [CondPageBreak(120), heading, *table, EndOfPart()]

    def _annex_sources(self) -> list[Flowable]:
        d = self.data
        title = words.ANNEX_B
        heading = self._heading(title, "sources")
        opens(heading, f"{title} (continued)")
        story: list[Flowable] = [CondPageBreak(120), heading]
        if not d.sources:
            story.append(make_paragraph(words.NO_SOURCES, self.styles["Body"]))
            return story
        story.append(make_paragraph(words.sources_note(d), self.styles["Note"]))
        source, reliability, kind, cited = words.ANNEX_B_HEADS
        columns = (
            Column(source, self.content_width - 258.0),
            Column(reliability, 160.0),
            Column(kind, 62.0),
            Column(cited, 36.0, "right"),
        )
        lines = [
            Line(
                (
                    src.name,
                    f"{src.reliability} — {src.reliability_label}",
                    src.kind,
                    f"{src.citations:,}",
                )
            )
            for src in d.sources
        ]
        story += [LineTable(columns, lines, row_height=ANNEX_ROW_HEIGHT), EndOfPart()]
        return story

    # ------------------------------------------------------------------------------- key

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
        heading = opens(self._heading(words.KEY, "key"), f"{words.KEY} (continued)")
        story: list[Flowable] = [CondPageBreak(260), heading]
        story.append(make_paragraph(words.GRADES_INTRO, self.styles["Body"]))
        story += self._key_table("Source reliability", k.reliability, "Code", "Label", 36.0)
        story += self._key_table("Information credibility", k.credibility, "Code", "Label", 36.0)
        story += self._key_table("Incident status", k.statuses, "Status", None)
        story += self._key_table("Analytic confidence", k.confidences, "Confidence", None)
        story += self._key_table(
            words.LIKELIHOOD_SCALE,
            k.likelihoods,
            "Term",
            "Also written",
            meaning_head="Probability",
        )
        return story
