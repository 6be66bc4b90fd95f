"""The SITREP as an editable Word document: a second renderer over the same ``SitrepData``.

For analysts who must edit a brief before release. Its methods mirror the PDF's
(``sitrep_summary``, ``sitrep_sections``): the same sections in the same order with the same
words (``sitrep_words``) — the summary (the withheld note, key points, headline figures, the
charts and the map as the PDF's own drawings in PNG, the changes since the report compared
with, the key judgements, the assessment), the significant incidents with the rule that
chose them, Annex A (a Word table, one row per incident, its NEW/UPDATED mark in a column),
Annex B, Annex C (the evidence: name, size, SHA-256, added by and when; each entry's status
line marks its evidence, "📎 2 files") and the key with the whole ICD 203 scale. Word does
the rest: headings are Word headings (its navigation pane finds them), the marking and the
TLP sharing rule are in every page's header and footer, and "Page X of Y" are fields
(``sitrep_docx_base``).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from docx.enum.text import WD_BREAK
from docx.shared import Pt

from desktop.reports import figures, sitrep_evidence
from desktop.reports import sitrep_words as words
from desktop.reports.sitrep_docx_base import DocxBase, clean, drawing_png

if TYPE_CHECKING:
    from desktop.reports.sitrep_data import IncidentEntry, KeyEntry, SitrepData

# Annex A's columns in points: the PDF's, a little wider where Word wraps instead of cutting.
ANNEX_A_WIDTHS = (26.0, 60.0, 90.0, 78.0, 80.0, 32.0, 34.0)  # the mark column takes the rest
ANNEX_SIZE = 7.5
# Annex C's columns in points: number, file (the rest), size, SHA-256 (16 digits a line), added.
ANNEX_C_WIDTHS = (22.0, 0.0, 52.0, 96.0, 110.0)


class SitrepDocxRenderer(DocxBase):
    """Builds the DOCX for one prepared report."""

    # ------------------------------------------------------------------ pages 1–2

    def _front_page(self) -> None:
        d = self.data
        self._heading(d.title, 0)
        self._para(f"Period: {d.period}")
        self._para(f"As of {d.as_of} ({d.as_of_basis})")
        by = " · ".join(part for part in (d.author, d.organisation) if part)
        if by:
            self._para(f"Prepared by {by}")
        if d.withheld_note:
            self._para(d.withheld_note).runs[0].bold = True
        if d.marking_raised:
            self._para(d.marking_note, muted=True)
        self._heading("Key points", 2)
        if d.key_points:
            for point in d.key_points:
                self._para(point, "List Bullet")
        else:
            self._para(words.NO_KEY_POINTS, muted=True)
        if pointer := words.changes_pointer(d):
            self._para(pointer, muted=True)
        self._figures()
        self._charts()
        if d.annex:  # an empty map would only say so at length
            self._picture(figures.map_drawing(d, self.content_width_pt))
            self._para(d.map.note, muted=True)

    def _figures(self) -> None:
        h = self.data.headline
        status = " · ".join(f"{word} {n}" for word, n in h.by_status) or "—"
        self._table(
            [
                ["Incidents", "Killed", "Injured", "By status"],
                [f"{h.incidents:,}", h.killed.text, h.injured.text, status],
            ],
            [70.0, 110.0, 110.0, self.content_width_pt - 290.0],
        )

    def _charts(self) -> None:
        """The time chart across the page; by type and by country side by side under it."""
        d, width = self.data, self.content_width_pt
        self._picture(figures.time_chart(d, width))
        pair = figures.bar_charts(d, (width - figures.BAR_CHART_GAP) / 2)
        side_by_side = self.doc.add_table(rows=1, cols=2)  # no style: no borders
        for cell, drawing in zip(side_by_side.rows[0].cells, pair, strict=True):
            run = cell.paragraphs[0].add_run()
            run.add_picture(io.BytesIO(drawing_png(drawing)), width=Pt(drawing.width))

    def _changes(self) -> None:
        box = self.data.changes
        if box is None:
            return
        self._heading(box.title, 2)
        frame = self.doc.add_table(rows=1, cols=1)
        frame.style = self.doc.styles["Table Grid"]
        cell = frame.rows[0].cells[0]
        for n, line in enumerate(box.lines or (words.NOTHING_CHANGED,)):
            paragraph = cell.paragraphs[0] if n == 0 else cell.add_paragraph()
            paragraph.style = self.doc.styles["List Bullet"]
            paragraph.add_run(clean(line)).font.size = Pt(9)
            self._direction(paragraph, line)
        self.doc.add_paragraph()

    def _judgements(self) -> None:
        d = self.data
        if not d.judgements:
            return
        self._heading("Key judgements", 2)
        rows = [list(words.JUDGEMENT_HEADS)]
        for j in d.judgements:
            likelihood = j.likelihood + (f"\n{j.likelihood_range}" if j.likelihood_range else "")
            basis = [b.text for b in j.basis]
            if j.missing or not j.basis:
                basis.append(j.missing_text or j.basis_text)
            rows.append(
                [
                    j.text,
                    likelihood,
                    j.confidence,
                    "\n".join(basis),
                    j.assumption or "—",
                    j.indicator or "—",
                ]
            )
        widths = [self.content_width_pt * share for share in words.JUDGEMENT_WIDTHS]
        self._table(rows, widths, size=8.0)
        self._para(words.JUDGEMENTS_NOTE, muted=True)

    def _assessment(self) -> None:
        d = self.data
        self._heading("Assessment and outlook", 2)
        if d.assessment:
            self._paragraphs(d.assessment)
        else:
            self._para(words.NO_ASSESSMENT, muted=True)
        self._para(words.assessment_note(d), muted=True)

    # ---------------------------------------------------------- significant incidents

    def _significant(self) -> None:
        d = self.data
        self._heading(words.significant_title(d), 1)
        if not d.annex:
            self._para(words.NO_INCIDENTS)
            return
        if d.significance_text:
            self._para(d.significance_text).runs[0].bold = True
        if not d.incidents:
            self._para(words.NONE_MEET_RULE, muted=True)
        for entry in d.incidents:
            self._incident(entry)

    def _incident(self, e: IncidentEntry) -> None:
        self._heading(words.entry_heading(e), 2)
        rows = [["When", e.when], ["Where", words.entry_place(e)], ["Type", e.type_text]]
        if e.actors:
            rows.append(["Actors", "\n".join(f"{label}: {names}" for label, names in e.actors)])
        rows += [
            ["Casualties", e.casualties],
            ["Status", words.entry_status(e)],
            ["Marking", e.marking],
        ]
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
            self._para(words.NO_CITATIONS, muted=True)

    # ---------------------------------------------------------------------- annexes

    def _annex_incidents(self) -> None:
        d = self.data
        if not d.annex:
            return
        self._heading(words.ANNEX_A, 1)
        self._para(words.annex_note(d, links=False), muted=True)
        rows = [list(words.ANNEX_A_HEADS)]
        rows += [list(r.cells) for r in d.annex]
        widths = [*ANNEX_A_WIDTHS, self.content_width_pt - sum(ANNEX_A_WIDTHS)]
        self._table(rows, widths, size=ANNEX_SIZE, strong=len(widths) - 1)

    def _annex_sources(self) -> None:
        d = self.data
        self._heading(words.ANNEX_B, 1)
        if not d.sources:
            self._para(words.NO_SOURCES)
            return
        self._para(words.sources_note(d), muted=True)
        rows = [list(words.ANNEX_B_HEADS)]
        rows += [
            [s.name, f"{s.reliability} — {s.reliability_label}", s.kind, f"{s.citations:,}"]
            for s in d.sources
        ]
        self._table(rows, [self.content_width_pt - 258.0, 160.0, 62.0, 36.0], size=ANNEX_SIZE)

    def _annex_evidence(self) -> None:
        """Annex C: each evidence file the incidents cite, with its SHA-256 (the PDF's)."""
        lines = self.data.evidence
        if not lines:
            return
        self._heading(sitrep_evidence.ANNEX_TITLE, 1)
        rows = [list(sitrep_evidence.HEADS)] + [list(line.cells) for line in lines]
        widths = list(ANNEX_C_WIDTHS)
        widths[1] = self.content_width_pt - sum(widths)
        self._table(rows, widths, size=ANNEX_SIZE)

    # -------------------------------------------------------------------------- key

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
        self._heading(words.KEY, 1)
        self._para(words.GRADES_INTRO)
        self._key_table("Source reliability", k.reliability, ("Code", "Label", "Meaning"), 36.0)
        self._key_table(
            "Information credibility", k.credibility, ("Code", "Label", "Meaning"), 36.0
        )
        self._key_table("Incident status", k.statuses, ("Status", "Meaning"))
        self._key_table("Analytic confidence", k.confidences, ("Confidence", "Meaning"))
        self._key_table(
            words.LIKELIHOOD_SCALE, k.likelihoods, ("Term", "Also written", "Probability")
        )

    # ---------------------------------------------------------------------- building

    def _page_break(self) -> None:
        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def render(self, out: Path | BinaryIO) -> None:
        """Pages 1–2 the summary; then the significant incidents in full; then Annex A,
        Annex B, Annex C and the key — the PDF's order (``SitrepRenderer._get_story``)."""
        self._page_setup()
        self._front_page()
        self._changes()
        self._judgements()
        self._assessment()
        self._page_break()
        self._significant()
        self._annex_incidents()
        self._annex_sources()
        self._annex_evidence()
        self._key()
        self.doc.save(str(out) if isinstance(out, Path) else out)


def render_sitrep_docx(data: SitrepData, out: Path | BinaryIO) -> None:
    """Write the DOCX for ``data`` to a path or a binary file."""
    SitrepDocxRenderer(data).render(out)
