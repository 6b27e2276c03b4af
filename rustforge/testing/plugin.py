"""The RustForge pytest plugin (registered through the ``pytest11`` entry point).

Fixtures: ``settings``, ``client``, ``db``, ``transactional_db``,
``live_server``; markers ``sqlite_only`` and ``postgres_only``. Tests that do
not ask for ``db`` or ``transactional_db`` cannot touch the database.

An installed app contributes fixtures through its own ``testing`` module
(``rustforge/contrib/auth/testing.py``, ``blog/testing.py``): the plugin loads
it once the apps are loaded, so the framework never names an app here.

The settings module comes from ``--rf-settings``, ``RUSTFORGE_SETTINGS_MODULE``
or the ``rustforge_settings`` ini option. The test database is
``RUSTFORGE_TEST_DATABASE_URL`` or a fresh SQLite file, never ``DATABASE_URL``.
"""

from __future__ import annotations

import importlib
import os
import sys
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from rustforge.conf import ENVIRONMENT_VARIABLE

# Fixture modules of the core subsystems (mail outbox, job runner, ...). An
# app's fixtures are found in its ``testing`` module instead; an app module
# listed here as well is loaded once.
FIXTURE_MODULES = [
    "rustforge.testing.fixtures",
    "rustforge.testing.mail",
    "rustforge.testing.cache",
    "rustforge.testing.queue",
    "rustforge.testing.storage",
    "rustforge.testing.queries",
    "rustforge.testing.metrics",
    "rustforge.testing.browser",
    "rustforge.contrib.graphql.testing",
]

_BLOCK_REASON = ("database access is not allowed in this test; request the `db` or "
                 "`transactional_db` fixture")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("rustforge")
    group.addoption("--rf-settings", dest="rf_settings", default=None,
                    help="Settings module of the project under test.")
    parser.addini("rustforge_settings", "Settings module of the project under test.")


class _State:
    active = False
    url = ""
    vendor = ""
    schema_ready = False
    override: Any = None


_state = _State()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only: run only when the test database is SQLite")
    config.addinivalue_line("markers",
                            "postgres_only: run only when the test database is PostgreSQL")
    module = (config.getoption("rf_settings") or os.environ.get(ENVIRONMENT_VARIABLE)
              or config.getini("rustforge_settings"))
    if module:
        _configure_project(config, module)
    for name in FIXTURE_MODULES:
        try:
            plugin = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        _register(config, plugin)
    if _state.active:
        from rustforge.apps import apps

        for app_config in apps.get_app_configs():
            app_fixtures = app_config.import_submodule("testing")
            if app_fixtures is not None:
                _register(config, app_fixtures)


def _register(config: pytest.Config, plugin: Any) -> None:
    if not config.pluginmanager.is_registered(plugin):
        config.pluginmanager.register(plugin, plugin.__name__)


def _configure_project(config: pytest.Config, module: str) -> None:
    rootdir = str(config.rootpath)
    if rootdir not in sys.path:
        sys.path.insert(0, rootdir)
    os.environ[ENVIRONMENT_VARIABLE] = module
    from rustforge.exceptions import ImproperlyConfigured

    try:
        _activate(str(config.rootpath))
    except ImproperlyConfigured as exc:  # one line, not an INTERNALERROR wall
        raise pytest.UsageError(f"RustForge: {exc}") from None


def _activate(rootdir: str) -> None:
    from rustforge.apps import apps
    from rustforge.conf import settings
    from rustforge.db.backends import gate
    from rustforge.testing.database import test_database_url, vendor_of

    _state.url = test_database_url()
    _state.vendor = vendor_of(_state.url)
    hosts = list(settings.ALLOWED_HOSTS)
    if "*" not in hosts and "testserver" not in hosts:
        hosts.append("testserver")
    _state.override = settings.override(DATABASE_URL=_state.url, ALLOWED_HOSTS=hosts)
    _state.override.__enter__()
    apps.populate()
    gate.blocked = True
    gate.reason = _BLOCK_REASON
    _state.active = True


def pytest_unconfigure(config: pytest.Config) -> None:
    if _state.override is not None:
        from rustforge.services import services

        services.reset()
        _state.override.__exit__(None, None, None)
        _state.override = None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not _state.active:
        return
    for item in items:
        if item.get_closest_marker("sqlite_only") and _state.vendor != "sqlite":
            item.add_marker(pytest.mark.skip(reason="needs SQLite as the test database"))
        if item.get_closest_marker("postgres_only") and _state.vendor != "postgresql":
            item.add_marker(pytest.mark.skip(
                reason="needs PostgreSQL: set RUSTFORGE_TEST_DATABASE_URL"))


# Fixtures --------------------------------------------------------------------------
class SettingsFixture:
    """``settings.FOO = 1`` inside a test; every change is undone afterwards."""

    def __init__(self) -> None:
        object.__setattr__(self, "_contexts", [])

    def __getattr__(self, name: str) -> Any:
        from rustforge.conf import settings

        return getattr(settings, name)

    def __setattr__(self, name: str, value: Any) -> None:
        from rustforge.conf import settings

        ctx = settings.override(**{name: value})
        ctx.__enter__()
        self._contexts.append(ctx)

    def __delattr__(self, name: str) -> None:
        raise AttributeError("settings cannot be deleted; assign another value")

    def restore(self) -> None:
        while self._contexts:
            self._contexts.pop().__exit__(None, None, None)


@pytest.fixture
def settings() -> Iterator[SettingsFixture]:
    wrapper = SettingsFixture()
    yield wrapper
    wrapper.restore()


def _require_active() -> None:
    if not _state.active:
        pytest.fail("RustForge settings are not configured: pass --rf-settings, set "
                    "RUSTFORGE_SETTINGS_MODULE or the rustforge_settings ini option",
                    pytrace=False)


@pytest.fixture(autouse=True)
def _rf_block_database() -> Iterator[None]:
    from rustforge.db.backends import gate

    gate.blocked = _state.active
    yield
    gate.blocked = _state.active


def _ensure_schema() -> None:
    from rustforge.db import get_database
    from rustforge.testing.database import create_schema, drop_everything

    if _state.schema_ready:
        return
    drop_everything(get_database())
    create_schema()
    _state.schema_ready = True


@pytest.fixture
def db(_rf_block_database) -> Iterator[Any]:
    """Database access; everything the test wrote is rolled back afterwards."""
    _require_active()
    from rustforge.db import get_database
    from rustforge.db.backends import gate

    gate.blocked = False
    _ensure_schema()
    database = get_database()
    with database.atomic() as txn:
        database.kept_transactions = database.transaction_depth()
        try:
            yield database
        finally:
            database.kept_transactions = 0
            txn.rollback()


@pytest.fixture
def transactional_db(_rf_block_database) -> Iterator[Any]:
    """Database access with real commits (other threads and processes see
    them); every table is emptied afterwards."""
    _require_active()
    from rustforge.db import get_database
    from rustforge.db.backends import gate
    from rustforge.testing.database import flush

    gate.blocked = False
    _ensure_schema()
    database = get_database()
    yield database
    database.rollback_open_transaction()
    flush(database)


@pytest.fixture
def test_database_url() -> str:
    """The URL of the test database (for subprocesses the test starts)."""
    _require_active()
    return _state.url


class LazyApplication:
    """The project's WSGI application, built on the first request.

    Building late lets a test change ``settings`` (limits, DEBUG, middleware)
    before the application reads them, whatever the fixture order.
    """

    def __init__(self) -> None:
        self._app: Any = None

    @property
    def wrapped(self) -> Any:
        if self._app is None:
            from rustforge.http import get_wsgi_application

            self._app = get_wsgi_application()
        return self._app

    def __call__(self, environ: dict, start_response: Any) -> Any:
        return self.wrapped(environ, start_response)


@pytest.fixture
def app(settings) -> Any:
    """A WSGI application for this test, built fresh on its first request."""
    _require_active()
    return LazyApplication()


@pytest.fixture
def client(app) -> Any:
    from rustforge.testing.client import Client

    return Client(app)


class LiveServer:
    def __init__(self, app: Any) -> None:
        from rustforge.http.devserver import make_threaded_server

        self.server = make_threaded_server(app, "127.0.0.1", 0)
        self.host, self.port = "127.0.0.1", self.server.server_address[1]
        self.url = f"http://{self.host}:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __str__(self) -> str:
        return self.url


@pytest.fixture
def live_server(transactional_db, settings) -> Iterator[LiveServer]:
    """The project served over real HTTP on a free loopback port."""
    from rustforge.http import get_wsgi_application

    hosts = list(settings.ALLOWED_HOSTS)
    settings.ALLOWED_HOSTS = [*hosts, "127.0.0.1", "localhost"]
    server = LiveServer(get_wsgi_application())
    yield server
    server.stop()
