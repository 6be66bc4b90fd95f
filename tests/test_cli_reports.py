"""``incident-desk reports``, ``export pdf --compare-with`` and ``--accept-drafted-bluf``,
through ``desktop.cli.main`` with their exit codes and output, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import TYPE_CHECKING

import pytest
from pypdf import PdfReader

from desktop.cli.main import main
from desktop.domain import Status
from desktop.services.dto import IncidentQuery
from desktop.services.incidents import get_incidents, update_incident
from desktop.services.report_records import list_reports
from desktop.services.sample import load_sample

if TYPE_CHECKING:
    from pathlib import Path

    from desktop.store.engine import Database

IRAQ = IncidentQuery(countries=("IQ",), sort="when", descending=False)


@pytest.fixture
def sample(db: Database, db_url: str) -> str:
    load_sample(db)
    return db_url


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Exit code, stdout and stderr, as a shell sees them (argparse's refusals included)."""
    try:
        code = main(list(args))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def pdf_text(path: Path) -> str:
    return " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(path).pages)


def export(
    capsys: pytest.CaptureFixture[str], db: str, out: Path, *extra: str
) -> tuple[int, str, str]:
    return run(capsys, "export", "pdf", "--db", db, "--out", str(out), "--country", "IQ", *extra)


def test_reports_lists_what_was_exported(
    capsys: pytest.CaptureFixture[str], sample: str, tmp_path: Path
) -> None:
    code, out, _ = run(capsys, "reports", "--db", sample)
    assert (code, out) == (0, "No report has been recorded in this workspace yet.\n")
    code, out, _ = run(capsys, "reports", "--db", sample, "--json")
    assert (code, out) == (0, "")
    code, out, err = export(capsys, sample, tmp_path / "a.pdf")
    assert code == 0, err
    report = re.search(r"recorded as report ([2-9A-Z]{5})$", out.splitlines()[0])
    assert report is not None
    code, out, _ = run(capsys, "reports", "--db", sample)
    assert code == 0
    [line] = out.splitlines()
    assert re.fullmatch(
        rf"{report.group(1)}  \d{{6}}Z[A-Z]{{3}}\d\d  5 incidents  TLP:GREEN  country Iraq", line
    )
    code, out, _ = run(capsys, "reports", "--db", sample, "--json")
    listed = json.loads(out)
    assert listed["id"] == report.group(1)
    assert listed["incidents"] == 5
    assert listed["scope"] == {"filters": [["countries", "IQ"]], "words": "country Iraq"}
    assert listed["as_of"] == "182359ZOCT23"


def test_compare_with_latest_a_named_report_or_none(
    capsys: pytest.CaptureFixture[str], sample: str, db: Database, tmp_path: Path
) -> None:
    assert export(capsys, sample, tmp_path / "a.pdf")[0] == 0
    first = list_reports(db)[0].id
    claimed = next(i for i in get_incidents(db, IRAQ) if i.status == Status.CLAIMED)
    update_incident(db, replace(claimed, status=Status.REPORTED))
    code, out, err = export(capsys, sample, tmp_path / "b.pdf")
    assert code == 0, err
    assert out.splitlines()[1] == (
        f"Since the report of {list_reports(db)[1].dtg}: 1 updated. (compared with report {first})"
    )
    assert f"{claimed.title.split(' (')[0]}" in pdf_text(tmp_path / "b.pdf")
    assert "status claimed → reported" in pdf_text(tmp_path / "b.pdf")
    # The first again, named as typed (any case): the same change.
    code, out, _ = export(capsys, sample, tmp_path / "c.pdf", "--compare-with", first.lower())
    assert code == 0
    assert f"1 updated. (compared with report {first})" in out
    # None: no box.
    code, out, _ = export(capsys, sample, tmp_path / "d.pdf", "--compare-with", "none")
    assert code == 0
    assert "compared with" not in out
    assert "Changes since" not in pdf_text(tmp_path / "d.pdf")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("ZZZZZ", "incident-desk: No report 'ZZZZZ' is recorded in this workspace"),
        ("no such", "argument --compare-with: 'no such' is not a report id"),
    ],
)
def test_a_bad_report_id_is_one_line_exit_2_and_nothing_written(
    capsys: pytest.CaptureFixture[str],
    sample: str,
    db: Database,
    tmp_path: Path,
    value: str,
    message: str,
) -> None:
    code, out, err = export(capsys, sample, tmp_path / "a.pdf", "--compare-with", value)
    assert code == 2
    assert out == ""
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "a.pdf").exists()
    assert list_reports(db) == []


def test_drafted_bluf_is_suggested_and_printed_only_when_accepted(
    capsys: pytest.CaptureFixture[str], sample: str, db: Database, tmp_path: Path
) -> None:
    code, out, err = export(capsys, sample, tmp_path / "a.pdf")
    assert code == 0
    assert "add --accept-drafted-bluf to print it" in err
    assert "  • 5 incidents in Iraq; 2 of 5 confirmed." in err.splitlines()
    assert "No key points were given." in pdf_text(tmp_path / "a.pdf")  # not printed

    code, out, err = export(capsys, sample, tmp_path / "b.pdf", "--accept-drafted-bluf")
    assert code == 0
    assert "Key points drafted from the data (as accepted):" in out
    text = pdf_text(tmp_path / "b.pdf")
    assert "No key points were given." not in text
    assert "5 incidents (none new since " in text
    assert "2 of 5 confirmed." in text
    # An accepted draft is that report's only: the next one does not print it again.
    code, out, err = export(capsys, sample, tmp_path / "c.pdf")
    assert "No key points were given." in pdf_text(tmp_path / "c.pdf")

    # Key points given: no draft, neither printed nor suggested.
    code, out, err = export(
        capsys, sample, tmp_path / "d.pdf", "--key-point", "Ours.", "--accept-drafted-bluf"
    )
    assert code == 0
    assert "drafted from the data" not in out + err
    assert "Ours." in pdf_text(tmp_path / "d.pdf")
