"""The SITREP as DOCX, read back with python-docx: the same brief as the PDF, editable."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

import docx
import pytest

from desktop.domain import GeoPrecision
from desktop.reports.figures import time_chart
from desktop.reports.sitrep_data import ReportOptions, prepare
from desktop.reports.sitrep_docx import clean, drawing_png, render_sitrep_docx
from desktop.services.dto import Casualties, Citation, IncidentData, When, Where

if TYPE_CHECKING:
    from pathlib import Path

NOW = datetime(2023, 10, 19, 12, 0, tzinfo=UTC)
HOSTILE = "<b>bold</b> & <img src='/etc/passwd'/> \x07"
ARABIC = "قالت المقاومة الإسلامية في العراق إنها هاجمت القاعدة."


def incidents() -> list[IncidentData]:
    return [
        IncidentData(
            title="Drone attack on al-Asad airbase (قاعدة عين الأسد)",
            when=When(date(2023, 10, 17), date(2023, 10, 17)),
            event_type="Explosions/Remote violence",
            sub_event_type="Air/drone strike",
            where=Where("al-Asad airbase", "Anbar", "IQ", 33.785, 42.441, GeoPrecision.EXACT),
            casualties=Casualties(0, None, "minor injuries"),
            summary=f"First paragraph {HOSTILE}.\n\n{ARABIC}",
            marking="TLP:AMBER",
            citations=(
                Citation(
                    source="centcom",
                    credibility=2,
                    excerpt="Two one-way attack drones <&>",
                    source_name="U.S. Central Command",
                    source_reliability="B",
                    source_kind="military",
                ),
            ),
        ),
        IncidentData(
            title="Statement by a militia",
            when=When(date(2023, 10, 18), date(2023, 10, 18)),
            event_type="Strategic developments",
            sub_event_type="Other",
            where=Where("Iraq", "", "IQ", None, None, GeoPrecision.REGION),
        ),
    ]


@pytest.fixture
def brief(tmp_path: Path) -> docx.document.Document:
    options = ReportOptions(
        title="SITREP <&> تقرير",
        since=date(2023, 10, 10),
        until=date(2023, 10, 18),
        key_points=("Attacks rose <fast> & wide.", "الهجمات تصاعدت"),
        assessment="Further attacks are likely (moderate confidence).",
        filter_text="country Iraq",
    )
    data = prepare(incidents(), options, NOW, previous=[])
    out = tmp_path / "brief.docx"
    render_sitrep_docx(data, out)
    return docx.Document(str(out))


def test_headings_are_word_headings_in_the_pdf_order(brief: docx.document.Document) -> None:
    headings = [
        (p.style.name, p.text)
        for p in brief.paragraphs
        if p.style is not None and p.style.name.startswith(("Heading", "Title"))
    ]
    assert headings[0] == ("Title", "SITREP <&> تقرير")
    names = [text for _, text in headings]
    order = [
        "Key points",
        "Incidents",
        "Assessment and outlook",
        "Sources",
        "Key to grades and words",
    ]
    assert [names.index(n) for n in order] == sorted(names.index(n) for n in order)
    assert ("Heading 2", "1. Drone attack on al-Asad airbase (قاعدة عين الأسد)") in headings


def test_user_text_arrives_as_written_markup_and_all(brief: docx.document.Document) -> None:
    body = "\n".join(p.text for p in brief.paragraphs)
    assert "Attacks rose <fast> & wide." in body
    assert "First paragraph <b>bold</b> & <img src='/etc/passwd'/> ." in body  # bell dropped
    arabic = next(p for p in brief.paragraphs if p.text.startswith("قالت"))
    assert arabic._p.pPr.find(docx.oxml.ns.qn("w:bidi")) is not None  # right to left
    assert (
        next(p for p in brief.paragraphs if p.text == "الهجمات تصاعدت").style.name == "List Bullet"
    )


def test_tables_hold_the_figures_facts_citations_sources_and_key(
    brief: docx.document.Document,
) -> None:
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in brief.tables]
    assert ["Incidents", "Killed", "Injured", "By status"] == tables[0][0]
    assert tables[0][1][0] == "2"
    cells = {text for table in tables for row in table for text in row}
    assert "Two one-way attack drones <&>" in cells
    assert "B2\nUsually reliable / Probably true" in cells
    assert "U.S. Central Command" in cells
    assert any(t[0] == ["Source", "Reliability", "Kind", "Cited"] for t in tables)
    assert any(t[0] == ["Code", "Label", "Meaning"] and len(t) == 7 for t in tables)  # A–F


def test_every_page_carries_the_marking_in_header_and_footer(brief: docx.document.Document) -> None:
    (section,) = brief.sections
    assert section.header.paragraphs[0].text.strip() == "TLP:AMBER"
    footer = "\n".join(p.text for p in section.footer.paragraphs)
    assert "TLP:AMBER" in footer
    assert "Filter: country Iraq" in footer
    xml = section.footer._element.xml
    assert 'w:instr="PAGE"' in xml
    assert 'w:instr="NUMPAGES"' in xml


def test_the_charts_and_the_map_are_images(brief: docx.document.Document) -> None:
    images = [
        rel.target_part.blob for rel in brief.part.rels.values() if rel.reltype.endswith("/image")
    ]
    assert len(images) == 4  # time, by type, by country, map
    assert all(blob.startswith(b"\x89PNG") for blob in images)


def test_drawings_become_png_without_a_renderpm_backend() -> None:
    data = prepare(incidents(), ReportOptions(), NOW)
    png = drawing_png(time_chart(data, 300), dpi=72)
    assert png.startswith(b"\x89PNG")
    assert int.from_bytes(png[16:20], "big") == 300  # width in pixels at 72 dpi


def test_clean_drops_what_xml_cannot_hold() -> None:
    assert clean("a\x00b\x0bc\td\ne") == "abc\td\ne"
