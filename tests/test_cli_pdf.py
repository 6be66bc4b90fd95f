"""``export pdf`` from the command line, run as a user runs it: options, refusals, the file."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.cli_run import run

if TYPE_CHECKING:
    from pathlib import Path

    from tests.conftest import DbUrls


def test_export_pdf_brief(cli_sample: str, tmp_path: Path) -> None:
    from pypdf import PdfReader

    out = tmp_path / "brief.pdf"
    result = run("export", "pdf", "--db", cli_sample, "--out", str(out), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    reader = PdfReader(out)
    assert len(reader.pages) >= 3
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Situation Report" in text
    assert "al-Asad" in text
    assert "al-Harir" in text
    assert "TLP:AMBER" in reader.pages[0].extract_text()  # raised from the default CLEAR


def test_export_pdf_filters(cli_sample: str, tmp_path: Path) -> None:
    from pypdf import PdfReader

    out = tmp_path / "iraq.pdf"
    result = run(
        "export",
        "pdf",
        "--db",
        cli_sample,
        "--out",
        str(out),
        "--country",
        "iq",
        "--type",
        "Explosions/Remote violence",
        "--title",
        "Iraq <b>brief</b> & more",
        "--since",
        "2023-10-17",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "1 incident," in result.stdout
    text = PdfReader(out).pages[0].extract_text()
    assert "Iraq <b>brief</b> & more" in text


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--since", "2023-13-01"), "is not a date"),
        (("--country", "ZZ"), "is not an ISO 3166-1"),
        (("--type", "Bombing"), "is not an ACLED event type"),
        (("--since", "2023-10-20", "--until", "2023-10-01"), "--until is before --since"),
    ],
)
def test_export_pdf_bad_options(
    cli_sample: str, tmp_path: Path, args: tuple[str, ...], expected: str
) -> None:
    out = tmp_path / "x.pdf"
    result = run("export", "pdf", "--db", cli_sample, "--out", str(out), *args, cwd=tmp_path)
    assert result.returncode == 2
    assert expected in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not out.exists()


def test_export_pdf_remembers_report_texts(tmp_path: Path, new_db_url: DbUrls) -> None:
    from pypdf import PdfReader

    db = new_db_url()
    assert run("sample", "--db", db, cwd=tmp_path).returncode == 0
    first = run(
        "export",
        "pdf",
        "--db",
        db,
        "--out",
        str(tmp_path / "1.pdf"),
        "--key-point",
        "Attacks on bases rose after 17 Oct",
        "--author",
        "J. Analyst",
        "--assessment",
        "We assess with moderate confidence that attacks continue.",
        cwd=tmp_path,
    )
    assert first.returncode == 0, first.stderr
    second = run("export", "pdf", "--db", db, "--out", str(tmp_path / "2.pdf"), cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    text = "\n".join(p.extract_text() for p in PdfReader(tmp_path / "2.pdf").pages)
    assert "Attacks on bases rose after 17 Oct" in text
    assert "J. Analyst" in text
    assert "We assess with moderate confidence" in text


def test_export_pdf_leaves_out_key_points_written_for_another_scope(
    tmp_path: Path, new_db_url: DbUrls
) -> None:
    from pypdf import PdfReader

    db = new_db_url()
    assert run("sample", "--db", db, cwd=tmp_path).returncode == 0

    def export(name: str, *args: str) -> tuple[str, str]:
        out = tmp_path / name
        result = run("export", "pdf", "--db", db, "--out", str(out), *args, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        return PdfReader(out).pages[0].extract_text(), result.stderr

    iraq = ("--country", "IQ")
    export("iq.pdf", *iraq, "--key-point", "Iraqi militias escalate", "--assessment", "Iraq view")
    page, stderr = export("lb.pdf", "--country", "LB")
    assert "Iraqi militias escalate" not in page
    assert "No key points were given." in page
    assert "Remembered key points and assessment left out" in stderr
    assert "(country Iraq)" in stderr
    assert "(country Lebanon)" in stderr
    # What is given on the command line is not left out, nor said to be.
    page, stderr = export("lb2.pdf", "--country", "LB", "--key-point", "Lebanon point")
    assert "Lebanon point" in page
    assert "Remembered assessment left out: it was written for" in stderr
    page, stderr = export("lb3.pdf", "--country", "LB")
    assert "Lebanon point" in page
    assert stderr == ""


def test_export_pdf_refuses_more_key_points_than_a_report_holds(
    cli_sample: str, tmp_path: Path
) -> None:
    from desktop.services.report_request import MAX_KEY_POINTS

    out = tmp_path / "x.pdf"
    points = [arg for n in range(MAX_KEY_POINTS + 2) for arg in ("--key-point", f"Point {n}")]
    result = run("export", "pdf", "--db", cli_sample, "--out", str(out), *points, cwd=tmp_path)
    assert result.returncode == 2
    # The export dialog's sentence, after the option: never a silent cut to ten.
    assert result.stderr.strip() == (
        f"incident-desk: --key-point: At most {MAX_KEY_POINTS} key points, "
        "one per line (there are 12)."
    )
    assert not out.exists()
    ten = points[: 2 * MAX_KEY_POINTS]
    assert (
        run("export", "pdf", "--db", cli_sample, "--out", str(out), *ten, cwd=tmp_path).returncode
        == 0
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--title", " "), "incident-desk: --title: Give the report a title."),
        (
            ("--since", "2023-10-20", "--until", "2023-10-01"),
            "incident-desk: --until is before --since: The period ends before it starts.",
        ),
        (
            ("--marking", " "),
            "argument --marking: Choose a marking (a TLP label or a classification line).",
        ),
    ],
)
def test_export_pdf_refuses_in_the_dialogs_words(
    cli_sample: str, tmp_path: Path, args: tuple[str, ...], expected: str
) -> None:
    out = tmp_path / "x.pdf"
    result = run("export", "pdf", "--db", cli_sample, "--out", str(out), *args, cwd=tmp_path)
    assert result.returncode == 2
    assert expected in result.stderr
    assert not out.exists()
