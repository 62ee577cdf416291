"""Fixtures shared by the test modules: the shipped layers, the link vocabulary, and a
temporary briefing database for the whole session (no test writes to the checkout's
``var/corridormap.sqlite3``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pgserver
import pytest

from corridormap import export, load

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def frames():
    """The shipped layers (a module may define its own ``frames`` for hand-made data)."""
    return load.load_all(ROOT / "data").frames


@pytest.fixture(scope="session")
def vocab(frames):
    return export.vocabulary(frames)


@pytest.fixture(scope="session", autouse=True)
def _temporary_database(tmp_path_factory) -> Iterator[str]:
    """Point ``CORRIDORMAP_DATABASE_URL`` at a temporary SQLite file for the whole session
    (the app, AppTests and subprocesses started by tests inherit it)."""
    path = tmp_path_factory.mktemp("database") / "corridormap.sqlite3"
    url = f"sqlite:///{path}"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CORRIDORMAP_DATABASE_URL", url)
        yield url


@pytest.fixture
def temp_database(tmp_path, monkeypatch) -> str:
    """A new, empty SQLite database for this test only: ``CORRIDORMAP_DATABASE_URL`` points
    at it while the test runs (AppTests and subprocesses see it; ``_data.store()`` is keyed
    by the URL, so the app opens this one)."""
    url = f"sqlite:///{tmp_path / 'briefings.sqlite3'}"
    monkeypatch.setenv("CORRIDORMAP_DATABASE_URL", url)
    return url


@pytest.fixture(scope="session")
def postgres_server():
    """A real PostgreSQL server for the session (tests/pgserver.py); skipped with the reason
    when this machine has none, a failure instead when CORRIDORMAP_REQUIRE_POSTGRES=1."""
    try:
        server = pgserver.start_server()
    except LookupError as exc:
        if pgserver.required():
            pytest.fail(f"{pgserver.REQUIRE_ENV}=1 but {exc}")
        pytest.skip(str(exc))
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    """A fresh, empty briefing database: a SQLite file, or a new database on the session's
    PostgreSQL server."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.sqlite3'}"
        return
    server = request.getfixturevalue("postgres_server")
    url = server.create_database()
    yield url
    server.drop_database(url)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under pytest-xdist (``make test`` runs two workers with ``--dist loadgroup``), every
    browser test runs on one worker, one after another, while the other worker takes the rest:
    two Chromium-driven apps at once on two cores make their timings flaky."""
    for item in items:
        if item.get_closest_marker("browser") is not None:
            item.add_marker(pytest.mark.xdist_group("browser"))
