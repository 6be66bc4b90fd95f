"""The DOCX mirrors the PDF's evidence: the entry's mark and Annex C, from the same data."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

import docx
import pytest
from pypdf import PdfReader

from desktop.cli.main import main
from desktop.reports import sitrep_evidence
from desktop.reports import sitrep_words as words
from desktop.services import evidence
from desktop.services.dto import IncidentQuery
from desktop.services.incidents import get_incidents
from desktop.services.sample import load_sample

if TYPE_CHECKING:
    from pathlib import Path

    from docx.document import Document

    from desktop.store.engine import Database


@pytest.fixture
def reports(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[Document, str, dict[str, bytes]]:
    """The sample workspace, two files on al-Asad (one behind its first citation), the
    report pinned to it as DOCX and PDF: the DOCX read back, the PDF's text, the files."""
    load_sample(db)
    asad = next(i for i in get_incidents(db, IncidentQuery()) if "al-Asad" in i.title)
    assert asad.id is not None
    files = {"drone debris.jpg": b"\xff\xd8" + b"j" * 3000, "claim بيان.txt": "بيان".encode()}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    evidence.add_evidence(db, [tmp_path / "drone debris.jpg"], asad.id)
    evidence.add_evidence(db, [tmp_path / "claim بيان.txt"], asad.id, citation_index=0)
    outs = {}
    for suffix in ("docx", "pdf"):
        out = tmp_path / f"brief.{suffix}"
        args = ["export", "pdf", "--db", db.url, "--out", str(out), "--pin", asad.id]
        assert main(args) == 0, capsys.readouterr().err
        outs[suffix] = out
    text = "\n".join(p.extract_text() or "" for p in PdfReader(outs["pdf"]).pages)
    return docx.Document(str(outs["docx"])), text, files


def test_the_entry_marks_its_evidence_as_the_pdf_does(
    reports: tuple[Document, str, dict[str, bytes]],
) -> None:
    brief, pdf_text, _ = reports
    status = [
        row.cells[1].text
        for table in brief.tables
        for row in table.rows
        if row.cells[0].text == "Status"
    ]
    # al-Asad's entry (pinned) carries the mark; the other significant one has no evidence.
    assert [s for s in status if "📎" in s] == ["Confirmed · Moderate confidence · 📎 2 files"]
    assert "📎 2 files" in pdf_text


def test_annex_c_lists_each_file_as_the_pdf_does(
    reports: tuple[Document, str, dict[str, bytes]],
) -> None:
    brief, pdf_text, files = reports
    headings = [p.text for p in brief.paragraphs if p.style.name == "Heading 1"]
    # After Annex A and B, before the key: the PDF's order.
    assert headings[-4:] == [
        "Annex A — all incidents",
        "Annex B — sources",
        "Annex C — evidence",
        words.KEY,
    ]
    assert sitrep_evidence.ANNEX_TITLE in pdf_text
    annex = brief.tables[-6]  # the key's five tables follow
    rows = [[cell.text for cell in row.cells] for row in annex.rows]
    assert rows[0] == ["#", "File", "Size", "SHA-256", "Added"]
    assert len(rows) == 3
    for row, (name, data) in zip(rows[1:], files.items(), strict=True):
        sha = hashlib.sha256(data).hexdigest()
        number, file, size, digits, added = row
        assert number == rows[1][0]  # al-Asad's number in the report, both files
        assert file.split("\n")[0] == name
        assert digits.replace(" ", "") == sha
        assert added.startswith("tester, ")
        assert size == ("3.0 kB" if len(data) > 1000 else "8 bytes")
        assert sha[:16] in pdf_text  # the PDF prints the same digits
    assert [r[1].split("\n")[1] for r in rows[1:]] == ["incident", "citation 1"]
    # The header row repeats on every page the table runs onto.
    assert annex.rows[0]._tr.trPr is not None
