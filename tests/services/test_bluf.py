"""The drafted bottom line: well-formed English for 0, 1 and many, and no more than the data."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from desktop.domain import Status
from desktop.reports.sitrep_changes import Facts, Recorded, RecordedIncident, compare, numbered
from desktop.reports.sitrep_data import ReportOptions, prepare
from desktop.services.bluf import draft_bluf
from desktop.services.dto import Casualties, IncidentData, When, Where

NOW = datetime(2023, 10, 20, 12, 0, tzinfo=UTC)


def incident(n: int, **overrides: object) -> IncidentData:
    data = IncidentData(
        id=f"00000000-0000-4000-8000-{n:012d}",
        version=1,
        title=f"Incident {n}",
        when=When(date(2023, 10, n), date(2023, 10, n)),
        event_type="Explosions/Remote violence",
        sub_event_type="Air/drone strike",
        where=Where(name="al-Asad airbase", country="IQ"),
        casualties=Casualties(killed=0, injured=0),
        status=Status.REPORTED,
    )
    return replace(data, **overrides)  # type: ignore[arg-type]


def draft(incidents: list[IncidentData], earlier: list[IncidentData] | None = None) -> list[str]:
    ordered = numbered(incidents)
    changes = None
    if earlier is not None:  # an earlier report that held ``earlier`` as they are
        held = tuple(RecordedIncident(i.id or "", n, 1, Facts.of(i)) for n, i in numbered(earlier))
        generated = datetime(2023, 10, 19, 12, 0, tzinfo=UTC)
        recorded = Recorded("K7M2Q", generated, "182359ZOCT23", "country Iraq", held)
        changes = compare(
            recorded, ordered, {}, same_scope=True, same_period=True, since_generated=""
        )
    data = prepare(incidents, ReportOptions(), NOW)
    return list(draft_bluf(data, ordered, changes))


def test_no_incident_is_one_plain_sentence() -> None:
    assert draft([]) == ["No incident is recorded in this report's scope."]


def test_one_incident_is_singular_throughout() -> None:
    one = incident(17, casualties=Casualties(killed=3, injured=None), status=Status.CONFIRMED)
    assert draft([one]) == [
        "1 incident in Iraq, confirmed.",
        "Most serious by counted casualties: 1. Incident 17 (17 Oct 2023), 3 killed.",
        "Killed: 3; injured: not known (no count given).",
    ]
    unconfirmed = incident(17, casualties=Casualties(killed=None, injured=None))
    assert draft([unconfirmed]) == [
        "1 incident in Iraq, not confirmed (status: reported).",
        "Killed: not known (no count given); injured: not known (no count given).",
    ]


def test_many_incidents_with_unknowns_and_new_ones() -> None:
    a = incident(10, status=Status.CONFIRMED, casualties=Casualties(killed=2, injured=1))
    b = incident(11, casualties=Casualties(killed=5, injured=None))
    c = incident(12, where=Where(name="Deir ez-Zor", country="SY"), casualties=Casualties())
    d = incident(13, where=Where(name="somewhere"))
    assert draft([a, b, c, d], earlier=[a, b]) == [
        "4 incidents (2 new since 191200ZOCT23) in Iraq and Syria (1 with no country "
        "recorded); 1 of 4 confirmed.",
        "Most serious by counted casualties: 2. Incident 11 (11 Oct 2023), 5 killed.",
        "Killed: 7 counted, 1 incident not counted; injured: 1 counted, 2 incidents not counted.",
    ]


def test_all_or_none_new_and_confirmed_and_no_casualty_claimed() -> None:
    a = incident(10, status=Status.CONFIRMED)
    b = incident(11, status=Status.CONFIRMED)
    assert draft([a, b], earlier=[a, b])[0] == (
        "2 incidents (none new since 191200ZOCT23) in Iraq; all confirmed."
    )
    assert draft([a, b], earlier=[incident(9)])[0] == (
        "2 incidents (all new since 191200ZOCT23) in Iraq; all confirmed."
    )
    # Nobody counted hurt: no "most serious" is named, and the figures say 0.
    assert draft([a, b])[1:] == ["Killed: 0; injured: 0."]
    many = [incident(n, where=Where(country=c)) for n, c in enumerate(("IQ", "SY", "JO", "LB"), 1)]
    assert draft(many)[0] == "4 incidents in 4 countries; none confirmed."


def test_a_tie_is_said_as_a_tie() -> None:
    a = incident(10, casualties=Casualties(killed=2, injured=0))
    b = incident(11, casualties=Casualties(killed=2, injured=0))
    assert draft([a, b])[1] == "Most serious by casualties: 2 incidents (1, 2), 2 killed each."


def test_the_draft_uses_no_estimative_word() -> None:
    """A draft states counts; likelihood words are the analyst's judgement alone."""
    from desktop.reports.sitrep_data import likelihoods_in

    a = incident(10, status=Status.CONFIRMED, casualties=Casualties(killed=2, injured=1))
    assert likelihoods_in(draft([a, incident(11)])) == set()
