"""Where things land in a SITREP PDF: bookmarks, page heads of continued incidents."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime
from typing import Any

from pypdf import PdfReader
from pypdf.generic import NameObject

from desktop.domain import TimePrecision
from desktop.reports.sitrep_data import ReportOptions, SitrepData, prepare
from desktop.reports.sitrep_pdf import render_sitrep
from desktop.services.dto import Citation, IncidentData, When

NOW = datetime(2023, 10, 18, 12, 0, tzinfo=UTC)


def render(data: SitrepData) -> PdfReader:
    buffer = io.BytesIO()
    render_sitrep(data, buffer)
    buffer.seek(0)
    return PdfReader(buffer)


def page_texts(reader: PdfReader) -> list[str]:
    return [" ".join((page.extract_text() or "").split()) for page in reader.pages]


def outline_items(outline: list[Any]) -> list[Any]:
    items: list[Any] = []
    for item in outline:
        items += outline_items(item) if isinstance(item, list) else [item]
    return items


def many_incidents(count: int = 12, citations: int = 6) -> list[IncidentData]:
    cites = tuple(
        Citation(
            source=f"src{n}",
            credibility=2,
            excerpt=f"Excerpt {n} " + "words of the source " * 12,
            source_name=f"Source number {n}",
            source_reliability="B",
        )
        for n in range(citations)
    )
    return [
        IncidentData(
            title=f"Incident title {n:02d}",
            when=When(date(2023, 10, 1 + n), date(2023, 10, 1 + n), TimePrecision.DAY),
            event_type="Explosions/Remote violence",
            sub_event_type="Air/drone strike",
            summary="A narrative sentence about what happened. " * 25,
            citations=cites,
        )
        for n in range(count)
    ]


def test_every_bookmark_lands_on_the_page_holding_its_heading() -> None:
    reader = render(prepare(many_incidents(), ReportOptions(title="Many pages"), NOW))
    texts = page_texts(reader)
    assert len(texts) > 5
    items = outline_items(reader.outline)
    # Summary, assessment, incidents, annex A, annex B, key, and every incident
    assert len(items) == 6 + 12
    headings = {"Summary": "Many pages"}
    landed = set()
    for item in items:
        title = str(item.title)
        page = reader.get_destination_page_number(item)
        landed.add(page)
        heading = headings.get(title, title)
        assert heading in texts[page], f"{title!r} points to page {page + 1}"
        if title[0].isdigit():  # incident titles are found nowhere else: the first page
            assert page == next(n for n, text in enumerate(texts) if heading in text)
    assert len(landed) > 3


def test_the_outline_opens_with_the_document() -> None:
    reader = render(prepare(many_incidents(2, 1), ReportOptions(), NOW))
    assert reader.trailer["/Root"][NameObject("/PageMode")] == "/UseOutlines"


def marked_incidents() -> list[IncidentData]:
    """Incidents whose every line carries a mark naming the incident (``mk07`` for no. 7),
    with enough sources that their tables break across pages."""
    incidents = []
    for n in range(1, 9):
        mark = f"mk{n:02d}"
        cites = tuple(
            Citation(
                source=f"s{k}",
                credibility=2,
                excerpt=f"{mark} " + "the source said so. " * (6 + 3 * k),
                source_name=f"Source {k}",
                source_reliability="C",
            )
            for k in range(3 + n % 4)
        )
        incidents.append(
            IncidentData(
                title=f"Incident title {n:02d}",
                when=When(date(2023, 10, n), date(2023, 10, n), TimePrecision.DAY),
                event_type="Explosions/Remote violence",
                sub_event_type="Air/drone strike",
                summary=f"{mark} " + "What happened that day. " * (10 * n),
                citations=cites,
            )
        )
    return incidents


def test_a_page_continuing_an_incident_is_headed_so() -> None:
    reader = render(prepare(marked_incidents(), ReportOptions(), NOW))
    texts = page_texts(reader)
    seen_heading: set[int] = set()
    continued_pages = 0
    for page, text in enumerate(texts):
        headings = {n for n in range(1, 9) if f"{n}. Incident title {n:02d}" in text}
        # An incident's heading stays with its facts (its casualty line is on the same page).
        assert text.count("Killed:") == len(headings), f"page {page + 1}"
        marks = {n for n in range(1, 9) if f"mk{n:02d}" in text}
        carried = {n for n in marks - headings if n in seen_heading}
        assert len(carried) <= 1
        for n in carried:
            assert f"Incident {n} (continued) · Incident title {n:02d}" in text, page + 1
            continued_pages += 1
        if not carried:
            assert not re.search(r"Incident \d+ \(continued\)", text), f"page {page + 1}"
        seen_heading |= headings
    assert continued_pages >= 3


def test_emoji_in_titles_print_in_the_outline_page_heads_and_footer() -> None:
    incidents = [
        IncidentData(**{**incident.__dict__, "title": f"{incident.title} 🚀🔥"})
        for incident in marked_incidents()
    ]
    first = incidents[0]
    excerpt = Citation("tg", 3, excerpt="Drone 🚀 attack 💥 كتائب 🔥", source_name="Telegram 📣")
    incidents[0] = IncidentData(**{**first.__dict__, "citations": (*first.citations, excerpt)})
    options = ReportOptions(title="SITREP 🇮🇶 Iraq 🚀", filter_text="drone 🚀")
    reader = render(prepare(incidents, options, NOW))
    texts = page_texts(reader)
    everything = " ".join(texts)
    assert "\ufffd" not in everything
    assert "SITREP 🇮🇶 Iraq 🚀" in texts[0]
    assert "Filter: drone 🚀" in texts[-1]  # the footer, drawn on the canvas
    assert "Drone 🚀 attack 💥" in everything  # an excerpt, in a table cell
    assert "Telegram 📣" in everything
    assert any("(continued) · Incident title" in text and "🚀🔥" in text for text in texts)
    titles = [str(item.title) for item in outline_items(reader.outline)]
    assert "1. Incident title 01 🚀🔥" in titles
    assert reader.metadata is not None
    assert reader.metadata.title == "SITREP 🇮🇶 Iraq 🚀"


def test_page_one_keeps_the_map_when_the_charts_are_tall() -> None:
    """Seven types and seven countries make the bar charts their tallest: the map shrinks to
    what page 1 leaves rather than moving to page 2 (page 1 stands alone)."""
    from dataclasses import replace

    from desktop.domain import EVENT_TYPES, GeoPrecision
    from desktop.services.dto import Where

    places = [
        ("IQ", 33.3, 44.4),
        ("SY", 33.5, 36.3),
        ("LB", 33.9, 35.5),
        ("YE", 15.4, 44.2),
        ("JO", 31.9, 35.9),
        ("IR", 32.6, 51.7),
        ("TR", 37.0, 35.3),
        ("SA", 24.7, 46.7),
    ]
    types = list(EVENT_TYPES)
    incidents = [
        replace(
            incident,
            event_type=types[n % len(types)],
            sub_event_type="",
            marking="TLP:RED" if n % 20 == 0 else "TLP:CLEAR",  # a line saying it was raised
            where=Where(
                f"Town {n % 30}",
                "",
                places[n % 8][0],
                places[n % 8][1] + n % 30 / 10,
                places[n % 8][2],
                GeoPrecision.EXACT,
            ),
        )
        for n, incident in enumerate(many_incidents(30, citations=1) * 2)
    ]
    point = "A key point long enough to take two lines of page one, " * 2
    options = ReportOptions(key_points=(point,) * 2)
    first = page_texts(render(prepare(incidents, options, NOW)))[0]
    assert "Map: all 60 incidents shown." in first
