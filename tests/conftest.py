"""Shared fixtures: a fresh, migrated workspace per test and ready-made records.

The store, services, interchange and command-line tests run twice, on SQLite and on a real
PostgreSQL server the tests start themselves (tests/postgres_server.py); the report and view
tests stay on SQLite to keep the suite quick. A test opts in simply by using ``db`` (or
``db_url``, ``new_db_url``) under one of :data:`PG_TEST_PATHS`. The PostgreSQL variants carry
the ``postgresql`` marker: ``pytest -m 'not postgresql'`` leaves them out.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck, settings

from desktop.domain import ActorRole, Confidence, Status, TimePrecision
from desktop.services import sources as source_service
from desktop.services.dto import (
    Actor,
    Casualties,
    Citation,
    IncidentData,
    SourceData,
    When,
    Where,
)
from desktop.store.engine import Database, open_database

if TYPE_CHECKING:
    from tests.postgres_server import PostgresServer

# Nothing in the suite is timed, and a loaded machine (CI, parallel builds) slows hypothesis's
# data generation: neither a deadline nor the too-slow health check may fail a test.
settings.register_profile("desk", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("desk")

TEST_USER = "tester"
BACKENDS = ("sqlite", "postgresql")
PG_TEST_PATHS = (
    "tests/store/",
    "tests/services/",
    "tests/interchange/",
    "tests/test_cli.py",
    "tests/test_cli_input.py",
    "tests/test_cli_pdf.py",
    "tests/test_cli_duplicates.py",
    "tests/test_cli_reports.py",
)
# Set (by .ci/run) to make a missing PostgreSQL a failure instead of a skip.
REQUIRE_PG_VAR = "INCIDENT_DESK_REQUIRE_PG"
_ROOT = Path(__file__).resolve().parent.parent

# Tests expected to fail on PostgreSQL (node id, with or without its parameters → reason):
# each becomes a strict xfail there. None at present; full-text search works on both.
PG_XFAIL: dict[str, str] = {}
IncidentFactory = Callable[..., IncidentData]


def pytest_addoption(parser: pytest.Parser, pluginmanager: pytest.PytestPluginManager) -> None:
    # pytest-qt's setting in pyproject.toml, declared when pytest-qt is absent (.ci/
    # core-without-qt runs the core tests without Qt): --strict-config refuses unknown ones.
    if not pluginmanager.has_plugin("pytest-qt"):
        parser.addini("qt_api", "pytest-qt's Qt binding (unused without pytest-qt)")


def _runs_on_postgres(path: Path) -> bool:
    relative = path.resolve().relative_to(_ROOT).as_posix()
    return relative.startswith(PG_TEST_PATHS)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "db_backend" in metafunc.fixturenames and _runs_on_postgres(metafunc.definition.path):
        # Module scope, so module-scoped fixtures (a loaded sample database) can follow it.
        metafunc.parametrize("db_backend", BACKENDS, scope="module")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        callspec = getattr(item, "callspec", None)
        on_postgres = callspec is not None and callspec.params.get("db_backend") == "postgresql"
        if on_postgres or "pg_server" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.postgresql)
        if not on_postgres:
            continue
        # The node id without its parameters, or with them: either may be listed.
        base = item.nodeid.split("[", 1)[0]
        reason = PG_XFAIL.get(item.nodeid) or PG_XFAIL.get(base)
        if reason is not None:
            item.add_marker(pytest.mark.xfail(strict=True, reason=reason))


@pytest.fixture(scope="module")
def db_backend() -> str:
    """``sqlite`` or ``postgresql``: parametrised for the tests in PG_TEST_PATHS."""
    return "sqlite"


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    """A PostgreSQL server of our own for the whole run, started on first use."""
    import tests.postgres_server as pg

    try:
        server = pg.start_server()
    except pg.Unavailable as exc:
        if os.environ.get(REQUIRE_PG_VAR):
            pytest.fail(f"PostgreSQL is required ({REQUIRE_PG_VAR} is set): {exc}")
        pytest.skip(f"PostgreSQL tests skipped: {exc}")
    try:
        yield server
    finally:
        pg.stop_server(server)


@pytest.fixture(scope="session")
def pg_template(pg_server: PostgresServer) -> str:
    """A database migrated once, copied for every test that needs a workspace."""
    name = pg_server.create_database(prefix="template")
    open_database(pg_server.url(name)).close()
    return name


class DbUrls:
    """Makes databases of one backend for a module's tests, and drops them again.

    ``DbUrls(...)()`` is a new database: for SQLite a path that does not exist yet (created
    and migrated on open); for PostgreSQL the URL of a new database, already migrated from
    the template unless ``migrated=False``.
    """

    def __init__(self, folder: Path, server: PostgresServer | None, template: str) -> None:
        self.folder = folder
        self.server = server
        self.template = template
        self._names: dict[str, str] = {}
        self._count = 0

    @property
    def backend(self) -> str:
        return "sqlite" if self.server is None else "postgresql"

    def __call__(self, migrated: bool = True) -> str:
        self._count += 1
        if self.server is None:
            return str(self.folder / f"test-{self._count}.sqlite3")
        name = self.server.create_database(template=self.template if migrated else None)
        url = self.server.url(name)
        self._names[url] = name
        return url

    def drop(self, url: str) -> None:
        name = self._names.pop(url, None)
        if name is not None and self.server is not None:
            self.server.drop_database(name)

    def drop_all(self) -> None:
        for url in list(self._names):
            self.drop(url)


@pytest.fixture(scope="module")
def new_db_url(
    db_backend: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DbUrls]:
    """A maker of further databases of the test's backend (see :class:`DbUrls`)."""
    server: PostgresServer | None = None
    template = ""
    if db_backend == "postgresql":
        server = request.getfixturevalue("pg_server")
        template = request.getfixturevalue("pg_template")
    urls = DbUrls(tmp_path_factory.mktemp("db"), server, template)
    try:
        yield urls
    finally:
        urls.drop_all()


@pytest.fixture(scope="module")
def cli_sample(tmp_path_factory: pytest.TempPathFactory, new_db_url: DbUrls) -> str:
    """The sample workspace, loaded by the command line (tests/test_cli*.py): a file, or a
    PostgreSQL URL."""
    from tests.cli_run import run

    folder = tmp_path_factory.mktemp("cli")
    db = new_db_url()
    first = run("sample", "--db", db, cwd=folder)
    assert first.returncode == 0, first.stderr
    assert "7 incidents added" in first.stdout
    return db


@pytest.fixture
def db_url(new_db_url: DbUrls, tmp_path: Path) -> Iterator[str]:
    """Where the test's workspace lives: a file path (SQLite) or a URL (PostgreSQL)."""
    if new_db_url.server is None:
        yield str(tmp_path / "test.sqlite3")
        return
    url = new_db_url()
    try:
        yield url
    finally:
        new_db_url.drop(url)


@pytest.fixture
def db(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    """A new migrated workspace (a temporary file, or a fresh PostgreSQL database)."""
    monkeypatch.setenv("INCIDENT_DESK_USER", TEST_USER)
    monkeypatch.delenv("INCIDENT_DESK_DB", raising=False)
    database = open_database(db_url)
    try:
        yield database
    finally:
        database.close()


@pytest.fixture
def sources(db: Database) -> tuple[SourceData, SourceData]:
    """Two sources: a usually reliable military command and a fairly reliable outlet."""
    centcom = source_service.create_source(
        db,
        SourceData(
            name="U.S. Central Command",
            kind="military",
            reliability="B",
            url="https://www.centcom.mil",
        ),
    )
    reuters = source_service.create_source(
        db, SourceData(name="Reuters", kind="media", reliability="C")
    )
    return centcom, reuters


@pytest.fixture
def make_incident(sources: tuple[SourceData, SourceData]) -> IncidentFactory:
    """A factory of valid incidents citing the two sources; keyword arguments override."""
    centcom, reuters = sources

    def factory(**overrides: Any) -> IncidentData:
        data = IncidentData(
            title="Drone attack on al-Asad airbase",
            summary="Two one-way attack drones targeted the base.",
            when=When(date(2023, 10, 17), date(2023, 10, 18), TimePrecision.DAY),
            where=Where(
                name="al-Asad airbase",
                admin1="Anbar",
                country="IQ",
                lat=33.785,
                lon=42.441,
                precision=1,
            ),
            event_type="Explosions/Remote violence",
            sub_event_type="Air/drone strike",
            actors=(
                Actor("Islamic Resistance in Iraq", ActorRole.CLAIMED_BY),
                Actor("U.S. forces", ActorRole.TARGET),
            ),
            casualties=Casualties(killed=0, injured=None, note="minor injuries"),
            status=Status.CONFIRMED,
            confidence=Confidence.MODERATE,
            tags=("drone", "US bases"),
            citations=(
                Citation(
                    source=centcom.id,
                    credibility=2,
                    url="https://www.centcom.mil/statement",
                    published=date(2023, 10, 18),
                    retrieved=date(2023, 10, 19),
                    language="en",
                    excerpt="Two drones were engaged near al-Asad.",
                ),
                Citation(source=reuters.id, credibility=3, excerpt="Reuters reported the attack."),
            ),
        )
        return replace(data, **overrides)

    return factory


@pytest.fixture(scope="session")
def real_places(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A per-user cache folder holding the gazetteer's index of the real GeoNames data,
    built once for the whole run (half a minute): point ``gazetteer.cache_folder`` at it."""
    from desktop.services import gazetteer

    folder = tmp_path_factory.mktemp("cache") / "incident-desk"
    gazetteer.open_gazetteer(folder).close()
    return folder
