"""Before Qt starts on X11, missing system libraries are named, with the packages to install."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import pytest

from desktop import system_check
from desktop.system_check import XCB_LIBRARIES, check_desktop_libraries, will_use_xcb

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

DEBIAN_12 = {"libxcb-icccm.so.4", "libxcb-keysyms.so.1"}  # what a clean Debian 12 lacked


def loads_all_but(missing: set[str]) -> tuple[list[str], Callable[[str], bool]]:
    """A loader that fails on ``missing``, and the list of what it was asked to load."""
    tried: list[str] = []

    def loads(soname: str) -> bool:
        tried.append(soname)
        return soname not in missing

    return tried, loads


@pytest.mark.parametrize(
    ("environ", "platform", "expected"),
    [
        ({"DISPLAY": ":0"}, "linux", True),
        ({}, "linux", False),  # no X server: Qt cannot use xcb, nor fail for these
        ({"QT_QPA_PLATFORM": "xcb"}, "linux", True),
        ({"QT_QPA_PLATFORM": "xcb:nograb", "DISPLAY": ":0"}, "linux", True),
        ({"QT_QPA_PLATFORM": "wayland;xcb", "DISPLAY": ":0"}, "linux", False),
        ({"QT_QPA_PLATFORM": "offscreen", "DISPLAY": ":0"}, "linux", False),
        (
            {"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0", "XDG_SESSION_TYPE": "wayland"},
            "linux",
            False,
        ),
        ({"DISPLAY": ":0"}, "darwin", False),
        ({"DISPLAY": ":0"}, "win32", False),
    ],
)
def test_only_the_x11_platform_is_checked(
    environ: dict[str, str], platform: str, expected: bool
) -> None:
    assert will_use_xcb(environ, platform) is expected


def test_the_missing_libraries_and_their_packages_are_named() -> None:
    tried, loads = loads_all_but(DEBIAN_12)
    problem = check_desktop_libraries({"DISPLAY": ":0"}, loads, "linux")
    assert problem is not None
    assert set(tried) == set(XCB_LIBRARIES)  # each tried once: a few dlopen calls
    assert len(tried) == len(XCB_LIBRARIES)
    lines = problem.splitlines()
    assert "libxcb-icccm.so.4, libxcb-keysyms.so.1" in lines[0]
    assert "libxcb-cursor" not in problem  # Qt's own hint blamed it; it was there
    assert lines[1].split(":", 1)[1].split() == [
        "sudo",
        "apt",
        "install",
        "libxcb-icccm4",
        "libxcb-keysyms1",
    ]
    assert lines[2].split(":", 1)[1].split() == [
        "sudo",
        "dnf",
        "install",
        "xcb-util-wm",
        "xcb-util-keysyms",
    ]
    assert "'Desktop system packages' in README.md" in lines[-1]


def test_nothing_to_say_when_all_load_or_another_platform_is_used() -> None:
    assert check_desktop_libraries({"DISPLAY": ":0"}, lambda _soname: True, "linux") is None
    never = loads_all_but(set(XCB_LIBRARIES))[1]
    assert check_desktop_libraries({"QT_QPA_PLATFORM": "offscreen"}, never, "linux") is None


def test_a_package_shared_by_several_libraries_is_named_once() -> None:
    problem = check_desktop_libraries(
        {"DISPLAY": ":0"},
        lambda soname: soname not in {"libxcb-shm.so.0", "libxcb-sync.so.1"},
        "linux",
    )
    assert problem is not None
    assert problem.splitlines()[2].split()[-1] == "libxcb"
    assert problem.count(" libxcb\n") == 1


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux sonames")
def test_the_real_loader_finds_the_c_library_and_not_a_made_up_one() -> None:
    assert system_check._loads("libc.so.6")
    assert not system_check._loads("libincident-desk-no-such-library.so.9")


def test_the_app_stops_before_qt_with_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import gc

    from desktop import cli

    # The check is made by the window's module (desktop.views.app), after importing PySide6.
    pytest.importorskip("PySide6", exc_type=ModuleNotFoundError)

    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    monkeypatch.setattr(system_check, "_loads", lambda soname: soname not in DEBIAN_12)
    started: list[object] = []
    monkeypatch.setattr("desktop.views.app.start", lambda *args: started.append(args))
    assert cli.main(["--db", str(tmp_path / "w.sqlite3")]) == 2
    assert started == []  # no QApplication was made
    assert gc.isenabled()
    err = capsys.readouterr().err
    assert "libxcb-icccm4 libxcb-keysyms1" in err
    assert "Traceback" not in err


def test_the_readme_lists_the_packages() -> None:
    from pathlib import Path

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    assert f"## {system_check.README_SECTION}" in readme
    section = readme.split(f"## {system_check.README_SECTION}")[1].split("\n## ")[0]
    for debian, fedora in XCB_LIBRARIES.values():
        assert debian in section
        assert fedora in section
