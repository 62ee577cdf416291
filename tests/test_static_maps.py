"""Static maps (PNG, PDF, PowerPoint) carry the live map's labels and show the exact view.

Every scene of the shipped briefing and the three slides of "the Middle Corridor after
Gabala" (tests/fixtures) are rendered to PNG and PDF. The places each scene names are derived
here from the scene's own features, text and highlights (not from the renderer): each must be
drawn as text (PNG: in the renderer's report of the labels it drew; PDF: in ``pdftotext``'s
reading of the page). The overlaps of the reported label boxes are measured here.
"""

from __future__ import annotations

import io
import math
import os
import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image

from corridormap import briefing, catalog, export, links, mapbuild
from corridormap.export import labels as lay
from corridormap.export.pdf import render_pdf
from corridormap.export.png import render_png
from corridormap.export.pptx import render_pptx

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "data" / "briefings" / "gabala-2025.yaml"
MIDDLE = ROOT / "tests" / "fixtures" / "middle-corridor-after-gabala.yaml"
HOSTILE_TITLE = "<script>alert(1)</script> {{ 7*7 }} ${x} \x00\x0b ' \" & Ağdam Şuşa Ёлка"


@pytest.fixture(scope="module", params=[SHIPPED, MIDDLE], ids=["gabala-2025", "middle-corridor"])
def pack(request, frames, vocab):
    b = briefing.load_briefing(request.param, vocab)
    assert not b.skipped
    views = export.briefing_views(frames, b, vocab)
    return b, views


def _inside(point_lonlat, bounds, margin_deg=0.0):
    west, south, east, north = bounds
    lon, lat = point_lonlat
    return (
        west + margin_deg <= lon <= east - margin_deg
        and south + margin_deg <= lat <= north - margin_deg
    )


def expected_names(view, frames, bounds):
    """The places a scene names, found by the test itself: the points shown whose name its
    text says, the points it highlights, its route's ends (by name, or a summit's city), when
    they stand inside the frame (with a margin for the label)."""
    text = re.sub(r"\*+", "", view.text)
    out = set()
    west, _, east, _ = bounds
    margin = 0.04 * (east - west)
    for spec in catalog.LAYERS:
        gdf = view.shown.get(spec.key)
        if gdf is None or not len(gdf) or spec.label_property not in gdf.columns:
            continue
        for name, geom in zip(gdf[spec.label_property], gdf.geometry, strict=True):
            if geom.geom_type != "Point" or not isinstance(name, str):
                continue
            if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text) and _inside(
                (geom.x, geom.y), bounds, margin
            ):
                out.add(name)
    for layer, fid in view.highlights:
        gdf = frames[layer]
        row = gdf.loc[fid]
        if row.geometry.geom_type != "Point" or not _inside(
            (row.geometry.x, row.geometry.y), bounds, margin
        ):
            continue
        spec = next(s for s in catalog.LAYERS if s.key == layer)
        city = row.get("city") if layer == catalog.SUMMITS.key else None
        out.add(str(city or row[spec.label_property]))
    for _, _, places in view.routes[:1]:
        for name, geom in zip(places["name"], places.geometry, strict=True):
            if _inside((geom.x, geom.y), bounds, margin):
                out.add(str(name))
    return out


def overlapping(boxes):
    """Pairs of boxes whose interiors overlap (measured here)."""
    hits = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            if a.x1 < b.x2 - 0.5 and b.x1 < a.x2 - 0.5 and a.y1 < b.y2 - 0.5 and b.y1 < a.y2 - 0.5:
                hits.append((a, b))
    return hits


def check_labels(drawn, view, frames):
    texts = [" ".join(label.text.split()) for label in drawn.labels]  # a name on lines
    missing = [
        name
        for name in expected_names(view, frames, drawn.frame.bounds)
        if not any(name in t for t in texts)
    ]
    assert not missing, f"{view.title}: not labelled: {missing} (labels: {texts})"
    boxes = [label.image_box for label in drawn.labels]
    assert not overlapping(boxes), f"{view.title}: labels overlap"
    frame = drawn.image_box
    for label in drawn.labels:
        b = label.image_box
        assert frame.x1 - 1 <= b.x1, (view.title, label.text)
        assert b.x2 <= frame.x2 + 1, (view.title, label.text)
        assert frame.y1 - 1 <= b.y1, (view.title, label.text)
        assert b.y2 <= frame.y2 + 1, (view.title, label.text)
    return texts


def need_pdftotext() -> None:
    """Poppler's pdftotext reads the PDF's text here (not the product's own reader): skipped
    where it is missing, a failure when CORRIDORMAP_REQUIRE_PDFTOTEXT=1 (.ci/run)."""
    if shutil.which("pdftotext") is None:
        if os.environ.get("CORRIDORMAP_REQUIRE_PDFTOTEXT") == "1":
            pytest.fail("CORRIDORMAP_REQUIRE_PDFTOTEXT=1 but pdftotext is missing (poppler-utils)")
        pytest.skip("poppler-utils not installed")


def test_every_scene_png_names_its_places_without_overlaps(pack, frames):
    _, views = pack
    for view in views:
        data, drawn = render_png(view, frames)
        assert Image.open(io.BytesIO(data)).size == (1920, 1080)
        texts = check_labels(drawn, view, frames)
        assert any(label.kind == "place" for label in drawn.labels), view.title
        assert texts, view.title


def test_every_scene_pdf_page_is_16_9_keeps_its_text_and_names_its_places(pack, frames, tmp_path):
    """One rendering of the pack (the slowest export) read for its page shapes, its text
    positions and each scene's names."""
    b, views = pack
    data, drawn = render_pdf(b, views, frames)
    _pages_are_16_9_and_no_text_runs_off(b, data)
    need_pdftotext()
    pdf = tmp_path / "pack.pdf"
    pdf.write_bytes(data)
    for number, (view, d) in enumerate(zip(views, drawn, strict=True), start=2):
        check_labels(d, view, frames)
        page = subprocess.run(
            ["pdftotext", "-f", str(number), "-l", str(number), "-raw", str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        flat = " ".join(page.split())
        for name in expected_names(view, frames, d.frame.bounds):
            assert " ".join(name.split()) in flat, f"page {number} ({view.title}): {name}"
        assert " ".join(view.title.split()) in flat
        extra = {
            "table": "Features on the map",
            "chart:km_by_status": "Corridor km by status",
            "chart:destinations": "Countries receiving Azerbaijani gas",
        }.get(str(b.scenes[number - 2].show))
        if extra:  # the scene's chart or table is on its page
            assert extra in flat, (number, view.title)


def _pages_are_16_9_and_no_text_runs_off(b, data):
    import pypdf  # noqa: PLC0415

    reader = pypdf.PdfReader(io.BytesIO(data))  # what export.pdf_briefing returns
    for page in reader.pages:
        w, h = float(page.mediabox.width), float(page.mediabox.height)
        assert w / h == pytest.approx(16 / 9, rel=0.01)
        spans = []

        def visit(text, _cm, tm, _font, _size, spans=spans):
            if text.strip():
                spans.append((tm[4], tm[5], text))

        page.extract_text(visitor_text=visit)
        for x, y, text in spans:
            assert -1 <= x <= w, text
            assert -1 <= y <= h, text
    assert b.title.split()[-1] in (reader.pages[0].extract_text() or "")


@pytest.mark.parametrize(
    ("lat", "lon", "zoom"), [(40.5, 49.8, 7.25), (41.0, 44.0, 5.5), (45.0, 60.0, 4.0)]
)
def test_a_zoomed_and_panned_view_exports_the_same_bounds(frames, lat, lon, zoom):
    """The live map at 1400 x 760 CSS px reports these bounds (computed here as Leaflet does);
    the export frames the same box within a tile."""
    mpp = mapbuild.EARTH_M / (256 * 2**zoom)
    r = mapbuild.EARTH_M / (2 * math.pi)
    cx = r * math.radians(lon)
    cy = r * math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))
    w_px, h_px = 1400, 760

    def lonlat(x, y):
        return math.degrees(x / r), math.degrees(2 * math.atan(math.exp(y / r)) - math.pi / 2)

    west, south = lonlat(cx - w_px / 2 * mpp, cy - h_px / 2 * mpp)
    east, north = lonlat(cx + w_px / 2 * mpp, cy + h_px / 2 * mpp)
    base = export.make_view(frames, links.ViewState().filters)
    view = replace(base, view=replace(base.view, center=(lat, lon), zoom=zoom))
    if hasattr(mapbuild.MapView(), "bounds"):  # the view a live map reported
        view = replace(view, view=replace(view.view, bounds=(west, south, east, north)))
        _, drawn = render_png(view, frames)
        tile = 256 * mpp
        got = drawn.frame
        for ours, theirs in (
            ((got.x0, got.y0), (cx - w_px / 2 * mpp, cy - h_px / 2 * mpp)),
            ((got.x1, got.y1), (cx + w_px / 2 * mpp, cy + h_px / 2 * mpp)),
        ):
            assert abs(ours[0] - theirs[0]) < tile
            assert abs(ours[1] - theirs[1]) < tile
    # Without reported bounds the centre and zoom are kept on the export's own frame.
    _, drawn = render_png(replace(view, view=mapbuild.MapView((lat, lon), zoom)), frames)
    got = drawn.frame
    assert (got.x0 + got.x1) / 2 == pytest.approx(cx, abs=mpp)
    assert (got.y0 + got.y1) / 2 == pytest.approx(cy, abs=mpp)
    assert (got.x1 - got.x0) / got.size_px[0] == pytest.approx(mpp, rel=1e-6)


def test_layout_never_overlaps_labels_and_keeps_the_ranks():
    """Forty places on one spot: the highest ranks are named; no two labels overlap."""
    places = [lay.Place(f"Place {i}", rank=i % 4, x=300 + i % 5, y=200 + i % 3) for i in range(40)]
    places.append(lay.Place("Must", rank=9, x=302, y=201))
    out = lay.layout(places, (600, 400), 8, lambda t, px, _k: len(t) * px * 0.6)
    assert "Must" in [label.text for label in out.labels]
    assert not overlapping([label.box for label in out.labels])
    kept_ranks = sorted((p.rank for p in out.kept), reverse=True)
    assert kept_ranks[0] == 9
    assert all(label.box.inside(600, 400) for label in out.labels)


def test_hostile_strings_stay_text_in_pdf_and_pptx(frames, vocab):
    import pypdf  # noqa: PLC0415
    from pptx import Presentation  # noqa: PLC0415

    b = briefing.load_briefing(MIDDLE, vocab)
    views = export.briefing_views(frames, b, vocab)[2:]
    views = [replace(v, title=HOSTILE_TITLE, text=HOSTILE_TITLE) for v in views]
    b = replace(b, title=HOSTILE_TITLE, description=HOSTILE_TITLE)
    pdf = pypdf.PdfReader(io.BytesIO(export.pdf_briefing(b, views, frames)))
    text = " ".join((p.extract_text() or "") for p in pdf.pages)
    assert "<script>alert(1)</script>" in text
    assert "Ağdam Şuşa Ёлка" in text
    deck, _ = render_pptx(b, views, frames)
    prs = Presentation(io.BytesIO(deck))
    words = " ".join(
        shape.text_frame.text for s in prs.slides for shape in s.shapes if shape.has_text_frame
    )
    assert "<script>alert(1)</script> {{ 7*7 }}" in words
    assert "Ağdam Şuşa Ёлка" in words


def test_the_pptx_deck_has_a_slide_per_scene_with_its_map(frames, vocab):
    from pptx import Presentation  # noqa: PLC0415
    from pptx.util import Emu  # noqa: PLC0415

    b = briefing.load_briefing(MIDDLE, vocab)
    views = export.briefing_views(frames, b, vocab)
    deck, drawn = render_pptx(b, views, frames)
    prs = Presentation(io.BytesIO(deck))
    assert Emu(prs.slide_width).inches / Emu(prs.slide_height).inches == pytest.approx(
        16 / 9, rel=0.01
    )
    slides = list(prs.slides)
    assert len(slides) >= 1 + len(views) + 1
    for slide, view, d in zip(slides[1:], views, drawn, strict=False):
        pictures = [s for s in slide.shapes if s.shape_type == 13]
        assert len(pictures) == 1
        text = " ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
        assert view.title in text
        assert "Sources:" in text
        check_labels(d, view, frames)


@pytest.mark.parametrize("size", [20.0, 12.0])
def test_fitted_text_is_never_wider_than_its_room(size):
    """Measured here with Pillow's own reading of the font file (not the product's measure)."""
    from matplotlib.font_manager import FontProperties, findfont  # noqa: PLC0415
    from PIL import ImageFont  # noqa: PLC0415

    from corridormap.export.text import fit_text  # noqa: PLC0415

    text = (
        "The Gabala summit, 7 Oct 2025: corridors, gas and security — Şuşa, Ağdam, Ёлка, "
        "https://example.org/a-very-long-address-without-any-space-in-it-at-all-" + "x" * 80
    )
    lines, got = fit_text(text, 5.0, size, max_lines=3, min_pt=8, weight="bold")
    assert 8 <= got <= size
    assert len(lines) <= 3
    font = ImageFont.truetype(findfont(FontProperties(family="DejaVu Sans", weight="bold")), 100)
    for line in lines:
        assert font.getlength(line) * got / 100 <= 5.0 * 72 + 0.5, line


def test_a_linked_view_keeps_its_centre_and_zoom_and_a_scene_keeps_its_ends(frames, vocab):
    """A link's own centre and zoom are the export's (a corridor filter does not widen it);
    a scene of the Middle Corridor holds its whole length (Xi'an, its eastern end, in frame)."""
    state, notices = links.parse(
        {"corridor": ["middle_corridor"], "lat": ["40.5"], "lon": ["49.8"], "zoom": ["7"]}, vocab
    )
    assert not notices
    _, drawn = render_png(export.state_view(frames, state), frames)
    mpp = mapbuild.EARTH_M / (256 * 2**7)
    assert (drawn.frame.x1 - drawn.frame.x0) / drawn.frame.size_px[0] == pytest.approx(mpp)
    west, south, east, north = drawn.frame.bounds
    assert west < 49.8 < east
    assert south < 40.5 < north
    b = briefing.load_briefing(MIDDLE, vocab)
    view = export.briefing_views(frames, b, vocab)[0]
    legs = view.shown[catalog.CORRIDOR_LEGS.key]
    lon0, lat0, lon1, lat1 = legs.total_bounds
    _, drawn = render_png(view, frames)
    west, south, east, north = drawn.frame.bounds
    assert west <= lon0  # the scene's box, fitted to the export's frame, holds both ends
    assert lon1 <= east
    assert south <= lat0
    assert lat1 <= north


def test_the_a4_pack_names_the_same_places(frames, vocab, tmp_path):
    """A4 landscape (for print): the same slides on A4 pages, every named place as text."""
    need_pdftotext()
    import pypdf  # noqa: PLC0415

    b = briefing.load_briefing(MIDDLE, vocab)
    views = export.briefing_views(frames, b, vocab)
    data, drawn = render_pdf(b, views, frames, "a4")
    pdf = tmp_path / "a4.pdf"
    pdf.write_bytes(data)
    for page in pypdf.PdfReader(pdf).pages:
        assert float(page.mediabox.width) / float(page.mediabox.height) == pytest.approx(
            297 / 210, rel=0.01
        )
    for number, (view, d) in enumerate(zip(views, drawn, strict=True), start=2):
        check_labels(d, view, frames)
        text = subprocess.run(
            ["pdftotext", "-f", str(number), "-l", str(number), "-raw", str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        flat = " ".join(text.split())
        for name in expected_names(view, frames, d.frame.bounds):
            assert " ".join(name.split()) in flat, (number, name)
    with pytest.raises(ValueError, match="page must be one of"):
        render_pdf(b, views, frames, "letter")


# -- Letters of every language ----------------------------------------------------------------

#: Letters each language needs beyond ASCII: Turkish, Azerbaijani (Latin), Russian (Cyrillic).
LETTERS = (
    "İıĞğŞşÇçÖöÜü"
    + "ƏəĞğŞşİıXxQq"
    + "АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгдеёжзийклмнопрстуфхцчшщъыьэюя"
)


def test_the_exports_font_has_every_letter_of_the_languages():
    """The font the static exports use (``text.FONT``, as matplotlib finds it) holds every
    letter of Turkish, Azerbaijani and Russian: none falls back to a box."""
    from matplotlib import ft2font  # noqa: PLC0415
    from matplotlib.font_manager import FontProperties, findfont  # noqa: PLC0415

    from corridormap.export.text import FONT  # noqa: PLC0415

    for weight in ("normal", "bold"):
        path = findfont(FontProperties(family=FONT, weight=weight), fallback_to_default=False)
        charmap = ft2font.FT2Font(path).get_charmap()
        assert [c for c in LETTERS if ord(c) not in charmap] == [], path


def test_labels_in_every_language_draw_without_a_missing_glyph(frames):
    """A PNG whose title, legend and map labels hold ə, ş, İ and Cyrillic: matplotlib warns
    of no glyph missing from the font (a missing glyph is drawn as a box)."""
    import warnings  # noqa: PLC0415

    from corridormap import i18n  # noqa: PLC0415
    from corridormap.filters import Filters  # noqa: PLC0415

    state = links.ViewState(Filters(corridor=("zangezur",)))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for code in ("tr", "az", "ru"):
            with i18n.language(code):
                view = export.state_view(frames, state, title=f"{LETTERS} Ağdam Şuşa Ёлка")
                png, drawn = render_png(view, frames, dpi=40)
                assert Image.open(io.BytesIO(png)).size == (533, 300)
                assert drawn.labels
    assert [str(w.message) for w in caught if "missing from" in str(w.message)] == []


@pytest.mark.parametrize(
    ("code", "name", "capitals"),
    [("tr", "Gürcistan", "GÜRCİSTAN"), ("az", "Qırğızıstan", "QIRĞIZISTAN"),
     ("ru", "Грузия", "ГРУЗИЯ"), ("en", "Tajikistan", "TAJIKISTAN")],
)  # fmt: skip
def test_country_names_are_in_the_capitals_of_their_language(code, name, capitals):
    assert lay.upper(name, code) == capitals
