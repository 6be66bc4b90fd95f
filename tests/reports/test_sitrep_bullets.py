"""Where the bullets of a SITREP stand: a line holding Arabic (an incident named in both
scripts) has its bullet where every other bullet is; an Arabic key point has it at the right
edge, where its reader starts, the text hanging beside it. Read from the PDF's characters."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pypdfium2 as pdfium

from desktop.cli.main import main
from desktop.services.sample import load_sample
from desktop.store.engine import open_database

if TYPE_CHECKING:
    from pathlib import Path

ARABIC_POINT = (
    "هجوم بطائرة مسيرة على قاعدة عين الأسد، ولم تقع إصابات بين القوات الأمريكية وفق البيان "
    "الرسمي الصادر عن القيادة المركزية في اليوم التالي"
)
ENGLISH_POINT = "A key point in English, long enough to wrap onto a second line of the page. " * 2
MARGIN = 51.0  # the page's side margins (18 mm), in points


def _report_with_changes(tmp_path: Path) -> Path:
    path = tmp_path / "work.sqlite3"
    db = open_database(path)
    try:
        load_sample(db)
    finally:
        db.close()
    common = ["--db", str(path), "export", "pdf", "--accept-drafted-bluf", "--country", "IQ"]
    first = [*common, "--out", str(tmp_path / "first.pdf"), "--since", "2023-10-17"]
    assert main([*first, "--until", "2023-10-17"]) == 0
    out = tmp_path / "second.pdf"
    second = [*common, "--out", str(out), "--since", "2023-10-10", "--until", "2023-10-18"]
    points = ["--key-point", ARABIC_POINT, "--key-point", ENGLISH_POINT]
    assert main([*second, "--compare-with", "latest", *points]) == 0
    return out


def _chars(page: pdfium.PdfPage) -> list[tuple[str, tuple[float, float, float, float]]]:
    text = page.get_textpage()
    return [(char, text.get_charbox(index)) for index, char in enumerate(text.get_text_range())]


def test_bullets_stand_where_a_reader_expects_them(tmp_path: Path) -> None:
    document = pdfium.PdfDocument(_report_with_changes(tmp_path))
    try:
        pages = [_chars(document[n]) for n in range(2)]
        width = document[0].get_width()
    finally:
        document.close()
    text = ["".join(char for char, _ in page) for page in pages]
    on = next(n for n, page in enumerate(text) if "Changes since the report of" in page)
    start = text[on].index("Changes since the report of")
    end = text[on].index("unchanged", start)
    box = [box for char, box in pages[on][start:end] if char == "•"]
    assert len(box) == 4  # the basis, two new incidents named in both scripts, the count
    lefts = {round(left, 1) for left, _bottom, _right, _top in box}
    assert len(lefts) == 1, lefts  # one column of bullets, the Arabic lines' included

    bullets = [box for char, box in pages[0] if char == "•"]
    arabic, english = bullets[0], bullets[1]  # the key points, in their order
    assert english[0] < MARGIN + 6  # at the left margin, as ever
    assert arabic[2] > width - MARGIN - 6  # at the right margin
    # The Arabic text hangs clear of its bullet: no letter of its lines reaches it.
    first_line = [
        box
        for char, box in pages[0]
        if "\u0600" <= char <= "\u06ff" and abs(box[1] - arabic[1]) < 4
    ]
    assert first_line
    assert max(right for _left, _bottom, right, _top in first_line) < arabic[0] - 6
