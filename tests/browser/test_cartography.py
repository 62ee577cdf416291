"""Briefing-grade maps in a real browser: no pile-ups, and the places a scene names are named.

The test's own script (``js/overlap.js``, evaluated in the map's frame) counts the visible
icons and labels whose boxes overlap another's; the product holds that share at 10 % or less
on the explorer and in every scene of the shipped briefing. Every place a scene's text names,
and every point it highlights, carries a label on the map. No view (the explorer's, each
scene's, the Corridors page's) shows past the edge of the bundled land.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from harness import PageProbe, StreamlitServer, wait_for_map

from corridormap import briefing, export, load

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
FRAMES = load.load_all(ROOT / "data").frames
VOCAB = export.vocabulary(FRAMES)
GABALA = briefing.load_briefing(ROOT / "data" / "briefings" / "gabala-2025.yaml", VOCAB)
MAX_OVERLAP = 0.10
# the measure, as a function Playwright evaluates (the file's comment and last ";" dropped)
OVERLAP_JS = (
    (Path(__file__).parent / "js" / "overlap.js").read_text().split("*/", 1)[1].strip().rstrip(";")
)


def settled(page: Any, probe: PageProbe) -> Any:
    frame = wait_for_map(page, probe=probe)
    probe.wait_quiet(page)
    # the labels' layout has run once: the label pane exists
    frame.wait_for_function("() => document.querySelector('.leaflet-cmLabels-pane') !== null")
    page.wait_for_timeout(400)  # the layout runs 60 ms after the last change
    return frame


def overlap_share(frame: Any) -> float:
    found = frame.evaluate(OVERLAP_JS)
    assert found["items"] > 0
    return found["overlapping"] / found["items"]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?lat=40.5&lon=45.5&zoom=6",
        "?lat=41.5&lon=48&zoom=5",
        "?zoom=3",
        "?zoom=2",
        "?lat=60&lon=110&zoom=3",
    ],
)
def test_no_explorer_view_piles_up_or_shows_the_edge_of_the_land(
    page: Any, probe: PageProbe, server: StreamlitServer, query: str
) -> None:
    page.goto(server.url + query)
    frame = settled(page, probe)
    assert overlap_share(frame) <= MAX_OVERLAP
    view = map_state(frame)
    assert inside_land(view), view
    assert probe.blocked == []


@pytest.mark.parametrize("scene", GABALA.scenes, ids=lambda s: f"scene{s.number}")
def test_every_scene_names_its_places_without_pile_ups(
    page: Any, probe: PageProbe, server: StreamlitServer, scene: briefing.Scene
) -> None:
    view = export.scene_view(FRAMES, GABALA, scene, VOCAB)
    page.goto(server.url + f"present?briefing={GABALA.key}&scene={scene.number}")
    frame = settled(page, probe)
    assert overlap_share(frame) <= MAX_OVERLAP
    labels = set(frame.locator(".cm-label").all_inner_texts())
    named = export.named_places(view)
    for name in named:
        assert any(label.startswith(name[:30]) for label in labels), (name, sorted(labels))
    shown = map_state(frame)
    assert inside_land(shown), shown  # no scene shows past the edge of the bundled land
    assert probe.blocked == []


def map_state(frame: Any) -> dict[str, float]:
    return frame.evaluate(
        "() => { const m = window.map_div, c = m.getCenter(), b = m.getBounds();"
        " return {lat: c.lat, lon: c.lng, zoom: m.getZoom(),"
        " west: b.getWest(), east: b.getEast(), south: b.getSouth(), north: b.getNorth()}; }"
    )


def share_of_view(bounds: tuple[float, float, float, float], view: dict[str, float]) -> float:
    """How much of the map's width or height the bounds fill (the larger of the two)."""
    return max(
        (bounds[2] - bounds[0]) / (view["east"] - view["west"]),
        (bounds[3] - bounds[1]) / (view["north"] - view["south"]),
    )


@pytest.mark.parametrize(("iso3", "page_path"), [("GEO", ""), ("KAZ", ""), ("GEO", "country")])
def test_a_chosen_country_fills_the_map(
    page: Any, probe: PageProbe, server: StreamlitServer, iso3: str, page_path: str
) -> None:
    from corridormap import mapbuild  # noqa: PLC0415

    page.goto(server.url + f"{page_path}?country={iso3}")
    frame = settled(page, probe)
    view = map_state(frame)
    bounds = mapbuild.largest_part_bounds(FRAMES["countries"].loc[[iso3]].geometry)
    assert bounds is not None
    # the whole country is in view, and it fills most of the map's width or height
    assert view["west"] <= bounds[0]
    assert bounds[2] <= view["east"]
    assert view["south"] <= bounds[1]
    assert bounds[3] <= view["north"]
    assert share_of_view(bounds, view) >= 0.5, (iso3, view)
    assert probe.blocked == []


LAND = tuple(float(v) for v in FRAMES["countries"].total_bounds)


def inside_land(view: dict[str, float]) -> bool:
    """Whether the view shows nothing past the bundled land's frame (a pixel or two of
    slack: Leaflet rounds the clamped view to whole pixels)."""
    slack = 0.25
    return (
        view["west"] >= LAND[0] - slack
        and view["east"] <= LAND[2] + slack
        and view["south"] >= LAND[1] - slack
        and view["north"] <= LAND[3] + slack
    )


def test_the_corridors_map_does_not_show_the_edge_of_the_bundled_land(
    page: Any, probe: PageProbe, server: StreamlitServer
) -> None:
    """(The explorer's views and every scene are checked with their pile-ups above.)"""
    page.goto(server.url + "corridors")
    view = map_state(settled(page, probe))
    assert inside_land(view), view
    assert probe.blocked == []


def test_the_gas_route_to_germany_is_drawn_whole_and_in_view(
    page: Any, probe: PageProbe, server: StreamlitServer
) -> None:
    from corridormap import style  # noqa: PLC0415

    page.goto(server.url + "gas")
    settled(page, probe)
    page.get_by_role("combobox", name="Route to").click()
    page.keyboard.type("Germany")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Route to Germany:")
    frame = settled(page, probe)
    onward = frame.locator(
        f'path[stroke="{style.FLOW_COLOR}"][stroke-dasharray="{style.ONWARD_DASH}"]'
    )
    onward.first.wait_for(state="attached")
    assert onward.count() == 1  # the untraced stretch from TAP's end to Germany
    legend = frame.locator(".cm-legend").text_content() or ""  # folded on this small map
    assert legend.count(style.ONWARD_LABEL[:30]) == 1
    view = map_state(frame)
    deu = mapbuild_bounds("DEU")
    assert view["west"] <= deu[0]
    assert view["north"] >= deu[3]  # all of Germany
    assert view["east"] >= 49.48  # and the route's start at Sangachal
    assert probe.blocked == []


def mapbuild_bounds(iso3: str) -> tuple[float, float, float, float]:
    from corridormap import mapbuild  # noqa: PLC0415

    bounds = mapbuild.largest_part_bounds(FRAMES["countries"].loc[[iso3]].geometry)
    assert bounds is not None
    return bounds
