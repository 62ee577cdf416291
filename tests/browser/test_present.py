"""The presentation page in a real browser: the link opens a scene, the arrow keys move."""

from __future__ import annotations

from typing import Any

import pytest
from harness import MAP_IFRAME, PageProbe, StreamlitServer, wait_for_map

from corridormap import style

pytestmark = pytest.mark.browser


def test_arrow_keys_move_scenes_on_one_map(
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
    page.locator("text=Scene 4 of 7").click()
    page.keyboard.press("ArrowLeft")
    page.wait_for_selector("text=Scene 3 of 7")
    page.locator("text=Scene 3 of 7").click()
    page.keyboard.press("ArrowLeft")
    page.wait_for_selector("text=Scene 2 of 7")
    assert probe.blocked == []  # nothing left the machine


def test_arrow_keys_still_move_scenes_after_a_click_on_the_map(
    page: Any, probe: PageProbe, streamlit_server: StreamlitServer
) -> None:
    page.goto(streamlit_server.url + "present?briefing=gabala-2025&scene=2")
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


@pytest.mark.parametrize(("width", "height", "share"), [(1440, 900, 0.55), (1920, 1080, 0.6)])
def test_a_scene_map_fills_the_screen(
    browser: Any, streamlit_server: StreamlitServer, width: int, height: int, share: float
) -> None:
    context = browser.new_context(viewport={"width": width, "height": height})
    try:
        page = context.new_page()
        probe = PageProbe().attach(context, page)
        page.goto(streamlit_server.url + "present?briefing=gabala-2025&scene=4")
        wait_for_map(page, probe=probe)
        page.wait_for_selector("text=Scene 4 of 7")
        page.wait_for_timeout(500)
        assert _map_share(page) >= share
        assert _leaflet_fills_frame(page)  # the map, not only its frame, is that tall
        assert probe.blocked == []
    finally:
        context.close()


def test_the_legend_is_the_scenes_own(
    page: Any, probe: PageProbe, streamlit_server: StreamlitServer
) -> None:
    page.goto(streamlit_server.url + "present?briefing=gabala-2025&scene=4")
    wait_for_map(page, probe=probe)
    frame = page.frame_locator(MAP_IFRAME)
    legend = frame.locator(".cm-legend")
    legend.first.wait_for(state="attached")
    assert legend.count() == 1
    text = legend.inner_text()
    assert "North–South corridor" in text
    assert "Middle Corridor" not in text  # scene 4 shows the INSTC only
    assert "Gas pipeline" not in text
    page.locator("text=Scene 4 of 7").click()
    page.keyboard.press("ArrowRight")  # scene 5: gas at the summit
    page.wait_for_selector("text=Scene 5 of 7")
    frame.locator(".cm-legend :text('Azerbaijani gas destinations')").wait_for()
    assert legend.count() == 1  # the scene's legend replaced the last one
    assert "North–South corridor" not in legend.inner_text()
    assert probe.blocked == []
