"""Reading a file in a second thread while the first writes what was read.

An import reads and checks a part of the file (Python and ``json``'s C decoder) while the
database stores the part before (SQLite's C code, which lets go of the GIL), so the two
cores of a laptop share the work. A few parts are held between the two, never the file.
"""

from __future__ import annotations

import queue
import sys
import threading
from contextlib import contextmanager
from typing import TYPE_CHECKING, TypeVar, cast

if TYPE_CHECKING:
    from collections.abc import Generator, Iterator

_T = TypeVar("_T")
_DONE = object()
# Parts held between reader and writer: enough to ride out a slow batch on either side.
DEPTH = 4
# The GIL's switch interval while a reader runs, in seconds (Python's default is 0.005).
# SQLite lets go of the GIL for each row it steps, and with the default the writer then
# waited up to the whole interval for the busy reader to hand it back, row after row: the
# incidents' executemany took about twice as long as alone (docs/performance.md).
SWITCH_INTERVAL = 0.0005
_switching = threading.Lock()
_readers = 0
_interval_before = 0.0


@contextmanager
def _quick_switches() -> Iterator[None]:
    """SWITCH_INTERVAL while any reader runs (the setting is the process's), then as before."""
    global _readers, _interval_before
    with _switching:
        if _readers == 0:
            _interval_before = sys.getswitchinterval()
            sys.setswitchinterval(min(SWITCH_INTERVAL, _interval_before))
        _readers += 1
    try:
        yield
    finally:
        with _switching:
            _readers -= 1
            if _readers == 0:
                sys.setswitchinterval(_interval_before)


def read_ahead(items: Iterator[_T], depth: int = DEPTH) -> Generator[_T, None, None]:
    """``items`` as they are, made in a thread of their own ahead of the caller.

    An exception the thread meets is raised here, in the caller's thread, where it was
    met in the order of the items. Closing this generator early (the caller failed, or
    stopped) stops the thread and waits for it, so it never outlives the file it reads.
    """
    handoff: queue.Queue[tuple[object, BaseException | None]] = queue.Queue(depth)
    stop = threading.Event()

    def put(entry: tuple[object, BaseException | None]) -> bool:
        while not stop.is_set():
            try:
                handoff.put(entry, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put((item, None)):
                    return
        except BaseException as exc:  # handed to the caller, raised there
            put((_DONE, exc))
            return
        put((_DONE, None))

    thread = threading.Thread(target=produce, name="import-reader", daemon=True)
    with _quick_switches():
        thread.start()
        try:
            while True:
                item, error = handoff.get()
                if error is not None:
                    raise error
                if item is _DONE:
                    return
                yield cast("_T", item)
        finally:
            stop.set()
            thread.join()
