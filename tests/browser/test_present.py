"""The presentation page in a real browser: the link opens a scene, the arrow keys move.
(The keys, which write the link, and the legend at the root and under a base path; the rest,
which the path does not change, at the root.)"""

from __future__ import annotations

from typing import Any

import pytest
from harness import MAP_IFRAME, PageProbe, StreamlitServer, wait_for_map

from corridormap import style

pytestmark = pytest.mark.browser


def test_arrow_keys_move_scenes_on_one_map_each_with_its_own_legend(
    page: Any, probe: PageProbe, streamlit_server: StreamlitServer
) -> None:
    page.goto(streamlit_server.url + "present?briefing=gabala-2025&scene=3")
    wait_for_map(page, probe=probe)
    page.wait_for_selector("text=Scene 3 of 7")
    assert not page.locator("section[data-testid='stSidebar']").is_visible()
    page.locator("text=Scene 3 of 7").click()  # focus the page, not the map
    page.keyboard.press("ArrowRight")
    page.wait_for_selector("text=Scene 4 of 7")
    assert page.url.endswith("briefing=gabala-2025&scene=4")
    green = f'path.leaflet-interactive[stroke="{style.corridor_color("north_south")}"]'
    frame = page.frame_locator(MAP_IFRAME)
    frame.locator(green).first.wait_for(state="attached")
    assert page.locator(MAP_IFRAME).count() == 1
    # the legend is the scene's own: scene 4 shows the INSTC only
    legend = frame.locator(".cm-legend")
    frame.locator(".cm-legend :text('North–South corridor')").wait_for()
    assert legend.count() == 1
    text = legend.inner_text()
    assert "Middle Corridor" not in text
    assert "Gas pipeline" not in text
    page.locator("text=Scene 4 of 7").click()
    page.keyboard.press("ArrowRight")  # scene 5: gas at the summit
    page.wait_for_selector("text=Scene 5 of 7")
    frame.locator(".cm-legend :text('Azerbaijani gas destinations')").wait_for()
    assert legend.count() == 1  # the scene's legend replaced the last one
    assert "North–South corridor" not in legend.inner_text()
    page.locator("text=Scene 5 of 7").click()
    page.keyboard.press("ArrowLeft")
    page.wait_for_selector("text=Scene 4 of 7")
    page.locator("text=Scene 4 of 7").click()
    page.keyboard.press("ArrowLeft")
    page.wait_for_selector("text=Scene 3 of 7")
    assert page.url.endswith("briefing=gabala-2025&scene=3")
    assert probe.blocked == []  # nothing left the machine


def test_arrow_keys_still_move_scenes_after_a_click_on_the_map(
    page: Any, probe: PageProbe, server: StreamlitServer
) -> None:
    page.goto(server.url + "present?briefing=gabala-2025&scene=2")
    wait_for_map(page, probe=probe)
    page.wait_for_selector("text=Scene 2 of 7")
    container = page.frame_locator(MAP_IFRAME).locator(".leaflet-container")
    container.click(position={"x": 40, "y": 300})  # the keyboard focus is now in the map
    page.wait_for_timeout(300)
    page.keyboard.press("ArrowRight")
    page.wait_for_selector("text=Scene 3 of 7")
    assert page.url.endswith("briefing=gabala-2025&scene=3")
    container.click(position={"x": 40, "y": 300})
    page.wait_for_timeout(300)
    page.keyboard.press("ArrowLeft")
    page.wait_for_selector("text=Scene 2 of 7")
    assert probe.blocked == []


def _map_share(page: Any) -> float:
    """The share of the viewport the map's visible area covers."""
    return float(
        page.evaluate(
            """(sel) => {
                const r = document.querySelector(sel).getBoundingClientRect();
                const w = Math.max(0, Math.min(r.right, innerWidth) - Math.max(r.left, 0));
                const h = Math.max(0, Math.min(r.bottom, innerHeight) - Math.max(r.top, 0));
                return (w * h) / (innerWidth * innerHeight);
            }""",
            MAP_IFRAME,
        )
    )


def _leaflet_fills_frame(page: Any) -> bool:
    frame = page.frame_locator(MAP_IFRAME)
    inner = frame.locator(".leaflet-container").bounding_box()
    outer = page.locator(MAP_IFRAME).bounding_box()
    return abs(inner["height"] - outer["height"]) <= 2


#: Measured in the page by the test: the box (container px) of the scene's corridor lines, the
#: map's size, and the legend's and every visible label's and marker's rectangle.
FRAME_JS = """(color) => {
    const m = window.map, size = m.getSize();
    let x1 = Infinity, y1 = Infinity, x2 = -Infinity, y2 = -Infinity;
    m.eachLayer(l => {
        if (!l.getLatLngs || !l.options || l.options.color !== color) { return; }
        const b = l.getBounds();
        [b.getSouthWest(), b.getNorthEast()].forEach(ll => {
            const p = m.latLngToContainerPoint(ll);
            x1 = Math.min(x1, p.x); y1 = Math.min(y1, p.y);
            x2 = Math.max(x2, p.x); y2 = Math.max(y2, p.y);
        });
    });
    const rect = el => { const r = el.getBoundingClientRect();
                         return [r.left, r.top, r.right, r.bottom]; };
    const legend = document.querySelector('.cm-legend');
    const items = [...document.querySelectorAll(
        '.cm-label, .leaflet-marker-icon:not(.cm-hidden)')].map(rect)
        .filter(r => r[2] > r[0] && r[3] > r[1]);
    return {box: [x1, y1, x2, y2], size: [size.x, size.y],
            legend: legend ? rect(legend) : null, items: items};
}"""


def _hits(a: list[float], b: list[float]) -> bool:
    return a[0] < b[2] - 1 and b[0] < a[2] - 1 and a[1] < b[3] - 1 and b[1] < a[3] - 1


@pytest.mark.parametrize(("width", "height", "share"), [(1440, 900, 0.55), (1920, 1080, 0.6)])
def test_a_scene_map_fills_the_screen_and_is_fitted_beside_its_legend(
    browser: Any, server: StreamlitServer, width: int, height: int, share: float
) -> None:
    """Scene 3 (the Middle Corridor) and scene 4 (the North–South corridor): at each screen
    size the map (not only its frame) covers at least ``share`` of the screen, the corridor's
    lines are all in the frame and fill most of its width or height, and the legend covers no
    label and no marker."""
    context = browser.new_context(viewport={"width": width, "height": height})
    try:
        page = context.new_page()
        probe = PageProbe().attach(context, page)
        page.goto(server.url + "present?briefing=gabala-2025&scene=3")
        wait_for_map(page, probe=probe)
        for number, corridor in ((3, "middle_corridor"), (4, "north_south")):
            page.wait_for_selector(f"text=Scene {number} of 7")
            frame = page.frame_locator(MAP_IFRAME).locator(".cm-legend").first
            frame.wait_for(state="attached")
            page.wait_for_timeout(800)  # the labels' layout runs 60 ms after a change
            handle = page.wait_for_selector(MAP_IFRAME, state="attached").content_frame()
            got = handle.evaluate(FRAME_JS, style.corridor_color(corridor))
            (x1, y1, x2, y2), (w, h) = got["box"], got["size"]
            assert x1 >= 0, (number, got["box"])
            assert y1 >= 0, (number, got["box"])
            assert x2 <= w, (number, got["box"], w)
            assert y2 <= h, (number, got["box"], h)
            assert max((x2 - x1) / w, (y2 - y1) / h) >= 0.7, (number, got["box"], w, h)
            covered = [r for r in got["items"] if _hits(r, got["legend"])]
            assert not covered, (number, covered)
            assert _map_share(page) >= share, number
            assert _leaflet_fills_frame(page), number  # the map, not only its frame
            page.locator(f"text=Scene {number} of 7").click()
            page.keyboard.press("ArrowRight")
        assert probe.blocked == []
    finally:
        context.close()
