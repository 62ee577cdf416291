"""Users' own layers in a real browser: every format uploads and draws; no payload ever runs.

Files go through the sidebar's file picker (Playwright ``set_input_files``), as a user's would.
User layers are drawn in the user colours from the style module, so their paths and markers are
counted by colour and by their location-dot icon.
"""

from __future__ import annotations

import io
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest
import shapely
from harness import (
    APP,
    MAP_IFRAME,
    REPO,
    PageProbe,
    StreamlitServer,
    settle,
    start_streamlit,
    wait_for_map,
)

from corridormap import style

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from test_escaping import FILE_NAME, payload_geojson

pytestmark = pytest.mark.browser

COLOR = style.user_color(0)  # the first layer a session adds
UPLOADER = 'section[data-testid="stSidebar"] input[type="file"]'
MB = 1024 * 1024


def frame_of(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return gdf.set_crs("EPSG:4326", allow_override=True)


POINTS = frame_of(
    gpd.GeoDataFrame(
        {"name": ["Baku", "Tbilisi", "Kars"]},
        geometry=[
            shapely.Point(49.87, 40.41),
            shapely.Point(44.8, 41.7),
            shapely.Point(43.1, 40.6),
        ],
    )
)
LINES = frame_of(
    gpd.GeoDataFrame(
        {"name": ["a", "b"]},
        geometry=[
            shapely.LineString([(44.8, 41.7), (49.87, 40.41)]),
            shapely.LineString([(43.1, 40.6), (44.8, 41.7)]),
        ],
    )
)
POLYGONS = frame_of(
    gpd.GeoDataFrame(
        {"name": ["p", "q"]},
        geometry=[shapely.box(45, 39, 46, 40), shapely.box(47, 41, 48, 42)],
    )
)


def make_file(kind: str, tmp: Path) -> tuple[str, bytes, str, int]:
    """(file name, bytes, what to count, expected count)."""
    if kind == "geojson":
        return "points.geojson", POINTS.to_json().encode(), "markers", 3
    if kind == "gpkg":
        POLYGONS.to_crs(3857).to_file(tmp / "polys.gpkg", driver="GPKG")
        return "polys.gpkg", (tmp / "polys.gpkg").read_bytes(), "paths", 2
    if kind == "shapefile":
        LINES.to_file(tmp / "lines.shp")
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for p in sorted(tmp.glob("lines.*")):
                z.write(p, p.name)
        return "lines.zip", buf.getvalue(), "paths", 2
    if kind == "kml":
        POINTS.to_file(tmp / "points.kml", driver="KML")
        return "points.kml", (tmp / "points.kml").read_bytes(), "markers", 3
    if kind == "csv":
        text = "Name,Latitude,Longitude\nBaku,40.41,49.87\nAktau,43.65,51.17\n"
        text += "Tbilisi,41.7,44.8\nKars,40.6,43.1\n"
        return "points.csv", text.encode(), "markers", 4
    raise AssertionError(kind)


MARKERS = ".cm-marker .fa-location-dot"
PATHS = f'path.leaflet-interactive[stroke="{COLOR}" i]'


def user_markers(frame: Any) -> Any:
    return frame.locator(MARKERS)


def user_paths(frame: Any) -> Any:
    return frame.locator(PATHS)


def upload(page: Any, name: str, data: bytes, mime: str = "application/octet-stream") -> None:
    page.locator(UPLOADER).set_input_files(files=[{"name": name, "mimeType": mime, "buffer": data}])


def map_frame(page: Any) -> Any:
    """The map's frame as a re-resolving locator (the iframe is replaced on some reruns)."""
    return page.frame_locator(MAP_IFRAME)


def wait_count(page: Any, selector: str, expected: int, timeout_s: float = 30) -> int:
    """Poll until the one map iframe holds ``expected`` matches of ``selector``; the last count."""
    from playwright.sync_api import Error as PlaywrightError  # noqa: PLC0415 - may be absent

    deadline = time.monotonic() + timeout_s
    seen = -1
    while time.monotonic() < deadline:
        try:
            if page.locator(MAP_IFRAME).count() == 1:
                seen = map_frame(page).locator(selector).count()
                if seen == expected:
                    return seen
        except PlaywrightError:
            pass  # the iframe went away mid-count; look again
        page.wait_for_timeout(200)
    return seen


def open_app(page: Any, probe: PageProbe, server: StreamlitServer) -> Any:
    page.goto(server.url, wait_until="domcontentloaded")
    frame = wait_for_map(page, probe=probe)
    probe.wait_quiet(page)
    return frame


@pytest.mark.parametrize("kind", ["geojson", "gpkg", "shapefile", "kml", "csv"])
def test_each_kind_of_file_uploads_and_draws(
    page: Any, probe: PageProbe, server: StreamlitServer, kind: str, tmp_path: Path
) -> None:
    frame = open_app(page, probe, server)
    assert user_markers(frame).count() == 0
    assert user_paths(frame).count() == 0
    name, data, what, count = make_file(kind, tmp_path)
    upload(page, name, data)
    page.get_by_text(f"Added {Path(name).stem}", exact=False).wait_for()
    assert wait_count(page, MARKERS if what == "markers" else PATHS, count) == count
    frame = map_frame(page)
    # its own entry in the legend and in the layer control
    legend = frame.locator(".cm-legend").text_content()
    assert "Your layers" in legend
    assert Path(name).stem in legend
    assert Path(name).stem in frame.locator(".leaflet-control-layers-overlays").text_content()
    probe.wait_quiet(page)
    probe.assert_clean()


def test_a_bad_file_is_named_in_the_page(
    page: Any, probe: PageProbe, server: StreamlitServer
) -> None:
    open_app(page, probe, server)
    upload(page, "broken.geojson", b'{"type": "FeatureCollection", "features": [')
    error = page.get_by_text("Could not add broken.geojson", exact=False)
    error.wait_for()
    assert "invalid JSON at line 1" in page.locator('[data-testid="stAlert"]').all_inner_texts()[
        -1
    ].replace("\\", "")
    probe.assert_clean()


def test_payloads_never_run(page: Any, probe: PageProbe, server: StreamlitServer) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.add_init_script("window.__xss = 0;")
    frame = open_app(page, probe, server)
    upload(page, FILE_NAME, payload_geojson(), "application/geo+json")
    page.get_by_text("Added", exact=False).wait_for()
    assert wait_count(page, MARKERS, 1) == 1  # the point feature
    assert wait_count(page, PATHS, 1) == 1  # the line feature
    # a run still under way may draw the map again and lose the click below (seen in CI)
    settle(page)
    frame = map_frame(page)
    markers = user_markers(frame)

    # hover: the tooltip shows the payload as text
    markers.first.locator("xpath=ancestor::div[contains(@class,'cm-marker')]").dispatch_event(
        "mouseover"
    )
    tooltip = frame.locator(".leaflet-tooltip").filter(has_text="onerror").first
    tooltip.wait_for(state="attached")
    assert "<img src=x onerror=window.__xss=1>" in tooltip.inner_text()
    assert tooltip.locator("img, svg, script").count() == 0

    # click: the card renders with the payloads as text
    markers.first.dispatch_event("click")
    page.get_by_text("Sources (as of", exact=False).wait_for(timeout=60_000)
    text = page.locator("body").inner_text()
    assert "onerror=window.__xss=1" in text  # the card's title and properties, as text
    assert "javascript:alert(1)" in text  # the non-http source, as text
    assert page.locator("a[href^='javascript' i]").count() == 0
    assert page.locator("img[src='x'], [onerror], [onload]").count() == 0

    # the legend and the layer control show the layer's name as text
    assert "<img src=x" in frame.locator(".cm-legend").text_content()
    assert "<img src=x" in frame.locator(".leaflet-control-layers-overlays").text_content()

    page.wait_for_timeout(500)
    probe.wait_quiet(page)
    assert dialogs == []
    assert page.evaluate("window.__xss") == 0
    handle = page.wait_for_selector(MAP_IFRAME, state="attached")
    assert handle.content_frame().evaluate("window.__xss") == 0
    assert frame.locator("path.leaflet-interactive").count() > 0  # the map still renders
    assert probe.blocked == []  # the <img src=http://...> payload asked for nothing
    probe.assert_clean()


#: PUT a file of ``size`` zero bytes to the upload route, as the browser's uploader does (a
#: multipart form, the page's XSRF token), and return the HTTP status.
PUT_FILE_JS = """async ([url, token, size]) => {
    const body = new FormData();
    body.append("file", new Blob([new Uint8Array(size)]), "big.csv");
    const headers = token ? {"X-Xsrftoken": token} : {};
    const answer = await fetch(url, {method: "PUT", body, headers, credentials: "same-origin"});
    return answer.status;
}"""


#: The users' file limit the server below runs with: not .streamlit/config.toml's
#: ``maxUploadSize`` (20, the default limit), so only the app's own setting can enforce it.
LIMIT_MB = 3


@pytest.fixture
def limited_server(
    _browser_ready: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[StreamlitServer]:
    monkeypatch.setenv("CORRIDORMAP_UPLOAD_MAX_MB", str(LIMIT_MB))
    srv = start_streamlit(APP, cwd=REPO, log_dir=tmp_path)
    yield srv
    srv.stop()


def test_the_server_refuses_a_file_over_the_users_limit(
    page: Any, probe: PageProbe, limited_server: StreamlitServer
) -> None:
    """The app makes the users' file limit (``[upload] max_mb``, here from the environment)
    Streamlit's ``server.maxUploadSize``, so the server refuses a bigger body with HTTP 413
    even from a client that skips the file picker's own check: the limit does not rest on the
    browser. A file just under the limit is taken, so the refusal is the size's, not the
    route's."""
    open_app(page, probe, limited_server)
    with page.expect_request(
        lambda r: "/_stcore/upload_file/" in r.url and r.method == "PUT"
    ) as sent:
        upload(page, "small.csv", b"name,lat,lon\nBaku,40.41,49.87\n")
    page.get_by_text("Added small", exact=False).wait_for()
    request = sent.value
    token = request.headers.get("x-xsrftoken")
    route = request.url.rsplit("/", 1)[0]  # .../upload_file/<session>; then a new file id
    over = (LIMIT_MB + 1) * MB
    under = (LIMIT_MB - 1) * MB
    assert page.evaluate(PUT_FILE_JS, [f"{route}/over-the-limit", token, over]) == 413
    assert page.evaluate(PUT_FILE_JS, [f"{route}/under-the-limit", token, under]) == 204
