"""``export pdf``'s report options: filters, a releasable version, the significance rule, pins
and key judgements; each bad value one clear line and exit 2. Run in-process (``main``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from pypdf import PdfReader

from desktop.cli.main import main
from desktop.services.dto import IncidentQuery
from desktop.services.incidents import get_incidents
from desktop.services.report_settings import load_remembered
from desktop.services.sample import load_sample

if TYPE_CHECKING:
    from pathlib import Path

    from desktop.store.engine import Database


@pytest.fixture
def sample(db: Database) -> Database:
    load_sample(db)
    return db


def ids_by_title(db: Database) -> dict[str, str]:
    return {i.title: i.id or "" for i in get_incidents(db, IncidentQuery())}


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def test_filters_release_level_rule_pins_and_judgements(
    sample: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = ids_by_title(sample)
    asad = next(i for t, i in ids.items() if "al-Asad" in t)
    harir = next(i for t, i in ids.items() if "al-Harir" in t)
    out = tmp_path / "release.pdf"
    code = main(
        [
            "export",
            "pdf",
            "--db",
            sample.url,
            "--out",
            str(out),
            "--status",
            "Confirmed",
            "--status",
            "reported",
            "--status",
            "UNVERIFIED",
            "--max-marking",
            "tlp:green",
            "--significant",
            "none",
            "--pin",
            asad[:8],
            "--judgement",
            f"Drone attacks on the bases go on|probable|Moderate|{asad} {harir}|"
            "Supply lines hold|A strike outside Anbar",
        ]
    )
    out_err = capsys.readouterr()
    assert code == 0, out_err.err
    assert "1 in full" in out_err.out
    text = pdf_text(out)
    assert "withheld above TLP:GREEN" in text
    assert "Significant: only the pinned incidents; 1 of" in text
    squeezed = "".join(text.split())  # the judgement's cells wrap
    assert "Droneattacksonthebasesgoon" in squeezed
    assert "Supplylineshold" in squeezed
    assert "55–80%" in text
    assert "TLP:GREEN: Limited disclosure" in text
    assert "TLP:AMBER" not in text  # withheld incidents leave no trace, not even a marking
    assert "Filter: status confirmed, reported, unverified" in text
    # The judgement is remembered with its scope, the rule whatever the scope.
    remembered = load_remembered(sample)
    assert remembered.texts.judgements[0].likelihood == "probable"
    assert remembered.texts.significance == "none"


def test_search_selects_like_the_search_command(
    sample: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "search.pdf"
    args = ["--search", "harir", "--confidence", "moderate"]
    assert main(["export", "pdf", "--db", sample.url, "--out", str(out), *args]) == 0
    expected = get_incidents(sample, IncidentQuery(text="harir", confidences=("moderate",)))
    assert 0 < len(expected) < len(get_incidents(sample, IncidentQuery(text="harir")))
    assert f", {len(expected)} incident" in capsys.readouterr().out
    text = pdf_text(out)
    assert "confidence moderate; text “harir”" in text
    for incident in expected:
        assert incident.title[:20] in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--status", "sure"], "--status: 'sure' is not one of confirmed"),
        (["--significant", "biggest"], "'biggest' is not a rule term"),
        (["--judgement", "Only text"], "give TEXT|LIKELIHOOD|CONFIDENCE"),
        (["--judgement", "They go on|maybe|high"], "--judgement: Key judgement 1: give a "),
        (["--max-marking", "SECRET"], "--max-marking: A release level is a TLP label"),
        (
            ["--marking", "TLP:AMBER", "--max-marking", "TLP:GREEN"],
            "stricter than the release level TLP:GREEN",
        ),
        (["--pin", "0123456789"], "Pinned incident 0123456789 is no incident of this report."),
    ],
)
def test_bad_values_are_one_line_and_exit_2(
    sample: Database,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    out = tmp_path / "bad.pdf"
    try:
        code = main(["export", "pdf", "--db", sample.url, "--out", str(out), *args])
    except SystemExit as exc:  # argparse refuses a value before the command runs
        code = int(exc.code or 0)
    err = capsys.readouterr().err
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert not out.exists()
