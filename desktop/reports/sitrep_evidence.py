"""The SITREP's evidence: the mark on each incident that has some, and the annex listing it.

Two builders, apart from the renderer (desktop.reports.sitrep_pdf) so they can be wired into
its story in one line each: :func:`annex_data` makes the plain lines from the prepared
incidents and their evidence entries (desktop.records.EvidenceRef); :func:`annex_flowables`
the heading and table the PDF prints; the DOCX (desktop.reports.sitrep_docx) prints the
same heading, heads and :attr:`EvidenceLine.cells`. Each line names the item as a reader
needs it to find and check the file: incident number, name, size, SHA-256, who added it and when.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from desktop.phrases import evidence_count, exact_text, size_text

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from reportlab.lib.styles import StyleSheet1
    from reportlab.platypus import Flowable

    from desktop.records import EvidenceRef

TITLE = "Evidence"
# The annex's heading in both renderers (after Annex A, all incidents, and B, sources).
ANNEX_TITLE = f"Annex C — {TITLE.lower()}"
HEADS = ("#", "File", "Size", "SHA-256", "Added")


@dataclass(frozen=True)
class EvidenceLine:
    """One evidence item in the annex."""

    incident: int  # the incident's number in the report
    cited_by: str  # "citation 2", or "incident" for evidence of the incident as a whole
    name: str
    size: str  # e.g. "1.4 MB"
    sha256: str
    added: str  # e.g. "tester, 18 Oct 2023 12:00Z"

    @property
    def sha256_split(self) -> str:
        """The 64 digits in four groups, so they wrap at a readable place, not anywhere."""
        return " ".join(self.sha256[i : i + 16] for i in range(0, 64, 16))

    @property
    def cells(self) -> tuple[str, str, str, str, str]:
        """The row's text in :data:`HEADS`' columns (the file's name over what cites it)."""
        file = f"{self.name}\n{self.cited_by}"
        return (f"{self.incident}", file, self.size, self.sha256_split, self.added)


def annex_data(
    numbered: Sequence[tuple[int, str]], evidence: Mapping[str, Sequence[EvidenceRef]]
) -> tuple[EvidenceLine, ...]:
    """The annex's lines: ``numbered`` is each incident's (number in the report, id)."""
    lines = []
    for number, incident_id in numbered:
        for ref in evidence.get(incident_id, ()):
            by = ref.added_by or "unknown"
            when = exact_text(ref.added_at) if ref.added_at is not None else "time not recorded"
            cited = "incident" if ref.citation is None else f"citation {ref.citation + 1}"
            size = size_text(ref.size)
            lines.append(EvidenceLine(number, cited, ref.name, size, ref.sha256, f"{by}, {when}"))
    return tuple(lines)


def mark(evidence: Sequence[EvidenceRef]) -> str:
    """The phrase an incident's entry carries when it has evidence (``📎 2 files``)."""
    return evidence_count(len({ref.sha256 for ref in evidence}))


def annex_flowables(
    lines: Sequence[EvidenceLine], styles: StyleSheet1, width: float
) -> list[Flowable]:
    """The annex: a heading and one table row per item (nothing when there is none)."""
    # Here, not at the top: the data builder serves the prepared data, which needs no drawing.
    from reportlab.platypus import Paragraph, Table, TableStyle

    from desktop.reports.text import make_paragraph, para_text

    if not lines:
        return []
    cell, mono = styles["Cell"], styles["Cell"]
    rows: list[list[Any]] = [[make_paragraph(h, styles["CellHead"]) for h in HEADS]]
    for line in lines:
        rows.append(
            [
                Paragraph(f"{line.incident}", cell),
                [make_paragraph(line.name, cell), Paragraph(line.cited_by, cell)],
                Paragraph(para_text(line.size), cell),
                Paragraph(line.sha256_split, mono),
                make_paragraph(line.added, cell),
            ]
        )
    fixed = [22.0, 0.0, 52.0, 120.0, 100.0]
    fixed[1] = max(width - sum(fixed), 80.0)
    table = Table(rows, colWidths=fixed, repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 4),
                ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, "#c8c8c8"),
            ]
        )
    )
    return [make_paragraph(TITLE, styles["H1"]), table]
