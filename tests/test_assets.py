"""Vendored browser assets: the table, the files, the URL rewrite, the offline export."""

from __future__ import annotations

import importlib.resources
import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

import folium
import pytest
from folium.elements import JSCSSMixin

from corridormap import assets, browser, mapaccess, mapbuild, selfcontained
from corridormap.export import html as export_html

VENDOR = assets.vendor_root()

_CSS_URL = re.compile(r"url\(\s*[\"']?([^\"')]+)[\"']?\s*\)")


class _Fetches(HTMLParser):
    """What a browser would fetch from a page: src/href attributes and url() in <style>."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_style = tag == "style"
        for key, value in attrs:
            if key in ("src", "href") and value:
                self.urls.append(value)

    def handle_endtag(self, tag: str) -> None:  # noqa: ARG002
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.urls += _CSS_URL.findall(data)


def _geojson() -> dict[str, object]:
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": "a"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[45.0, 39.0], [50.0, 39.0], [50.0, 42.0], [45.0, 39.0]]],
                },
            }
        ],
    }


def _product_map() -> folium.Map:
    """The product's map class with what its maps carry: a GeoJSON layer, a marker drawn with
    a Font Awesome glyph (as the product's markers are), Leaflet's default marker, layers."""
    m = mapbuild.LeanMap(location=[40.5, 49.0], zoom_start=5, tiles=None)
    assets.LeafletIconFix().add_to(m)
    folium.GeoJson(_geojson(), name="countries").add_to(m)
    ship = folium.DivIcon(html='<i class="fa-solid fa-ship"></i>', class_name="cm-marker")
    folium.Marker([40.4, 49.9], icon=ship).add_to(m)
    folium.Marker([41.7, 44.8]).add_to(m)  # Leaflet's default icon
    folium.LayerControl().add_to(m)
    return m


def _loaded_urls(html: str) -> list[str]:
    parser = _Fetches()
    parser.feed(html)
    parser.close()
    return parser.urls


@pytest.fixture(autouse=True)
def _offline() -> None:
    assets.use_offline_assets()


# -- the table and the files ------------------------------------------------------------------


def test_every_vendored_file_exists_and_is_not_empty() -> None:
    missing = [vf.dest for vf in assets.vendor_files() if not (VENDOR / vf.dest).is_file()]
    empty = [vf.dest for vf in assets.vendor_files() if (VENDOR / vf.dest).stat().st_size == 0]
    assert not missing, f"run scripts/vendor_assets.py: missing {missing}"
    assert not empty


def test_every_asset_has_a_licence_file_beside_it() -> None:
    for asset in assets.ASSETS:
        top = asset.local_path.split("/")[0]
        licences = [p for p in (VENDOR / top).iterdir() if "LICEN" in p.name.upper()]
        assert licences, f"{asset.name}: no licence file in static/vendor/{top}"


def test_table_covers_every_url_of_the_used_classes_and_no_other() -> None:
    """The table is in sync with the installed folium: the URLs the product's map asks for,
    nothing unmapped, nothing vendored that no map loads (folium.Map's jQuery, Bootstrap...)."""
    urls = {a.cdn_url for a in assets.ASSETS}
    wanted = {
        url
        for attr in ("default_js", "default_css")
        for _, url in assets._originals_for(mapbuild.LeanMap, attr)
    }
    assert wanted == urls
    folium_map = {url for _, url in folium.folium._default_js + folium.folium._default_css}
    assert urls < folium_map  # (the product's map loads a part of folium's)


def test_vendored_versions_match_the_versions_folium_asks_for() -> None:
    # the version in each CDN URL, where it has one
    version_in_url = re.compile(r"(?:@|-|/)(\d+\.\d+\.\d+)(?:/|\.min\.js|$)")
    for asset in assets.ASSETS:
        match = version_in_url.search(asset.cdn_url)
        assert match is not None, asset
        assert asset.version == match.group(1), asset.name
        assert asset.npm is not None
        assert asset.npm.endswith(f"@{asset.version}"), asset.npm


@pytest.mark.parametrize(
    ("name", "banner"),
    [
        ("leaflet", "Leaflet 1.9.3"),
        ("leaflet_css", None),
        ("awesome_markers_font_css", "Font Awesome Free 6.2.0"),
    ],
)
def test_vendored_file_banners_carry_the_version(name: str, banner: str | None) -> None:
    text = assets.local_path(name).read_text(encoding="utf-8")[:400]
    if banner is not None:
        assert banner in text


def test_css_references_resolve_to_vendored_files() -> None:
    """Every url() in a vendored stylesheet points at a vendored file (no 404 in the browser)."""
    for asset in assets.ASSETS:
        path = VENDOR / asset.local_path
        if path.suffix != ".css":
            continue
        for ref in _CSS_URL.findall(path.read_text(encoding="utf-8")):
            if ref.startswith(("data:", "#")):
                continue
            assert not ref.startswith(("http:", "https:", "//")), (asset.name, ref)
            target = (path.parent / ref.split("?")[0].split("#")[0]).resolve()
            assert target.is_file(), (asset.name, ref)


# -- use_offline_assets -----------------------------------------------------------------------


def test_rendered_map_loads_nothing_from_outside() -> None:
    html = _product_map().get_root().render()
    urls = _loaded_urls(html)
    assert urls, "expected script and link tags"
    remote = [u for u in urls if re.match(r"(?:https?:)?//", u)]
    assert not remote
    for url in urls:
        if url.startswith(assets.DEFAULT_BASE_URL):
            rel = url.removeprefix(assets.DEFAULT_BASE_URL + "/")
            assert (VENDOR / rel).is_file(), url


def test_use_offline_assets_is_idempotent_and_rebases() -> None:
    lean = mapbuild.LeanMap
    first = list(lean.default_js)
    assets.use_offline_assets()
    assert list(lean.default_js) == first
    try:
        assets.use_offline_assets("/elsewhere/vendor/")
        assert all(u.startswith("/elsewhere/vendor/") for _, u in lean.default_js)
    finally:
        assets.use_offline_assets()
    assert list(lean.default_js) == first


def test_unmapped_url_of_a_used_class_raises() -> None:
    class FakePlugin(JSCSSMixin):
        default_js: ClassVar = [("fake", "https://cdn.example.org/fake@1.0.0/fake.min.js")]
        default_css: ClassVar = [("fake_css", "https://cdn.example.org/fake@1.0.0/fake.css")]

    with pytest.raises(assets.UnmappedAssetError) as err:
        assets.use_offline_assets(required=[FakePlugin])
    message = str(err.value)
    assert "fake.min.js" in message
    assert "fake.css" in message
    assert isinstance(err.value, ValueError)
    assert len(err.value.problems) == 2


def test_folium_upgrade_changing_a_used_url_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    """A new folium that asks for another Leaflet must fail, not fall back to the CDN."""
    new_js = [("leaflet", "https://cdn.jsdelivr.net/npm/leaflet@1.9.9/dist/leaflet.js")]
    # simulate a freshly imported class whose own attribute is folium's original
    monkeypatch.setitem(assets._originals, mapbuild.LeanMap, (new_js, None))
    with pytest.raises(assets.UnmappedAssetError, match=r"leaflet@1\.9\.9"):
        assets.use_offline_assets()
    monkeypatch.undo()
    assets.use_offline_assets()
    # classes the product does not use may keep unmapped URLs (folium.Map's own jQuery): no
    # error for them, and their URLs are left as they are
    assert any(u.startswith("https://") for _, u in folium.Map.default_js)


def test_missing_vendored_file_raises(tmp_path: Path) -> None:
    with pytest.raises(assets.UnmappedAssetError, match="missing file"):
        assets.use_offline_assets(root=tmp_path)


def test_leaflet_icon_fix_points_at_vendored_images() -> None:
    js = assets.leaflet_icon_fix_js("../../app/static/vendor/")
    assert 'L.Icon.Default.imagePath = ""' in js
    for rel in re.findall(r'"\.\./\.\./app/static/vendor/([^"]+)"', js):
        assert (VENDOR / rel).is_file()
    assert len(re.findall(r"vendor/", js)) == 3
    html = _product_map().get_root().render()
    # runs before the markers are created
    assert html.index("L.Icon.Default.mergeOptions") < html.index("L.marker(")


# -- inline_html ------------------------------------------------------------------------------


def test_inline_html_is_self_contained() -> None:
    html = _product_map().get_root().render()
    out = selfcontained.inline_html(html, assets.static_root())
    urls = _loaded_urls(out)
    assert not [u for u in urls if not u.startswith(("data:", "#"))], urls
    assert "vendor/" not in re.sub(r"data:[^\"')]+", "", out)
    assert "<script src" not in out
    assert '<link rel="stylesheet"' not in out
    assert "sourceMappingURL" not in out
    assert "data:font/woff2;base64," in out
    assert "data:image/png;base64," in out  # Leaflet's marker icons
    # inlined scripts cannot close their <script> element early
    for body in re.findall(r"<script>(.*?)</script>", out, re.DOTALL):
        assert "<script" not in body.lower()
    assert len(out) < 2_000_000


def test_inline_html_accepts_cdn_urls_too() -> None:
    cdn = '<script src="https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"></script>'
    out = selfcontained.inline_html(cdn, assets.static_root())
    assert "Leaflet 1.9.3" in out
    assert "https://cdn.jsdelivr.net" not in out


def test_inline_html_leaves_unknown_urls_alone() -> None:
    html = '<script src="https://example.org/x.js"></script><link rel="stylesheet" href="a.css"/>'
    assert selfcontained.inline_html(html, assets.static_root()) == html


# --- corridormap's own browser code (src/corridormap/static) ---------------------------------


def _browser_calls() -> list[type[browser.BrowserCall]]:
    # the modules that define the subclasses are imported
    assert {mapaccess.__name__, mapbuild.__name__, export_html.__name__} <= set(sys.modules)
    found, todo = [], list(browser.BrowserCall.__subclasses__())
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return found


def test_every_map_element_calls_a_function_its_file_defines():
    calls = _browser_calls()
    assert len(calls) >= 10
    for cls in calls:
        code = browser.browser_code(cls.code)
        assert re.search(rf"^function {cls.function}\(", code, re.MULTILINE), cls


def test_browser_code_is_read_from_the_installed_package():
    shipped = importlib.resources.files("corridormap").joinpath("static", "declutter.js")
    text = shipped.read_text(encoding="utf-8")
    assert "function cmDeclutter(" in text
    # the file's opening comment is for its readers; the map gets the code
    assert text.startswith("/*")
    assert "Labels and decluttering" in text
    assert "Labels and decluttering" not in browser.browser_code("declutter.js")
    assert "function cmDeclutter(" in browser.browser_code("declutter.js")


@pytest.mark.parametrize("bad", ["</script>", "</STYLE >", "<!--", "{{ x }}", "{% raw %}"])
def test_browser_code_that_could_end_its_element_is_refused(bad, monkeypatch, tmp_path):
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "bad.js").write_text(f"var s = '{bad}';\n")
    monkeypatch.setattr(importlib.resources, "files", lambda _pkg: tmp_path)
    browser.browser_code.cache_clear()
    try:
        with pytest.raises(ValueError, match="cannot be inlined"):
            browser.browser_code("bad.js")
    finally:
        monkeypatch.undo()
        browser.browser_code.cache_clear()


def test_a_map_element_passes_data_as_json_only():
    hostile = "</script><script>alert(1)</script>{{ 7*7 }}"
    m = folium.Map()
    mapbuild.Legend(hostile).add_to(m)
    script = m.get_root().render()
    assert "<script>alert(1)" not in script
    assert "{{ 7*7 }}" not in script
    assert "cmLegend(" in script
    assert '"html":"\\u003c/script\\u003e\\u003cscript\\u003ealert(1)' in script
