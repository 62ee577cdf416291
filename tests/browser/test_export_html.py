"""Exported HTML (one view, and a whole briefing) opens from file:// with no network request
and draws the features ``filters.apply`` selects."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from harness import PageProbe

from corridormap import briefing, catalog, export, filters, links, load, style
from corridormap.filters import Filters

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def frames() -> dict[str, Any]:
    return load.load_all(ROOT / "data").frames


def corridor_paths(page: Any) -> dict[str, int]:
    """Vector paths drawn per corridor colour (legend swatches are <line>, not paths)."""
    return {
        e.value: page.locator(f'path.leaflet-interactive[stroke="{e.color}"]').count()
        for e in style.CORRIDOR_STYLES
    }


def expected_legs(frames: dict[str, Any], f: Filters) -> dict[str, int]:
    legs = filters.apply(frames, f)[catalog.CORRIDOR_LEGS.key]
    return {e.value: int((legs["corridor"] == e.value).sum()) for e in style.CORRIDOR_STYLES}


def open_offline(page: Any, path: Path) -> None:
    page.goto(path.as_uri(), wait_until="load")
    page.wait_for_selector("path.leaflet-interactive", state="attached")
    page.wait_for_function("document.fonts.status === 'loaded'")


def assert_no_network(probe: PageProbe) -> None:
    probe.assert_clean()
    assert [r["url"] for r in probe.responses if not r["url"].startswith(("file:", "data:"))] == []


def test_view_export_opens_offline_and_draws_the_filtered_legs(
    page: Any, probe: PageProbe, frames: dict[str, Any], tmp_path: Path
) -> None:
    f = Filters(corridor=("middle_corridor",), asof=date(2025, 10, 7))
    view = export.state_view(frames, links.ViewState(f))
    out = tmp_path / "view.html"
    out.write_text(export.html_view(view, frames), encoding="utf-8")
    open_offline(page, out)

    want = expected_legs(frames, f)
    assert want["middle_corridor"] > 20
    assert corridor_paths(page) == want
    assert page.locator(".cm-panel .cm-sources li").count() == len(export.sources(view))
    assert page.locator(".cm-legend").count() == 1  # one legend, in the panel
    assert page.locator(".cm-panel .cm-legend").count() == 1
    assert page.title().startswith("Middle Corridor (TITR), operational legs")
    assert "as of 7 Oct 2025" in page.locator(".cm-panel").inner_text()
    assert page.evaluate("document.fonts.check('900 16px \"Font Awesome 6 Free\"')")
    assert_no_network(probe)


def test_briefing_export_switches_scenes_offline(
    page: Any, probe: PageProbe, frames: dict[str, Any], tmp_path: Path
) -> None:
    vocab = export.vocabulary(frames)
    b = briefing.load_briefing(ROOT / "data" / "briefings" / "gabala-2025.yaml", vocab)
    views = export.briefing_views(frames, b, vocab)
    out = tmp_path / "briefing.html"
    out.write_text(export.html_briefing(b, views, frames), encoding="utf-8")
    open_offline(page, out)

    assert page.locator("body").get_attribute("data-scene") == "1"
    assert page.locator("#cm-counter").inner_text() == f"Scene 1 of {len(b.scenes)}"
    for number in (2, 3, 4):
        page.locator("#cm-next").click()
        assert page.locator("body").get_attribute("data-scene") == str(number)
        scene = b.scenes[number - 1]
        visible = page.locator(f"section.cm-scene[data-scene='{number}']")
        assert visible.is_visible()
        assert scene.title in visible.inner_text()
        assert page.locator("section.cm-scene:visible").count() == 1
        assert corridor_paths(page) == expected_legs(frames, briefing.scene_filters(scene, vocab))
    page.keyboard.press("ArrowLeft")
    assert page.locator("body").get_attribute("data-scene") == "3"
    assert_no_network(probe)


#: Computed styles that make the map look as it does: the sea, an icon marker, a junction dot.
STYLE_PROBES = {
    ".leaflet-container": ("background-color", "font-family"),
    ".leaflet-marker-pane .cm-pin:not(.cm-dot)": (
        "width",
        "height",
        "border-radius",
        "color",
        "box-shadow",
    ),
    ".leaflet-marker-pane .cm-pin.cm-dot": ("width", "height", "border-radius", "box-shadow"),
    ".leaflet-control-attribution": ("font-size",),
}


def computed(frame: Any) -> dict[str, dict[str, str]]:
    out = {}
    for selector, props in STYLE_PROBES.items():
        out[selector] = frame.locator(selector).first.evaluate(
            "(el, props) => { const s = getComputedStyle(el);"
            " return Object.fromEntries(props.map(p => [p, s.getPropertyValue(p)])); }",
            list(props),
        )
    return out


def test_the_export_looks_like_the_live_map(
    page: Any, probe: PageProbe, frames: dict[str, Any], tmp_path: Path, server: Any
) -> None:
    from harness import wait_for_map  # noqa: PLC0415

    view = export.state_view(frames, links.ViewState(Filters()))
    out = tmp_path / "view.html"
    out.write_text(export.html_view(view, frames), encoding="utf-8")
    open_offline(page, out)
    exported = computed(page)
    assert page.locator(".leaflet-control-attribution").inner_text().startswith("Leaflet")
    assert page.locator(".leaflet-control-attribution svg").count() == 0  # no flag
    # (at the root: the live map is the same under a base path, test_offline_render.py)
    page.goto(server.url, wait_until="domcontentloaded")
    live = computed(wait_for_map(page, probe=probe))
    assert exported == live


@pytest.mark.parametrize("code", ["ru", "az"])
def test_a_translated_briefing_export_speaks_its_language_offline_and_passes_axe(
    page: Any, probe: PageProbe, frames: dict[str, Any], tmp_path: Path, code: str
) -> None:
    """The briefing's HTML built in Russian or Azerbaijani: the page says its language, its
    controls, counter, legend and headings are in it, it opens offline and axe finds nothing
    serious (the buttons and the list keep their names in the language)."""
    from a11y import blocking, run_axe, summary  # noqa: PLC0415

    from corridormap import i18n  # noqa: PLC0415
    from corridormap.export.views import scene_counter  # noqa: PLC0415

    vocab = export.vocabulary(frames)
    b = briefing.load_briefing(ROOT / "data" / "briefings" / "gabala-2025.yaml", vocab)
    with i18n.language(code):
        views = export.briefing_views(frames, b, vocab)
        html = export.html_briefing(b, views, frames)
        counter = scene_counter(2, len(views))
        wanted = ("Next", "Previous", "Legend", "Sources of the features shown")
        words = [i18n.gettext(w) for w in wanted]
        scene = i18n.gettext("Scene")
    out = tmp_path / "briefing.html"
    out.write_text(html, encoding="utf-8")
    open_offline(page, out)

    assert page.evaluate("document.documentElement.lang") == code
    page.locator("#cm-next").click()
    assert page.locator("#cm-counter").inner_text() == counter
    panel = page.locator(".cm-panel").text_content() or ""  # as written (CSS may set capitals)
    for word in words:
        assert word in panel, word
    assert "Sources of the features shown" not in panel
    assert page.locator("#cm-select").get_attribute("aria-label") == scene
    page.wait_for_timeout(500)  # the map's keyboard set-up runs after the layers
    found = run_axe(page.main_frame)
    assert not blocking(found), summary(blocking(found))
    assert_no_network(probe)
