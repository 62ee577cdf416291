"""The explorer in each language, in a real browser: a link with ``lang=`` opens the page in
that language (the page's ``lang`` attribute, the navigation, the sidebar, the legend and the
card), a browser that prefers a language gets it with no link, choosing another keeps the view
and puts the language in the link, and axe finds nothing serious in any language.

The expected words are read from the catalogs by this test (``read_po``), not asked of the
product.
"""

from __future__ import annotations

from typing import Any

import pytest
from a11y import audit, blocking, wait_for_page
from babel.messages.pofile import read_po
from harness import MAP_IFRAME, PageProbe, StreamlitServer

from corridormap import i18n

pytestmark = pytest.mark.browser

SHIPPED = [code for code in i18n.LANGUAGES if code != i18n.DEFAULT]
#: English words of the frame and the explorer's side column, each of which must be translated.
FRAME_WORDS = ("Map", "Corridors", "Gas exports", "Countries", "Basemap", "Operational")


def catalog(code: str) -> dict[str, str]:
    with i18n.catalog_path(code).open("rb") as f:
        return {str(m.id): str(m.string) for m in read_po(f, locale=code) if m.id}


def nav_texts(page: Any) -> list[str]:
    """The navigation's page titles (each link's last line: the first is its icon's name)."""
    links = page.locator('[data-testid="stSidebarNavLink"]').all_inner_texts()
    return [t.strip().splitlines()[-1].strip() for t in links]


def sidebar_text(page: Any) -> str:
    """The sidebar's text and its inputs' values (a select box shows its choice in one)."""
    side = page.locator('[data-testid="stSidebar"]')
    values = side.evaluate("(s) => Array.from(s.querySelectorAll('input')).map((e) => e.value)")
    return "\n".join([str(side.inner_text()), *map(str, values)])


@pytest.mark.parametrize("code", SHIPPED)
def test_a_link_opens_the_explorer_in_its_language(
    page: Any, probe: PageProbe, server: StreamlitServer, code: str
) -> None:
    words = catalog(code)
    page.goto(server.url + f"?lang={code}&country=AZE", wait_until="domcontentloaded")
    wait_for_page(page, probe, maps=1)
    page.wait_for_function(f"document.documentElement.lang === {code!r}", timeout=30_000)
    nav = nav_texts(page)
    for english in ("Map", "Corridors", "Routes", "Gas exports", "Data & sources"):
        assert words[english] in nav, (english, nav)
        assert english not in nav
    side = sidebar_text(page)
    for english in ("Countries", "Corridor", "Basemap", "Layers", "Language"):
        assert words[english] in side, english
    assert i18n.LANGUAGES[code] in side  # the picker names the language in itself
    # the legend beside the map: its titles and statuses
    main = page.locator('[data-testid="stMain"]').inner_text()
    for english in ("Corridors", "Status", "Operational", "Under construction", "Planned"):
        assert words[english] in main, english
    # the heading names the chosen country by CLDR's name, not the data's English one
    with i18n.language(code):
        assert i18n.country_name("AZE", "Azerbaijan") in main
        armenia = i18n.country_name("ARM", "Armenia")
    # in the map: its layer list, and the countries' names in capitals by the language's
    # rules (Turkish and Azerbaijani dotted i: "ERMENİSTAN")
    frame = page.frame_locator(MAP_IFRAME)
    layers = frame.locator(".leaflet-control-layers-overlays").text_content() or ""
    assert words["Corridor legs"] in layers
    assert "Corridor legs" not in layers
    capitals = (armenia.replace("i", "İ") if code in ("tr", "az") else armenia).upper()
    frame.locator(".cm-country", has_text=capitals).first.wait_for(timeout=30_000)
    assert frame.locator(".cm-country", has_text="ARMENIA").count() == 0
    found = audit(page)
    assert not any(blocking(v) for v in found.values()), found
    probe.assert_clean()


def test_the_browser_language_is_the_default_and_a_choice_keeps_the_view(
    browser: Any, server: StreamlitServer
) -> None:
    words = catalog("tr")
    context = browser.new_context(locale="tr-TR", viewport={"width": 1440, "height": 900})
    page = context.new_page()
    probe = PageProbe().attach(context, page)
    try:
        page.goto(
            server.url + "?country=GEO&lat=41.7&lon=44.8&zoom=7", wait_until="domcontentloaded"
        )
        wait_for_page(page, probe, maps=1)
        assert words["Countries"] in sidebar_text(page)
        page.wait_for_function("document.documentElement.lang === 'tr'", timeout=30_000)
        # choose Russian: the page speaks it, the link says it and keeps the country
        page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
        page.get_by_role("option", name=i18n.LANGUAGES["ru"]).click()
        page.wait_for_function("location.search.includes('lang=ru')", timeout=30_000)
        for kept in ("country=GEO", "lat=41.7", "lon=44.8", "zoom=7"):
            assert kept in page.url, (kept, page.url)
        page.wait_for_function("document.documentElement.lang === 'ru'", timeout=30_000)
        assert catalog("ru")["Countries"] in sidebar_text(page)
        probe.assert_clean()
    finally:
        context.close()


def test_english_is_the_default_for_other_browsers(
    page: Any, probe: PageProbe, server: StreamlitServer
) -> None:
    page.goto(server.url, wait_until="domcontentloaded")
    wait_for_page(page, probe, maps=1)
    side = sidebar_text(page)
    assert "Countries" in side
    assert "lang=" not in page.url
    assert page.evaluate("document.documentElement.lang") == "en"


#: The translated analysis pages: an English heading of theirs, how many maps and how many
#: charts each draws.
ANALYSIS = {
    "gas": ("Azerbaijani gas: who gets it, since when, through what?", 1, 2),
    "summit": ("The 12th OTS Summit, Gabala, {date}", 2, 2),
    "corridors": ("Corridors: how long, where, how far along?", 1, 2),
    "country": ("Corridor km inside the country by status:", 1, 0),
    "routes": ("Routes: from one place to another over the corridors", 1, 0),
}


@pytest.mark.parametrize("path", list(ANALYSIS))
def test_the_translated_analysis_pages_speak_russian(
    page: Any, probe: PageProbe, server: StreamlitServer, path: str
) -> None:
    heading, maps, charts = ANALYSIS[path]
    words = catalog("ru")
    page.goto(server.url + f"{path}?lang=ru", wait_until="domcontentloaded")
    wait_for_page(page, probe, maps=maps)
    main = page.locator('[data-testid="stMain"]')
    expected = words[heading].split("{")[0].strip()
    main.get_by_text(expected, exact=False).first.wait_for(timeout=30_000)
    text = main.inner_text()
    assert words["This page is not translated yet: it is shown in English."] not in text
    assert heading.split("{", maxsplit=1)[0].strip() not in text  # not the English heading
    # the charts are drawn (their words and the tables' headers are painted on canvases:
    # tests/test_i18n.py reads them from the page's elements)
    assert main.locator(".vega-embed").count() >= charts
    # the map's own legend
    legend = page.frame_locator(MAP_IFRAME).first.locator(".cm-legend summary")
    assert legend.inner_text().strip() == words["Legend"]
    found = audit(page)
    assert not any(blocking(v) for v in found.values()), found
    # (opened at its own path, Streamlit's first health checks go to <path>/_stcore/ and 404:
    # its own quirk; what matters is that nothing left the machine and no script failed)
    assert probe.blocked == []
    assert probe.page_errors == []


#: The Briefings page and the presentation: the path, the English words of theirs that must
#: be translated (read from the catalogs by this test), how many maps each draws.
BRIEFING_PAGES = {
    "briefings": ("briefings", ("Shipped with the app (read-only)", "Duplicate to edit"), 0),
    "present": ("present?briefing=gabala-2025&scene=3", ("Back to the map", "Next"), 1),
}


@pytest.mark.parametrize("code", SHIPPED)
@pytest.mark.parametrize("name", list(BRIEFING_PAGES))
def test_the_briefings_page_and_the_presentation_speak_the_language(
    page: Any, probe: PageProbe, server: StreamlitServer, name: str, code: str
) -> None:
    path, english_words, maps = BRIEFING_PAGES[name]
    words = catalog(code)
    page.goto(server.url + path + ("&" if "?" in path else "?") + f"lang={code}")
    wait_for_page(page, probe, maps=maps)
    page.wait_for_function(f"document.documentElement.lang === {code!r}", timeout=30_000)
    main = page.locator('[data-testid="stMain"]')
    if name == "present":
        first = words["Scene {number} of {total}"].format(number=3, total=7)
    else:
        first = words["Briefings"]
    main.get_by_text(first, exact=False).first.wait_for(timeout=30_000)
    text = main.inner_text()
    assert words["This page is not translated yet: it is shown in English."] not in text
    for english in english_words:
        assert words[english] in text, english
        assert english not in text, english
    assert "Scene 3 of 7" not in text
    heading = main.locator("h4").first.inner_text() if name == "briefings" else ""
    assert heading != "Briefings"
    found = audit(page)
    assert not any(blocking(v) for v in found.values()), found
    assert probe.blocked == []
    assert probe.page_errors == []
