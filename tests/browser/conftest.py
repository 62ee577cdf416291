"""Fixtures for the browser tests: a Streamlit server, headless Chromium, a request probe.

Browser tests are marked ``@pytest.mark.browser``. Without ``/usr/bin/chromium`` (or
Playwright) they are skipped, unless ``CORRIDORMAP_REQUIRE_BROWSER=1`` (CI sets it): then they
fail. A failing test leaves a screenshot and the probe's findings in
``tests/browser/artifacts/``.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# harness.py sits beside this file; make it importable whatever pytest's import mode
sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (
    APP,
    REPO,
    VIEWPORT,
    PageProbe,
    StreamlitServer,
    browser_required,
    browser_unavailable,
    launch_chromium,
    start_streamlit,
)

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item,
    call: pytest.CallInfo[None],  # noqa: ARG001 - the hook's signature
) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture(scope="session")
def _browser_ready() -> None:
    why = browser_unavailable()
    if why is None:
        return
    if browser_required():
        pytest.fail(f"CORRIDORMAP_REQUIRE_BROWSER is set but the browser cannot run: {why}")
    pytest.skip(why)


@pytest.fixture(scope="session")
def browser(_browser_ready: None) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - may be absent

    with sync_playwright() as pw:
        chromium = launch_chromium(pw)
        yield chromium
        chromium.close()


def _server(app: Path, base_path: str, tmp: Path) -> StreamlitServer:
    if not app.exists():
        pytest.fail(f"{app} does not exist")
    return start_streamlit(app, cwd=REPO, base_path=base_path, log_dir=tmp)


@pytest.fixture(scope="session")
def server(
    _browser_ready: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[StreamlitServer]:
    """One server at the root for the tests whose checks do not depend on the base path
    (``streamlit_server`` runs both), shared by every such module on this worker (each xdist
    worker starts its own, on a free port with its own database): each test opens its own
    browser session, so no test sees another's state. A module that needs a server of its
    own overrides this fixture (tests/browser/test_resources.py). ``CORRIDORMAP_APP``
    overrides the app file."""
    app = Path(os.environ.get("CORRIDORMAP_APP", APP))
    srv = _server(app, "", tmp_path_factory.mktemp("streamlit"))
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def base_path_server(
    _browser_ready: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[StreamlitServer]:
    """One server under ``--server.baseUrlPath=corridormap``, shared as ``server`` is."""
    app = Path(os.environ.get("CORRIDORMAP_APP", APP))
    srv = _server(app, "corridormap", tmp_path_factory.mktemp("streamlit"))
    yield srv
    srv.stop()


@pytest.fixture(params=["", "corridormap"], ids=["root", "baseUrlPath"])
def streamlit_server(request: pytest.FixtureRequest) -> StreamlitServer:
    """For the tests whose checks depend on the path the app is served under (assets,
    downloads, links the page writes): each runs at ``/`` (the shared ``server``) and under
    ``--server.baseUrlPath`` (the shared ``base_path_server``). Each server is started once
    per worker, not per module: a start and its first, cold page cost several seconds.

    ``CORRIDORMAP_APP`` overrides the app file (for developing the harness against a stub).
    """
    name = "base_path_server" if request.param else "server"
    srv: StreamlitServer = request.getfixturevalue(name)
    return srv


@pytest.fixture(scope="session")
def _worker_context(browser: Any) -> Iterator[Any]:
    """The browser context the ``page`` of a test that asks for no ``context`` opens in: one
    per worker, so its HTTP cache keeps the app's scripts, styles and fonts (and Chromium the
    scripts' compiled code) from one test to the next. Each page is its own Streamlit session;
    nothing the app keeps lives in the context (no cookie but Streamlit's XSRF one, no
    storage). On this 2-core machine an explorer load took 6.9 s of the machine's CPU in a
    new context and 6.4 s in a used one, medians of 8 (``bench/page_loads.py``; 7 to 17 %
    less in three runs)."""
    ctx = browser.new_context(viewport=VIEWPORT)
    yield ctx
    ctx.close()


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    """A new browser context of the test's own: for a test that changes the context (init
    scripts, routes) or judges what the server sends a first visit (nothing cached)."""
    ctx = browser.new_context(viewport=VIEWPORT)
    yield ctx
    ctx.close()


@pytest.fixture
def probe() -> PageProbe:
    return PageProbe()


@pytest.fixture
def page(probe: PageProbe, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A page watched by ``probe`` (the browser's proxy blocks its off-machine requests), in
    the test's own ``context`` when it asks for one, else in the worker's context; every page
    the test opened there is closed after it."""
    own = "context" in request.fixturenames
    ctx = request.getfixturevalue("context" if own else "_worker_context")
    pg = ctx.new_page()
    pg.set_default_timeout(30_000)
    probe.attach(ctx, pg)
    yield pg
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)[-150:]
        try:
            pg.screenshot(path=str(ARTIFACTS / f"{stem}.png"), full_page=True)
        except Exception as exc:  # noqa: BLE001 - a screenshot must not hide the failure
            print(f"screenshot failed: {exc}")
        (ARTIFACTS / f"{stem}.json").write_text(
            json.dumps(probe.problems(), indent=2), encoding="utf-8"
        )
    probe.detach()
    for opened in list(ctx.pages):
        opened.close()
