"""The SITREP as DOCX, read back with python-docx: the same brief as the PDF, editable."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

import docx
import pytest

from desktop.domain import GeoPrecision
from desktop.reports.figures import time_chart
from desktop.reports.sitrep_data import ChangesBox, ReportOptions, prepare
from desktop.reports.sitrep_docx import clean, drawing_png, render_sitrep_docx
from desktop.reports.sitrep_judgements import Judgement
from desktop.reports.sitrep_words import ANNEX_A_HEADS, JUDGEMENT_HEADS
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


def with_ids() -> list[IncidentData]:
    return [
        replace(i, id=f"{n:08d}-0000-0000-0000-000000000000") for n, i in enumerate(incidents())
    ]


@pytest.fixture
def brief(tmp_path: Path) -> docx.document.Document:
    first, second = (i.id or "" for i in with_ids())
    options = ReportOptions(
        title="SITREP <&> تقرير",
        since=date(2023, 10, 10),
        until=date(2023, 10, 18),
        key_points=("Attacks rose <fast> & wide.", "الهجمات تصاعدت"),
        assessment="Further attacks are likely (moderate confidence).",
        filter_text="country Iraq",
        significant=frozenset({first}),
        significance_text="Significant: confirmed or with casualties; 1 of 2 incidents.",
        judgements=(
            Judgement(
                "Attacks on the bases go on <&>", "likely", "moderate", (first,), "Supply holds", ""
            ),
        ),
        max_marking="TLP:AMBER",
        withheld=3,
        marks={first: "UPDATED", second: "NEW"},
        changes=ChangesBox(
            "Changes since the report of 181200ZOCT23",
            ("Compared with report K7M2Q.", "New: 2. Statement by a militia"),
            "Since the report of 181200ZOCT23: 1 new, 1 updated.",
        ),
    )
    data = prepare(with_ids(), options, NOW, previous=[])
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
    order = [  # the PDF's (SitrepRenderer._get_story)
        "Key points",
        "Changes since the report of 181200ZOCT23",
        "Key judgements",
        "Assessment and outlook",
        "Significant incidents",
        "Annex A — all incidents",
        "Annex B — sources",
        "Key to grades and words",
        "Estimative language (ICD 203), the whole scale",
    ]
    assert [n for n in names if n in order] == order
    # Only the significant incident is in full, with its mark; the other is in Annex A.
    assert ("Heading 2", "1. Drone attack on al-Asad airbase (قاعدة عين الأسد) [UPDATED]") in (
        headings
    )
    assert not any(text.startswith("2. Statement") for text in names)


def test_the_summary_says_what_was_withheld_changed_and_by_what_rule(
    brief: docx.document.Document,
) -> None:
    body = [p.text for p in brief.paragraphs]
    assert "3 incidents withheld above TLP:AMBER." in body
    assert "Since the report of 181200ZOCT23: 1 new, 1 updated. Details after the map." in body
    assert "Significant: confirmed or with casualties; 1 of 2 incidents." in body
    box = next(t for t in brief.tables if t.rows[0].cells[0].text.startswith("Compared with"))
    assert [p.text for p in box.rows[0].cells[0].paragraphs] == [
        "Compared with report K7M2Q.",
        "New: 2. Statement by a militia",
    ]


def test_key_judgements_are_a_table_with_the_icd_203_columns(
    brief: docx.document.Document,
) -> None:
    table = next(t for t in brief.tables if t.rows[0].cells[0].text == "Key judgement")
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == list(JUDGEMENT_HEADS)
    text, likelihood, confidence, basis, assumption, indicator = rows[1]
    assert text == "Attacks on the bases go on <&>"
    assert likelihood.startswith("likely\n")
    assert "%" in likelihood
    assert (confidence, assumption, indicator) == ("Moderate", "Supply holds", "—")
    assert basis.startswith("#1")


def test_annex_a_is_a_word_table_one_row_per_incident_with_its_mark(
    brief: docx.document.Document,
) -> None:
    table = next(t for t in brief.tables if t.rows[0].cells[0].text == "No.")
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == list(ANNEX_A_HEADS)
    assert [(r[0], r[-1]) for r in rows[1:]] == [("1", "UPDATED"), ("2", "NEW")]
    mark = table.rows[2].cells[-1].paragraphs[0].runs[0]
    assert mark.bold
    header = table.rows[0]._tr.trPr
    assert header is not None
    assert header.find(docx.oxml.ns.qn("w:tblHeader")) is not None
    sources = next(
        t for t in brief.tables if t.rows[0].cells[0].text == "Source" and len(t.rows[0].cells) == 4
    )
    assert [c.text for c in sources.rows[1].cells] == [
        "U.S. Central Command",
        "B — Usually reliable",
        "Military",
        "1",
    ]


def test_the_key_holds_the_whole_icd_203_scale(brief: docx.document.Document) -> None:
    table = next(t for t in brief.tables if t.rows[0].cells[0].text == "Term")
    terms = [row.cells[0].text for row in table.rows[1:]]
    assert len(terms) == 7
    assert terms[0] == "almost no chance"
    assert terms[-1] == "almost certain"


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
    assert "TLP:AMBER: Limited disclosure" in footer  # the sharing rule, on every page
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
