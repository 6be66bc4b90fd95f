"""SITREP PDFs built from hand-made records and from the sample, read back with pypdf."""

from __future__ import annotations

import io
import re
import unicodedata
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

import pytest
from pypdf import PdfReader
from reportlab.platypus import Paragraph

from desktop.domain import ActorRole, Status, TimePrecision
from desktop.reports.sitrep_data import ReportOptions, SitrepData, prepare
from desktop.reports.sitrep_pdf import render_sitrep
from desktop.reports.text import PIECE_LIMIT, BidiParagraph
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
        "Annex A — all incidents",
        "Annex B — sources",
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
        "Annex A — all incidents",
        "Annex B — sources",
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


# ------------------------------------------------------------------------------ long text

ARABIC = "أعلنت المقاومة في العراق مسؤوليتها عن هجوم بطائرة مسيرة على قاعدة في أربيل. "
DECORATION = re.compile(
    r"^(TLP:CLEAR(: Disclosure is not limited.*)?|Generated .*|Page \d+ of \d+"
    r"|Incident \d+ \(continued\) · .*)$",
    re.MULTILINE,
)


def long_narrative(size: int) -> str:
    """``size`` characters in every shape a split meets: short paragraphs, lines, a long
    paragraph with no line break, a base64-like token with no space, markup characters."""
    sentence = "Militants fired 3 rockets at <Camp Alpha> & the airport; none hit. "
    unit = "\n\n".join(
        [
            sentence * 6,
            "Line one of a list\nLine two & <three>",
            sentence * 120,  # 8 KB, no line break
            "QUJD" * 1_500,  # 6 KB, no space
            "",
        ]
    )
    return (unit * (size // len(unit) + 1))[:size]


def long_report(size: int) -> SitrepData:
    incidents = [
        make_incident("Long narrative", 17, summary=long_narrative(size)),
        make_incident("Arabic narrative", 18, summary=ARABIC * 60),
    ]
    options = ReportOptions(
        key_points=(ARABIC, "Key & <point> " * 500), assessment="Outlook & <risk>. " * 800
    )
    return prepare(incidents, options, NOW)


def body_text(reader: PdfReader) -> str:
    """The pages' text without the marking banners, footer and page numbers."""
    return "\n".join(DECORATION.sub("", text) for text in page_texts(reader))


def squeeze(text: str) -> str:
    return "".join(text.split())


def render_counting_lines(
    data: SitrepData, monkeypatch: pytest.MonkeyPatch
) -> tuple[int, list[int]]:
    """Render, recording the lines each Paragraph or BidiParagraph wrap laid out: the
    layout work, which for one huge paragraph grows with the square of its length."""
    laid_out: list[int] = []
    paragraph_wrap, bidi_layout = Paragraph.wrap, BidiParagraph._layout

    def wrap(self: Paragraph, width: float, height: float) -> tuple[float, float]:
        size = paragraph_wrap(self, width, height)
        laid_out.append(len(self.blPara.lines))
        return size

    def layout(self: BidiParagraph, width: float) -> None:
        fresh = self._laid_out_for != width
        bidi_layout(self, width)
        if fresh:
            laid_out.append(len(self.lines))

    monkeypatch.setattr(Paragraph, "wrap", wrap)
    monkeypatch.setattr(BidiParagraph, "_layout", layout)
    pages = render_sitrep(data, io.BytesIO())
    monkeypatch.undo()
    return pages, laid_out


@pytest.mark.slow
def test_layout_work_grows_linearly_with_the_narrative(monkeypatch: pytest.MonkeyPatch) -> None:
    base_pages, base = render_counting_lines(long_report(0), monkeypatch)
    small_pages, small = render_counting_lines(long_report(50_000), monkeypatch)
    big_pages, big = render_counting_lines(long_report(200_000), monkeypatch)
    # Four times the narrative: about four times its pages and its layout work, not sixteen.
    # (One huge Paragraph re-wrapped at each page break made the work grow sixteenfold.)
    assert 3.5 < (big_pages - base_pages) / (small_pages - base_pages) < 4.6
    assert (sum(big) - sum(base)) / (sum(small) - sum(base)) < 4.6
    # No flowable is ever laid out at more than a piece's length (PIECE_LIMIT characters,
    # under 40 lines at full width), however long the text.
    assert max(big) == max(small) < PIECE_LIMIT / 50


def test_long_narrative_reads_back_whole_and_in_order() -> None:
    narrative = long_narrative(50_000)
    pages, reader = render(long_report(50_000))
    assert pages > 15
    text = body_text(reader)
    assert squeeze(narrative) in squeeze(text)  # every character, in order, printed literally
    assert "<Camp Alpha> & the airport" in text
    assert squeeze("Key & <point> " * 500) in squeeze(text)
    assert squeeze("Outlook & <risk>. " * 800) in squeeze(text)
    arabic = unicodedata.normalize("NFKC", text)
    assert arabic.count("أربيل") == 61  # the narrative's 60 sentences and the key point
    assert any("\ufe70" <= c <= "\ufeff" for c in text)  # drawn with joined letter forms


# --------------------------------------------------------------------------- page 1 figures


def test_page_one_counts_casualties_and_is_as_of_the_period_end() -> None:
    december = datetime(2026, 12, 6, 10, 2, tzinfo=UTC)
    incidents = [
        make_incident(
            "Explosion at al-Ahli Arab Hospital",
            17,
            casualties=Casualties(None, None, "many casualties; figures vary widely"),
        ),
        make_incident("Rocket fire near Erbil", 18, casualties=Casualties(None, None)),
    ]
    data = prepare(incidents, ReportOptions(until=date(2023, 10, 18)), december)
    _, reader = render(data)
    first = " ".join(page_texts(reader)[0].split())
    assert "none known" not in first
    assert first.count("0 counted") == 2  # killed and injured
    assert first.count("2 incidents not counted") == 2
    assert "As of 182359ZOCT23 (end of the period)" in first
    assert "061002ZDEC26" not in first
    assert "Generated 6 Dec 2026 10:02Z" in first
    assert reader.metadata is not None
    assert "as of 182359ZOCT23" in str(reader.metadata.subject)
