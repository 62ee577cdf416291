"""The briefing builder in a real browser: a three-scene briefing made from captured views (a
map as of a date, a route from the Routes page, the gas chart), reordered, its text edited
(with a hostile payload), presented with the arrow keys, and exported as PDF and HTML; every
off-machine request blocked and counted (none)."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pypdf
import pytest
from harness import PageProbe, StreamlitServer, download, wait_for_map
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

NAME = "Browser brief"
PAYLOAD = "<img src=x onerror=window.__pwned=1> {{ 7*7 }}"
TITLES = ("Middle Corridor on summit day", "Baku to Kars by rail", "Gas destinations")


def _capture(page: Any, probe: PageProbe, url: str, title: str, *, new: bool) -> None:
    page.goto(url)
    button = page.get_by_role("button", name="Add this view to a briefing")
    button.wait_for()  # drawn once the page's map is (the explorer draws its map first)
    probe.wait_quiet(page)
    popover = page.locator("[data-testid='stPopoverBody']")
    for _ in range(3):  # a click while the page reruns may be lost
        button.click()
        try:
            popover.wait_for(timeout=5000)
            break
        except PlaywrightTimeout:
            continue
    if new:
        popover.get_by_role("textbox", name="New briefing's title").fill(NAME)
        popover.get_by_role("textbox", name="New briefing's title").press("Enter")
    else:
        popover.get_by_label("Briefing", exact=True).click()
        page.get_by_role("option", name=NAME).click()
    popover.get_by_role("textbox", name="Scene title").fill(title)
    popover.get_by_role("textbox", name="Scene title").press("Enter")
    page.wait_for_timeout(500)
    popover.get_by_role("button", name="Add the scene").click()
    page.get_by_text("Added to the briefing.").wait_for()


def _headings(page: Any) -> list[str]:
    return [h.strip() for h in page.locator("[data-testid='stMain'] h3").all_inner_texts()]


def test_build_reorder_edit_present_and_export_a_briefing(
    page: Any, probe: PageProbe, server: StreamlitServer, tmp_path: Any
) -> None:
    page.set_default_timeout(60_000)
    _capture(
        page, probe, server.url + "?corridor=middle_corridor&asof=2025-10-07", TITLES[0], new=True
    )
    _capture(
        page, probe, server.url + "routes?from=baku&to=kars&when=planned", TITLES[1], new=False
    )
    _capture(page, probe, server.url + "gas", TITLES[2], new=False)

    # the Briefings page lists it; open it in the editor
    page.goto(server.url + "briefings")
    page.get_by_text(NAME).first.wait_for()
    card = page.locator("[class*='st-key-mine_']").filter(has_text=NAME)
    card.get_by_role("button", name="Edit").click()
    page.get_by_text("Scene 1 of 3").wait_for()
    saved_id = re.search(r"saved=([0-9a-f]+)", page.url).group(1)  # type: ignore[union-attr]

    probe.wait_quiet(page)
    page.wait_for_timeout(1000)  # the list's elements are replaced by the editor's
    _reorder_and_edit(page, saved_id)
    _present(page, probe, server, saved_id)
    _export(page, saved_id, tmp_path)
    assert probe.blocked == []  # nothing left the machine while building and presenting


def _reorder_and_edit(page: Any, saved_id: str) -> None:
    """The route scene first; then the (now second) map scene's text edited, and saved."""
    page.locator(f".st-key-scene_{saved_id}_0_1").get_by_role(
        "button", name="Up", exact=True
    ).click()
    page.get_by_text("Scene 1 of 3").wait_for()
    first_title = page.locator(f".st-key-scene_{saved_id}_1_0").get_by_role("textbox", name="Title")
    expect(first_title).to_have_value(TITLES[1])  # the fields are drawn afresh: wait for it
    text = page.locator(f".st-key-scene_{saved_id}_1_1").get_by_role("textbox", name="Text")
    text.fill("**Edited** on the day. " + PAYLOAD)
    text.press("Tab")
    page.wait_for_timeout(500)
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("Saved as revision").wait_for()
    preview = page.locator(f".st-key-scene_{saved_id}_1000_1")  # a save starts fields afresh
    expect(preview).to_contain_text("{{ 7*7 }}")  # shown as text
    assert page.evaluate("window.__pwned") is None


def _present(page: Any, probe: PageProbe, server: StreamlitServer, saved_id: str) -> None:
    """The arrow keys move through the three scenes in the new order."""
    page.goto(server.url + f"present?saved={saved_id}&scene=1")
    wait_for_map(page, probe=probe)
    page.get_by_text("Scene 1 of 3").wait_for()
    assert _headings(page) == [TITLES[1]]
    page.get_by_text("Scene 1 of 3").click()
    page.keyboard.press("ArrowRight")
    page.get_by_text("Scene 2 of 3").wait_for()
    page.wait_for_function(
        "t => [...document.querySelectorAll('[data-testid=stMain] h3')]"
        ".some(h => h.innerText.trim() === t)",
        arg=TITLES[0],
    )
    assert "{{ 7*7 }}" in page.locator("[data-testid='stMain']").inner_text()
    assert page.evaluate("window.__pwned") is None
    page.get_by_text("Scene 2 of 3").click()
    page.keyboard.press("ArrowRight")
    page.get_by_text("Scene 3 of 3").wait_for()
    assert page.url.endswith(f"saved={saved_id}&scene=3")


def _export(page: Any, saved_id: str, tmp_path: Path) -> None:
    """The PDF has every scene's title in order; both files are named by the id; the HTML
    opens offline: nothing fetched from anywhere, the titles there, the payload as text."""
    pdf = download(page, page.get_by_role("button", name="Briefing pack (PDF)"))
    assert pdf.suggested_filename == f"{saved_id}.pdf"
    reader = pypdf.PdfReader(io.BytesIO(Path(pdf.path()).read_bytes()))
    pdf_text = "\n".join(p.extract_text() or "" for p in reader.pages)
    flat = re.sub(r"\s+", " ", pdf_text)
    places = [flat.find(t) for t in (TITLES[1], TITLES[0], TITLES[2])]
    assert all(p >= 0 for p in places), (places, flat[:2000])
    assert places == sorted(places)

    html = download(page, page.get_by_role("button", name="Briefing (HTML, offline)"))
    assert html.suggested_filename == f"{saved_id}.html"
    html_path = tmp_path / "briefing.html"
    html.save_as(str(html_path))
    offline = page.context.browser.new_context()
    asked: list[str] = []

    def block(route: Any) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:", "blob:")):
            route.continue_()
        else:
            asked.append(url)
            route.abort()

    offline.route("**/*", block)
    view = offline.new_page()
    view.goto(html_path.as_uri())
    view.wait_for_timeout(1500)
    body = view.locator("body").text_content() or ""  # the scenes not shown too
    for title in TITLES:
        assert title in body
    assert "{{ 7*7 }}" in body
    assert view.evaluate("window.__pwned") is None
    assert asked == []
    offline.close()
