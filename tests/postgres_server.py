"""A throw-away PostgreSQL server for the tests, started from Debian's ``postgresql`` package.

``initdb`` and ``pg_ctl`` run into a private temporary folder; the server listens only on a unix
socket in that folder (so nothing else on the machine can reach it), under a port number that
is free, and with durability switched off because the data is thrown away. PostgreSQL refuses
to run as root, so when the tests run as root the server runs as the ``postgres`` user (or
``nobody``), which then owns the folder.

Each test gets its own database, copied from a template that is already migrated, so tests
stay independent and a new database costs a file copy rather than a migration.
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from psycopg import sql
from sqlalchemy.engine import URL

SUPERUSER = "desk"
# A role that must log in with a password, for the wrong-password test.
PASSWORD_ROLE = "desk_pw"
PASSWORD = "correct horse"
_START_TIMEOUT_S = 30


class Unavailable(RuntimeError):
    """PostgreSQL's server programs are not installed here (the tests are skipped)."""


def find_bin_dir() -> Path:
    """The newest ``/usr/lib/postgresql/N/bin``, or the folder of ``initdb`` on PATH."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: (
            int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0
        ),
    )
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise Unavailable(
        "PostgreSQL server programs (initdb, pg_ctl) are not installed: apt-get install postgresql"
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _server_user() -> str | None:
    """The user to run the server as, when we are root (PostgreSQL refuses root)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    raise Unavailable("running as root and there is no 'postgres' or 'nobody' user")


@dataclass
class PostgresServer:
    """A running server; ``url(name)`` is a SQLAlchemy URL of one of its databases."""

    folder: Path
    port: int
    bin_dir: Path
    run_as: str | None
    _counter: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def socket_dir(self) -> Path:
        return self.folder / "sock"

    @property
    def data_dir(self) -> Path:
        return self.folder / "data"

    def url(self, database: str, user: str = SUPERUSER, password: str | None = None) -> str:
        url = URL.create(
            "postgresql+psycopg",
            username=user,
            password=password,
            database=database,
            query={"host": str(self.socket_dir), "port": str(self.port)},
        )
        return url.render_as_string(hide_password=False)

    def connect(self, database: str = "postgres") -> psycopg.Connection:
        return psycopg.connect(
            host=str(self.socket_dir),
            port=self.port,
            user=SUPERUSER,
            dbname=database,
            autocommit=True,
        )

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = [str(self.bin_dir / args[0]), *args[1:]]
        if self.run_as is not None:
            command = ["runuser", "-u", self.run_as, "--", *command]
        return subprocess.run(
            command,
            capture_output=True,
            text=True,
            check=False,
            timeout=_START_TIMEOUT_S * 2,
            cwd=self.folder,  # the server user may not be able to enter the caller's folder
        )

    def start(self) -> None:
        init = self._run(
            "initdb",
            "-D",
            str(self.data_dir),
            "-U",
            SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        if init.returncode != 0:
            init = self._run(
                "initdb", "-D", str(self.data_dir), "-U", SUPERUSER, "--auth=trust",
                "--encoding=UTF8", "--no-locale", "--no-sync",
            )  # fmt: skip
        if init.returncode != 0:
            raise RuntimeError(f"initdb failed: {init.stderr.strip()}")
        hba = self.data_dir / "pg_hba.conf"
        # The password role must really give its password; everyone else is trusted.
        hba.write_text(
            f"local all {PASSWORD_ROLE} scram-sha-256\nlocal all all trust\n", encoding="utf-8"
        )
        options = " ".join(
            [
                "-c listen_addresses=''",
                f"-c unix_socket_directories='{self.socket_dir}'",
                f"-p {self.port}",
                # Throw-away data: no need to wait for the disk.
                "-c fsync=off",
                "-c synchronous_commit=off",
                "-c full_page_writes=off",
                "-c max_connections=200",
            ]
        )
        started = self._run(
            "pg_ctl",
            "-D",
            str(self.data_dir),
            "-l",
            str(self.folder / "server.log"),
            "-o",
            options,
            "-w",
            "-t",
            str(_START_TIMEOUT_S),
            "start",
        )
        if started.returncode != 0:
            log = self.folder / "server.log"
            detail = log.read_text(errors="replace") if log.exists() else started.stderr
            raise RuntimeError(f"pg_ctl start failed: {detail.strip()}")
        with self.connect() as conn:
            conn.execute(
                sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                    sql.Identifier(PASSWORD_ROLE), sql.Literal(PASSWORD)
                )
            )

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data_dir), "-m", "immediate", "-w", "stop")

    def create_database(self, template: str | None = None, prefix: str = "t") -> str:
        """A new, empty (or template-copied) database; returns its name."""
        name = f"{prefix}_{os.getpid()}_{next(self._counter)}"
        query = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template is not None:
            query = sql.SQL("CREATE DATABASE {} TEMPLATE {} STRATEGY FILE_COPY").format(
                sql.Identifier(name), sql.Identifier(template)
            )
        with self.connect() as conn:
            conn.execute(query)
        return name

    def drop_database(self, name: str) -> None:
        with self.connect() as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


_FOLDER_PREFIX = "incident-desk-pg-"
_OWNER_FILE = "owner.pid"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _sweep_abandoned(bin_dir: Path, run_as: str | None) -> None:
    """Stop servers left behind by test runs that were killed before they could clean up."""
    for folder in Path(tempfile.gettempdir()).glob(f"{_FOLDER_PREFIX}*"):
        owner = folder / _OWNER_FILE
        try:
            pid = int(owner.read_text().strip())
        except (OSError, ValueError):
            continue
        if _alive(pid):
            continue
        PostgresServer(folder, 0, bin_dir, run_as).stop()
        shutil.rmtree(folder, ignore_errors=True)


def start_server() -> PostgresServer:
    """Start a server in a new temporary folder; the caller stops it and removes the folder."""
    bin_dir = find_bin_dir()
    run_as = _server_user()
    if run_as is not None and shutil.which("runuser") is None:
        raise Unavailable("running as root without 'runuser' to start PostgreSQL as another user")
    _sweep_abandoned(bin_dir, run_as)
    # Not under pytest's own temporary folder: as root that one is closed to other users.
    folder = Path(tempfile.mkdtemp(prefix=_FOLDER_PREFIX))
    (folder / _OWNER_FILE).write_text(str(os.getpid()))
    (folder / "sock").mkdir()
    if run_as is not None:
        user = pwd.getpwnam(run_as)
        for path in (folder, folder / "sock"):
            os.chown(path, user.pw_uid, user.pw_gid)
    folder.chmod(0o700)
    server = PostgresServer(folder, _free_port(), bin_dir, run_as)
    try:
        server.start()
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return server


def stop_server(server: PostgresServer) -> None:
    """Stop the server and remove its folder."""
    try:
        server.stop()
    finally:
        deadline = time.monotonic() + 10
        while (server.data_dir / "postmaster.pid").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        shutil.rmtree(server.folder, ignore_errors=True)
