"""The explorer in a real browser: links decide what is drawn, clicks open cards, search lands.

Paths are counted by their stroke or fill colour, which come from the one styling module, so a
count of corridor paths is the count of corridor legs Leaflet drew.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from harness import (
    MAP_IFRAME,
    PageProbe,
    StreamlitServer,
    wait_for_map,
)

from corridormap import filters, load, style
from corridormap.filters import Filters

pytestmark = pytest.mark.browser

CORRIDOR_COLORS = [e.color for e in style.CORRIDOR_STYLES]
GAS_COLORS = [e.color for e in style.GAS_PERIODS]


def open_map(page: Any, probe: PageProbe, server: StreamlitServer, query: str = "") -> Any:
    page.goto(server.url + query, wait_until="domcontentloaded")
    frame = wait_for_map(page, probe=probe)
    probe.wait_quiet(page)
    return frame


def count_paths(frame: Any, attr: str, colors: list[str]) -> int:
    return sum(frame.locator(f'path[{attr}="{c}" i]').count() for c in colors)


def expected(flt: Filters, key: str) -> int:
    return len(filters.apply(load.load_all().frames, flt)[key])


def test_a_country_link_draws_only_the_legs_that_cross_it(
    page: Any, probe: PageProbe, server: StreamlitServer
) -> None:
    everything = count_paths(open_map(page, probe, server), "stroke", CORRIDOR_COLORS)
    georgia = count_paths(open_map(page, probe, server, "?country=GEO"), "stroke", CORRIDOR_COLORS)
    assert everything == expected(Filters(), "corridors")
    assert georgia == expected(Filters(countries=("GEO",)), "corridors")
    assert 0 < georgia < everything
    assert "in Georgia" in page.locator("h4").first.inner_text()
    probe.assert_clean()


@pytest.mark.parametrize(("asof", "count"), [("2025-10-07", 14), ("2026-02-01", 16)])
def test_gas_destinations_as_of_a_date(
    page: Any, probe: PageProbe, server: StreamlitServer, asof: str, count: int
) -> None:
    frame = open_map(page, probe, server, f"?asof={asof}&layers=countries,gas_destinations")
    assert count_paths(frame, "fill", GAS_COLORS) == count
    probe.assert_clean()


def test_clicking_a_leg_opens_its_card(
    page: Any, probe: PageProbe, server: StreamlitServer
) -> None:
    frame = open_map(page, probe, server, "?corridor=zangezur&lat=39.3&lon=45.5&zoom=7")
    legs = frame.locator(f'path[stroke="{style.corridor_color("zangezur")}" i]')
    assert legs.count() == expected(Filters(corridor=("zangezur",)), "corridors")
    legs.first.dispatch_event("click")
    card = page.get_by_text("Sources (as of", exact=False)
    card.wait_for(timeout=20_000)
    assert "zangezur" in page.url or "select=corridors" in page.url
    assert "select=corridors%3AZNG_RAIL" in page.url or "select=corridors:ZNG_RAIL" in page.url
    probe.assert_clean()


def test_search_lands_on_the_hit_and_opens_its_card(
    page: Any, probe: PageProbe, server: StreamlitServer
) -> None:
    open_map(page, probe, server)
    page.locator(".st-key-search input").click()
    page.keyboard.type("Anaklia deep")
    page.get_by_role("option", name="Anaklia deep-sea port (under construction) (Nodes)").click()
    page.get_by_text("Sources (as of", exact=False).wait_for(timeout=20_000)
    page.wait_for_function("() => window.location.search.includes('zoom=')")
    assert "select=nodes" in page.url
    assert "lat=42.3" in page.url
    probe.assert_clean()


def test_a_bad_link_names_what_it_dropped_and_still_draws(
    page: Any, probe: PageProbe, server: StreamlitServer
) -> None:
    frame = open_map(page, probe, server, "?country=GEO,XXX&asof=tomorrow&zoom=99")
    notice = page.locator('[data-testid="stAlert"]').filter(has_text="could not be used")
    text = notice.inner_text()
    for dropped in ("country='XXX'", "asof='tomorrow'", "zoom='99'"):
        assert dropped in text
    assert count_paths(frame, "stroke", CORRIDOR_COLORS) == expected(
        Filters(countries=("GEO",)), "corridors"
    )
    probe.assert_clean()


def map_center(frame: Any) -> tuple[float, float]:
    lat, lon = frame.evaluate(
        "() => { const c = window.map_div.getCenter(); return [c.lat, c.lng]; }"
    )
    return float(lat), float(lon)


def search_for(page: Any, text: str, option: str) -> None:
    page.locator(".st-key-search input").click()
    page.keyboard.type(text)
    page.get_by_role("option", name=option).click()
    page.get_by_text("Sources (as of", exact=False).wait_for(timeout=20_000)


def test_each_search_moves_the_map_to_its_own_hit(
    page: Any, probe: PageProbe, server: StreamlitServer
) -> None:
    nodes = load.load_all().frames["nodes"].set_index("name", drop=False)
    frame = open_map(page, probe, server)
    for name in ("Kars", "Aktau"):
        point = nodes.loc[name].geometry
        node_id = nodes.loc[name, "node_id"]
        search_for(page, name, f"{name} (Nodes)")
        page.wait_for_function(
            f"() => decodeURIComponent(window.location.search).includes('nodes:{node_id}')"
        )
        # the link changes with the run; the map moves once that run's map reaches the frame
        deadline = time.monotonic() + 20
        while True:
            frame = wait_for_map(page, probe=probe)
            lat, lon = map_center(frame)
            near = abs(lat - point.y) < 0.5 and abs(lon - point.x) < 0.5
            if near or time.monotonic() > deadline:
                break
            page.wait_for_timeout(250)
        assert abs(lat - point.y) < 0.5, (name, lat, point.y)
        assert abs(lon - point.x) < 0.5, (name, lon, point.x)
    probe.assert_clean()


def test_typing_a_country_and_enter_picks_that_country_only(
    page: Any, probe: PageProbe, server: StreamlitServer
) -> None:
    open_map(page, probe, server)
    box = page.locator(".st-key-f_countries input")
    box.click()
    page.keyboard.type("Iran")
    page.keyboard.press("Enter")
    page.wait_for_function("() => window.location.search.includes('country=')")
    assert "country=IRN" in page.url
    assert "%2C" not in page.url.split("country=")[1].split("&")[0]
    assert "," not in page.url.split("country=")[1].split("&")[0]
    probe.assert_clean()


LINKS = (
    "?country=GEO&corridor=middle_corridor&asof=2025-10-07",
    "?corridor=zangezur&select=corridors%3AZNG_RAIL-01&lat=39.3&lon=45.5&zoom=7",
    "?mode=rail&status=planned&layers=countries%2Ccorridors",
    "country?country=KAZ",
    "gas?country=TUR&asof=2025-10-07",
    "summit?asof=2024-01-01",
    "present?briefing=gabala-2025&scene=4",
)


@pytest.mark.parametrize("link", LINKS)
def test_a_link_reproduces_its_view_and_stays_in_the_address_bar(
    page: Any, probe: PageProbe, server: StreamlitServer, link: str
) -> None:
    page.goto(server.url + link, wait_until="domcontentloaded")
    wait_for_map(page, probe=probe)
    probe.wait_quiet(page)
    from urllib.parse import parse_qs, urlsplit  # noqa: PLC0415

    asked = parse_qs(urlsplit(link).query)
    now = parse_qs(urlsplit(page.url).query)
    assert now == asked
    assert probe.blocked == []


def test_the_profile_writes_its_country_into_the_link(
    page: Any, probe: PageProbe, server: StreamlitServer
) -> None:
    page.goto(server.url + "country", wait_until="domcontentloaded")
    wait_for_map(page, probe=probe)
    page.locator(".st-key-profile_country").click()
    page.keyboard.type("Georgia")
    page.keyboard.press("Enter")
    page.wait_for_function("() => window.location.search.includes('country=GEO')")
    assert "/country?" in page.url
    page.goto(page.url, wait_until="domcontentloaded")  # the link reproduces the profile
    wait_for_map(page, probe=probe)
    assert page.locator("h4").filter(has_text="Georgia").count() >= 1
    assert probe.blocked == []


def test_an_online_basemap_without_network_says_so_and_goes_back_in_one_click(
    page: Any, probe: PageProbe, server: StreamlitServer
) -> None:
    frame = open_map(page, probe, server, "?basemap=osm")
    note = frame.locator(".cm-tile-failed")
    note.wait_for(timeout=20_000)
    assert "cannot be loaded" in note.inner_text()
    land = frame.locator(f'path[fill="{style.LAND}" i]')
    land.first.wait_for(state="attached", timeout=20_000)  # the bundled land, instead of blank
    assert probe.blocked, "the tiles were asked for and blocked"
    assert all("openstreetmap" in url for url in probe.blocked)
    page.get_by_role("button", name="Use the bundled basemap").click()
    page.wait_for_function("() => !window.location.search.includes('basemap=')")
    # the map is rebuilt in a new frame (for a moment there are two): wait until the frames
    # show the bundled land and none of them says the tiles failed
    land = style.LAND
    page.wait_for_function(
        "(sel) => { const docs = Array.from(document.querySelectorAll(sel))"
        ".map(f => f.contentDocument).filter(d => d);"
        f" return docs.some(d => d.querySelector('path[fill=\"{land}\" i]'))"
        " && docs.every(d => !d.querySelector('.cm-tile-failed')); }",
        arg=MAP_IFRAME,
    )
