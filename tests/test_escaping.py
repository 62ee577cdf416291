"""Nothing from a file runs: payloads in layer names, property names and values stay text.

Checked on the rendered map HTML (tooltips, layer control, legend), the markdown the app sends
(cards, tables, notices) and the link helpers. The browser test in tests/browser/test_uploads.py
checks the same payloads in Chromium.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import folium
import pandas as pd
import pytest
import shapely
from appsession import app_test

from corridormap import formatting, i18n, load, mapbuild, style, upload
from corridormap.escape import html_text, script_json

ROOT = Path(__file__).resolve().parents[1]

PAYLOADS = (
    "<script>window.__xss=1;alert(1)</script>",
    "<img src=x onerror=window.__xss=1>",
    '"><svg onload=window.__xss=1>',
    "javascript:alert(1)",
    "`${window.__xss=1}`",
    "back\\slash\\",
    "</script><script>window.__xss=1</script>",
    "<!--<script>",
    "line\u2028sep\u2029para",
    "[click](javascript:alert(1))",
    "<img src=http://example.com/beacon.png>",
)


def payload_geojson() -> bytes:
    props = {p: p for p in PAYLOADS}
    props["name"] = "<img src=x onerror=window.__xss=1>"
    props["source_url"] = ["javascript:alert(1)", "https://example.org/ok"]
    props["note"] = "<script>window.__xss=1</script>\n# heading"
    feats = [
        {
            "type": "Feature",
            "id": "</script><b>id",
            "properties": props,
            "geometry": {"type": "Point", "coordinates": [62.0, 56.0]},  # nothing else there
        },
        {
            "type": "Feature",
            "properties": {**props, "name": '"><svg onload=window.__xss=1>'},
            "geometry": {
                "type": "LineString",
                "coordinates": [[60.0, 50.0], [65.0, 52.0]],
            },
        },
    ]
    return json.dumps({"type": "FeatureCollection", "features": feats}).encode()


FILE_NAME = "<img src=x onerror=window.__xss=1>`${x}`.geojson"


def payload_layer() -> upload.UserLayer:
    return upload.read_user_layer(payload_geojson(), FILE_NAME, index=0)


def test_map_html_carries_no_live_payload():
    layer = payload_layer()
    m = mapbuild.build_map({layer.spec.key: layer.gdf}, specs=[layer.spec])
    page = m.get_root().render()
    for p in PAYLOADS:
        if "<" in p:
            assert p not in page, p
    assert "\u2028" not in page
    assert "\u2029" not in page
    # scripts open and close in pairs: nothing broke out of a script block
    assert page.count("<script") == page.count("</script>")
    assert "<!--<script" not in page


def test_tooltip_and_layer_control_and_legend_are_escaped():
    layer = payload_layer()
    payload = mapbuild.feature_collection(layer.spec, layer.gdf)
    tips = [f["properties"]["tip"] for f in payload["features"]]
    assert "&lt;img src=x onerror=window.__xss=1&gt;" in tips[0]
    assert all("<img" not in t and "<svg" not in t for t in tips)
    (group,) = mapbuild.overlay_groups({layer.spec.key: layer.gdf}, specs=[layer.spec])
    assert group.layer_name.startswith("&lt;img")
    legend = mapbuild.legend_html([layer.spec.key], specs=[layer.spec])
    assert "<img" not in legend
    assert "&lt;img src=x" in legend
    m = folium.Map()
    mapbuild.Legend(legend).add_to(m)
    page = m.get_root().render()
    # the legend element's call: its options, as JSON in the page's script
    script = page[page.rindex("cmLegend(") : page.index("</script>", page.rindex("cmLegend("))]
    assert "&lt;img src=x" in script.replace("\\u0026", "&")
    assert "</" not in script
    assert "<!--" not in script


def test_two_user_layers_each_get_a_legend_row():
    a = payload_layer()
    b = upload.read_user_layer(payload_geojson(), "second.geojson", index=1, taken=[a.spec.key])
    legend = mapbuild.legend_html([a.spec.key, b.spec.key], specs=[a.spec, b.spec])
    assert legend.count("Your layers") == 1
    assert "second" in legend
    assert "&lt;img" in legend


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:x",
        "//evil.example/x",
        "http://exa mple.com",
        "https://\u2028x",
        "[x](javascript:alert(1))",
    ],
)
def test_md_link_never_links_anything_but_http(url):
    out = formatting.md_link(url)
    assert "](" not in out
    assert "<" not in out.replace("\\<", "")


def test_md_link_keeps_http_links():
    out = formatting.md_link("https://example.org/a_(b)?q=<x>")
    assert out.startswith("[example\\.org/a\\_\\(b\\)](https://example.org/a_%28b%29?q=%3Cx%3E)")


@pytest.mark.parametrize("text", [*PAYLOADS, "a\rb\r\nc\nd\x85e", "&lt;img&gt;", "==="])
def test_md_escape_neutralises(text):
    out = formatting.md_escape(text)
    # no markdown/HTML special character survives unescaped, and it stays on one line
    assert not re.search(r"(?<!\\)[<>\[\]()`*_$:&]", out.replace("\\\\", ""))
    assert not re.search(r"[\r\n\x85\u2028\u2029]", out)


# -- in the app -------------------------------------------------------------------------------


def test_the_app_shows_payloads_as_text():
    at = app_test(60).run()
    layer = payload_layer()
    fid = layer.gdf.index[0]
    at.session_state["user_layers"] = {layer.spec.key: layer}
    at.session_state["f_layers"] = [*at.session_state["f_layers"], layer.spec.key]
    at.session_state["selected"] = f"{layer.spec.key}:{fid}"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    texts = [m.value for m in at.markdown] + [m.label for m in at.metric]
    texts += [e.value for e in at.error] + [w.value for w in at.warning]
    # (the legend's own line swatches are SVG from the style module, not data)
    joined = "\n".join(t for t in texts if not t.startswith("<svg width='34'"))
    # the card is there, with the payload as escaped text
    assert "onerror\\=window" in joined
    assert "**Sources** (as of" in joined
    for raw in ("<img", "<script", "<svg", "](javascript", "javascript:alert"):
        assert not re.search(r"(?<!\\)" + re.escape(raw), joined), raw
    assert "javascript\\:alert\\(1\\)" in joined  # the non-http source, as text
    assert "[example\\.org/ok](https://example.org/ok)" in joined
    # the layer is on the map and in the table
    (component,) = at.get("component_instance")
    args = json.loads(component.proto.json_args)
    sent = "".join(v for v in args.values() if isinstance(v, str))
    assert script_json("&lt;img src=x onerror")[1:-1] in sent  # escaped, then JSON-escaped
    # the explorer sends its layers as the component's feature group: the payload is there,
    # escaped, and unescaped nowhere in what the component receives
    assert "feature_group" in args, sorted(args)
    assert script_json("&lt;img src=x onerror")[1:-1] in args["feature_group"]
    assert "<img src=x" not in sent
    (tables,) = [b for b in at.button_group if b.key == "explorer_table"]
    labels = [str(o) for o in tables.options]
    assert any(o.startswith("\\<img src") for o in labels), labels  # the layer, escaped
    assert not any(re.search(r"(?<!\\)<img", o) for o in labels)


def test_legend_lists_only_what_the_map_shows():
    frames = load.load_all().frames
    legs = frames["corridors"]
    zng = legs[legs["corridor"] == "zangezur"]
    legend = mapbuild.legend_html({"corridors": zng})
    assert "Zangezur corridor" in legend
    assert "Middle Corridor" not in legend
    assert "North–South" not in legend
    statuses = set(zng["status"])
    for e in style.STATUS_STYLES:
        assert (e.label in legend) == (e.value in statuses), e.label
    gas = frames["gas_destinations"]
    early = gas[gas["supply_start"] < "2011"]
    legend = mapbuild.legend_html({"gas_destinations": early})
    assert "Supplied since 2006–2010" in legend
    assert "since 2026" not in legend
    # a layer with nothing to show adds nothing; a map with nothing has no legend
    assert mapbuild.legend_html({"corridors": legs.iloc[0:0]}) == ""
    # given only keys, every row of those layers
    assert "since 2026" in mapbuild.legend_html(["gas_destinations"])


def test_legs_coloured_by_status_have_a_status_legend():
    legs = load.load_all().frames["corridors"]
    legend = mapbuild.legend_html({"corridors": legs}, by_status=True)
    assert "Zangezur corridor" not in legend
    for e in style.STATUS_STYLES:
        assert f"stroke='{e.color}'" in legend


@pytest.mark.parametrize("code", ["en", "ru"])
def test_route_link_payloads_are_named_as_text(code):
    # the Routes page names every link value it drops (in the page's language, a translated
    # heading above them); a hostile one must stay text
    at = app_test(60)
    at.query_params["lang"] = code
    at.query_params["from"] = PAYLOADS[1]
    at.query_params["to"] = "[click](javascript:alert(1))"
    at.query_params["avoid"] = "<script>window.__xss=1</script>"
    at.query_params["modes"] = '"><svg onload=window.__xss=1>'
    with i18n.language(code):
        at.switch_page("app_pages/routes.py").run()
    assert not at.exception, [e.value for e in at.exception]
    warnings = "\n".join(w.value for w in at.warning)
    assert "onerror\\=window" in warnings  # the dropped value is named, escaped
    with i18n.language(code):
        heading = i18n.gettext(
            "Some route parameters of the link could not be used and were dropped:"
        )
    assert heading in warnings
    joined = "\n".join([warnings, *(m.value for m in at.markdown), *(c.value for c in at.caption)])
    for raw in ("<img", "<script", "<svg", "](javascript"):
        assert not re.search(r"(?<!\\)" + re.escape(raw), joined), raw
    (component,) = at.get("component_instance")
    sent = "".join(v for v in json.loads(component.proto.json_args).values() if isinstance(v, str))
    for raw in ("<img src=x", "<script>window", "<svg onload"):
        assert raw not in sent, raw


def test_gas_route_legend_names_only_what_is_drawn():
    frames = load.load_all().frames
    pipes = frames["pipelines"]
    assert mapbuild.flow_legend(pipes.iloc[0:0]) == []
    ((title, rows),) = mapbuild.flow_legend(pipes)
    assert title == "Gas route"
    assert [style.FLOW_LABEL in r for r in rows] == [True]
    onward = shapely.LineString([(18.3, 40.3), (10.5, 51.1)])
    ((_, rows),) = mapbuild.flow_legend(pipes, onward)
    assert len(rows) == 2
    assert html_text(style.ONWARD_LABEL) in rows[1]


def test_throughput_strings_stay_text():
    """Series, notes and sources of the throughput table (issue #24): the sources line links
    only http(s), with escaped labels; the chart and the table carry the strings as data."""
    from corridormap import analysis, charts  # noqa: PLC0415

    urls = [f"https://example.org/{p}" for p in PAYLOADS[:3]] + ["javascript:alert(1)"]
    line = formatting.sources_line(urls, {urls[0]: "2026-03-10"})
    assert line.startswith("**Sources:** ")
    for raw in ("<img", "<script", "<svg", "](javascript"):
        assert not re.search(r"(?<!\\)" + re.escape(raw), line), raw
    assert "javascript\\:alert\\(1\\)" in line  # not a link
    assert "(10 Mar 2026)" in line
    frame = pd.DataFrame(
        {
            "corridor": ["north_south"] * len(PAYLOADS),
            "series": list(PAYLOADS),
            "year": list(range(2000, 2000 + len(PAYLOADS))),
            "mt": [1.0] * len(PAYLOADS),
            "teu": [float("nan")] * len(PAYLOADS),
            "source_url": [["https://example.org/a"]] * len(PAYLOADS),
            "as_of": ["2026-03-10"] * len(PAYLOADS),
            "confidence": [""] * len(PAYLOADS),
            "note": list(PAYLOADS),
        }
    )
    rows = formatting.throughput_rows(frame)
    assert list(rows["Series"]) == list(PAYLOADS)  # plain cells of a data grid, not markup
    spec = charts.throughput(analysis.throughput_long(frame), "mt").to_dict()
    (values,) = spec["datasets"].values()
    assert {v["series"] for v in values} == set(PAYLOADS)  # data, never template or HTML
