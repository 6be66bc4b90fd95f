"""Reading a file in a second thread while the first writes what was read.

An import reads and checks a part of the file (Python and ``json``'s C decoder) while the
database stores the part before (SQLite's C code, which lets go of the GIL), so the two
cores of a laptop share the work. A few parts are held between the two, never the file.
"""

from __future__ import annotations

import queue
import threading
from typing import TYPE_CHECKING, TypeVar, cast

if TYPE_CHECKING:
    from collections.abc import Generator, Iterator

_T = TypeVar("_T")
_DONE = object()
# Parts held between reader and writer: enough to ride out a slow batch on either side.
DEPTH = 4


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
