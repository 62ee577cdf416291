"""Two replicas behind HAProxy (``deploy/cluster.py``, what ``make cluster`` runs): four
browser sessions render, filter, download and upload through the proxy; every request of a
session reaches the one replica that holds it; static JavaScript arrives gzip-compressed.

Needs HAProxy (Debian package ``haproxy``); without it the test is skipped, unless
``CORRIDORMAP_REQUIRE_BROWSER=1``, as for Chromium.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from harness import REPO, PageProbe, browser_required, download, wait_for_map
from test_uploads import MARKERS, make_file, upload, wait_count

from corridormap import load, style

sys.path.insert(0, str(REPO / "deploy"))
import cluster  # deploy/ is not a package

pytestmark = pytest.mark.browser

SESSIONS = 4
CORRIDOR = style.CORRIDOR_STYLES[0]
# HAProxy's httplog line: "... web app/app2 ... {user agent} "GET /path HTTP/1.1""
LOG_LINE = re.compile(r' web app/(?P<server>\S+) .*\{(?P<agent>[^}]*)\} "\S+ (?P<path>\S+)')


@pytest.fixture(scope="module")
def proxied(
    _browser_ready: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[cluster.Cluster, Path]]:
    if cluster.haproxy_binary() is None:
        why = "haproxy not found (apt-get install -y haproxy)"
        if browser_required():
            pytest.fail(f"CORRIDORMAP_REQUIRE_BROWSER is set but {why}")
        pytest.skip(why)
    logs = tmp_path_factory.mktemp("cluster")
    with cluster.running(2, log_dir=logs) as running:
        yield running, logs


def legs_of(corridor: str) -> int:
    legs = load.load_all().frames["corridors"]
    return int((legs["corridor"] == corridor).sum())


class Session:
    """One browser context (its own cookies: its own Streamlit session) and what it saw."""

    def __init__(self, browser: Any, number: int, url: str) -> None:
        self.agent = f"corridormap-test-session-{number}"
        self.url = url
        self.context = browser.new_context(
            viewport={"width": 1400, "height": 900}, user_agent=self.agent, accept_downloads=True
        )
        self.page = self.context.new_page()
        self.page.set_default_timeout(30_000)
        self.probe = PageProbe(record_bodies=True).attach(self.context, self.page)
        self.replicas: set[str] = set()
        self.page.on("response", self._on_response)

    def _on_response(self, response: Any) -> None:
        replica = response.headers.get("x-replica")
        if replica:
            self.replicas.add(replica)

    def open(self) -> None:
        self.page.goto(self.url, wait_until="domcontentloaded")
        wait_for_map(self.page, probe=self.probe)
        self.probe.wait_quiet(self.page)

    def corridor_paths(self, expected: int) -> int:
        selector = f'path.leaflet-interactive[stroke="{CORRIDOR.color}" i]'
        return wait_count(self.page, selector, expected)

    def close(self) -> None:
        self.context.close()


def test_four_sessions_through_two_replicas(
    browser: Any, proxied: tuple[cluster.Cluster, Path], tmp_path: Path
) -> None:
    running, logs = proxied
    sessions = [Session(browser, i, running.url) for i in range(SESSIONS)]
    try:
        for s in sessions:
            s.open()
        legs = legs_of(CORRIDOR.value)
        assert legs > 0
        name, data, _what, markers = make_file("geojson", tmp_path)
        for s in sessions:
            assert s.corridor_paths(legs) == legs
            # a filter: untick the corridor in the legend, its legs leave the map
            s.page.locator(f".st-key-lg_corridor_{CORRIDOR.value} label").click()
            assert s.corridor_paths(0) == 0
            # a download: the table's CSV, built on the replica when clicked
            button = s.page.locator(".st-key-explorer_corridors_csv button")
            path = download(s.page, button).path()  # built on click, on a replica of 4 sessions
            assert path is not None
            assert b"," in Path(path).read_bytes().splitlines()[0]
            # an upload, to the replica that holds the session
            upload(s.page, name, data)
            s.page.get_by_text(f"Added {Path(name).stem}", exact=False).wait_for()
            assert wait_count(s.page, MARKERS, markers) == markers
        for s in sessions:
            s.probe.wait_quiet(s.page)
            s.probe.collect_sizes()
            s.probe.assert_clean()
            assert len(s.replicas) == 1, f"{s.agent} was answered by {sorted(s.replicas)}"
        # the four sessions spread over both replicas
        assert set().union(*(s.replicas for s in sessions)) == {"app1", "app2"}

        scripts = [
            r
            for r in sessions[0].probe.responses
            if re.search(r"/static/js/[^/]+\.js$", r["url"]) and r["body_bytes"] > 10_000
        ]
        assert scripts, "no Streamlit JavaScript was loaded"
        assert [r["url"] for r in scripts if r["content_encoding"] != "gzip"] == []
        encoded = sum(r["encoded_body_bytes"] for r in scripts)
        assert 0 < encoded < sum(r["body_bytes"] for r in scripts) / 2
    finally:
        for s in sessions:
            s.close()

    running.stop()  # HAProxy writes a websocket's log line when it closes
    seen: dict[str, set[str]] = {}
    streams: dict[str, set[str]] = {}
    for line in (logs / "haproxy.log").read_text(encoding="utf-8").splitlines():
        m = LOG_LINE.search(line)
        if m and m["agent"].startswith("corridormap-test-session-"):
            seen.setdefault(m["agent"], set()).add(m["server"])
            if m["path"].endswith("/_stcore/stream"):
                streams.setdefault(m["agent"], set()).add(m["server"])
    assert set(seen) == {s.agent for s in sessions}
    # every request of a session, its websocket included, reached one replica
    assert {agent: len(servers) for agent, servers in seen.items()} == dict.fromkeys(seen, 1)
    assert streams == {s.agent: s.replicas for s in sessions}
