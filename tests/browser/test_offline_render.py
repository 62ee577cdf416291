"""The map renders in a real browser with no request leaving the machine.

Runs ``streamlit run app.py`` (at ``/`` and under ``--server.baseUrlPath=corridormap``) and
opens the default page in headless Chromium with every non-loopback request blocked; and
checks that blocking itself: whatever a page asks of another machine is blocked and counted.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import folium
import pytest
from harness import (
    MAP_IFRAME,
    PageProbe,
    StreamlitServer,
    browser_own,
    is_local,
    proxy_sink,
    wait_for_map,
)

from corridormap import assets, mapbuild, selfcontained

pytestmark = pytest.mark.browser


@pytest.mark.usefixtures("context")  # so that ``page`` opens in a context of its own
def test_map_renders_offline(
    page: Any, probe: PageProbe, streamlit_server: StreamlitServer
) -> None:
    """A first visit (a context of its own: nothing cached) draws the map from this server."""
    page.goto(streamlit_server.url, wait_until="domcontentloaded")
    frame = wait_for_map(page, probe=probe)

    assert frame.locator(".leaflet-container").count() == 1
    assert frame.locator("path.leaflet-interactive").count() > 0, "no vector paths drawn"
    assert frame.locator(".leaflet-control-scale").count() == 1, "no scale bar"
    assert frame.locator(".leaflet-control-layers").count() == 1, "no layer control"
    # the iframe grew once Leaflet rendered (it is 0 px high while scripts fail)
    box = page.locator(MAP_IFRAME).bounding_box()
    assert box is not None
    assert box["height"] > 100

    # let late requests (fonts, marker images) land before judging
    probe.wait_quiet(page)
    probe.assert_clean()

    # the vendored assets were served by this server, under the base path if any
    vendor = [r["url"] for r in probe.responses if "/app/static/vendor/" in r["url"]]
    assert any(u.endswith("/leaflet.js") for u in vendor), vendor
    prefix = streamlit_server.url + "app/static/vendor/"
    assert all(u.startswith(prefix) for u in vendor), vendor
    assert all(is_local(r["url"]) for r in probe.responses)


def test_exported_html_opens_offline(page: Any, probe: PageProbe, tmp_path: Path) -> None:
    """``inline_html`` output renders from file:// with fonts and marker images, no network."""
    assets.use_offline_assets()
    m = mapbuild.LeanMap(location=[40.5, 49.0], zoom_start=5, tiles=None, control_scale=True)
    assets.LeafletIconFix().add_to(m)
    folium.GeoJson(
        {
            "type": "Feature",
            "properties": {},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[45.0, 39.0], [50.0, 39.0], [50.0, 42.0], [45.0, 39.0]]],
            },
        }
    ).add_to(m)
    ship = folium.DivIcon(html='<i class="fa-solid fa-ship"></i>', class_name="cm-marker")
    folium.Marker([40.4, 49.9], icon=ship).add_to(m)  # a glyph, as the product's markers
    folium.Marker([41.7, 44.8]).add_to(m)  # Leaflet's default icon
    folium.LayerControl().add_to(m)
    export = tmp_path / "map.html"
    export.write_text(
        selfcontained.inline_html(m.get_root().render(), assets.static_root()), encoding="utf-8"
    )

    page.goto(export.as_uri(), wait_until="load")
    page.wait_for_selector("path.leaflet-interactive", state="attached")
    page.wait_for_function("document.fonts.status === 'loaded'")
    assert page.evaluate("document.fonts.check('900 16px \"Font Awesome 6 Free\"')")
    widths = page.eval_on_selector_all(
        "img.leaflet-marker-icon", "els => els.map(e => e.complete && e.naturalWidth)"
    )
    assert widths, "no default marker drawn"
    assert all(w and w > 0 for w in widths), f"broken marker image: {widths}"
    assert page.locator(".cm-marker .fa-ship").count() == 1
    # the glyph is drawn by the inlined font (Font Awesome's solid face: a content glyph)
    glyph = page.eval_on_selector(
        ".cm-marker .fa-ship", "e => getComputedStyle(e, '::before').fontFamily"
    )
    assert "Font Awesome 6 Free" in glyph
    assert page.locator(".leaflet-control-layers").count() == 1
    probe.assert_clean()
    assert [r["url"] for r in probe.responses if not r["url"].startswith(("file:", "data:"))] == []


#: A page that asks four other machines for something, four ways, and this server for one.
ASKS_OTHER_MACHINES = """<!doctype html><title>asks</title>
<img src="http://203.0.113.9/pixel.png" alt="">
<link rel="stylesheet" href="https://cdn.example.net/style.css">
<script>
  window.outcomes = {};
  fetch("https://example.org/data.json").then(
    () => { window.outcomes.fetch = "answered"; }, () => { window.outcomes.fetch = "failed"; });
  const ws = new WebSocket("wss://example.com/socket");
  ws.onopen = () => { window.outcomes.ws = "open"; };
  ws.onerror = () => { window.outcomes.ws = "failed"; };
  fetch("HEALTH").then((r) => r.text()).then((t) => { window.outcomes.local = t; });
</script>"""


def test_every_off_machine_request_is_blocked_and_counted(
    page: Any, probe: PageProbe, server: StreamlitServer
) -> None:
    """The probe's blocking itself (the browser's proxy, see harness.py): an image by IP
    address, a stylesheet, a fetch and a WebSocket to other machines all fail, each is
    counted (by the page's request or the sink's connection), and a request to this machine
    is answered and not counted."""
    sink_before = len(proxy_sink().seen)
    page.goto(server.url + "_stcore/health")  # a page of this machine's origin
    page.set_content(ASKS_OTHER_MACHINES.replace("HEALTH", server.url + "_stcore/health"))
    page.wait_for_function("() => Object.keys(window.outcomes).length === 3", timeout=15_000)
    assert page.evaluate("window.outcomes") == {"fetch": "failed", "ws": "failed", "local": "ok"}
    asked = (
        "http://203.0.113.9/pixel.png",
        "https://cdn.example.net/style.css",
        "https://example.org/data.json",
    )
    for url in asked:
        assert url in probe.requested_off_machine, (url, probe.requested_off_machine)
    hosts = ("203.0.113.9", "cdn.example.net:443", "example.org:443", "example.com:443")
    deadline = time.monotonic() + 15
    while not all(any(h in line for line in proxy_sink().seen[sink_before:]) for h in hosts):
        assert time.monotonic() < deadline, (hosts, proxy_sink().seen[sink_before:])
        page.wait_for_timeout(100)
    seen = proxy_sink().seen[sink_before:]
    assert not any("127.0.0.1" in line for line in seen), seen  # this machine: never proxied
    assert all(any(u in b for b in probe.blocked) for u in asked)
    assert not [r for r in probe.responses if not is_local(r["url"])]  # nothing answered


@pytest.mark.parametrize(
    ("line", "own"),
    [
        ("CONNECT accounts.google.com:443 HTTP/1.1", True),
        ("CONNECT redirector.gvt1.com:443 HTTP/1.1", True),
        ("POST http://update.googleapis.com/service/update2/json?x=1 HTTP/1.1", True),
        ("CONNECT fonts.gstatic.com:443 HTTP/1.1", False),  # a page's font: counted
        ("CONNECT fonts.googleapis.com:443 HTTP/1.1", False),
        ("CONNECT notgvt1.com:443 HTTP/1.1", False),  # a look-alike, not a subdomain
        ("GET http://tile.openstreetmap.org/1/0/0.png HTTP/1.1", False),
        ("(a connection that said nothing)", False),
    ],
)
def test_only_the_browsers_own_calls_are_left_out_of_a_count(line: str, own: bool) -> None:
    assert browser_own(line) is own
