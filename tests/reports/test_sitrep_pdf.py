"""SITREP PDFs built from hand-made records and from the sample, read back with pypdf."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

import pytest
from pypdf import PdfReader

from desktop.domain import ActorRole, Status, TimePrecision
from desktop.reports.sitrep_data import ReportOptions, SitrepData, prepare
from desktop.reports.sitrep_pdf import render_sitrep
from desktop.services.dto import (
    Actor,
    Casualties,
    Citation,
    IncidentData,
    IncidentQuery,
    When,
    Where,
)

if TYPE_CHECKING:
    from pathlib import Path

NOW = datetime(2023, 10, 18, 12, 0, tzinfo=UTC)


def render(data: SitrepData) -> tuple[int, PdfReader]:
    buffer = io.BytesIO()
    pages = render_sitrep(data, buffer)
    buffer.seek(0)
    return pages, PdfReader(buffer)


def page_texts(reader: PdfReader) -> list[str]:
    return [page.extract_text() or "" for page in reader.pages]


def outline_titles(outline: list[Any]) -> list[str]:
    titles: list[str] = []
    for item in outline:
        if isinstance(item, list):
            titles += outline_titles(item)
        else:
            titles.append(str(item.title))
    return titles


def make_incident(title: str, day: int, **kwargs: Any) -> IncidentData:
    return IncidentData(
        title=title,
        when=When(date(2023, 10, day), date(2023, 10, day), TimePrecision.DAY),
        event_type="Explosions/Remote violence",
        sub_event_type="Air/drone strike",
        **kwargs,
    )


@pytest.fixture
def hand_made() -> list[IncidentData]:
    return [
        make_incident(
            "Drone attack on al-Asad Airbase",
            17,
            where=Where("al-Asad Airbase", "Al Anbar", "IQ", 33.78, 42.44, 1),
            actors=(Actor("Islamic Resistance in Iraq", ActorRole.CLAIMED_BY),),
            casualties=Casualties(None, 3, "minor injuries"),
            status=Status.CONFIRMED,
            citations=(
                Citation(
                    source="centcom",
                    credibility=2,
                    excerpt="Two drones targeted the base.",
                    source_name="U.S. Central Command",
                    source_reliability="B",
                    source_kind="military",
                ),
            ),
        ),
        make_incident("Rocket fire near Erbil", 18, where=Where("Erbil", "", "IQ", 36.19, 44.0)),
    ]


def test_report_from_hand_made_incidents(hand_made: list[IncidentData]) -> None:
    options = ReportOptions(
        title="SITREP Iraq",
        author="J. Analyst",
        organisation="Desk",
        key_points=("Attacks are likely to continue.",),
        assessment="We assess with moderate confidence that attacks are very likely to go on.",
        filter_text="country IQ",
    )
    pages, reader = render(prepare(hand_made, options, NOW))
    texts = page_texts(reader)
    assert pages == len(reader.pages) >= 3
    everything = "\n".join(texts)
    for expected in (
        "SITREP Iraq",
        "al-Asad",
        "B2",
        "181200ZOCT23",
        "Key points",
        "Assessment and outlook",
        "Sources",
        "Key to grades and words",
        "Filter: country IQ",
        "Usually reliable /",
        "very likely",
    ):
        assert expected in everything
    for number, text in enumerate(texts, start=1):
        assert text.count("TLP:CLEAR") >= 2, f"page {number} lacks its two banners"
        assert f"Page {number} of {pages}" in text
    meta = reader.metadata
    assert meta is not None
    assert meta.title == "SITREP Iraq"
    assert meta.author == "J. Analyst"
    assert "TLP:CLEAR" in str(meta.get("/Keywords"))
    titles = outline_titles(reader.outline)
    for section in (
        "Summary",
        "Incidents",
        "Assessment and outlook",
        "Sources",
        "Key to grades and words",
    ):
        assert section in titles
    assert "1. Drone attack on al-Asad Airbase" in titles
    assert "2. Rocket fire near Erbil" in titles


def test_marking_raised_to_amber_on_every_page(hand_made: list[IncidentData]) -> None:
    amber = [hand_made[0], IncidentData(**{**hand_made[1].__dict__, "marking": "TLP:AMBER"})]
    data = prepare(amber, ReportOptions(marking="TLP:CLEAR"), NOW)
    assert data.marking == "TLP:AMBER"
    _, reader = render(data)
    texts = page_texts(reader)
    assert "Marking raised from TLP:CLEAR to TLP:AMBER" in texts[0]
    for text in texts:
        assert text.count("TLP:AMBER") >= 2


def test_free_text_classification_line(hand_made: list[IncidentData]) -> None:
    line = "UNCLASSIFIED // FOR TRAINING"
    _, reader = render(prepare(hand_made, ReportOptions(marking=line), NOW))
    for text in page_texts(reader):
        assert text.count(line) >= 2


def test_hostile_input_builds_and_prints_literally(tmp_path: Path) -> None:
    hostile_title = '<img src="/etc/passwd"> & <b>x</b>'
    long_summary = " ".join(f"word{n}" for n in range(3000))[:20000]
    incidents = [
        make_incident(
            hostile_title,
            17,
            summary=long_summary,
            notes="<a href='file:///etc/passwd'>x</a>",
            actors=(Actor("<font size=80>big</font>", ActorRole.PERPETRATOR),),
            citations=(
                Citation(
                    source="x&y",
                    credibility=3,
                    excerpt="<img src='http://x/y.png'/>" * 30,
                    source_name="<b>Bold</b> & co",
                    source_reliability="D",
                ),
            ),
        ),
        make_incident(
            "هجوم بطائرة مسيرة على قاعدة عين الأسد 🚀🇮🇶",
            18,
            summary="قالت المقاومة الإسلامية في العراق إنها استهدفت القاعدة. " * 200,
            where=Where("عين الأسد", "", "IQ"),  # no coordinates
        ),
    ]
    options = ReportOptions(
        title=hostile_title,
        author="<script>alert(1)</script>",
        key_points=("😀 emoji & <i>markup</i>", "العراق"),
        assessment="<para>" + "x " * 5000,
    )
    out = tmp_path / "nested" / "hostile.pdf"
    pages = render_sitrep(prepare(incidents, options, NOW), out)
    reader = PdfReader(out)
    assert pages == len(reader.pages) > 5  # the long narratives split across pages
    everything = "\n".join(page_texts(reader))
    assert "<img src=" in everything
    assert "<b>Bold</b> & co" in everything
    assert reader.metadata is not None
    assert reader.metadata.title == hostile_title
    for number, text in enumerate(page_texts(reader), start=1):
        assert f"Page {number} of {pages}" in text


def test_no_incidents_gives_a_short_sensible_report() -> None:
    pages, reader = render(prepare([], ReportOptions(title="Quiet week"), NOW))
    assert 1 <= pages <= 3
    everything = "\n".join(page_texts(reader))
    assert "Quiet week" in everything
    assert "No incidents match" in everything
    assert "Key to grades and words" in everything


def test_sample_report(tmp_path: Path) -> None:
    from desktop.services.incidents import get_incidents
    from desktop.services.sample import load_sample
    from desktop.store.engine import open_database

    db = open_database(tmp_path / "x.sqlite3")
    try:
        load_sample(db)
        incidents = get_incidents(db, IncidentQuery())
    finally:
        db.close()
    data = prepare(incidents, ReportOptions(author="Desk"), NOW)
    pages, reader = render(data)
    texts = page_texts(reader)
    everything = "\n".join(texts)
    assert "Situation Report" in everything
    assert "al-Asad" in everything
    assert re.search(r"\b[A-F][1-6]\b", everything)
    for number, text in enumerate(texts, start=1):
        assert text.count(data.marking) >= 2
        assert f"Page {number} of {pages}" in text
    titles = outline_titles(reader.outline)
    assert len([t for t in titles if re.match(r"\d+\. ", t)]) == len(incidents)
