"""The SITREP's evidence: the mark on an incident's entry and the annex's lines."""

from __future__ import annotations

from datetime import UTC, date, datetime

from pypdf import PdfReader
from reportlab.platypus import SimpleDocTemplate, Table

from desktop.phrases import evidence_count, size_text
from desktop.records import EvidenceRef, IncidentData, When
from desktop.reports import sitrep_evidence
from desktop.reports.fonts import register_fonts
from desktop.reports.sitrep_data import ReportOptions, prepare
from desktop.reports.sitrep_pdf import render_sitrep
from desktop.reports.sitrep_styles import sitrep_stylesheet

ADDED = datetime(2023, 10, 18, 12, 0, tzinfo=UTC)
SHA_A, SHA_B = "a" * 64, "b" * 64


def _incident(uuid: str, day: int) -> IncidentData:
    return IncidentData(
        title=f"Incident {day}",
        when=When(date(2023, 10, day), date(2023, 10, day)),
        event_type="Explosions/Remote violence",
        sub_event_type="Air/drone strike",
        id=uuid,
    )


def test_phrases() -> None:
    assert [evidence_count(n) for n in (0, 1, 2, 1200)] == [
        "",
        "📎 1 file",
        "📎 2 files",
        "📎 1,200 files",
    ]
    assert [size_text(n) for n in (1, 812, 1400, 1_400_000, 2_100_000_000)] == [
        "1 byte",
        "812 bytes",
        "1.4 kB",
        "1.4 MB",
        "2.1 GB",
    ]


def test_entries_are_marked_and_the_annex_lists_each_item() -> None:
    first, second = "11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"
    evidence = {
        second: (
            EvidenceRef(SHA_A, "<clip> & كلام.mp4", 1_400_000, added_by="tester", added_at=ADDED),
            EvidenceRef(SHA_B, "page.html", 812, added_by="tester", added_at=ADDED, citation=1),
            EvidenceRef(SHA_A, "<clip> & كلام.mp4", 1_400_000, added_by="ana", citation=0),
        )
    }
    data = prepare(
        [_incident(second, 18), _incident(first, 17)],
        ReportOptions(),
        datetime(2023, 10, 19, tzinfo=UTC),
        evidence=evidence,
    )
    assert [e.evidence_mark for e in data.incidents] == ["", "📎 2 files"]
    assert [(x.incident, x.cited_by, x.name, x.size, x.added) for x in data.evidence] == [
        (2, "incident", "<clip> & كلام.mp4", "1.4 MB", "tester, 18 Oct 2023 12:00Z"),
        (2, "citation 2", "page.html", "812 bytes", "tester, 18 Oct 2023 12:00Z"),
        (2, "citation 1", "<clip> & كلام.mp4", "1.4 MB", "ana, time not recorded"),
    ]
    assert data.evidence[0].sha256 == SHA_A


def test_the_annex_builds_and_lays_out(tmp_path) -> None:  # type: ignore[no-untyped-def]
    lines = sitrep_evidence.annex_data(
        [(1, "x")], {"x": (EvidenceRef(SHA_A, "<b>bold</b> & 📷.png", 5, added_by="t"),)}
    )
    register_fonts()
    styles = sitrep_stylesheet()
    flowables = sitrep_evidence.annex_flowables(lines, styles, 480)
    assert isinstance(flowables[1], Table)
    assert sitrep_evidence.annex_flowables((), styles, 480) == []
    out = tmp_path / "annex.pdf"
    SimpleDocTemplate(str(out)).build(flowables)
    assert out.read_bytes().startswith(b"%PDF")


def test_the_pages_after_the_evidence_annex_are_headed_by_the_key(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A page's running head names what the page holds: the key that follows Annex C is not
    "Annex C (continued)", and the key's own second page says it continues the key."""
    uuid = "11111111-1111-4111-8111-111111111111"
    evidence = {uuid: (EvidenceRef(SHA_A, "clip.mp4", 5, added_by="t", added_at=ADDED),)}
    data = prepare(
        [_incident(uuid, 17)],
        ReportOptions(),
        datetime(2023, 10, 19, tzinfo=UTC),
        evidence=evidence,
    )
    out = tmp_path / "sitrep.pdf"
    render_sitrep(data, out)
    texts = [page.extract_text() for page in PdfReader(out).pages]
    key_first = next(n for n, text in enumerate(texts) if "Source reliability" in text)
    evidence_head = "Annex C — evidence (continued)"
    assert all(evidence_head not in text for text in texts[key_first:])
    assert key_first + 1 < len(texts), "the key spans two pages in this report"
    assert "Key to grades and words (continued)" in texts[key_first + 1]
