"""The structure that scales: significant incidents in full, every incident on one line (Annex
A) linked to its entry, compact sources (Annex B), key judgements, releasable versions."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from pypdf import PdfReader

from desktop.domain import Status, TimePrecision
from desktop.reports.sitrep_data import ChangesBox, Judgement, ReportOptions, SitrepData, prepare
from desktop.reports.sitrep_pdf import render_sitrep
from desktop.services.dto import Casualties, Citation, IncidentData, When, Where

NOW = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)


def incidents(count: int) -> list[IncidentData]:
    first = date(2024, 1, 1)
    return [
        IncidentData(
            id=f"id-{n:04d}",
            title=f"Incident title {n:04d}",
            when=When(first + timedelta(days=n % 50), first + timedelta(days=n % 50)),
            event_type="Explosions/Remote violence",
            sub_event_type="Air/drone strike",
            where=Where(f"Place {n}", "", "IQ", 33.0 + n % 5, 43.0 + n % 7, 1),
            casualties=Casualties(n % 3 or None, 0),
            status=Status.CONFIRMED if n % 4 == 0 else Status.REPORTED,
            marking="TLP:AMBER" if n == 5 else "TLP:CLEAR",
            summary="What happened. " * 20,
            citations=(
                Citation(
                    source=f"src{n % 30}",
                    credibility=2 + n % 3,
                    source_name=f"Source {n % 30}",
                    source_reliability="BCD"[n % 3],
                ),
            ),
        )
        for n in range(count)
    ]


def render(data: SitrepData) -> tuple[int, PdfReader]:
    buffer = io.BytesIO()
    pages = render_sitrep(data, buffer)
    buffer.seek(0)
    return pages, PdfReader(buffer)


def outline_titles(outline: list[Any]) -> list[str]:
    titles: list[str] = []
    for item in outline:
        titles += outline_titles(item) if isinstance(item, list) else [str(item.title)]
    return titles


def links(reader: PdfReader) -> list[tuple[int, tuple[int, float]]]:
    """(page, (destination page, destination top)) of every internal link."""
    found = []
    for number, page in enumerate(reader.pages):
        for ref in page.get("/Annots") or []:
            annot = ref.get_object()
            if annot.get("/Subtype") == "/Link" and "/Dest" in annot:
                dest = annot["/Dest"]
                found.append(
                    (number, (reader.get_page_number(dest[0].get_object()), float(dest[3])))
                )
    return found


def bookmarks(reader: PdfReader, outline: list[Any]) -> dict[str, tuple[int, float]]:
    """Outline title → (page, top)."""
    found: dict[str, tuple[int, float]] = {}
    for item in outline:
        if isinstance(item, list):
            found.update(bookmarks(reader, item))
        else:
            found[str(item.title)] = (reader.get_destination_page_number(item), float(item.top))
    return found


# ------------------------------------------------------------------------------------ data


def test_annex_lists_every_incident_and_only_the_chosen_are_in_full() -> None:
    chosen = frozenset({"id-0004", "id-0008"})
    options = ReportOptions(significant=chosen, significance_text="Significant: two of them")
    data = prepare(incidents(20), options, NOW)
    assert [r.number for r in data.annex] == list(range(1, 21))
    assert [e.title for e in data.incidents] == ["Incident title 0004", "Incident title 0008"]
    full = [r.number for r in data.annex if r.full]
    assert full == [e.number for e in data.incidents]
    row = data.annex[0]
    assert (row.date, row.place, row.event_type, row.assessment) == (
        "1 Jan 2024",
        "Place 0, Iraq",
        "Air/drone strike",
        "Confirmed · Low",
    )
    assert row.casualties == "? / 0"
    assert row.grade == "B2"
    assert data.significance_text == "Significant: two of them"


def test_marks_from_the_last_report_reach_the_annex_and_the_entries() -> None:
    options = ReportOptions(marks={"id-0001": "NEW", "id-0002": "UPDATED"})
    data = prepare(incidents(3), options, NOW)
    assert [r.mark for r in data.annex] == ["", "NEW", "UPDATED"]
    assert [e.mark for e in data.incidents] == ["", "NEW", "UPDATED"]


def test_key_judgements_name_their_basis_with_grades() -> None:
    judgement = Judgement(
        "Attacks on the bases will go on",
        "probable",
        "moderate",
        ("id-0003", "id-0001", "id-9999"),
        "The groups keep their supply lines",
        "A claimed strike outside Anbar",
    )
    data = prepare(incidents(5), ReportOptions(judgements=(judgement,)), NOW)
    (row,) = data.judgements
    assert (row.likelihood, row.likelihood_range, row.confidence) == (
        "likely",
        "55–80%",
        "Moderate",
    )
    assert row.basis_text == "#2, C3; #4, B2; 1 linked incident not in this report"


def test_a_releasable_version_says_what_it_withheld_and_its_sharing_rule() -> None:
    options = ReportOptions(max_marking="tlp:green", withheld=3)
    data = prepare(incidents(4), options, NOW)
    assert data.marking == "TLP:GREEN"
    assert not data.marking_raised
    assert data.withheld_note == "3 incidents withheld above TLP:GREEN."
    assert data.sharing_rule.startswith("TLP:GREEN: Limited disclosure")


def test_a_raised_marking_names_the_incidents_that_raised_it() -> None:
    data = prepare(incidents(8), ReportOptions(), NOW)
    assert data.marking == "TLP:AMBER"
    assert data.marking_note == (
        "Marking raised from TLP:CLEAR to TLP:AMBER by incident marked so: #6 Incident title 0005."
    )


# ------------------------------------------------------------------------------------- PDF


def test_a_large_report_keeps_its_body_short_and_links_the_annex() -> None:
    chosen = frozenset(f"id-{n:04d}" for n in range(0, 400, 40))  # 10 in full
    judgement = Judgement("They go on", "likely", "high", ("id-0040",))
    options = ReportOptions(
        significant=chosen,
        significance_text="Significant: ten of 400 incidents",
        judgements=(judgement,),
        changes=ChangesBox("Changes since the report of 010000ZFEB24", ("2 new incidents",)),
    )
    data = prepare(incidents(400), options, NOW)
    pages, reader = render(data)
    texts = [page.extract_text() or "" for page in reader.pages]
    # 2 summary pages, about 10 for the entries, 400 rows at about 40 a page, sources, key.
    assert pages <= 30
    titles = outline_titles(reader.outline)
    for section in (
        "Summary",
        "Key judgements",
        "Changes since the report of 010000ZFEB24",
        "Assessment and outlook",
        "Significant incidents",
        "Annex A — all incidents",
        "Annex B — sources",
        "Key to grades and words",
    ):
        assert section in titles
    assert sum(t[0].isdigit() for t in titles) == 10  # the incidents in full
    annex_pages = [n for n, text in enumerate(texts) if "Annex A — all incidents" in text]
    assert len(annex_pages) == 10
    for n in annex_pages[1:-1]:  # a full annex page holds about 40 rows
        assert 38 <= texts[n].count("Air/drone strike") <= 46
    found = links(reader)
    marks = bookmarks(reader, reader.outline)
    entries = {marks[f"{e.number}. {e.title}"] for e in data.incidents}
    # Every incident in full is linked from its annex row (and the judgement's basis), and
    # each link lands where its entry's bookmark does.
    assert {dest for _, dest in found} == entries
    assert sum(1 for page, _ in found if page in annex_pages) == 10
    basis = next(e for e in data.incidents if e.title == "Incident title 0040")
    assert marks[f"{basis.number}. {basis.title}"] in {dest for page, dest in found if page < 2}
    assert "Significant: ten of 400 incidents" in "".join(texts)
    assert f"#{basis.number}, C3" in texts[0] + texts[1]


@pytest.mark.parametrize("marking", ["TLP:GREEN", "TLP:AMBER"])
def test_every_page_carries_the_release_level_and_its_rule(marking: str) -> None:
    options = ReportOptions(max_marking=marking, withheld=2)
    _, reader = render(prepare(incidents(3), options, NOW))
    texts = [page.extract_text() or "" for page in reader.pages]
    assert f"2 incidents withheld above {marking}." in texts[0]
    for text in texts:
        assert text.count(marking) >= 3  # both banners and the footer's sharing rule
        assert f"{marking}: Limited disclosure" in text


def test_the_key_prints_the_whole_estimative_scale() -> None:
    _, reader = render(prepare(incidents(1), ReportOptions(), NOW))
    last = reader.pages[-1].extract_text() or ""
    for word in ("almost no chance", "roughly even chance", "almost certain", "95–99%"):
        assert word in last


def test_dates_in_the_annex_say_their_precision() -> None:
    week = IncidentData(
        title="Week",
        when=When(date(2024, 1, 8), date(2024, 1, 14), TimePrecision.WEEK),
        event_type="Riots",
        sub_event_type="",
    )
    row = prepare([week], ReportOptions(), NOW).annex[0]
    assert (row.date, row.event_type, row.grade) == ("wk 8 Jan 2024", "Riots", "—")
