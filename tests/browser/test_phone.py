"""The app on a phone (390x844): the sidebar starts closed, the map comes first, the legend's
line samples stay beside their checkboxes, and nothing is wider than the screen. (At the root:
the layout does not depend on the path the app is served under.)"""

from __future__ import annotations

from typing import Any

import pytest
from harness import MAP_IFRAME, PageProbe, StreamlitServer, wait_for_map

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser: Any) -> Any:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    yield context
    context.close()


@pytest.mark.parametrize("path", ["", "gas", "corridors"])
def test_phone_layout(phone: Any, server: StreamlitServer, path: str) -> None:
    page = phone.new_page()
    probe = PageProbe().attach(phone, page)
    page.goto(server.url + path)
    wait_for_map(page, probe=probe)
    probe.wait_quiet(page)
    sidebar = page.locator("section[data-testid='stSidebar']")
    box = sidebar.bounding_box()
    assert box is None or box["x"] + box["width"] <= 1  # closed: off the screen
    map_top = page.locator(MAP_IFRAME).bounding_box()["y"]
    metrics = page.locator("[data-testid='stMetric']")
    if metrics.count():
        assert map_top < metrics.first.bounding_box()["y"]  # the map before the figures
    # nothing on the page is wider than the screen (tables and charts scroll or reflow)
    widest = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll("
        '\'[data-testid="stMain"] [data-testid="stVerticalBlock"] > div\')]'
        ".map(e => e.getBoundingClientRect().right))"
    )
    assert widest <= PHONE["width"] + 1
    if path == "":  # the explorer's legend beside the map
        assert_legend_rows_keep_line_and_checkbox_together(page)
    assert probe.blocked == []


def assert_legend_rows_keep_line_and_checkbox_together(page: Any) -> None:
    rows = page.locator(".st-key-legend_rows [data-testid='stHorizontalBlock']")
    assert rows.count() == 6  # three corridors, three statuses
    for i in range(rows.count()):
        swatch, box = (
            rows.nth(i).locator("[data-testid='stColumn']").nth(j).bounding_box() for j in (0, 1)
        )
        centre = lambda b: b["y"] + b["height"] / 2  # noqa: E731
        assert abs(centre(swatch) - centre(box)) < 12  # on one line
        assert swatch["x"] + swatch["width"] <= box["x"] + 1  # side by side
