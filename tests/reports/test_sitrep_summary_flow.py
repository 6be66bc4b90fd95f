"""A short SITREP's summary ends on page 1: the map leaves room for what follows it when all
of that fits (sitrep_summary.FitDrawing), instead of a page holding the assessment alone."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pypdf import PdfReader

from desktop.cli.main import main
from desktop.services.sample import load_sample
from desktop.store.engine import open_database

if TYPE_CHECKING:
    from pathlib import Path

PERIOD = ["--since", "2023-10-17", "--until", "2023-10-17", "--country", "IQ"]  # 3 incidents
ASSESSMENT = (
    "Attacks on U.S. forces in Iraq are likely to continue over the coming week. The Islamic "
    "Resistance in Iraq has claimed each attack within hours, and its statements suggest a "
    "campaign rather than isolated strikes. "
) * 3


def _pages(tmp_path: Path, name: str, *extra: str) -> list[str]:
    path = tmp_path / "work.sqlite3"
    if not path.exists():
        db = open_database(path)
        try:
            load_sample(db)
        finally:
            db.close()
    out = tmp_path / f"{name}.pdf"
    args = ["--db", str(path), "export", "pdf", "--out", str(out), "--accept-drafted-bluf"]
    assert main([*args, *PERIOD, "--compare-with", "none", *extra]) == 0
    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(out).pages]


def test_a_short_report_keeps_its_assessment_on_page_one(tmp_path: Path) -> None:
    pages = _pages(tmp_path, "short")
    first, second = pages[0], pages[1]
    assert "3 incidents" in first
    assert "Map: all 3 incidents shown." in first
    assert "Assessment and outlook" in first
    assert first.index("Map: all 3") < first.index("Assessment and outlook")
    assert "Significant incidents" in second
    assert not any("Assessment and outlook" in page for page in pages[1:])


def test_a_summary_too_long_for_page_one_starts_page_two_whole(tmp_path: Path) -> None:
    judgement = "Attacks on U.S. bases in Iraq will continue next week|likely|moderate|||"
    pages = _pages(tmp_path, "long", "--assessment", ASSESSMENT, "--judgement", judgement)
    first, second = pages[0], pages[1]
    assert "Map: all 3 incidents shown." in first  # the map keeps page 1
    assert "Key judgements" not in first
    assert "Assessment and outlook" not in first
    assert second.index("Key judgements") < second.index("Assessment and outlook")
