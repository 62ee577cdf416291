"""The view the user looks at, in a real browser: after a zoom and a pan the link carries the
map's centre and zoom, and an export of the view frames the box the map showed.

Every figure is read from Leaflet in the page (``window.map``, streamlit-folium's map) and
compared with what the link and the exported file say; nothing is taken from the product's
own report of what it did.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from harness import MAP_IFRAME, PageProbe, StreamlitServer, download, wait_for_map

pytestmark = pytest.mark.browser

#: Leaflet's view of its map: centre, zoom, bounds (west, south, east, north), size in px.
VIEW_JS = """() => {
    const m = window.map, b = m.getBounds(), c = m.getCenter(), s = m.getSize();
    return {lat: c.lat, lon: c.lng, zoom: m.getZoom(),
            bounds: [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()],
            size: [s.x, s.y]};
}"""


def map_view(page: Any) -> dict[str, Any]:
    """Leaflet's view of the page's map now (the frame is looked up afresh: a rerun that
    moves the map in the page gives it a new frame)."""
    handle = page.wait_for_selector(MAP_IFRAME, state="attached")
    frame = handle.content_frame()
    frame.wait_for_function("() => window.map !== undefined")
    return frame.evaluate(VIEW_JS)


def open_settled(page: Any, probe: PageProbe, url: str) -> None:
    """Open ``url`` and wait for the map and the whole page. (The map's frame may be replaced
    once while the page's first runs settle: then it is awaited again.)"""
    page.goto(url, wait_until="domcontentloaded")
    for attempt in range(3):
        try:
            wait_for_map(page, probe=probe)
            break
        except AssertionError as exc:
            replaced = "detached" in str(exc) or "no content frame" in str(exc)
            if not replaced or attempt == 2:
                raise
    probe.wait_quiet(page)


def link_params(page: Any) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlsplit(page.url).query).items()}


def tile_degrees(zoom: float) -> float:
    """The longitude span of one 256 px tile at ``zoom``."""
    return 360.0 / 2**zoom


def move_map(page: Any, dx: float, dy: float, zoom_in: int = 1) -> None:
    """Zoom in with the map's + button, then drag the map by (dx, dy) px, as a user does."""
    box = page.locator(MAP_IFRAME).first.bounding_box()  # (the page's first map)
    assert box is not None
    frame = page.frame_locator(MAP_IFRAME).first
    for _ in range(zoom_in):
        frame.locator(".leaflet-control-zoom-in").click()
        page.wait_for_timeout(400)
    x, y = box["x"] + box["width"] * 0.55, box["y"] + box["height"] * 0.6
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 11):
        page.mouse.move(x + dx * step / 10, y + dy * step / 10)
    page.mouse.up()


def wait_for_view_in_link(page: Any) -> dict[str, Any]:
    """Wait until the link's lat/lon/zoom are the map's own; both, once they agree."""
    view: dict[str, Any] = {}
    params: dict[str, str] = {}
    for _ in range(100):
        view = map_view(page)
        params = link_params(page)
        if {"lat", "lon", "zoom"} <= params.keys() and (
            abs(float(params["lat"]) - view["lat"]) < 1e-3
            and abs(float(params["lon"]) - view["lon"]) < 1e-3
            and float(params["zoom"]) == view["zoom"]
        ):
            return view
        page.wait_for_timeout(200)
    raise AssertionError(f"the link {params} never took the map's view {view}")


def test_a_zoomed_and_panned_view_is_in_the_link_and_the_html_export(
    page: Any, probe: PageProbe, server: StreamlitServer, tmp_path: Path
) -> None:
    open_settled(page, probe, server.url)
    before = map_view(page)
    assert "lat" not in link_params(page)  # an unmoved map leaves the link clean

    move_map(page, dx=-180, dy=90)
    seen = wait_for_view_in_link(page)
    assert seen["zoom"] == before["zoom"] + 1
    assert abs(seen["lon"] - before["lon"]) > 1  # dragged left: the map looks further east

    # The link opens the same view in a new tab.
    again = page.context.new_page()
    probe.attach(page.context, again)
    open_settled(again, probe, server.url + "?" + urlsplit(page.url).query)
    reopened = map_view(again)
    assert reopened["zoom"] == seen["zoom"]
    assert reopened["lat"] == pytest.approx(seen["lat"], abs=1e-3)
    assert reopened["lon"] == pytest.approx(seen["lon"], abs=1e-3)
    again.close()

    # The HTML export frames the box the map showed.
    page.get_by_text("Export this view").wait_for()
    path = tmp_path / "view.html"
    download(page, page.get_by_role("button", name="Map (HTML)")).save_as(path)
    exported = page.context.new_page()
    probe.attach(page.context, exported)
    exported.set_viewport_size({"width": 1400, "height": 900})
    exported.goto(path.as_uri(), wait_until="load")
    exported.wait_for_function("() => window.map !== undefined || true")
    shown = exported.evaluate(
        """() => {
            const m = Object.values(window).find(v => v && v._container && v.getBounds);
            const b = m.getBounds();
            return {zoom: m.getZoom(), bounds: [b.getWest(), b.getSouth(), b.getEast(),
                    b.getNorth()]};
        }"""
    )
    tile = tile_degrees(seen["zoom"])
    w, s, e, n = seen["bounds"]
    ew, es, ee, en = shown["bounds"]
    # the export holds all of the box the user saw ...
    assert ew <= w + 1e-6
    assert es <= s + 1e-6
    assert ee >= e - 1e-6
    assert en >= n - 1e-6
    # ... and no more than a tile beyond it on the side it fits (the other side shows what a
    # page of another shape shows around it)
    lat_tile = tile * math.cos(math.radians((s + n) / 2))
    assert min((w - ew) + (ee - e) - 2 * tile, (s - es) + (en - n) - 2 * lat_tile) <= 0
    exported.close()
    # Nothing left the machine and nothing failed in the pages (requests a replaced map frame
    # had under way are aborted, which is not a fault of the view).
    problems = probe.problems()
    for kind in ("blocked (off-machine)", "HTTP errors", "console errors", "page errors"):
        assert problems[kind] == [], (kind, problems[kind])


def test_the_routes_map_view_is_in_the_link_and_the_route_export(
    page: Any, probe: PageProbe, server: StreamlitServer, tmp_path: Path
) -> None:
    """The Routes page's map: a zoom and a pan go into the link (with the route), the link
    opens the route at that view, and the route's HTML export frames the box the map showed."""
    open_settled(page, probe, server.url + "routes?from=baku&to=kars")
    assert "lat" not in link_params(page)
    move_map(page, dx=-120, dy=60)
    seen = wait_for_view_in_link(page)
    params = link_params(page)
    assert (params.get("from"), params.get("to")) == ("baku", "kars")

    again = page.context.new_page()
    probe.attach(page.context, again)
    open_settled(again, probe, server.url + "routes?" + urlsplit(page.url).query)
    reopened = map_view(again)
    assert reopened["zoom"] == seen["zoom"]
    assert reopened["lat"] == pytest.approx(seen["lat"], abs=1e-3)
    assert reopened["lon"] == pytest.approx(seen["lon"], abs=1e-3)
    again.close()

    path = tmp_path / "route.html"
    download(page, page.get_by_role("button", name="Route (HTML)")).save_as(path)
    exported = page.context.new_page()
    probe.attach(page.context, exported)
    exported.set_viewport_size({"width": 1400, "height": 900})
    exported.goto(path.as_uri(), wait_until="load")
    shown = exported.evaluate(
        """() => {
            const m = Object.values(window).find(v => v && v._container && v.getBounds);
            const b = m.getBounds();
            return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()];
        }"""
    )
    w, s, e, n = seen["bounds"]
    ew, es, ee, en = shown
    tile = tile_degrees(seen["zoom"])
    assert ew <= w + 1e-6
    assert es <= s + 1e-6
    assert ee >= e - 1e-6
    assert en >= n - 1e-6
    assert min((w - ew) + (ee - e) - 2 * tile, (s - es) + (en - n) - 4 * tile) <= 0
    exported.close()
    problems = probe.problems()
    # (Streamlit opened at a page's path first asks that path for its health and host
    # config, then the root: those two 404s are Streamlit's own probing.)
    own = ("/routes/_stcore/health", "/routes/_stcore/host-config")
    assert [e for e in problems["HTTP errors"] if not e.endswith(own)] == []
    for kind in ("blocked (off-machine)", "page errors"):
        assert problems[kind] == [], (kind, problems[kind])


@pytest.mark.parametrize(
    "path", ["gas", "country?country=KAZ", "corridors?corridor=middle_corridor", "summit"]
)
def test_each_section_map_puts_its_view_in_the_link_and_opens_at_it(
    page: Any, probe: PageProbe, server: StreamlitServer, path: str
) -> None:
    """The Gas, Country, Corridors and Gabala summit pages (the summit's first map, its
    annotations): the map fitted by the page leaves the link clean; a zoom and a pan go into
    it; the link opens the page at that view."""
    open_settled(page, probe, server.url + path)
    page.wait_for_timeout(1500)  # the browser's fit to the frame's width has settled
    assert "lat" not in link_params(page)
    move_map(page, dx=-100, dy=50)
    seen = wait_for_view_in_link(page)

    again = page.context.new_page()
    probe.attach(page.context, again)
    page_path = path.partition("?")[0]
    open_settled(again, probe, server.url + page_path + "?" + urlsplit(page.url).query)
    reopened = map_view(again)
    assert reopened["zoom"] == seen["zoom"]
    assert reopened["lat"] == pytest.approx(seen["lat"], abs=1e-3)
    assert reopened["lon"] == pytest.approx(seen["lon"], abs=1e-3)
    again.close()
    problems = probe.problems()
    for kind in ("blocked (off-machine)", "page errors"):
        assert problems[kind] == [], (kind, problems[kind])
