"""Fixtures shared by the test modules: the shipped layers, the link vocabulary, and a
temporary briefing database for the whole session (no test writes to the checkout's
``var/corridormap.sqlite3``)."""

from __future__ import annotations

import contextlib
import inspect
import os
import re
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pgserver
import pytest
from hypothesis import settings as hypothesis_settings

from corridormap import export, load

ROOT = Path(__file__).resolve().parents[1]

# Hypothesis profiles: "dev" (the default) tries fewer examples for a quick local run; "ci"
# (.ci/run sets HYPOTHESIS_PROFILE=ci) tries many more. A test's own @settings names no
# max_examples, so the profile decides.
hypothesis_settings.register_profile("dev", max_examples=40, deadline=None)
hypothesis_settings.register_profile("ci", max_examples=150, deadline=None, print_blob=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


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


#: The test tiers (``-m unit``, ``-m app``, ``-m browser``), one per test, assigned here from
#: where a test lives and what it runs, never by hand: ``browser`` for tests/browser/, ``app``
#: for tests that run the Streamlit app in process (AppTest), ``unit`` for the rest.
TIERS = ("unit", "app", "browser")
BROWSER_DIR = Path(__file__).resolve().parent / "browser"
#: What a test's source (or a helper's, or a fixture's it uses) says when it runs the app.
_APP_WORDS = re.compile(r"\bAppTest\b|\b(?:app_test|first_run)\(")


def _app_names(module: ModuleType) -> frozenset[str]:
    """The names of the module's functions (tests, helpers, fixtures) that run the app under
    AppTest, directly or through another such function of the module (to a fixed point)."""
    sources: dict[str, str] = {}
    for name, obj in vars(module).items():
        func = getattr(obj, "__wrapped__", obj)  # a fixture's own function
        func = getattr(func, "_get_wrapped_function", lambda f=func: f)()
        if inspect.isfunction(func) and func.__module__ == module.__name__:
            with contextlib.suppress(OSError, TypeError):
                sources[name] = inspect.getsource(func)
    found = {name for name, src in sources.items() if _APP_WORDS.search(src)}
    while True:
        calls = re.compile(r"\b(?:" + "|".join(map(re.escape, found)) + r")\b") if found else None
        more = {
            name
            for name, src in sources.items()
            if name not in found and calls is not None and calls.search(src.split("\n", 1)[-1])
        }
        if not more:
            return frozenset(found)
        found |= more


def tier(item: pytest.Item, app_names: frozenset[str]) -> str:
    if BROWSER_DIR in Path(str(item.path)).parents:
        return "browser"
    name = getattr(getattr(item, "function", None), "__name__", "")
    fixtures = set(getattr(item, "fixturenames", ()))
    if name in app_names or fixtures & app_names:
        return "app"
    return "unit"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test gets its tier's marker (see ``TIERS``).

    Under pytest-xdist (``make test``: ``--dist loadgroup`` with no groups) each test is sent
    on its own to whichever worker is free, browser tests included, so two Chromiums and
    their servers may run at once: a browser test waits for the page to settle rather than
    for a fixed time, and its bounds allow for the other worker's load. (The browser tests
    were meant to run on one worker as an xdist group: with pytest 9, xdist's loadgroup groups
    nothing, even with the marker on the module; and one worker alone would take longer than
    CI allows. Measured in clean-clone runs on two cores: 744 s for the suite so, 952 s with
    ``--dist load``'s batches up front, 818 s with whole modules (``--dist loadfile``), 824 s
    on three workers.)
    """
    by_module: dict[str, frozenset[str]] = {}
    for item in items:
        module = getattr(item, "module", None)
        key = getattr(module, "__name__", "")
        if key not in by_module:
            by_module[key] = _app_names(module) if module is not None else frozenset()
        name = tier(item, by_module[key])
        item.add_marker(getattr(pytest.mark, name))
