"""One replica of two is killed (SIGKILL) behind HAProxy (``deploy/cluster.py``, supervised as
``make cluster`` runs it): HAProxy and the other replica go on serving, the dead replica is
started again, and the user whose session moved is told that their own layers are gone.

Needs HAProxy; skipped without it (unless ``CORRIDORMAP_REQUIRE_BROWSER=1``).
"""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from harness import REPO, browser_required
from test_cluster import CORRIDOR, Session
from test_uploads import MARKERS, make_file, upload, wait_count

sys.path.insert(0, str(REPO / "deploy"))
import cluster  # deploy/ is not a package

pytestmark = pytest.mark.browser

NOTICE = "Layers you had added yourself were kept only there and are gone"


@pytest.fixture(scope="module")
def supervised(_browser_ready: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    if cluster.haproxy_binary() is None:
        why = "haproxy not found (apt-get install -y haproxy)"
        if browser_required():
            pytest.fail(f"CORRIDORMAP_REQUIRE_BROWSER is set but {why}")
        pytest.skip(why)
    with cluster.running(2, log_dir=tmp_path_factory.mktemp("cluster"), supervise=True) as c:
        yield c


def test_a_killed_replica_is_restarted_and_every_user_still_served(
    browser: Any, supervised: cluster.Cluster, tmp_path: Path
) -> None:
    c = supervised
    sessions = []
    try:
        first = Session(browser, 0, c.url)
        sessions.append(first)
        first.open()
        name, data, _what, markers = make_file("geojson", tmp_path)
        upload(first.page, name, data)
        first.page.get_by_text(f"Added {Path(name).stem}", exact=False).wait_for()
        assert wait_count(first.page, MARKERS, markers) == markers
        (victim,) = first.replicas
        # a session on the other replica (leastconn: the next one goes there)
        other = None
        for i in range(1, 4):
            s = Session(browser, i, c.url)
            sessions.append(s)
            s.open()
            if s.replicas and victim not in s.replicas:
                other = s
                break
        assert other is not None, "no session reached the second replica"

        old_pid = c.procs[victim].pid
        os.kill(old_pid, signal.SIGKILL)

        # the browser reconnects to the other replica (HAProxy redispatches it); Streamlit
        # starts a new session there at the user's next action, which is told that their own
        # layers are gone, and works
        deadline = time.monotonic() + 60
        while not first.replicas - {victim}:
            assert time.monotonic() < deadline, "the session did not reconnect"
            first.page.wait_for_timeout(500)
        first.page.locator(f".st-key-lg_corridor_{CORRIDOR.value} label").click()
        first.page.get_by_text(NOTICE, exact=False).first.wait_for(timeout=60_000)
        assert wait_count(first.page, MARKERS, 0) == 0
        # the other replica's user goes on: a new page in that browser is served
        other.page.reload(wait_until="domcontentloaded")
        other.open()
        assert first.page.get_by_text(NOTICE, exact=False).count() >= 1
        assert other.page.get_by_text(NOTICE, exact=False).count() == 0

        # the supervisor starts the killed replica again; HAProxy never stopped
        deadline = time.monotonic() + 180
        server = next(s for s in c.servers if s.name == victim)
        while not (
            c.procs[victim].pid != old_pid
            and c.procs[victim].poll() is None
            and cluster.healthy(f"http://{server.address}/_stcore/health")
        ):
            assert time.monotonic() < deadline, f"{victim} was not restarted"
            time.sleep(0.5)
        assert c.procs["haproxy"].poll() is None
        assert c.restarts[victim]
        # and a new browser is served (whichever replica it lands on)
        fresh = Session(browser, 9, c.url)
        sessions.append(fresh)
        fresh.open()
        assert fresh.page.get_by_text(NOTICE, exact=False).count() == 0
    finally:
        for s in sessions:
            s.close()
