"""The report's file format follows --out's suffix; the previous period is read for the chart."""

from __future__ import annotations

import stat
from datetime import date
from typing import TYPE_CHECKING

import docx
import pytest

from desktop.errors import ValidationError
from desktop.reports.sitrep_data import ReportOptions
from desktop.services import reporting
from desktop.services.dto import IncidentQuery
from desktop.services.sample import load_sample

if TYPE_CHECKING:
    from pathlib import Path

    from desktop.store.engine import Database


@pytest.fixture
def sample_db(db: Database) -> Database:
    load_sample(db)
    return db


def test_a_docx_is_written_when_asked_for(sample_db: Database, tmp_path: Path) -> None:
    out = tmp_path / "brief.DOCX"
    result = reporting.export_sitrep(sample_db, out, IncidentQuery(), ReportOptions(title="Weekly"))
    assert result.pages == 0  # Word lays the pages out
    assert result.incidents == 7
    document = docx.Document(str(out))
    assert document.paragraphs[0].text == "Weekly"
    assert document.sections[0].header.paragraphs[0].text.strip() == result.marking
    assert stat.S_IMODE(out.stat().st_mode) == 0o600  # like every file the app writes


@pytest.mark.parametrize("name", ["brief.odt", "brief", "brief.pdf.txt"])
def test_any_other_suffix_is_one_clear_error(db: Database, tmp_path: Path, name: str) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(ValidationError, match=r"as PDF \(\.pdf\) or as an editable Word"):
        reporting.export_sitrep(db, folder / name)
    with pytest.raises(ValidationError, match="give a file name ending"):
        reporting.check_output(db, folder / name)
    assert list(folder.iterdir()) == []


def test_the_previous_period_is_read_for_the_comparison(
    sample_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[object] = []
    prepare = reporting.prepare

    def spy(*args: object) -> object:
        seen.append(args[3])
        return prepare(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(reporting, "prepare", spy)
    query = IncidentQuery(since=date(2023, 10, 17), until=date(2023, 10, 18))
    reporting.export_sitrep(sample_db, tmp_path / "a.pdf", query)
    # 17–18 Oct against 15–16 Oct: the sample's week-long statements overlap it.
    previous = seen[0]
    assert isinstance(previous, list)
    assert previous
    assert all(i.when.start <= date(2023, 10, 16) for i in previous)
    reporting.export_sitrep(
        sample_db, tmp_path / "b.pdf", IncidentQuery(since=date(1, 1, 1), until=date(9999, 12, 31))
    )
    assert seen[1] is None  # no period of ten thousand years before that one
