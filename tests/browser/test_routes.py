"""The Routes page in a real browser: the link decides the route, the route is drawn leg by leg
in its colour, "no route" says why, and the widgets write the route back into the link.

Route paths are counted by their stroke colour (``style.ROUTE_COLOR`` and the alternatives'),
which no other layer on this page uses for a line, so a count is the number of legs drawn.
"""

from __future__ import annotations

from typing import Any

import pytest
from harness import PageProbe, StreamlitServer, wait_for_map

from corridormap import load, routing, style
from corridormap.routing import PLANNED, Query

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def network() -> routing.Network:
    return routing.build_network(load.load_all().frames)


def open_routes(page: Any, probe: PageProbe, server: StreamlitServer, query: str) -> Any:
    page.goto(server.url + "routes" + query, wait_until="domcontentloaded")
    frame = wait_for_map(page, probe=probe)
    probe.wait_quiet(page)
    return frame


def strokes(frame: Any, color: str) -> int:
    return int(frame.locator(f'path[stroke="{color}" i]').count())


def test_a_link_draws_the_route_and_its_alternative(
    page: Any, probe: PageProbe, server: StreamlitServer, network: routing.Network
) -> None:
    frame = open_routes(page, probe, server, "?from=xian&to=istanbul&when=planned&avoid=RUS&alt=1")
    expected = routing.plan(network, Query("xian", "istanbul", PLANNED, ("RUS",), alternatives=1))
    assert expected.route is not None
    assert strokes(frame, style.ROUTE_COLOR) == len(expected.route.steps)
    assert strokes(frame, style.ROUTE_ALT_COLORS[0]) == len(expected.alternatives[0].steps)
    assert "Xi'an → Istanbul: planned: every leg" in page.locator("h5").first.inner_text()
    assert page.get_by_text("Avoiding Russia (RUS)").count() == 1
    assert page.locator('[data-testid="stDataFrame"]').count() >= 1  # the legs
    table = page.locator('[data-testid="stTable"]').first.inner_text()
    assert f"{expected.route.km_line:,.0f}" in table  # along the drawn lines, like with like
    assert "Alternative 1" in table
    labels = set(frame.locator(".cm-label").all_inner_texts())
    assert {"Xi'an", "Istanbul"} <= labels  # the ends are labelled
    assert probe.blocked == []


def test_no_route_says_which_constraint_cut_it(
    page: Any, probe: PageProbe, server: StreamlitServer
) -> None:
    open_routes(page, probe, server, "?from=baku&to=kars&avoid=GEO")
    warning = page.locator('[data-testid="stAlert"]').filter(has_text="No route").inner_text()
    assert "no route is in service on" in warning
    assert "crosses Georgia (GEO)" in warning


def test_today_vs_planned_in_one_click_goes_into_the_link(
    page: Any, probe: PageProbe, server: StreamlitServer
) -> None:
    open_routes(page, probe, server, "?from=baku&to=kars&avoid=GEO")
    page.get_by_text("Today vs planned").click()
    page.get_by_text("Today and when the planned links open").wait_for()
    probe.wait_quiet(page)
    assert "compare=1" in page.url
    assert "avoid=GEO" in page.url
    table = page.locator('[data-testid="stTable"]').last.inner_text()
    assert "no route" in table  # today
    assert "AZE → ARM → AZE → TUR" in table  # planned: back into Azerbaijan (Nakhchivan)


def test_bad_route_link_values_are_named(
    page: Any, probe: PageProbe, server: StreamlitServer
) -> None:
    open_routes(page, probe, server, "?from=atlantis&to=kars&when=someday&avoid=XXX")
    text = page.locator('[data-testid="stAlert"]').first.inner_text()
    assert "Ignored from='atlantis': not a node id" in text
    assert "Ignored when='someday'" in text
    assert "Ignored avoid='XXX'" in text
