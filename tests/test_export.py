"""Exports: PNG size and content, PDF pages and text, HTML without any network reference."""

from __future__ import annotations

import io
import json
import re
import subprocess
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pypdf
import pytest
from clirun import run
from PIL import Image

from corridormap import briefing, catalog, export, filters, i18n, links, style
from corridormap.escape import html_text
from corridormap.filters import Filters

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "data" / "briefings" / "gabala-2025.yaml"


@pytest.fixture(scope="module")
def gabala(vocab):
    return briefing.load_briefing(SHIPPED, vocab)


@pytest.fixture(scope="module")
def views(frames, gabala, vocab):
    return export.briefing_views(frames, gabala, vocab)


def rgb(hex_color: str) -> tuple[int, int, int]:
    h = hex_color.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def pixels_near(img: np.ndarray, color: str, tol: int = 12) -> int:
    diff = np.abs(img[:, :, :3].astype(int) - np.array(rgb(color)))
    return int((diff.max(axis=2) <= tol).sum())


# -- helpers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dash", "width", "expected"),
    [
        (None, 3.0, "solid"),
        ("", 3.0, "solid"),
        ("10 7", 1.5, (0.0, (5.0, 3.5))),
        ("2,7", 0.75, (0.0, (2.0, 7.0))),
        ("4", 3.0, (0.0, (1.0, 1.0))),
        ("a b", 2.0, "solid"),
    ],
)
def test_leaflet_dashes_become_matplotlib_dashes(dash, width, expected):
    got = export.mpl_dashes(dash, width)
    if isinstance(expected, str):
        assert got == expected
    else:
        assert got[0] == expected[0]
        assert got[1] == pytest.approx(expected[1])


def test_markdown_lite_is_escaped_first():
    html = export.md_to_html("**Gabala** <script>alert(1)</script> *x* & y")
    assert html.startswith("<b>Gabala</b> &lt;script&gt;")
    assert "<i>x</i>" in html
    assert "&amp; y" in html
    assert export.md_to_plain("**a** and *b*") == "a and b"


def test_fit_view_frames_the_zangezur_corridor_closely(frames):
    lines = (catalog.COUNTRIES.key, catalog.CORRIDOR_LEGS.key)
    view = export.make_view(frames, Filters(corridor=("zangezur",), layers=lines), fit=True)
    lat, lon = view.view.center
    assert 38 < lat < 42
    assert 42 < lon < 48
    assert view.view.zoom >= 6
    whole = export.make_view(frames, Filters(corridor=("north_south",), layers=lines), fit=True)
    assert whole.view.zoom < view.view.zoom


def test_sources_are_those_of_the_drawn_features(frames):
    view = export.make_view(
        frames, Filters(asof=None, layers=(catalog.PIPELINES.key,), status=("operational",))
    )
    refs = export.sources(view)
    expected = {u for urls in view.shown[catalog.PIPELINES.key]["source_url"] for u in urls}
    assert {r.url for r in refs} == expected
    for r in refs:
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", r.as_of)
        assert r.layers == (catalog.PIPELINES.title,)


# -- PNG --------------------------------------------------------------------------------------


@pytest.mark.parametrize("dpi", [150, 300])
def test_png_has_the_requested_size_and_the_corridor_colours(frames, dpi):
    view = export.make_view(frames, Filters(), center=(42.0, 52.0), zoom=4)
    data = export.png_view(view, frames, dpi=dpi)
    img = Image.open(io.BytesIO(data))
    w, h = export.PNG_SIZE_IN
    assert img.size == (round(w * dpi), round(h * dpi))
    arr = np.asarray(img.convert("RGB"))
    # not blank: many distinct colours, land and sea both present
    assert len(np.unique(arr[::3, ::3].reshape(-1, 3), axis=0)) > 50
    assert pixels_near(arr, style.SEA, 3) > arr.shape[0] * arr.shape[1] * 0.02
    assert pixels_near(arr, style.LAND, 3) > arr.shape[0] * arr.shape[1] * 0.02
    for entry in style.CORRIDOR_STYLES:
        assert pixels_near(arr, entry.color) > 50 * (dpi / 150) ** 2, entry.label


def test_png_draws_only_the_filtered_corridor(frames):
    lines = (catalog.COUNTRIES.key, catalog.CORRIDOR_LEGS.key)
    view = export.make_view(frames, Filters(corridor=("zangezur",), layers=lines), fit=True)
    arr = np.asarray(Image.open(io.BytesIO(export.png_view(view, frames))).convert("RGB"))
    map_part = arr[100:800, 20:1100]  # the map axes, not the legend (which lists all three)
    assert pixels_near(map_part, style.corridor_color("zangezur")) > 200
    assert pixels_near(map_part, style.corridor_color("middle_corridor")) == 0


def test_png_rejects_an_absurd_dpi(frames):
    view = export.make_view(frames, Filters())
    with pytest.raises(ValueError, match="dpi"):
        export.png_view(view, frames, dpi=5000)


# -- PDF --------------------------------------------------------------------------------------


def test_pdf_pack_has_title_scenes_and_appendix_with_real_text(frames, gabala, views):
    data = export.pdf_briefing(gabala, views, frames)
    reader = pypdf.PdfReader(io.BytesIO(data))
    texts = [page.extract_text() for page in reader.pages]
    n = len(gabala.scenes)
    appendix = texts[1 + n :]
    assert appendix, "no appendix"
    assert len(texts) == 1 + n + len(appendix)
    assert gabala.title in texts[0].replace("\n", " ")
    for i, scene in enumerate(gabala.scenes, start=1):
        page = texts[i].replace("\n", " ")
        assert f"Scene {i} of {n}" in page
        assert scene.title in page
        assert "Sources: " in page
        assert "Every source: see the appendix." in page
    for i, page in enumerate(appendix, start=1):
        assert f"Sources appendix ({i} of {len(appendix)})" in page
    # every source of every scene is in the appendix, with its date
    joined = "".join(appendix).replace("\n", "").replace(" ", "")
    for ref, _scenes in export.appendix_refs(views):
        assert ref.url.replace(" ", "") in joined, ref.url


# -- HTML -------------------------------------------------------------------------------------

_ASSET_REF = re.compile(
    r"<(?:script|link|img)\b[^>]*\b(?:src|href)\s*=\s*[\"']?(?P<url>[^\"'\s>]+)", re.IGNORECASE
)


def assert_self_contained(html: str) -> None:
    refs = [m.group("url") for m in _ASSET_REF.finditer(html)]
    assert [u for u in refs if not u.startswith("data:")] == []
    assert not re.search(r"url\(\s*[\"']?https?://", html)
    assert "../../app/static" not in html
    assert "/vendor/" not in html


def test_view_html_is_self_contained_and_says_what_it_shows(frames):
    state = links.ViewState(
        Filters(corridor=("middle_corridor",), asof=date(2025, 10, 7)),
        select="corridors:MC_NORTH-15",
    )
    view = export.state_view(frames, state)
    html = export.html_view(view, frames)
    assert_self_contained(html)
    assert "leaflet" in html.lower()
    assert "Middle Corridor (TITR), operational legs, as of 7 Oct 2025" in html
    assert "Sources of the features shown" in html
    # the legend and the counts the browser test checks against
    assert "cm-legend" in html
    legs = len(filters.apply(frames, state.filters)["corridors"])
    assert legs > 20
    assert f"&quot;corridors&quot;: {legs}" in html


def test_briefing_html_holds_every_scene(frames, gabala, views):
    html = export.html_briefing(gabala, views, frames)
    assert_self_contained(html)
    for scene in gabala.scenes:
        assert f"data-scene='{scene.number}'" in html
        assert export.md_to_html(scene.title) in html or scene.title in html
    assert html.count("class='cm-scene'") == len(gabala.scenes)


def test_html_escapes_text_from_the_briefing(frames, vocab, tmp_path):
    path = tmp_path / "evil.yaml"
    path.write_text(
        'title: "<img src=x onerror=alert(1)>"\nscenes:\n'
        '  - title: "</script><script>alert(2)</script>"\n    text: "<b onclick=x>hi</b>"\n',
        encoding="utf-8",
    )
    b = briefing.load_briefing(path, vocab)
    html = export.html_briefing(b, export.briefing_views(frames, b, vocab), frames)
    assert "<img src=x" not in html
    assert "<script>alert(2)" not in html
    assert "<b onclick" not in html
    assert "&lt;/script&gt;&lt;script&gt;alert(2)" in html


# -- CLI --------------------------------------------------------------------------------------


def test_cli_exports_a_view_as_png(tmp_path):
    out = tmp_path / "view.png"
    res = run(
        "export", "--params", "corridor=middle_corridor&asof=2025-10-07", "--format", "png",
        "--dpi", "300", "-o", str(out),
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert Image.open(out).size == (4000, 2250)  # 16:9: 1920 x 1080 at the default 144 dpi


def test_cli_exports_the_briefing_as_pptx_and_refuses_a_view_deck(tmp_path):
    from pptx import Presentation  # noqa: PLC0415

    out = tmp_path / "b.pptx"
    res = run("export", "--briefing", "gabala-2025", "--format", "pptx", "-o", str(out))
    assert res.returncode == 0, res.stderr
    slides = list(Presentation(str(out)).slides)
    texts = [" ".join(s.text_frame.text for s in sl.shapes if s.has_text_frame) for sl in slides]
    assert "The Gabala summit, 7 Oct 2025" in texts[0]
    assert "Scene 1 of 7" in texts[1]
    res = run("export", "--params", "asof=2025-10-07", "--format", "pptx", "-o", str(out))
    assert res.returncode == 2
    assert "--format pptx needs --briefing" in res.stderr


def test_cli_exports_the_briefing_as_html(tmp_path):
    out = tmp_path / "b.html"
    res = run("export", "--briefing", "gabala-2025", "--format", "html", "-o", str(out))
    assert res.returncode == 0, res.stderr
    assert_self_contained(out.read_text(encoding="utf-8"))


def test_cli_bad_params_exit_2_with_the_link_notices(tmp_path):
    res = run(
        "export", "--params", "corridor=silk_road&asof=yesterday", "--format", "html",
        "-o", str(tmp_path / "x.html"),
    )  # fmt: skip
    assert res.returncode == 2
    assert "Ignored corridor='silk_road': not a known corridor" in res.stderr
    assert "Ignored asof='yesterday'" in res.stderr
    assert "Traceback" not in res.stderr
    assert not (tmp_path / "x.html").exists()


def test_cli_unknown_briefing_and_pdf_of_a_view_exit_2(tmp_path):
    res = run("export", "--briefing", "nope", "--format", "pdf", "-o", str(tmp_path / "x.pdf"))
    assert res.returncode == 2
    assert "nope.yaml: file not found" in res.stderr
    assert "briefings: gabala-2025" in res.stderr
    res = run("export", "--params", "", "--format", "pdf", "-o", str(tmp_path / "x.pdf"))
    assert res.returncode == 2
    assert "needs --briefing" in res.stderr
    assert "Traceback" not in res.stderr


# -- users' own layers in a view export (--layer) ---------------------------------------------

HUBS = "name,lat,lon,source_url\nMy hub,40.4,49.9,javascript:alert(1)\nTbilisi hub,41.7,44.8,https://example.org/hubs\n"


def test_cli_exports_a_view_with_own_layers(tmp_path):
    hubs = tmp_path / "hubs.csv"
    hubs.write_text(HUBS, encoding="utf-8")
    second = tmp_path / "hubs2.csv"
    second.write_text(HUBS.replace("My hub", "Second hub"), encoding="utf-8")
    out = tmp_path / "v.html"
    result = run(
        "export", "--params", "corridor=middle_corridor", "--layer", str(hubs),
        "--layer", str(second), "--format", "html", "-o", str(out),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    assert "My hub" in page  # both layers, on the map
    assert "Second hub" in page
    assert "hubs (2)" not in page  # titles from different files: hubs, hubs2
    assert "javascript:" not in page  # the one URL policy, as in the app
    assert "https://example.org/hubs" in page  # the sources list the user's web source
    assert "'source_url' are not http(s)" in result.stderr  # and the change is reported
    png = tmp_path / "v.png"
    result = run("export", "--params", "", "--layer", str(hubs), "--format", "png", "-o", str(png))
    assert result.returncode == 0, result.stderr


def test_cli_export_refuses_a_bad_own_layer_by_name(tmp_path):
    bad = tmp_path / "vrt.kml"
    bad.write_text(
        "<!-- <kml> --><OGRVRTDataSource><OGRVRTLayer name='x'><SrcDataSource>/etc/passwd"
        "</SrcDataSource></OGRVRTLayer></OGRVRTDataSource>",
        encoding="utf-8",
    )
    out = tmp_path / "v.html"
    result = run("export", "--params", "", "--layer", str(bad), "--format", "html", "-o", str(out))
    assert result.returncode == 2
    assert "vrt.kml" in result.stderr
    assert "not KML" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_cli_own_layers_go_with_a_view_not_a_briefing(tmp_path):
    hubs = tmp_path / "hubs.csv"
    hubs.write_text(HUBS, encoding="utf-8")
    result = run(
        "export", "--briefing", "gabala-2025", "--layer", str(hubs), "--format", "html",
        "-o", str(tmp_path / "b.html"),
    )  # fmt: skip
    assert result.returncode == 2
    assert "--layer goes with --params" in result.stderr


def test_a_scene_route_is_drawn_in_every_export(frames, vocab, tmp_path):
    path = tmp_path / "routes.yaml"
    path.write_text(
        "title: Routes\nscenes:\n"
        "  - title: Baku to Kars avoiding nothing, on the summit day\n    text: t\n"
        "    filters: {asof: 2025-10-07, layers: [countries]}\n"
        "    view: {center: [40.5, 46.0], zoom: 6}\n"
        "    show: route:baku-kars\n",
        encoding="utf-8",
    )
    b = briefing.load_briefing(path, vocab)
    (view,) = export.briefing_views(frames, b, vocab)
    assert "Route: Baku → Kars, legs in service on 7 Oct 2025" in view.description
    (drawn,) = view.routes  # no alternatives
    name, legs, places = drawn
    assert name.startswith("Route: Baku → Kars")
    assert "MC_NORTH-15" in legs.index  # by the Baku–Tbilisi–Kars railway
    assert set(places.index) == {"baku", "kars"}
    html = export.html_briefing(b, [view], frames)
    route_style = f'"color":"{style.ROUTE_COLOR}","weight":{style.ROUTE_WEIGHT}'
    assert html.count(route_style) == len(legs)
    arr = np.asarray(Image.open(io.BytesIO(export.png_view(view, frames))).convert("RGB"))
    map_part = arr[int(arr.shape[0] * 0.14) :, : int(arr.shape[1] * 0.72)]
    # only countries are shown: the dark route is the one line on the map
    plain = export.png_view(replace(view, routes=()), frames)
    plain_arr = np.asarray(Image.open(io.BytesIO(plain)).convert("RGB"))
    plain_part = plain_arr[int(arr.shape[0] * 0.14) :, : int(arr.shape[1] * 0.72)]
    assert (
        pixels_near(map_part, style.ROUTE_COLOR, 60)
        > pixels_near(plain_part, style.ROUTE_COLOR, 60) + 200
    )


# -- In the language in force (the session's, or the command's --lang) ----------------------


def _pdftotext(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "pack.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def _pdffonts(data: bytes, tmp_path: Path) -> list[list[str]]:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    return [line.split() for line in out.stdout.splitlines()[2:]]


@pytest.mark.parametrize(
    ("code", "words"),
    [
        # the cover's heading, a scene's counter, the appendix's heading, a legend heading, a
        # country named on the map (in capitals, as the language writes them: Ə, İ)
        ("ru", ["Сцены", "Сцена 1 из 2", "Приложение: источники (1 из",
                "Организация тюркских государств", "КАЗАХСТАН"]),
        ("az", ["Səhnələr", "Səhnə 1/2", "Mənbələr əlavəsi (1/",
                "Türk Dövlətləri Təşkilatı", "AZƏRBAYCAN", "ÖZBƏKİSTAN"]),
    ],
)  # fmt: skip
def test_the_pdf_pack_is_written_in_the_language_with_its_letters_embedded(
    frames, gabala, vocab, tmp_path, *, code, words
):
    """The pack in Russian or Azerbaijani: its headings, counters, legend and the map's
    country names in the language, each letter (ə, ş, İ, Cyrillic) extracted as written, in
    DejaVu Sans embedded in the file (TrueType subsets)."""
    with i18n.language(code):
        views = export.briefing_views(frames, gabala, vocab)[:2]
        data = export.pdf_briefing(gabala, views, frames)
    text = " ".join(_pdftotext(data, tmp_path).split())
    for word in words:
        assert word in text, word
    assert "Scene 1 of" not in text
    assert "Sources appendix" not in text
    if code == "az":
        assert {"ə", "Ə", "ş", "ı", "İ", "ğ"} <= set(text)
    else:
        assert len(re.findall("[А-Яа-яЁё]", text)) > 500
    reader = pypdf.PdfReader(io.BytesIO(data), strict=True)  # still a well-formed file
    assert reader.trailer["/Root"]["/Lang"] == code  # the document says its language
    assert len(reader.pages) >= 4
    fonts = _pdffonts(data, tmp_path)
    assert fonts, "no font in the PDF"
    for row in fonts:  # name type encoding emb sub uni ...
        assert "DejaVuSans" in row[0], row
        assert row[-5:-2] == ["yes", "yes", "yes"], row  # embedded, subset, with a Unicode map


def test_the_png_of_a_view_is_drawn_in_the_language(frames, recwarn):
    """A Russian PNG: the view's country names and its source line in Russian, without a
    glyph missing from the font."""
    from corridormap.export.png import render_png, source_line  # noqa: PLC0415

    state = links.ViewState(Filters(corridor=("middle_corridor",), asof=date(2025, 10, 7)))
    drawn = {}
    for code in ("en", "ru"):
        with i18n.language(code):
            drawn[code] = render_png(export.state_view(frames, state), frames, dpi=60)[1]
    names = {c: {lbl.text for lbl in d.labels if lbl.kind == "country"} for c, d in drawn.items()}
    assert "KAZAKHSTAN" in names["en"]
    assert "КАЗАХСТАН" in names["ru"]
    assert not any("KAZAKHSTAN" in n for n in names["ru"])
    assert not [w for w in recwarn if "missing from" in str(w.message)]
    with i18n.language("ru"):  # the picture's source line, under the map
        line = source_line(export.state_view(frames, state))
    assert line.startswith("Источники: ")
    assert "самая новая дата источников" in line


@pytest.mark.parametrize("code", ["tr", "az", "ru"])
def test_the_html_view_is_in_the_language_and_still_self_contained(frames, code):
    state = links.ViewState(
        Filters(corridor=("middle_corridor",), asof=date(2025, 10, 7)),
        select="corridors:MC_NORTH-15",
    )
    with i18n.language(code):
        view = export.state_view(frames, state, title=i18n.gettext("corridormap: the map view"))
        html = export.html_view(view, frames)
        expected = [
            i18n.gettext("corridormap: the map view"),
            i18n.gettext("Sources of the features shown"),
            i18n.gettext("Legend"),
            i18n.gettext("Corridors"),
            i18n.gettext(style.CORRIDOR_STYLES[1].label),  # the Middle Corridor's name
            filters.describe(state.filters),
        ]
    assert html.count(f'<html lang="{code}">') == 1
    assert "<html>" not in html
    assert 'lang="en"' not in html
    assert_self_contained(html)
    for text in expected:
        assert text
        assert html_text(text) in html, text
    for english in ("Sources of the features shown", "corridormap: the map view", "as of 7 Oct"):
        assert english not in html


def test_the_briefing_html_speaks_the_language_to_its_scene_switcher(frames, gabala, vocab):
    with i18n.language("ru"):
        views = export.briefing_views(frames, gabala, vocab)[:2]
        html = export.html_briefing(gabala, views, frames)
    assert '<html lang="ru">' in html
    assert "◀ Назад" in html
    assert "Далее ▶" in html
    assert "aria-label='Сцена'" in html
    assert '"counter":' + json.dumps("Сцена 2 из 2") in html  # the script's data, escaped


@pytest.mark.parametrize("code", ["tr", "ru"])
def test_hostile_text_stays_escaped_in_a_translated_export(frames, vocab, tmp_path, code):
    path = tmp_path / "evil.yaml"
    path.write_text(
        'title: "<img src=x onerror=alert(1)>"\nscenes:\n'
        '  - title: "</script><script>alert(2)</script> {date}"\n'
        '    text: "<b onclick=x>hi</b> {made}"\n',
        encoding="utf-8",
    )
    b = briefing.load_briefing(path, vocab)
    with i18n.language(code):
        views = export.briefing_views(frames, b, vocab)
        html = export.html_briefing(b, views, frames)
        said = i18n.gettext("Sources of the features shown")
    assert f'<html lang="{code}">' in html
    assert said in html
    assert "<img src=x" not in html
    assert "<script>alert(2)" not in html
    assert "<b onclick" not in html
    assert "&lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt; {date}" in html
    # a user's source URL that is not a web address is said in the language, as text
    ref = export.SourceRef("javascript:alert(3)", "2025-10-07", ("x",), 1)
    from corridormap.export.html import _sources_html  # noqa: PLC0415

    with i18n.language(code):
        listed = _sources_html([ref])
        plain = i18n.gettext("{url} (not a web address)").format(url="")
    assert "href='javascript" not in listed
    assert "javascript:alert(3)" in listed
    assert html_text(plain.strip()) in listed


def test_the_pptx_deck_is_in_the_language_and_marks_it(frames, gabala, vocab):
    from pptx import Presentation  # noqa: PLC0415
    from pptx.enum.lang import MSO_LANGUAGE_ID  # noqa: PLC0415
    from pptx.enum.shapes import MSO_SHAPE_TYPE  # noqa: PLC0415

    with i18n.language("az"):
        views = export.briefing_views(frames, gabala, vocab)[:1]
        data = export.pptx_briefing(gabala, views, frames)
    deck = Presentation(io.BytesIO(data))
    slides = list(deck.slides)
    texts = [" ".join(s.text_frame.text for s in sl.shapes if s.has_text_frame) for sl in slides]
    assert "Səhnələr" in texts[0]
    assert "Səhnə 1/1" in texts[1]
    assert "Mənbələr" in texts[-1]
    assert deck.core_properties.language == "az"
    runs = [r for sh in slides[1].shapes if sh.has_text_frame
            for p in sh.text_frame.paragraphs for r in p.runs]  # fmt: skip
    assert runs
    assert {r.font.language_id for r in runs} == {MSO_LANGUAGE_ID.AZERI_LATIN}
    (picture,) = [sh for sh in slides[1].shapes if sh.shape_type == MSO_SHAPE_TYPE.PICTURE]
    alt = picture._element.nvPicPr.cNvPr.get("descr")
    assert alt.startswith("Xəritə: ")  # the map's alternative text, in the language
    assert views[0].description in alt
