"""Before Qt starts on X11: are the system libraries its xcb platform plugin needs there?

Qt loads ``libqxcb.so`` only when the window is made. A missing library then aborts the
program with a hint about ``libxcb-cursor0`` whatever is missing (Debian 12 lacked
``libxcb-icccm4`` and ``libxcb-keysyms1``). Trying each library first names the real ones.
Standard library only and a handful of dlopen calls: it runs at every start.

The list is what ``readelf -d`` shows as NEEDED for PySide6's
``Qt/plugins/platforms/libqxcb.so`` and ``Qt/lib/libQt6XcbQpa.so.6``, Qt's own libraries
and the C runtime left out.
"""

from __future__ import annotations

import ctypes
import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

README_SECTION = "Desktop system packages"

# soname → (Debian/Ubuntu package, Fedora package)
XCB_LIBRARIES: dict[str, tuple[str, str]] = {
    "libxcb.so.1": ("libxcb1", "libxcb"),
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor"),
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm"),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms"),
    "libxcb-randr.so.0": ("libxcb-randr0", "libxcb"),
    "libxcb-render.so.0": ("libxcb-render0", "libxcb"),
    "libxcb-render-util.so.0": ("libxcb-render-util0", "xcb-util-renderutil"),
    "libxcb-shape.so.0": ("libxcb-shape0", "libxcb"),
    "libxcb-shm.so.0": ("libxcb-shm0", "libxcb"),
    "libxcb-sync.so.1": ("libxcb-sync1", "libxcb"),
    "libxcb-util.so.1": ("libxcb-util1", "xcb-util"),
    "libxcb-xfixes.so.0": ("libxcb-xfixes0", "libxcb"),
    "libxcb-xkb.so.1": ("libxcb-xkb1", "libxcb"),
    "libxkbcommon.so.0": ("libxkbcommon0", "libxkbcommon"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11"),
    "libX11.so.6": ("libx11-6", "libX11"),
    "libX11-xcb.so.1": ("libx11-xcb1", "libX11-xcb"),
    "libGL.so.1": ("libgl1", "libglvnd-glx"),
    "libglib-2.0.so.0": ("libglib2.0-0", "glib2"),
    "libgthread-2.0.so.0": ("libglib2.0-0", "glib2"),
}


def will_use_xcb(environ: Mapping[str, str], platform: str) -> bool:
    """Whether Qt is about to use its X11 platform plugin."""
    if not platform.startswith("linux"):
        return False
    chosen = environ.get("QT_QPA_PLATFORM", "").strip()
    if chosen:
        # "xcb", "xcb:option=…", or a list tried in order ("wayland;xcb"): the first counts.
        return chosen.split(";")[0].split(":")[0].strip() == "xcb"
    if environ.get("WAYLAND_DISPLAY") and environ.get("XDG_SESSION_TYPE") == "wayland":
        return False  # Qt 6 picks its Wayland plugin in a Wayland session
    return bool(environ.get("DISPLAY"))


def _loads(soname: str) -> bool:
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def missing_xcb_libraries(loads: Callable[[str], bool] = _loads) -> list[str]:
    return [soname for soname in XCB_LIBRARIES if not loads(soname)]


def missing_message(missing: list[str]) -> str:
    debian = dict.fromkeys(XCB_LIBRARIES[soname][0] for soname in missing)
    fedora = dict.fromkeys(XCB_LIBRARIES[soname][1] for soname in missing)
    return (
        "incident-desk: the desktop window cannot start: the system libraries Qt needs to "
        f"draw on X11 are missing: {', '.join(missing)}.\n"
        f"  Debian/Ubuntu: sudo apt install {' '.join(debian)}\n"
        f"  Fedora:        sudo dnf install {' '.join(fedora)}\n"
        f"See '{README_SECTION}' in README.md."
    )


def check_desktop_libraries(
    environ: Mapping[str, str] | None = None,
    loads: Callable[[str], bool] | None = None,
    platform: str | None = None,
) -> str | None:
    """The message to print when Qt would fail to start for lack of a library, else None."""
    if not will_use_xcb(os.environ if environ is None else environ, platform or sys.platform):
        return None
    missing = missing_xcb_libraries(loads or _loads)
    return missing_message(missing) if missing else None
