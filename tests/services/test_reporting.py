"""Exporting a SITREP: progress reported, cancellation honoured, nothing half-written left."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pytest
from pypdf import PdfReader

from desktop.errors import ValidationError
from desktop.reports.sitrep_data import ReportOptions
from desktop.services import reporting
from desktop.services.dto import IncidentQuery
from desktop.services.incidents import count_incidents
from desktop.services.progress import Cancelled, Progress
from desktop.services.sample import load_sample

if TYPE_CHECKING:
    from pathlib import Path

    from desktop.store.engine import Database
    from tests.conftest import IncidentFactory


@pytest.fixture
def sample_db(db: Database) -> Database:
    load_sample(db)
    return db


def part_files(folder: Path) -> list[str]:
    """Half-written exports (``.NAME.part``) anywhere under ``folder``."""
    return [p.name for p in folder.rglob("*") if p.name.endswith(".part")]


def test_progress_goes_from_reading_to_done(sample_db: Database, tmp_path: Path) -> None:
    steps: list[tuple[int, int, str]] = []
    out = tmp_path / "brief.pdf"
    result = reporting.export_sitrep(
        sample_db,
        out,
        IncidentQuery(),
        ReportOptions(title="Weekly"),
        progress=Progress(lambda *s: steps.append(s)),
    )
    assert out.is_file()
    assert result.pages >= 2
    done = [d for d, _total, _text in steps]
    assert done == sorted(done)  # never goes backwards
    assert {total for _d, total, _t in steps} == {100}
    assert steps[0] == (0, 100, "Reading the incidents…")
    assert steps[-1] == (100, 100, f"{result.pages} pages written.")
    texts = [text for _d, _t, text in steps]
    assert any(text.startswith("Laying out page 2") for text in texts)
    assert "Saving the file…" in texts
    assert len(steps) > 10  # layout moves the bar, not only the stage changes


@pytest.mark.parametrize("stop_at", ["Preparing", "Laying out page 1", "Laying out page 2"])
def test_cancel_leaves_no_file_and_keeps_an_older_one(
    sample_db: Database, tmp_path: Path, stop_at: str
) -> None:
    out = tmp_path / "brief.pdf"
    out.write_bytes(b"the previous report")
    progress: Progress

    def on_step(_done: int, _total: int, text: str) -> None:
        if text.startswith(stop_at):
            progress.cancel()

    progress = Progress(on_step)
    with pytest.raises(Cancelled):
        reporting.export_sitrep(sample_db, out, progress=progress)
    assert out.read_bytes() == b"the previous report"
    assert part_files(tmp_path) == []


def test_cancelled_before_it_starts(sample_db: Database, tmp_path: Path) -> None:
    progress = Progress()
    progress.cancel()
    with pytest.raises(Cancelled):
        reporting.export_sitrep(sample_db, tmp_path / "x.pdf", progress=progress)
    assert not (tmp_path / "x.pdf").exists()
    assert part_files(tmp_path) == []


def test_unwritable_folder_is_a_readable_error_and_leaves_nothing(
    sample_db: Database, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be")
    with pytest.raises(ValidationError) as raised:
        reporting.export_sitrep(sample_db, blocker / "brief.pdf", progress=Progress())
    assert str(raised.value).startswith(f"out: cannot write {blocker / 'brief.pdf'}")
    assert blocker.read_text() == "a file where a folder should be"
    assert part_files(tmp_path) == []


def test_export_without_progress_still_works(sample_db: Database, tmp_path: Path) -> None:
    out = tmp_path / "plain.pdf"
    result = reporting.export_sitrep(sample_db, out, IncidentQuery(countries=("IQ",)))
    reader = PdfReader(out)
    assert len(reader.pages) == result.pages
    assert result.incidents == count_incidents(sample_db, IncidentQuery(countries=("IQ",)))


def test_count_for_report_ignores_the_trash_and_the_sort(sample_db: Database) -> None:
    everything = reporting.count_for_report(sample_db, None)
    assert everything == count_incidents(sample_db, IncidentQuery())
    assert everything > 0
    trash_view = IncidentQuery(deleted=True, sort="title")
    assert reporting.count_for_report(sample_db, trash_view) == everything
    assert reporting.count_for_report(sample_db, IncidentQuery(since=date(2030, 1, 1))) == 0


def test_last_export_folder_is_remembered_while_it_exists(db: Database, tmp_path: Path) -> None:
    assert reporting.last_export_folder(db) is None
    folder = tmp_path / "reports"
    folder.mkdir()
    reporting.remember_export_folder(db, folder)
    assert reporting.last_export_folder(db) == folder
    reporting.remember_export_folder(db, tmp_path)
    assert reporting.last_export_folder(db) == tmp_path
    folder.rmdir()
    reporting.remember_export_folder(db, folder)
    assert reporting.last_export_folder(db) is None  # gone: fall back to the default


def test_a_narrative_of_the_maximum_length_renders_whole(
    db: Database, make_incident: IncidentFactory, tmp_path: Path
) -> None:
    from dataclasses import replace

    from desktop.services import incidents, limits

    sentence = "Two one-way attack drones targeted the base; كتائب حزب الله claimed it. "
    narrative = (sentence * (limits.SUMMARY // len(sentence) + 1))[: limits.SUMMARY]
    record = make_incident(title="Long " * (limits.TITLE // 5), summary=narrative)
    record = replace(
        record,
        citations=tuple(replace(c, excerpt=narrative[: limits.EXCERPT]) for c in record.citations),
    )
    incidents.create_incident(db, record)
    out = tmp_path / "long.pdf"
    result = reporting.export_sitrep(db, out, IncidentQuery(), ReportOptions(title="Long"))
    # Measured: 11 pages, 0.6 s. The whole narrative is printed (excerpts are shortened in
    # the report by design).
    assert result.pages < 20
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(out).pages).split())
    assert text.count("targeted the base") >= narrative.count("targeted the base")
