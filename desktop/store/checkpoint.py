"""The WAL checkpoint after a large write, run in the background instead of in the commit.

In WAL mode a commit appends the transaction's pages to the ``-wal`` file, and a checkpoint
copies them into the database file. SQLite runs that checkpoint in the committing connection
once the WAL passes 1,000 pages, so after an evidence intake the whole file is written a
second time (and synced) before the caller's commit returns: about half of the intake's
time (docs/performance.md). :func:`defer` asks for this transaction's commit to leave the
pages in the WAL and for a background thread to checkpoint them right after.

Nothing is put at risk. Once committed, the transaction is in the WAL, which every reader
sees and every opener recovers after a crash, exactly as any small commit that has not
reached an automatic checkpoint yet; with ``synchronous=NORMAL`` (desktop.store.engine) the
WAL is synced by the checkpoint, the same as before, only a moment later. The background
checkpoint is PASSIVE: it never waits for, nor blocks, readers or writers (another
connection's automatic checkpoint meanwhile finds it busy and skips), and it runs at a lower
priority than the rest of the process, so the window showing the new evidence comes first.
:meth:`Checkpointer.wait` joins it; :meth:`desktop.store.engine.Database.close` calls that
before the engine goes.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
import weakref
from typing import TYPE_CHECKING, Any

from sqlalchemy import event

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlalchemy.orm import Session

_log = logging.getLogger(__name__)

# SQLite's default, restored on the connection once the deferring transaction is over.
AUTOCHECKPOINT_PAGES = 1000
_DEFERRED = "incident_desk_checkpoint_deferred"
# How much lower the background checkpoint runs than the thread that committed.
NICENESS = 10
_CHECKPOINTERS: weakref.WeakKeyDictionary[Engine, Checkpointer] = weakref.WeakKeyDictionary()


class Checkpointer:
    """One SQLite engine's background checkpoint: at most one thread at a time."""

    def __init__(self, engine: Engine) -> None:
        # Weakly: _CHECKPOINTERS holds this object, and must not keep its engine alive.
        self._engine = weakref.ref(engine)
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._again = False
        event.listen(engine, "checkin", self._checked_in)
        _CHECKPOINTERS[engine] = self

    def _checked_in(self, dbapi_connection: Any, record: Any) -> None:
        """A connection is back in the pool, its transaction over: restore and start."""
        if not record.info.pop(_DEFERRED, False):
            return
        if dbapi_connection is not None:
            dbapi_connection.execute(f"PRAGMA wal_autocheckpoint={AUTOCHECKPOINT_PAGES}")
        self.start()

    def start(self) -> None:
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                self._again = True  # the running one may have started before this commit
                return
            self._thread = threading.Thread(target=self._run, name="wal-checkpoint")
            self._thread.start()

    def _run(self) -> None:
        _yield_to_others()
        while True:
            engine = self._engine()
            if engine is None:
                return
            try:
                # The raw connection: no BEGIN around it (a checkpoint is no transaction).
                connection = engine.raw_connection()
                try:
                    connection.driver_connection.execute(  # type: ignore[union-attr]
                        "PRAGMA wal_checkpoint(PASSIVE)"
                    ).fetchall()
                finally:
                    connection.close()
            except Exception:  # the next automatic checkpoint does the work instead
                _log.warning("the background WAL checkpoint failed", exc_info=True)
            with self._lock:
                if not self._again:
                    return
                self._again = False

    def wait(self) -> None:
        """Until the background checkpoint (if any) is over."""
        thread = self._thread
        if thread is not None:
            thread.join()


def _yield_to_others() -> None:
    """Run this thread below the rest of the process (Linux: a thread has a nice value of
    its own), so the window showing what was just committed is not slowed by the copy."""
    if sys.platform != "linux":
        return  # elsewhere this would lower the whole process
    with contextlib.suppress(OSError):
        thread = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, thread, os.getpriority(os.PRIO_PROCESS, thread) + NICENESS)


def defer(session: Session) -> None:
    """Leave this transaction's pages in the WAL at its commit; a background thread
    checkpoints them once the transaction is over (committed or rolled back).

    Nothing happens on PostgreSQL, or on an engine without a :class:`Checkpointer`.
    """
    connection = session.connection()
    if connection.dialect.name != "sqlite" or connection.engine not in _CHECKPOINTERS:
        return
    connection.exec_driver_sql("PRAGMA wal_autocheckpoint=0")
    connection.connection.info[_DEFERRED] = True


def running(engine: Engine) -> bool:
    """True while ``engine``'s background checkpoint runs."""
    checkpointer = _CHECKPOINTERS.get(engine)
    thread = None if checkpointer is None else checkpointer._thread
    return thread is not None and thread.is_alive()


def wait(engine: Engine) -> None:
    """Until ``engine``'s background checkpoint (if any) is over."""
    checkpointer = _CHECKPOINTERS.get(engine)
    if checkpointer is not None:
        checkpointer.wait()
