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
