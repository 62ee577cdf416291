"""Data never becomes template source: not in the live map, not in any export.

branca renders every element's macros and then compiles the text as a new Jinja template
(``elements.py`` says why that matters). These tests walk every map the product builds and fail
on an element that takes that path, and render the live map (as streamlit-folium does) and every
export with template payloads in every string a user controls: file name, feature id, property
names and values, briefing title, text and scene titles. A payload that runs would create a file
or print a product that appears nowhere else.
"""

from __future__ import annotations

import json
from pathlib import Path

import pypdf
import pytest
import streamlit_folium as sf
from clirun import run

from corridormap import (
    analysis,
    briefing,
    catalog,
    elements,
    export,
    filters,
    mapbuild,
    routing,
    upload,
)
from corridormap.escape import html_text, script_json

ROOT = Path(__file__).resolve().parents[1]
PAYLOAD_FILE = ROOT / "tests" / "fixtures" / "hostile" / "ssti_payloads.txt"

# 987654321 * 3 = 2962962963: a number no map or page holds unless a template evaluated it.
PRODUCT = "2962962963"


def payloads(canary: Path) -> list[str]:
    """Template payloads: the corpus's, plus ones that would write ``canary`` if they ran."""
    extra = [
        "{{ 987654321*3 }}",
        "{{987654321*3}}{% raw %}",
        "{%- if 1 %}{{ 987654321*3 }}{% endif -%}",
        "{% raw %}",
        "{# unterminated comment",
        "{{ lipsum.__globals__.os.popen('touch " + str(canary) + "').read() }}",
        "{{ cycler.__init__.__globals__.os.system('touch " + str(canary) + "') }}",
        "{% for x in ().__class__.__base__.__subclasses__() %}{% endfor %}",
        "${987654321*3}",
        "</script><script>window.__x=1</script>",
    ]
    corpus = PAYLOAD_FILE.read_text(encoding="utf-8").splitlines() if PAYLOAD_FILE.exists() else []
    return [*extra, *(p for p in corpus if p.strip())]


@pytest.fixture
def canary(tmp_path: Path) -> Path:
    return tmp_path / "template-ran"


def user_layer(texts: list[str]) -> upload.UserLayer:
    """A user's file with a payload in every string it can hold (one feature per payload)."""
    features = [
        {
            "type": "Feature",
            "id": f"{i}:{text}",
            "properties": {"name": text, "note": text, text[:60]: text, "source_url": text},
            "geometry": {"type": "Point", "coordinates": [45 + i * 0.01, 40]},
        }
        for i, text in enumerate(texts)
    ]
    raw = json.dumps({"type": "FeatureCollection", "features": features}).encode()
    return upload.read_user_layer(raw, f"{texts[0][:40]}.geojson")


def check_inert(text: str, canary: Path) -> None:
    assert PRODUCT not in text, "a template payload was evaluated"
    assert not canary.exists(), "a template payload ran a command"
    assert "uid=" not in text


def live_script(m: object, groups: list[elements.FeatureGroup], control: object) -> str:
    """What st_folium does with a map, the groups it adds and the layer control."""
    m.get_root().render()  # type: ignore[attr-defined]
    m.render()  # type: ignore[attr-defined]
    parts = [sf._get_header(m), sf._get_html(m), sf._get_map_string(m)]
    parts += [sf._get_feature_group_string(g, m, i) for i, g in enumerate(groups)]
    parts.append(sf._get_layer_control_string(control, m))
    return "\n".join(parts)


def _with_groups(m, groups):
    for group in groups:
        group.add_to(m)
    return m


def test_every_element_of_every_map_renders_in_one_pass(frames, vocab):
    layer = user_layer(["plain"])
    all_frames = {**frames, layer.spec.key: layer.gdf}
    specs = (*catalog.LAYERS, layer.spec)
    view = export.make_view(all_frames, filters.Filters(), specs=specs)
    b = briefing.load_briefing(ROOT / "data" / "briefings" / "gabala-2025.yaml", vocab)
    route = analysis.gas_route(frames["gas_destinations"], frames["pipelines"], "DEU")
    assert route.onward is not None
    network = routing.build_network(frames)
    plan = routing.plan(network, routing.Query("baku", "kars", routing.PLANNED, alternatives=2))
    drawn = routing.map_routes(network, routing.plan_routes(plan))
    maps = {
        "build_map": mapbuild.build_map(all_frames, specs=specs, selected=(layer.spec.key, "1")),
        "view_map": export.view_map(view, all_frames),
        "briefing_map": export.briefing_map(export.briefing_views(frames, b, vocab), frames),
        "online base": mapbuild.base_map(None, basemap_key="osm"),
        "corridors by status, fitted": mapbuild.build_map(
            {k: frames[k] for k in ("corridors", "nodes")}, by_status=True, fit=(40, 35, 50, 45)
        ),
        "presentation, with its legend as a group": _with_groups(
            mapbuild.base_map(frames["countries"]),
            [
                *export.map_groups(export.briefing_views(frames, b, vocab)[3], frames),
                mapbuild.legend_group(frames),
            ],
        ),
        "gas route with its untraced end": mapbuild.build_map(
            {k: frames[k] for k in ("gas_destinations", "pipelines")},
            extra_groups=[mapbuild.flow_group(route.pipelines, "route", route.onward)],
        ),
        "routes_map": mapbuild.build_map(
            frames, extra_groups=mapbuild.route_groups(drawn), view=mapbuild.route_view(drawn)
        ),
    }
    for name, m in maps.items():
        m.get_root().render()
        found = elements.walk(m.get_root())
        two_pass = {type(e).__name__ for e in found if not elements.is_single_pass(e)}
        assert not two_pass, f"{name}: {two_pass} render their output as a template"
        kinds = {type(e).__name__ for e in found}
        assert "LeanMap" in kinds, name
        assert "FeatureGroup" in kinds or "TileLayer" in kinds, name


def test_live_map_keeps_payloads_as_text(frames, canary):
    texts = payloads(canary)
    layer = user_layer(texts)
    all_frames = {**frames, layer.spec.key: layer.gdf}
    specs = (*catalog.LAYERS, layer.spec)
    m = mapbuild.base_map(frames["countries"])
    m.add_child(mapbuild.Legend(mapbuild.legend_html(all_frames, specs=specs)))
    first = layer.gdf.index[0]
    groups = mapbuild.overlay_groups(all_frames, (layer.spec.key, first), specs)
    script = live_script(m, groups, mapbuild.LayerControl())
    check_inert(script, canary)
    for text in texts:
        # each payload reaches the browser as JSON text (escaped for HTML in the tooltip)
        assert script_json(html_text(text))[1:-1] in script, text


def test_html_view_export_keeps_payloads_as_text(frames, canary):
    texts = payloads(canary)
    layer = user_layer(texts)
    all_frames = {**frames, layer.spec.key: layer.gdf}
    specs = (*catalog.LAYERS, layer.spec)
    view = export.make_view(
        all_frames,
        filters.Filters(),
        specs=specs,
        title=texts[0],
        text=" ".join(texts[:5]),
        highlights=[(layer.spec.key, layer.gdf.index[0])],
    )
    page = export.html_view(view, all_frames)
    check_inert(page, canary)
    assert html_text(texts[0]) in page  # the title, as text


def test_cli_briefing_export_keeps_payloads_as_text(tmp_path, canary):
    texts = payloads(canary)
    doc = {
        "title": texts[0],
        "description": texts[1],
        "scenes": [
            {"title": text, "text": text, "view": {"center": [41, 48], "zoom": 5}}
            for text in texts[:12]
        ],
    }
    path = tmp_path / "hostile.yaml"
    path.write_text(json.dumps(doc), encoding="utf-8")  # JSON is YAML
    out = tmp_path / "out.html"
    result = run("export", "--briefing", str(path), "--format", "html", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    page = out.read_text(encoding="utf-8")
    check_inert(page, canary)
    assert html_text(texts[2]) in page  # a scene title, as text


def test_pdf_and_png_briefing_exports_keep_payloads_as_text(tmp_path, canary):
    """matplotlib draws text, with mathtext off: a payload is printed as written."""
    texts = [t for t in payloads(canary) if "\n" not in t][:8]
    doc = {
        "title": "Hostile briefing",
        "scenes": [
            {"title": text, "text": text, "view": {"center": [41, 48], "zoom": 5}} for text in texts
        ],
    }
    path = tmp_path / "hostile.yaml"
    path.write_text(json.dumps(doc), encoding="utf-8")
    for fmt in ("pdf", "png"):
        out = tmp_path / f"out.{fmt}"
        result = run("export", "--briefing", str(path), "--format", fmt, "-o", str(out))
        assert result.returncode == 0, result.stderr
        assert not canary.exists()
    text = "".join(page.extract_text() for page in pypdf.PdfReader(tmp_path / "out.pdf").pages)
    check_inert(text, canary)
    assert "{{ 987654321*3 }}" in text  # printed as written


def test_pptx_briefing_export_keeps_payloads_as_text(tmp_path, canary):
    """python-pptx sets every string as XML text: a payload is a slide's words as written."""
    from pptx import Presentation  # noqa: PLC0415

    texts = [t for t in payloads(canary) if "\n" not in t][:8]
    doc = {
        "title": texts[0],
        "scenes": [
            {"title": text, "text": text, "view": {"center": [41, 48], "zoom": 5}} for text in texts
        ],
    }
    path = tmp_path / "hostile.yaml"
    path.write_text(json.dumps(doc), encoding="utf-8")
    out = tmp_path / "out.pptx"
    result = run("export", "--briefing", str(path), "--format", "pptx", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert not canary.exists()
    words = " ".join(
        shape.text_frame.text
        for slide in Presentation(str(out)).slides
        for shape in slide.shapes
        if shape.has_text_frame
    )
    check_inert(words, canary)
    assert "{{ 987654321*3 }}" in words  # printed as written
