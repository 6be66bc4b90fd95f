"""The SITREP's content, computed without drawing anything."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from desktop.domain import ActorRole, Confidence, Status, TimePrecision
from desktop.reports.sitrep_data import (
    ReportOptions,
    casualties_text,
    cut_off,
    dtg,
    likelihoods_in,
    prepare,
    shorten,
    tally,
    when_text,
)
from desktop.services.dto import Actor, Casualties, Citation, IncidentData, When, Where

NOW = datetime(2023, 10, 18, 12, 0, tzinfo=UTC)


def incident(
    title: str = "Drone attack on al-Asad Airbase",
    start: date | datetime = date(2023, 10, 17),
    end: date | datetime | None = None,
    precision: TimePrecision = TimePrecision.DAY,
    **kwargs: object,
) -> IncidentData:
    return IncidentData(
        title=title,
        when=When(start, start if end is None else end, precision),
        event_type=str(kwargs.pop("event_type", "Explosions/Remote violence")),
        sub_event_type=str(kwargs.pop("sub_event_type", "Air/drone strike")),
        **kwargs,  # type: ignore[arg-type]
    )


def cite(slug: str, name: str, reliability: str, credibility: int, excerpt: str = "") -> Citation:
    return Citation(
        source=slug,
        credibility=credibility,
        excerpt=excerpt,
        source_name=name,
        source_reliability=reliability,
        source_kind="military" if reliability == "B" else "media",
    )


# ----------------------------------------------------------------------------- small helpers


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2023, 10, 18, 12, 0, tzinfo=UTC), "181200ZOCT23"),
        (datetime(2024, 1, 2, 3, 4, tzinfo=UTC), "020304ZJAN24"),
        (datetime(2023, 10, 18, 23, 30, tzinfo=timezone(timedelta(hours=-2))), "190130ZOCT23"),
        (datetime(2023, 12, 31, 23, 59), "312359ZDEC23"),  # naive means UTC
    ],
)
def test_dtg(moment: datetime, expected: str) -> None:
    assert dtg(moment) == expected


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        (
            When(
                datetime(2023, 10, 17, 15, 59, tzinfo=UTC),
                datetime(2023, 10, 17, 15, 59, tzinfo=UTC),
                TimePrecision.EXACT,
            ),
            "17 Oct 2023 15:59Z",
        ),
        (When(date(2023, 10, 17), date(2023, 10, 17)), "17 Oct 2023"),
        (When(date(2023, 10, 16), date(2023, 10, 22), TimePrecision.WEEK), "week of 16 Oct 2023"),
        (When(date(2023, 10, 1), date(2023, 10, 31), TimePrecision.MONTH), "Oct 2023"),
        (When(date(2023, 10, 17), date(2023, 10, 19)), "17 Oct 2023 – 19 Oct 2023"),
        (When(date(2023, 10, 1), date(2023, 11, 30), TimePrecision.MONTH), "Oct 2023 – Nov 2023"),
        (
            When(
                datetime(2023, 10, 17, 15, 0, tzinfo=UTC),
                datetime(2023, 10, 17, 16, 30, tzinfo=UTC),
                TimePrecision.EXACT,
            ),
            "17 Oct 2023 15:00Z – 17 Oct 2023 16:30Z",
        ),
    ],
)
def test_when_text_says_no_more_than_is_known(when: When, expected: str) -> None:
    assert when_text(when) == expected


def test_casualties_text() -> None:
    assert (
        casualties_text(Casualties(None, 3, "minor injuries"))
        == "Killed: unknown · Injured: 3 (minor injuries)"
    )
    assert casualties_text(Casualties(0, 0)) == "Killed: 0 · Injured: 0"


def test_totals_say_how_many_incidents_are_not_counted() -> None:
    assert tally([1, 2]).text == "3"
    assert tally([1, None, 2]).text == "3 counted · 1 incident not counted"
    assert tally([None, None]).text == "0 counted · 2 incidents not counted"
    assert tally([0, None]).text == "0 counted · 1 incident not counted"
    assert tally([]).text == "0"
    counted = tally([1200, None, 3])
    assert (counted.figure, counted.note) == ("1,203 counted", "1 incident not counted")


def test_shorten_cuts_at_a_word_boundary() -> None:
    text = "word " * 100
    short = shorten(text, 300)
    assert len(short) <= 301
    assert short.endswith("word…")
    assert shorten("  a   b\nc ") == "a b c"


def test_likelihood_terms_do_not_double_count() -> None:
    assert likelihoods_in(["It is very likely to continue."]) == {"very likely"}
    assert likelihoods_in(["unlikely; likely", "roughly even odds"]) == {
        "unlikely",
        "likely",
        "roughly even chance",
    }
    assert likelihoods_in(["Nothing estimative here, likelihood aside."]) == set()


# ------------------------------------------------------------------------------------ prepare


@pytest.fixture
def incidents() -> list[IncidentData]:
    return [
        incident(
            "Second",
            start=datetime(2023, 10, 17, 15, 59, tzinfo=UTC),
            precision=TimePrecision.EXACT,
            where=Where("al-Asad Airbase", "Al Anbar", "IQ", 33.78, 42.44, 1),
            actors=(
                Actor("Islamic Resistance in Iraq", ActorRole.CLAIMED_BY),
                Actor("U.S. forces", ActorRole.TARGET),
                Actor("Kataib Hezbollah", ActorRole.CLAIMED_BY),
            ),
            casualties=Casualties(None, 3, "minor injuries"),
            status=Status.CONFIRMED,
            confidence=Confidence.HIGH,
            likelihood="likely",
            marking="TLP:AMBER",
            citations=(
                cite("centcom", "U.S. Central Command", "B", 2, "x " * 400),
                cite("reuters", "Reuters", "C", 3, "Reuters said so."),
            ),
        ),
        incident(
            "First",
            start=date(2023, 10, 16),
            where=Where("Somewhere", "", "SY"),
            casualties=Casualties(2, None),
            status=Status.CLAIMED,
            citations=(cite("reuters", "Reuters", "C", 2),),
        ),
        incident(
            "Third",
            start=date(2023, 10, 1),
            end=date(2023, 10, 31),
            precision=TimePrecision.MONTH,
            event_type="Strategic developments",
            sub_event_type="Other",
            where=Where("Damascus", "", "SY", 33.5, 36.3, 2),
            status=Status.CLAIMED,
        ),
    ]


def test_incidents_are_numbered_chronologically_and_mapped_by_place(
    incidents: list[IncidentData],
) -> None:
    data = prepare(incidents, ReportOptions(), NOW)
    assert [e.title for e in data.incidents] == ["Third", "First", "Second"]
    assert [e.number for e in data.incidents] == [1, 2, 3]
    assert [(p.name, p.count, p.exact) for p in data.map.places] == [
        ("al-Asad Airbase", 1, True),
        ("Damascus", 1, False),  # near: a ring
    ]
    assert [(a.name, a.count) for a in data.map.areas] == [("Syria", 1)]  # country only
    assert data.per_country == (("Syria", 2), ("Iraq", 1))
    assert not data.incidents[1].located


def test_marking_raised_to_the_most_restrictive(incidents: list[IncidentData]) -> None:
    data = prepare(incidents, ReportOptions(marking="tlp:clear"), NOW)
    assert data.marking == "TLP:AMBER"
    assert data.marking_raised
    assert "TLP:CLEAR to TLP:AMBER" in data.marking_note
    red = prepare(incidents, ReportOptions(marking="TLP:RED"), NOW)
    assert red.marking == "TLP:RED"
    assert not red.marking_raised
    assert red.marking_note == ""


def test_period_given_or_derived(incidents: list[IncidentData]) -> None:
    derived = prepare(incidents, ReportOptions(), NOW)
    assert (derived.period_start, derived.period_end) == (date(2023, 10, 1), date(2023, 10, 31))
    assert derived.period == "1 Oct 2023 – 31 Oct 2023"
    given = prepare(
        incidents, ReportOptions(since=date(2023, 10, 15), until=date(2023, 10, 18)), NOW
    )
    assert given.period == "15 Oct 2023 – 18 Oct 2023"
    assert given.as_of == "181200ZOCT23"  # the period ends later that day: cut at the writing
    assert given.generated == "18 Oct 2023 12:00Z"


def test_as_of_is_the_end_of_the_period_not_the_clock(incidents: list[IncidentData]) -> None:
    december = datetime(2026, 12, 6, 10, 2, tzinfo=UTC)
    given = prepare(incidents, ReportOptions(until=date(2023, 10, 18)), december)
    assert (given.as_of, given.as_of_basis) == ("182359ZOCT23", "end of the period")
    assert given.generated == "6 Dec 2026 10:02Z"
    derived = prepare(incidents, ReportOptions(), december)  # the month-dated one ends last
    assert derived.as_of == "312359ZOCT23"
    exact = [i for i in incidents if i.title == "Second"]
    assert prepare(exact, ReportOptions(), december).as_of == "171559ZOCT23"
    assert cut_off(None, [], december) == (december, "time of writing")
    # A period not over yet when the report is written is as of the writing.
    assert cut_off(date(2026, 12, 31), [], december) == (december, "time of writing")


def test_headline_figures(incidents: list[IncidentData]) -> None:
    h = prepare(incidents, ReportOptions(), NOW).headline
    assert h.incidents == 3
    assert h.killed.text == "2 counted · 2 incidents not counted"
    assert h.injured.text == "3 counted · 2 incidents not counted"
    assert h.by_status == (("Confirmed", 1), ("Claimed", 2))


def test_counts_per_day_and_type(incidents: list[IncidentData]) -> None:
    data = prepare(
        incidents, ReportOptions(since=date(2023, 10, 15), until=date(2023, 10, 18)), NOW
    )
    assert data.per_day == (
        (date(2023, 10, 15), 0),
        (date(2023, 10, 16), 1),
        (date(2023, 10, 17), 1),
        (date(2023, 10, 18), 0),
    )
    assert data.not_by_day == 1  # the month-precision incident
    assert data.per_type == (("Explosions/Remote violence", 2), ("Strategic developments", 1))


def test_incident_entry_words(incidents: list[IncidentData]) -> None:
    entry = prepare(incidents, ReportOptions(), NOW).incidents[2]
    assert entry.when == "17 Oct 2023 15:59Z"
    assert entry.place == "al-Asad Airbase, Al Anbar, Iraq"
    assert entry.place_precision == "Exact place"
    assert entry.actors == (
        ("Claimed by", "Islamic Resistance in Iraq, Kataib Hezbollah"),
        ("Target", "U.S. forces"),
    )
    assert entry.casualties == "Killed: unknown · Injured: 3 (minor injuries)"
    assert (entry.status, entry.confidence, entry.likelihood) == (
        "Confirmed",
        "High confidence",
        "likely",
    )
    assert entry.type_text == "Explosions/Remote violence — Air/drone strike"
    first, second = entry.citations
    assert first.label == "U.S. Central Command — B2"
    assert first.grade_words == "Usually reliable / Probably true"
    assert len(first.excerpt) <= 301
    assert first.excerpt.endswith("…")
    assert second.label == "Reuters — C3"


def test_source_list_is_unique_with_counts(incidents: list[IncidentData]) -> None:
    sources = prepare(incidents, ReportOptions(), NOW).sources
    assert [(s.name, s.reliability, s.reliability_label, s.kind, s.citations) for s in sources] == [
        ("U.S. Central Command", "B", "Usually reliable", "Military", 1),
        ("Reuters", "C", "Fairly reliable", "Media", 2),
    ]


def test_key_holds_full_scales_and_the_statuses_used(incidents: list[IncidentData]) -> None:
    options = ReportOptions(
        assessment="Attacks are very likely to continue (moderate confidence).",
        key_points=("A wider war is unlikely.", "  "),
    )
    data = prepare(incidents, options, NOW)
    key = data.key
    assert [e.term for e in key.reliability] == list("ABCDEF")
    assert [e.term for e in key.credibility] == ["1", "2", "3", "4", "5", "6"]
    assert [e.term for e in key.statuses] == ["Confirmed", "Claimed"]
    assert [e.term for e in key.confidences] == [
        "High confidence",
        "Moderate confidence",
        "Low confidence",
    ]
    # The whole ICD 203 scale, whichever words the analyst used.
    assert [e.term for e in key.likelihoods] == [
        "almost no chance",
        "very unlikely",
        "unlikely",
        "roughly even chance",
        "likely",
        "very likely",
        "almost certain",
    ]
    assert key.likelihoods[2].meaning == "20–45%"
    assert data.assessment_confidences == ("moderate",)
    assert data.key_points == ("A wider war is unlikely.",)


def test_no_incidents() -> None:
    data = prepare([], ReportOptions(marking="UNCLASSIFIED // FOR TRAINING"), NOW)
    assert data.incidents == ()
    assert data.map.places == ()
    assert data.map.areas == ()
    assert data.per_country == ()
    assert data.per_day == ()
    assert data.per_type == ()
    assert data.headline.incidents == 0
    assert data.headline.killed.text == "0"
    assert data.period == "No dates"
    assert data.marking == "UNCLASSIFIED // FOR TRAINING"
    assert not data.marking_raised
    assert [e.term for e in data.key.reliability] == list("ABCDEF")


def test_unknown_grades_fall_back_to_cannot_be_judged() -> None:
    odd = incident(citations=(Citation(source="x", credibility=9, source_reliability=""),))
    entry = prepare([odd], ReportOptions(), NOW).incidents[0]
    assert entry.citations[0].label == "x — F6"
    assert entry.place == "Place not known"
