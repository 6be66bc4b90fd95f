"""Live change notification on PostgreSQL: every committed write says so on one channel.

Writers: :func:`install` makes each session that wrote something send ``NOTIFY`` on
:data:`CHANNEL` just before it commits. PostgreSQL delivers a notification only when (and if)
its transaction commits, and once however often it was sent in it, so a rolled-back save tells
no one and an import of 100,000 incidents tells everyone once.

Readers: a :class:`ChangeListener` holds a connection of its own that listens on the channel;
the app's change watcher waits on it in a thread (desktop/views/partials/change_watcher.py),
so other people's saves show at once instead of at the next poll.
"""

from __future__ import annotations

import contextlib
import functools
import select
import socket
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from desktop.errors import StoreError

if TYPE_CHECKING:
    from collections.abc import Callable

    import psycopg
    from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction, sessionmaker

CHANNEL = "incident_desk"
# How long a listener waits for the server before giving up (it is retried by the watcher).
CONNECT_TIMEOUT_S = 5
_WROTE = "incident_desk_wrote"
_NOTIFY_SQL = text("SELECT pg_notify(:channel, '')")


class Listener(Protocol):
    """What a change watcher needs of a listener (:class:`ChangeListener`, or a test's)."""

    def wait(self, timeout: float) -> bool: ...

    def interrupt(self) -> None: ...

    def close(self) -> None: ...


def _flushed(session: Session, _context: UOWTransaction) -> None:
    session.info[_WROTE] = True


def _executed(state: ORMExecuteState) -> None:
    # Statements that bypass the unit of work: bulk INSERTs, UPDATE/DELETE statements and
    # text(). A text() SELECT counts too; a needless notification only costs a cheap check.
    if not state.is_select:
        state.session.info[_WROTE] = True


def _before_commit(session: Session) -> None:
    # The commit flushes what is pending only after this event: flush now, so those writes
    # are known here too.
    session.flush()
    if session.info.pop(_WROTE, False):
        # Through the connection: not another statement for _executed to count.
        session.connection().execute(_NOTIFY_SQL, {"channel": CHANNEL})


def _ended(session: Session, transaction: Any) -> None:
    if transaction.parent is None:  # the outermost transaction: committed or rolled back
        session.info.pop(_WROTE, None)


def install(sessions: sessionmaker[Session]) -> None:
    """Make every session of ``sessions`` that writes notify :data:`CHANNEL` as it commits."""
    event.listen(sessions, "after_flush", _flushed)
    event.listen(sessions, "do_orm_execute", _executed)
    event.listen(sessions, "before_commit", _before_commit)
    event.listen(sessions, "after_transaction_end", _ended)


def _connect_kwargs(url: str) -> dict[str, Any]:
    try:
        parsed = make_url(url)
        dialect = parsed.get_dialect()()
    except (ArgumentError, ImportError) as exc:
        raise StoreError(f"Not a database address: {url}") from exc
    if dialect.name != "postgresql":
        raise StoreError("Only PostgreSQL databases announce their changes.")
    # SQLAlchemy's own translation (user, host and port from the query for sockets …).
    _args, kwargs = dialect.create_connect_args(parsed)
    kwargs.setdefault("connect_timeout", CONNECT_TIMEOUT_S)
    return dict(kwargs)


class ChangeListener:
    """A connection listening on :data:`CHANNEL` (PostgreSQL's LISTEN) for others' commits.

    :meth:`wait` may run in another thread than :meth:`interrupt`; :meth:`close` only once no
    :meth:`wait` is running.
    """

    def __init__(self, url: str) -> None:
        import psycopg

        kwargs = _connect_kwargs(url)
        try:
            self._connection: psycopg.Connection[Any] = psycopg.connect(**kwargs, autocommit=True)
        except psycopg.Error as exc:
            raise StoreError(f"Cannot listen for changes: {_reason(exc)}") from exc
        # A pair of sockets to wake a waiting thread: select() works on sockets everywhere.
        self._wake_in, self._wake_out = socket.socketpair()
        self._wake_in.setblocking(False)
        try:
            self._connection.execute(f"LISTEN {CHANNEL}")
        except psycopg.Error as exc:
            self.close()
            raise StoreError(f"Cannot listen for changes: {_reason(exc)}") from exc

    def wait(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds; True when at least one change was announced.

        Returns False early when :meth:`interrupt` is called. All announcements received so
        far are taken at once: a burst of saves wakes the caller once.
        """
        import psycopg

        try:
            if self._take():
                return True
            wake = self._wake_in.fileno()
            readable, _, _ = select.select(
                [self._connection.fileno(), wake], [], [], max(0.0, timeout)
            )
            if wake in readable:
                with contextlib.suppress(BlockingIOError):
                    self._wake_in.recv(64)
                return False
            return bool(readable) and self._take()
        except (psycopg.Error, OSError, ValueError) as exc:
            raise StoreError(f"Lost the connection listening for changes: {exc}") from exc

    def _take(self) -> bool:
        # Every announcement already here, without waiting for more.
        return len(list(self._connection.notifies(timeout=0))) > 0

    def interrupt(self) -> None:
        """Make a :meth:`wait` running in another thread return now (False)."""
        with contextlib.suppress(OSError):
            self._wake_out.send(b"x")

    def close(self) -> None:
        import psycopg

        with contextlib.suppress(psycopg.Error):
            self._connection.close()
        self._wake_in.close()
        self._wake_out.close()


def listener_factory(url: str) -> Callable[[], ChangeListener] | None:
    """What a change watcher calls to listen to the workspace at ``url`` (and again to
    reconnect); None for SQLite, whose workspaces are watched through their files."""
    try:
        backend = make_url(url).get_backend_name()
    except ArgumentError:
        return None
    if backend != "postgresql":
        return None
    return functools.partial(ChangeListener, url)


def _reason(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
