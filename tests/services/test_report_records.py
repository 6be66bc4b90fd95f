"""Since the last report: each export is recorded, and the next one says what changed.

Runs on SQLite and PostgreSQL. The scenario an analyst lives: export, change an incident's
status, another's casualties, add a citation to a third, delete a fourth, add a fifth,
export again — the box names exactly those, and the entries carry NEW / UPDATED.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

import pytest
from pypdf import PdfReader

from desktop.domain import Status
from desktop.errors import NotFoundError, ValidationError
from desktop.reports.sitrep_changes import NEW, UPDATED, numbered
from desktop.reports.sitrep_data import ReportOptions
from desktop.services import report_records, reporting
from desktop.services.dto import Casualties, Citation, IncidentData, IncidentQuery, When
from desktop.services.incidents import (
    create_incident,
    delete_incident,
    get_incident,
    get_incidents,
    purge_incident,
    update_incident,
)
from desktop.services.report_request import LATEST
from desktop.services.report_settings import ReportScope

if TYPE_CHECKING:
    from pathlib import Path

    from desktop.store.engine import Database
    from tests.conftest import IncidentFactory

IRAQ = IncidentQuery(countries=("IQ",))
FIRST = datetime(2023, 10, 19, 12, 0, tzinfo=UTC)
SECOND = datetime(2023, 10, 20, 6, 30, tzinfo=UTC)


def on(day: int) -> When:
    return When(date(2023, 10, day), date(2023, 10, day))


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def five(db: Database, make_incident: IncidentFactory) -> dict[str, IncidentData]:
    """Four incidents in Iraq on the 10th–13th and one in Syria (another scope)."""
    made = {
        "status": make_incident(title="Rocket attack on Ain al-Asad", when=on(10)),
        "killed": make_incident(title="Drone strike near Erbil", when=on(11)),
        "cited": make_incident(title="IED on a supply convoy", when=on(12)),
        "deleted": make_incident(title="Claimed attack on Victory base", when=on(13)),
    }
    made["status"] = replace(made["status"], status=Status.REPORTED)
    made["killed"] = replace(made["killed"], casualties=Casualties(killed=3, injured=1))
    made["cited"] = replace(made["cited"], citations=made["cited"].citations[:1])
    return {name: create_incident(db, data) for name, data in made.items()}


def export(
    db: Database, out: Path, when: datetime, compare_with: str | None = LATEST
) -> reporting.ReportResult:
    return reporting.export_sitrep(
        db, out, IRAQ, ReportOptions(title="Iraq daily"), now=when, compare_with=compare_with
    )


def change_everything(
    db: Database, made: dict[str, IncidentData], make_incident: IncidentFactory
) -> IncidentData:
    """Confirm one, revise another's dead, cite a third again, delete a fourth, add one."""
    status = get_incident(db, made["status"].id or "")
    update_incident(db, replace(status, status=Status.CONFIRMED))
    killed = get_incident(db, made["killed"].id or "")
    update_incident(db, replace(killed, casualties=Casualties(killed=5, injured=1)))
    cited = get_incident(db, made["cited"].id or "")
    extra = Citation(source=cited.citations[0].source, credibility=2, excerpt="Second report.")
    update_incident(db, replace(cited, citations=(*cited.citations, extra)))
    delete_incident(db, made["deleted"].id or "")
    return create_incident(db, make_incident(title="Mortar fire at Baghdad airport", when=on(14)))


def test_a_report_is_recorded_with_its_scope_and_incidents(
    db: Database, five: dict[str, IncidentData], tmp_path: Path
) -> None:
    result = export(db, tmp_path / "a.pdf", FIRST)
    assert result.compared_with == ""  # nothing to compare with
    assert result.changes == ""
    [report] = report_records.list_reports(db)
    assert report.id == result.report_id
    assert len(report.id) == 5
    assert set(report.id) <= set(report_records.ID_ALPHABET)
    assert report.dtg == "191200ZOCT23"
    assert report.generated_at == FIRST
    assert report.as_of == "132359ZOCT23"
    assert report.scope == ReportScope.of(IRAQ)
    assert report.scope.words == "country Iraq"
    assert (report.incidents, report.format) == (4, "pdf")
    assert report.marking == "TLP:CLEAR"
    assert report.label == "191200ZOCT23 · " + report.id + " · 4 incidents"
    # Found again as typed, in any case; an id never recorded is one clear error.
    assert report_records.find_report(db, f" {report.id.lower()} ") == report
    with pytest.raises(NotFoundError, match="No report 'ZZZZZ' is recorded"):
        report_records.find_report(db, "zzzzz")
    with pytest.raises(ValidationError, match="is not a report id"):
        report_records.find_report(db, "R-1")


def test_the_next_report_says_exactly_what_changed(
    db: Database, five: dict[str, IncidentData], make_incident: IncidentFactory, tmp_path: Path
) -> None:
    first = export(db, tmp_path / "a.pdf", FIRST)
    change_everything(db, five, make_incident)
    second = export(db, tmp_path / "b.pdf", SECOND)

    assert second.compared_with == first.report_id
    assert second.changes == (
        "Since the report of 191200ZOCT23: 1 new, 3 updated, 1 no longer in this report."
    )
    text = flat(pdf_text(tmp_path / "b.pdf"))
    assert "Changes since the report of 191200ZOCT23" in text
    assert f"Compared with report {first.report_id} (generated 19 Oct 2023 12:00Z" in text
    assert re.search(r"New\W+(\(1\) )?4\. Mortar fire at Baghdad airport", text)
    assert "1. Rocket attack on Ain al-Asad — status reported → confirmed" in text
    assert "2. Drone strike near Erbil — killed 3 → 5" in text
    assert "3. IED on a supply convoy — +1 citation" in text
    assert "Claimed attack on Victory base (was no. 4) — deleted" in text
    # The marks: on the changed incidents' full entries and their rows in Annex A, and
    # nowhere else (the five are all in full under the default rule: four with casualties
    # or confirmed… so count the entries that are).
    assert re.search(r"4\. Mortar fire at Baghdad airport \[?NEW", text)
    assert re.search(r"1\. Rocket attack on Ain al-Asad \[?UPDATED", text)
    assert len(re.findall(r"\bNEW\b", text)) == 2
    assert len(re.findall(r"\bUPDATED\b", text)) == 6
    # Page 1 says it in one line, for those who read no further.
    page_one = flat(PdfReader(tmp_path / "b.pdf").pages[0].extract_text() or "")
    assert "Since the report of 191200ZOCT23: 1 new, 3 updated, 1 no longer" in page_one


def test_marks_are_keyed_by_incident(
    db: Database, five: dict[str, IncidentData], make_incident: IncidentFactory, tmp_path: Path
) -> None:
    export(db, tmp_path / "a.pdf", FIRST)
    added = change_everything(db, five, make_incident)
    scope = ReportScope.of(IRAQ)
    earlier = report_records.resolve(db, LATEST, scope)
    ordered = numbered(get_incidents(db, reporting.report_query(IRAQ)))
    changes = report_records.changes_since(db, earlier, scope, ordered)
    assert changes is not None
    assert dict(changes.marks) == {
        added.id: NEW,
        five["status"].id: UPDATED,
        five["killed"].id: UPDATED,
        five["cited"].id: UPDATED,
    }
    assert (changes.unchanged, changes.edited_otherwise) == (0, 0)


def test_compare_with_an_older_report_or_none(
    db: Database, five: dict[str, IncidentData], make_incident: IncidentFactory, tmp_path: Path
) -> None:
    first = export(db, tmp_path / "a.pdf", FIRST)
    change_everything(db, five, make_incident)
    second = export(db, tmp_path / "b.pdf", SECOND)
    # Nothing changed since the second: by default the third is compared with it.
    third = export(db, tmp_path / "c.pdf", datetime(2023, 10, 21, tzinfo=UTC))
    assert third.compared_with == second.report_id
    assert third.changes == "Since the report of 200630ZOCT23: no incident new, updated or gone."
    assert "4 unchanged." in flat(pdf_text(tmp_path / "c.pdf"))
    # The analyst picks the first: the changes are the second's again.
    fourth = export(
        db,
        tmp_path / "d.pdf",
        datetime(2023, 10, 22, tzinfo=UTC),
        compare_with=first.report_id.lower(),
    )
    assert fourth.compared_with == first.report_id
    assert "1 new, 3 updated, 1 no longer" in fourth.changes
    # None: no box, no marks.
    fifth = export(db, tmp_path / "e.pdf", datetime(2023, 10, 23, tzinfo=UTC), compare_with=None)
    assert fifth.compared_with == ""
    assert fifth.changes == ""
    text = pdf_text(tmp_path / "e.pdf")
    assert "Changes since" not in text
    assert "UPDATED" not in text
    assert len(report_records.list_reports(db)) == 5
    assert [r.id for r in report_records.list_reports(db)][-1] == first.report_id  # newest first


def test_a_bad_report_id_writes_and_records_nothing(
    db: Database, five: dict[str, IncidentData], tmp_path: Path
) -> None:
    with pytest.raises(NotFoundError):
        export(db, tmp_path / "a.pdf", FIRST, compare_with="ZZZZZ")
    assert not (tmp_path / "a.pdf").exists()
    assert report_records.list_reports(db) == []


def test_a_releasable_version_is_compared_only_with_a_report_it_may_name(
    db: Database, five: dict[str, IncidentData], tmp_path: Path
) -> None:
    """The box names the earlier report's incidents: a TLP:GREEN version compared with a
    TLP:AMBER report would name incidents it withholds."""
    secret = get_incident(db, five["deleted"].id or "")
    update_incident(db, replace(secret, marking="TLP:AMBER"))
    full = export(db, tmp_path / "full.pdf", FIRST)  # marked TLP:AMBER, holds the secret
    green = ReportOptions(title="Iraq daily", max_marking="TLP:GREEN")
    released = reporting.export_sitrep(db, tmp_path / "g.pdf", IRAQ, green, now=SECOND)
    assert (full.marking, released.marking) == ("TLP:AMBER", "TLP:GREEN")
    assert released.compared_with == ""  # the only earlier report is marked above
    assert "Claimed attack on Victory base" not in pdf_text(tmp_path / "g.pdf")
    with pytest.raises(ValidationError, match="above this version's release level TLP:GREEN"):
        reporting.export_sitrep(
            db, tmp_path / "h.pdf", IRAQ, green, now=SECOND, compare_with=full.report_id
        )
    assert not (tmp_path / "h.pdf").exists()
    # The next releasable version is compared with the last one released.
    later = datetime(2023, 10, 21, tzinfo=UTC)
    again = reporting.export_sitrep(db, tmp_path / "i.pdf", IRAQ, green, now=later)
    assert again.compared_with == released.report_id
    scope = ReportScope.of(IRAQ)
    offered = report_records.comparable(db, scope, "TLP:GREEN")
    assert [r.id for r in offered] == [again.report_id, released.report_id]


def test_same_scope_is_the_filters_whatever_the_period(
    db: Database, five: dict[str, IncidentData], tmp_path: Path
) -> None:
    """Monday's weekly report is compared with last Monday's; the incidents the moving
    period left behind are said to be outside it, not deleted."""
    week1 = IncidentQuery(countries=("IQ",), since=date(2023, 10, 10), until=date(2023, 10, 12))
    week2 = IncidentQuery(countries=("IQ",), since=date(2023, 10, 12), until=date(2023, 10, 14))
    syria = IncidentQuery(countries=("SY",))
    options = ReportOptions(title="Weekly")
    first = reporting.export_sitrep(db, tmp_path / "1.pdf", week1, options, now=FIRST)
    other = reporting.export_sitrep(db, tmp_path / "s.pdf", syria, options, now=FIRST)
    assert other.compared_with == ""  # another scope: not compared by default
    second = reporting.export_sitrep(db, tmp_path / "2.pdf", week2, options, now=SECOND)
    assert second.compared_with == first.report_id
    text = flat(pdf_text(tmp_path / "2.pdf"))
    assert re.search(r"New\W+(\(1\) )?2\. Claimed attack on Victory base", text)
    assert "Rocket attack on Ain al-Asad (was no. 1) — outside this report's period" in text
    assert "Drone strike near Erbil (was no. 2) — outside this report's period" in text
    assert "1 unchanged." in text  # the 12th is in both
    listed = report_records.list_reports(db, ReportScope.of(week2))
    assert [r.id for r in listed] == [second.report_id, first.report_id]


def test_an_incident_moved_out_of_scope_says_what_moved_it(
    db: Database, five: dict[str, IncidentData], tmp_path: Path
) -> None:
    export(db, tmp_path / "a.pdf", FIRST)
    moved = get_incident(db, five["cited"].id or "")
    update_incident(
        db, replace(moved, where=replace(moved.where, country="SY", name="Deir ez-Zor"))
    )
    purge_target = five["deleted"].id or ""
    delete_incident(db, purge_target)
    purge_incident(db, purge_target)
    export(db, tmp_path / "b.pdf", SECOND)
    text = flat(pdf_text(tmp_path / "b.pdf"))
    assert (
        "IED on a supply convoy (was no. 3) — out of scope after a change: place "
        "al-Asad airbase, Anbar, Iraq → Deir ez-Zor, Anbar, Syria" in text
    )
    assert "Claimed attack on Victory base (was no. 4) — deleted" in text  # purged: named


def test_a_read_only_workspace_writes_the_report_but_records_nothing(
    db: Database, five: dict[str, IncidentData], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(type(db), "read_only", property(lambda _self: True))
    result = export(db, tmp_path / "a.pdf", FIRST)
    assert (tmp_path / "a.pdf").is_file()
    assert result.report_id == ""
    monkeypatch.undo()
    assert report_records.list_reports(db) == []
