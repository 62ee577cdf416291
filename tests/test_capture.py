"""Capture: a page's view becomes a scene that a briefing accepts, saying what the page showed."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import yaml

from corridormap import briefing, capture, catalog, export
from corridormap._errors import DataValidationError
from corridormap.escape import html_text
from corridormap.filters import DEFAULT_LAYERS, Filters

GABALA = date(2025, 10, 7)
ROUTE_LAYERS = ["countries", "corridors", "nodes"]

CASES = [
    # (page view, the scene's expected filters, view, highlight, show)
    (
        capture.PageView("map", Filters(), "All corridors and layers"),
        None,
        {"fit": "features"},
        None,
        None,
    ),
    (
        capture.PageView(
            "map",
            Filters(corridor=("middle_corridor",), countries=("AZE", "GEO"), asof=GABALA),
            "Middle Corridor in Azerbaijan or Georgia, as of 7 Oct 2025",
            center=(41.23456789, 47.1),
            zoom=5.4,
            select="summits:ots-12-gabala-2025",
        ),
        {"corridor": "middle_corridor", "country": ["AZE", "GEO"], "asof": "2025-10-07"},
        {"center": [41.2346, 47.1], "zoom": 5},
        ["summits:ots-12-gabala-2025"],
        None,
    ),
    (  # a zoom beyond what a scene allows is brought into range
        capture.PageView(
            "map",
            Filters(layers=("countries", "summits")),
            "Summits",
            center=(40.0, 50.0),
            zoom=17,
        ),
        {"layers": ["countries", "summits"]},
        {"center": [40.0, 50.0], "zoom": 12},
        None,
        None,
    ),
    (  # a route on a date: its own layers and date, whatever the sidebar says
        capture.PageView(
            "routes",
            Filters(corridor=("zangezur",)),
            "Baku → Kars",
            route=("baku", "kars"),
            route_asof=GABALA,
        ),
        {"asof": "2025-10-07", "layers": ROUTE_LAYERS},
        {"fit": "features"},
        None,
        None,  # a route: mapping (test_a_route_is_captured_with_its_options)
    ),
    (  # a route in the planned scenario has no date
        capture.PageView("routes", Filters(), "Baku → Kars", route=("baku", "kars")),
        {"layers": ROUTE_LAYERS},
        {"fit": "features"},
        None,
        None,
    ),
    (
        capture.PageView(
            "gas",
            Filters(asof=GABALA, layers=("gas_destinations", "pipelines")),
            "Gas",
            select="gas_destinations:ITA",
        ),
        {"asof": "2025-10-07", "layers": ["gas_destinations", "pipelines"]},
        {"fit": "features"},
        ["gas_destinations:ITA"],
        "chart:destinations",
    ),
    (
        capture.PageView("corridors", Filters(status=("planned",)), "Planned legs"),
        {"status": "planned"},
        {"fit": "features"},
        None,
        "chart:km_by_status",
    ),
    (
        capture.PageView(
            "country", Filters(countries=("KAZ",)), "Kazakhstan", select="countries:KAZ"
        ),
        {"country": "KAZ"},
        {"fit": "features"},
        ["countries:KAZ"],
        None,
    ),
]


@pytest.mark.parametrize("case", CASES)
def test_a_captured_view_is_the_scene_of_what_the_page_showed(case, vocab):
    view, filters, where, highlight, show = case
    got = capture.scene(view)
    assert got.get("filters") == filters
    assert got["view"] == where
    assert got.get("highlight") == highlight
    assert got.get("show") == show
    # The scene is one a briefing accepts, and it reads back as the same filters and view.
    doc = capture.new_document("Captured", got)
    b = briefing.parse_briefing(yaml.safe_dump(doc), "captured.yaml", vocab)
    (s,) = b.scenes
    assert briefing.scene_filters(s, vocab).asof == (
        view.route_asof if view.page == "routes" else view.filters.asof
    )
    assert s.view.fit == ("fit" in where)
    assert s.show == show


def test_a_route_is_captured_with_its_options_and_read_back_as_the_page_had_them(vocab):
    view = capture.PageView(
        "routes",
        Filters(corridor=("zangezur",)),
        "Baku → Kars",
        route=("baku", "kars"),
        route_asof=GABALA,
        route_avoid=("GEO",),
        route_modes=("rail",),
        route_compare=True,
    )
    got = capture.scene(view)
    assert got["route"] == {
        "from": "baku",
        "to": "kars",
        "when": "2025-10-07",
        "avoid": ["GEO"],
        "modes": ["rail"],
        "compare": True,
    }
    assert "show" not in got
    planned = capture.scene(capture.PageView("routes", Filters(), "x", route=("baku", "kars")))
    assert planned["route"] == {"from": "baku", "to": "kars", "when": "planned"}
    b = briefing.parse_document(capture.new_document("R", got), vocab, "k")
    (s,) = b.scenes
    assert briefing.scene_route(s, vocab) == ("baku", "kars")
    assert (s.route.when, s.route.avoid, s.route.modes, s.route.compare) == (
        GABALA,
        ("GEO",),
        ("rail",),
        True,
    )


def test_the_default_title_and_text_say_the_page_and_the_view():
    view = capture.PageView("corridors", Filters(), "All corridors, including planned projects")
    got = capture.scene(view)
    assert got["title"] == "Corridors: All corridors, including planned projects"
    assert got["text"] == "All corridors, including planned projects"
    long = capture.PageView("map", Filters(), "x" * 300)
    title = capture.scene(long)["title"]
    assert len(title) == capture.TITLE_LENGTH
    assert title.endswith("…")
    own = capture.scene(view, title="  Mine ", text=" **Bold** ")
    assert (own["title"], own["text"]) == ("Mine", "**Bold**")


def test_a_default_filter_set_says_nothing_and_every_layer_list_is_a_list():
    got = capture.scene(capture.PageView("map", Filters(layers=DEFAULT_LAYERS), "All"))
    assert "filters" not in got
    one = capture.scene(capture.PageView("map", Filters(layers=(catalog.NODES.key,)), "Nodes"))
    assert one["filters"] == {"layers": ["nodes"]}


def test_a_users_own_layers_are_left_out_of_the_scene(vocab):
    f = Filters(layers=("countries", "corridors", "user-1-my-file"))
    got = capture.scene(capture.PageView("map", f, "Mine", select="user-1-my-file:3"))
    assert got["filters"] == {"layers": ["countries", "corridors"]}
    assert "highlight" not in got
    briefing.parse_document(capture.new_document("T", got), vocab, "k")  # valid


def test_recapture_keeps_the_title_and_text_and_takes_the_new_view():
    old = {"title": "Kept", "text": "Also kept", "show": "table", "highlight": ["nodes:baku"]}
    view = capture.PageView("gas", Filters(asof=GABALA), "Gas")
    got = capture.recapture(old, view)
    assert (got["title"], got["text"]) == ("Kept", "Also kept")
    assert got["show"] == "chart:destinations"
    assert "highlight" not in got
    assert got["filters"] == {"asof": "2025-10-07"}


def test_add_scene_and_moves_leave_the_original_alone():
    doc = capture.new_document(" Title ", {"title": "a", "text": "a"}, description=" d ")
    assert doc == {"title": "Title", "description": "d", "scenes": [{"title": "a", "text": "a"}]}
    more = capture.add_scene(doc, {"title": "b", "text": "b"})
    assert [s["title"] for s in more["scenes"]] == ["a", "b"]
    assert len(doc["scenes"]) == 1
    scenes = ["a", "b", "c"]
    assert capture.moved(scenes, 0, 1) == ["b", "a", "c"]
    assert capture.moved(scenes, 2, -1) == ["a", "c", "b"]
    assert capture.moved(scenes, 0, -1) == scenes  # already first
    assert capture.moved(scenes, 2, 1) == scenes  # already last
    assert capture.moved(scenes, 5, 1) == scenes
    assert scenes == ["a", "b", "c"]


# ---------------------------------------------------------------------------------------------
# Documents: the YAML interchange mapping a saved briefing is stored as

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "data" / "briefings" / "gabala-2025.yaml"
PAYLOADS = [
    line
    for line in (ROOT / "tests/fixtures/hostile/ssti_payloads.txt").read_text("utf-8").splitlines()
    if line.strip()
]


def test_a_shipped_file_read_as_a_document_and_written_back_is_the_same_briefing(vocab):
    doc = briefing.read_document(SHIPPED)
    again = briefing.parse_document(doc, vocab, "0123abcd")
    original = briefing.load_briefing(SHIPPED, vocab)
    assert again.title == original.title
    assert [
        (s.title, s.text, dict(s.params), s.view, s.highlight, s.show) for s in again.scenes
    ] == [(s.title, s.text, dict(s.params), s.view, s.highlight, s.show) for s in original.scenes]
    # a saved briefing's links name it by its id
    assert briefing.scene_query(again, again.scenes[1]) == "?saved=0123abcd&scene=2"
    assert briefing.scene_query(original, original.scenes[1]) == "?briefing=gabala-2025&scene=2"


def test_hostile_strings_survive_the_yaml_round_trip_verbatim(vocab):
    scenes = [{"title": p, "text": p + "\nscenes: []\n- title: x"} for p in PAYLOADS]
    doc = {"title": "---\ntitle: {{ 7*7 }}", "description": "&a [*a]", "scenes": scenes}
    text = briefing.document_yaml(doc)
    assert briefing.document_of(text, "x.yaml") == doc
    b = briefing.parse_document(doc, vocab, "k")
    assert [s.title for s in b.scenes] == [p.strip() for p in PAYLOADS]


def test_a_document_with_problems_names_each_scene_and_field(vocab):
    doc = {
        "title": "T",
        "scenes": [
            {"title": "One", "text": "ok", "filters": {"corridor": "nowhere"}},
            {"title": "Two", "text": "", "view": {"center": [1, 2], "zoom": 99}},
        ],
    }
    with pytest.raises(DataValidationError) as info:
        briefing.parse_document(doc, vocab, "k")
    text = [str(p) for p in info.value.problems]
    assert any('scene 1 "One"' in t and "filters.corridor" in t for t in text), text
    assert any('scene 2 "Two"' in t and "text" in t for t in text), text
    assert any('scene 2 "Two"' in t and "view.zoom" in t for t in text), text
    with pytest.raises(DataValidationError, match="not a mapping"):
        briefing.document_of("- a list", "list.yaml")
    with pytest.raises(DataValidationError, match="invalid YAML at line"):
        briefing.document_of("title: [", "broken.yaml")


def test_an_imported_file_is_checked_like_a_shipped_one_and_bounded(vocab):
    good = SHIPPED.read_bytes()
    assert briefing.import_document(good, "gabala.yaml", vocab) == briefing.read_document(SHIPPED)
    cases = [
        (b"x" * (briefing.MAX_BYTES + 1), "over a briefing's limit"),
        (b"title: \xff\xfe", "not UTF-8 text (byte 7)"),
        (b"title: [", "invalid YAML at line 1"),
        (b"title: T\nscenes:\n  - title: One\n", 'scene 1 "One", text: missing'),
    ]
    for raw, message in cases:
        with pytest.raises(DataValidationError) as info:
            briefing.import_document(raw, "../../etc/mine.yaml", vocab)
        text = "; ".join(str(p) for p in info.value.problems)
        assert message in text, text
        assert text.startswith("mine.yaml"), text  # the file's name, never its path


def test_a_saved_briefing_with_hostile_text_exports_it_as_text_and_links_by_id(frames, vocab):
    """Typed into the builder, then exported: the payloads are text, no template ran, and the
    links name the briefing by its id."""
    hostile = [*PAYLOADS[:6], "{{ 987654321*3 }}", "</script><script>window.__x=1</script>"]
    view = capture.PageView("map", Filters(asof=GABALA), "x", center=(41.0, 48.0), zoom=5)
    doc = capture.new_document(hostile[6], capture.scene(view, title=hostile[6], text=hostile[7]))
    for text in hostile:
        doc = capture.add_scene(doc, capture.scene(view, title=text, text=text))
    b = briefing.parse_document(doc, vocab, "5eed5eed5eed5eed")
    views = export.briefing_views(frames, b, vocab)
    page = export.html_briefing(b, views, frames)
    assert "2962962963" not in page  # 987654321*3: a template evaluated it
    assert html_text(hostile[7]) in page  # shown, as text
    assert "<script>window.__x=1" not in page
    assert views[1].link == "?saved=5eed5eed5eed5eed&scene=2"  # the PNG's and PDF's link
    hrefs = re.findall(r'href="([^"]*)"', page)
    assert not [h for h in hrefs if "{{" in h or "window.__x" in h]
