"""Accessibility in a real browser: axe-core on every page and inside every map frame, the
HTML exports, and a keyboard that reaches the search box and opens a card without a mouse.

axe-core runs the WCAG 2.0/2.1 A and AA rules and its best practices (``a11y.RULE_SETS``);
any serious or critical violation fails. ``python tests/browser/a11y.py`` prints the same
figures for every page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from a11y import (
    AUDITED_AFTER_A_SWITCH,
    MAPS,
    PAGES,
    SEARCH_INPUT,
    Violation,
    audit,
    blocking,
    map_frames,
    run_axe,
    summary,
    tab_count_to,
    wait_for_page,
)
from harness import MAP_IFRAME, REPO, PageProbe, StreamlitServer

from corridormap import briefing, export, links, load, mapaccess
from corridormap.filters import Filters

pytestmark = pytest.mark.browser

#: The issue's bound: the explorer's search box within this many Tab presses of the page top.
MAX_TABS_TO_SEARCH = 40


def open_page(
    page: Any, probe: PageProbe, server: StreamlitServer, path: str, maps: int = 0
) -> None:
    page.goto(server.url + path, wait_until="domcontentloaded")
    wait_for_page(page, probe, maps)


def report(found: dict[str, list[Violation]]) -> str:
    lines = []
    for doc, violations in found.items():
        for v in blocking(violations):
            lines.append(f"{doc}: {v.rule} ({v.impact}, {v.nodes} nodes) {v.help}: {v.targets}")
    return "\n".join(lines)


# (the explorer is audited in English below, with its keyboard; the pages named in
# AUDITED_AFTER_A_SWITCH by tests/browser/test_languages.py)
@pytest.mark.parametrize("title", [t for t in PAGES if t not in AUDITED_AFTER_A_SWITCH | {"Map"}])
def test_no_serious_or_critical_violation_in_the_page_or_its_maps(
    page: Any, probe: PageProbe, server: StreamlitServer, title: str
) -> None:
    open_page(page, probe, server, PAGES[title], MAPS.get(title, 0))
    found = audit(page)
    assert not any(blocking(v) for v in found.values()), f"{title}:\n{report(found)}"


def test_every_map_frame_is_named_and_described(
    page: Any, probe: PageProbe, server: StreamlitServer
) -> None:
    open_page(page, probe, server, "summit", 2)
    frames = map_frames(page)
    assert len(frames) >= 2
    for handle, frame in zip(page.query_selector_all(MAP_IFRAME), frames, strict=True):
        title = handle.get_attribute("title") or ""
        assert title.startswith("Map"), title
        assert "Shows" in title, title
        assert frame.evaluate("document.title") == title
        container = frame.locator(".leaflet-container")
        assert container.get_attribute("role") == "region"
        assert container.get_attribute("aria-label")
        about = frame.locator("#cm-map-about").inner_text()
        assert about.startswith("Shows"), about
        assert frame.locator("main, [role=main]").count() == 1
        assert frame.locator("h1").count() == 1
        viewport = frame.evaluate(
            "[...document.querySelectorAll('meta[name=viewport]')].map(m => m.content).join()"
        )
        assert "maximum-scale" not in viewport
        assert "user-scalable=no" not in viewport


def test_the_explorer_frame_says_what_the_heading_says(
    page: Any, probe: PageProbe, server: StreamlitServer
) -> None:
    open_page(page, probe, server, "?country=GEO", 1)
    heading = page.locator("h4").first.inner_text().strip()
    assert "Georgia" in heading
    frame = map_frames(page)[0]
    assert heading in frame.locator("#cm-map-about").inner_text()
    assert heading in (page.locator(MAP_IFRAME).first.get_attribute("title") or "")


def focused(page: Any) -> dict[str, Any]:
    """What has the keyboard focus, looking into the frame that holds it."""
    return page.evaluate(
        """() => {
            let doc = document, el = doc.activeElement, framed = false;
            while (el && el.tagName === 'IFRAME' && el.contentDocument) {
                framed = true; doc = el.contentDocument; el = doc.activeElement;
            }
            return {framed, tag: el ? el.tagName : '', id: el ? el.id : '',
                    cls: el ? String(el.className) : '',
                    label: el ? (el.getAttribute('aria-label') || '') : ''};
        }"""
    )


def tab_until(page: Any, want: str, limit: int) -> dict[str, Any]:
    """Tab until the focused element's class holds ``want``; fail after ``limit`` presses."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(page)
        if want in now["cls"].split():
            return now
    raise AssertionError(f"no .{want} reached in {limit} Tab presses")


def test_the_explorer_is_english_by_default_passes_axe_and_works_by_keyboard(
    page: Any, probe: PageProbe, server: StreamlitServer
) -> None:
    """The explorer with no link, in a browser that asks for none of the shipped languages:
    English (the page's ``lang``, nothing in the link); axe finds nothing serious in the page
    or its map; the places are one tab stop, each named; the keyboard reaches the search box
    within the bound, then a place in the map, and opens its card."""
    open_page(page, probe, server, "", 1)
    assert page.evaluate("document.documentElement.lang") == "en"
    assert "lang=" not in page.url
    assert "Countries" in page.locator('[data-testid="stSidebar"]').inner_text()
    uploader = page.locator('[data-testid="stSidebar"] [data-testid="stFileUploader"]')
    assert "per file" in uploader.inner_text()  # Streamlit's own words, left as it writes them
    found = audit(page)
    assert not any(blocking(v) for v in found.values()), f"Map:\n{report(found)}"

    frame = map_frames(page)[0]
    stops = frame.evaluate(
        """() => ({
            paths: [...document.querySelectorAll('path.leaflet-interactive')]
                .filter(p => p.getAttribute('tabindex') !== '-1').length,
            markers: [...document.querySelectorAll('.leaflet-marker-icon')]
                .filter(m => m.tabIndex >= 0).length,
            unnamed: [...document.querySelectorAll('.leaflet-marker-icon[role=button]')]
                .filter(m => !(m.getAttribute('aria-label') || '').trim()).length,
            all: document.querySelectorAll('.leaflet-marker-icon').length,
        })"""
    )
    assert stops["all"] > 10
    assert stops == {"paths": 0, "markers": 1, "unnamed": 0, "all": stops["all"]}

    presses = tab_count_to(page, SEARCH_INPUT, limit=MAX_TABS_TO_SEARCH)
    assert presses is not None, f"the search box is not within {MAX_TABS_TO_SEARCH} Tab presses"
    first = tab_until(page, "leaflet-marker-icon", limit=60)
    assert first["framed"], first
    assert first["label"], first
    page.keyboard.press("ArrowRight")
    second = focused(page)
    assert "leaflet-marker-icon" in second["cls"].split()
    assert second["label"]
    assert second["label"] != first["label"]
    page.keyboard.press("Enter")
    page.get_by_text("Sources (as of", exact=False).wait_for(timeout=20_000)
    assert "select=" in page.url
    # the map is redrawn with the selection; the keyboard is back on the same place
    page.wait_for_function(
        """(label) => {
            let doc = document, el = doc.activeElement;
            while (el && el.tagName === 'IFRAME' && el.contentDocument) {
                doc = el.contentDocument; el = doc.activeElement;
            }
            return !!el && el.getAttribute('aria-label') === label;
        }""",
        arg=second["label"],
        timeout=20_000,
    )


def test_the_skip_link_moves_past_the_map(
    page: Any, probe: PageProbe, server: StreamlitServer
) -> None:
    open_page(page, probe, server, "gas", 1)
    skip = tab_until(page, "cm-skip", limit=60)
    assert skip["framed"]
    frame = map_frames(page)[0]
    assert frame.locator("#cm-skip").inner_text() == mapaccess.SKIP_LABEL
    box = frame.locator("#cm-skip").bounding_box()
    assert box is not None
    assert box["y"] >= 0
    page.keyboard.press("Enter")
    assert not focused(page)["framed"]  # the first stop after the map, in the page


@pytest.fixture(scope="module")
def frames() -> dict[str, Any]:
    return load.load_all(REPO / "data").frames


def test_the_html_exports_pass_axe(page: Any, frames: dict[str, Any], tmp_path: Path) -> None:
    view = export.state_view(frames, links.ViewState(Filters()))
    vocab = export.vocabulary(frames)
    b = briefing.load_briefing(
        briefing.list_briefings(briefing.briefings_dir())["gabala-2025"], vocab
    )
    pages = {
        "view.html": export.html_view(view, frames),
        "briefing.html": export.html_briefing(b, export.briefing_views(frames, b, vocab), frames),
    }
    for name, html in pages.items():
        out = tmp_path / name
        out.write_text(html, encoding="utf-8")
        page.goto(out.as_uri(), wait_until="load")
        page.wait_for_selector("path.leaflet-interactive", state="attached")
        page.wait_for_timeout(500)  # the map's keyboard set-up runs after the layers
        found = run_axe(page.main_frame)
        assert not blocking(found), f"{name}: {summary(blocking(found))}"
        assert page.locator("#cm-skip").count() == 1
