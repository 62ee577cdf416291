"""Briefing-grade maps in a real browser: no pile-ups, and the places a scene names are named.

``window.cmOverlap()`` (mapbuild.Declutter) counts the visible icons and labels whose boxes
overlap another's; the product holds that share at 10 % or less on the explorer and in every
scene of the shipped briefing. Every place a scene's text names, and every point it highlights,
carries a label on the map.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from harness import APP, REPO, PageProbe, StreamlitServer, start_streamlit, wait_for_map

from corridormap import briefing, export, load

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
FRAMES = load.load_all(ROOT / "data").frames
VOCAB = export.vocabulary(FRAMES)
GABALA = briefing.load_briefing(ROOT / "data" / "briefings" / "gabala-2025.yaml", VOCAB)
MAX_OVERLAP = 0.10


@pytest.fixture(scope="module")
def server(_browser_ready: None) -> Iterator[StreamlitServer]:
    """One server at the root: the layout does not depend on a base path."""
    with tempfile.TemporaryDirectory() as tmp:
        srv = start_streamlit(APP, cwd=REPO, log_dir=Path(tmp))
        yield srv
        srv.stop()


def settled(page: Any, probe: PageProbe) -> Any:
    frame = wait_for_map(page, probe=probe)
    probe.wait_quiet(page)
    frame.wait_for_function("() => window.cmOverlap !== undefined")
    page.wait_for_timeout(400)  # the layout runs 60 ms after the last change
    return frame


def overlap_share(frame: Any) -> float:
    found = frame.evaluate("() => window.cmOverlap()")
    assert found["items"] > 0
    return found["overlapping"] / found["items"]


@pytest.mark.parametrize(
    "query", ["", "?lat=40.5&lon=45.5&zoom=6", "?lat=41.5&lon=48&zoom=5", "?zoom=3"]
)
def test_the_explorer_has_no_pile_ups(
    page: Any, probe: PageProbe, server: StreamlitServer, query: str
) -> None:
    page.goto(server.url + query)
    assert overlap_share(settled(page, probe)) <= MAX_OVERLAP
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
