"""The explorer in each language, in a real browser: a link with ``lang=`` opens the page in
that language (the page's ``lang`` attribute, the navigation, the sidebar, the legend and the
card), a browser that prefers a language gets it with no link, choosing another keeps the view
and puts the language in the link, and axe finds nothing serious in any language. The pages
whose English audit is left to this module (``a11y.AUDITED_AFTER_A_SWITCH``) are switched to
English with the picker after their checks and audited again.

The expected words are read from the catalogs by this test (``read_po``), not asked of the
product.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from a11y import (
    AUDITED_AFTER_A_SWITCH,
    MAPS,
    PAGES,
    audit,
    blocking,
    choose_language,
    wait_for_page,
)
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


def uploader_words(page: Any) -> tuple[str, str]:
    """The sidebar uploader's button and its limits line, as the page shows them (Streamlit
    writes both in English; the app gives them the language's words)."""
    uploader = page.locator('[data-testid="stSidebar"] [data-testid="stFileUploader"]')
    uploader.get_by_role("button").first.wait_for()
    button = uploader.locator('[data-testid="stBaseButton-secondary"]').first.inner_text()
    limits = uploader.locator('[data-testid="stFileUploaderDropzoneInstructions"]').inner_text()
    return button.splitlines()[-1].strip(), limits


def assert_uploader_speaks(page: Any, words: dict[str, str]) -> None:
    """The uploader's words are the catalog's (``words``), the size Streamlit wrote kept."""
    uploader = page.locator('[data-testid="stSidebar"] [data-testid="stFileUploader"]')
    uploader.get_by_text(words["Upload"], exact=True).wait_for(timeout=30_000)
    button, limits = uploader_words(page)
    assert button == words["Upload"], button
    assert "per file" not in limits, limits
    for part in words["{size} per file"].split("{size}"):
        assert part.strip() in limits, (part, limits)
    assert re.search(r"\d+(\.\d+)?\s?MB", limits), limits  # Streamlit's size, as it wrote it


def assert_uploader_in_english(page: Any) -> None:
    uploader = page.locator('[data-testid="stSidebar"] [data-testid="stFileUploader"]')
    uploader.get_by_text("Upload", exact=True).wait_for(timeout=30_000)
    button, limits = uploader_words(page)
    assert button == "Upload", button
    assert "per file" in limits, limits


def with_lang(path: str, code: str) -> str:
    return path + ("&" if "?" in path else "?") + f"lang={code}"


def assert_axe_passes(page: Any) -> None:
    found = audit(page)
    assert not any(blocking(v) for v in found.values()), found


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
    assert_uploader_speaks(page, words)  # Streamlit's own words in its uploader too
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
    assert_axe_passes(page)
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
            server.url + "?country=GEO&corridor=middle_corridor&lat=41.7&lon=44.8&zoom=7",
            wait_until="domcontentloaded",
        )
        wait_for_page(page, probe, maps=1)
        assert words["Countries"] in sidebar_text(page)
        page.wait_for_function("document.documentElement.lang === 'tr'", timeout=30_000)
        assert_uploader_speaks(page, words)
        # choose Russian: the page speaks it, and once its runs are over the link says it and
        # keeps the view, the filters included (Streamlit keeps a choice by its label, which
        # the change of language changes: they were all dropped once)
        choose_language(page, probe, "ru", maps=1)
        page.wait_for_function("location.search.includes('lang=ru')", timeout=30_000)
        for kept in ("country=GEO", "corridor=middle_corridor", "lat=41.7", "lon=44.8", "zoom=7"):
            assert kept in page.url, (kept, page.url)
        assert "layers=" not in page.url  # every layer still shown
        ru = catalog("ru")
        assert ru["Countries"] in sidebar_text(page)
        with i18n.language("ru"):
            georgia = i18n.country_name("GEO", "Georgia")
        assert f"{georgia} (GEO)" in sidebar_text(page)  # the filter, in the new words
        assert_uploader_speaks(page, ru)  # the uploader's words follow (Turkish a moment ago)
        main = page.locator('[data-testid="stMain"]').inner_text()  # the legend beside the map
        assert ru["Middle Corridor (TITR)"] in main
        probe.assert_clean()
    finally:
        context.close()


#: The translated analysis pages, by title (their paths: ``a11y.PAGES``): an English heading of
#: theirs, and how many charts each draws.
ANALYSIS = {
    "Gas exports": ("Azerbaijani gas: who gets it, since when, through what?", 2),
    "Gabala summit": ("The 12th OTS Summit, Gabala, {date}", 2),
    "Corridors": ("Corridors: how long, where, how far along?", 2),
    "Country profile": ("Corridor km inside the country by status:", 0),
    "Routes": ("Routes: from one place to another over the corridors", 0),
}


@pytest.mark.parametrize("title", list(ANALYSIS))
def test_each_analysis_page_speaks_russian_then_english_and_passes_axe_in_both(
    page: Any, probe: PageProbe, server: StreamlitServer, title: str
) -> None:
    heading, charts = ANALYSIS[title]
    maps = MAPS.get(title, 0)
    words = catalog("ru")
    page.goto(server.url + with_lang(PAGES[title], "ru"), wait_until="domcontentloaded")
    wait_for_page(page, probe, maps=maps)
    main = page.locator('[data-testid="stMain"]')
    expected = words[heading].split("{")[0].strip()
    main.get_by_text(expected, exact=False).first.wait_for(timeout=30_000)
    text = main.inner_text()
    assert words["This page is not translated yet: it is shown in English."] not in text
    english = heading.split("{", maxsplit=1)[0].strip()
    assert english not in text  # not the English heading
    # the charts are drawn (their words and the tables' headers are painted on canvases:
    # tests/test_i18n.py reads them from the page's elements)
    assert main.locator(".vega-embed").count() >= charts
    # the map's own legend
    legend = page.frame_locator(MAP_IFRAME).first.locator(".cm-legend summary")
    assert legend.inner_text().strip() == words["Legend"]
    assert_axe_passes(page)
    # the same page in English, chosen in the picker: its heading, and axe's audit in English
    choose_language(page, probe, "en", maps)
    main.get_by_text(english, exact=False).first.wait_for(timeout=30_000)
    assert legend.inner_text().strip() == "Legend"
    assert_uploader_in_english(page)  # Streamlit's words back as it writes them
    assert_axe_passes(page)
    # (opened at its own path, Streamlit's first health checks go to <path>/_stcore/ and 404:
    # its own quirk; what matters is that nothing left the machine and no script failed)
    assert probe.blocked == []
    assert probe.page_errors == []


#: The Briefings page and the presentation, by title (their paths: ``a11y.PAGES``, the
#: presentation at a scene): the English words of theirs that must be translated (read from
#: the catalogs by this test).
BRIEFING_PAGES = {
    "Briefings": ("briefings", ("Shipped with the app (read-only)", "Duplicate to edit")),
    "Present a briefing": (
        "present?briefing=gabala-2025&scene=3",
        ("Back to the map", "Next"),
    ),
}


def test_the_pages_audited_after_a_switch_are_those_checked_here() -> None:
    """test_accessibility.py leaves these pages' English audit to this module."""
    assert set(ANALYSIS) | {"Briefings"} == AUDITED_AFTER_A_SWITCH
    assert all(BRIEFING_PAGES[t][0].startswith(PAGES[t]) for t in BRIEFING_PAGES)


@pytest.mark.parametrize("code", SHIPPED)
@pytest.mark.parametrize("title", list(BRIEFING_PAGES))
def test_the_briefings_page_and_the_presentation_speak_the_language(
    page: Any, probe: PageProbe, server: StreamlitServer, title: str, code: str
) -> None:
    path, english_words = BRIEFING_PAGES[title]
    maps = MAPS.get(title, 0)
    words = catalog(code)
    page.goto(server.url + with_lang(path, code))
    wait_for_page(page, probe, maps=maps)
    page.wait_for_function(f"document.documentElement.lang === {code!r}", timeout=30_000)
    main = page.locator('[data-testid="stMain"]')
    if title == "Present a briefing":
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
    heading = main.locator("h4").first.inner_text() if title == "Briefings" else ""
    assert heading != "Briefings"
    assert_axe_passes(page)
    if code == SHIPPED[0] and title in AUDITED_AFTER_A_SWITCH:
        # once: English, chosen in the picker, and axe's audit in English
        choose_language(page, probe, "en", maps)
        main.get_by_text(english_words[0], exact=False).first.wait_for(timeout=30_000)
        assert_axe_passes(page)
    assert probe.blocked == []
    assert probe.page_errors == []
