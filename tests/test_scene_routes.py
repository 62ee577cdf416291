"""A briefing scene's ``route:`` mapping: the Routes page's options (avoid, modes, when,
today vs planned) in a scene, checked like a link, and drawn as the Routes page draws them."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from corridormap import briefing, catalog, export, routing
from corridormap._errors import DataValidationError

BAKU_KARS_WITHOUT_GEORGIA = """
title: The Middle Corridor after Gabala
scenes:
  - title: Baku to Kars without Georgia
    text: The Zangezur corridor, when it opens, joins Baku and Kars without Georgia.
    route:
      from: baku
      to: kars
      when: planned
      avoid: [GEO]
      modes: [rail, sea]
  - title: Today and planned
    text: Today there is no such route.
    route: {from: baku, to: kars, avoid: GEO, compare: true}
  - title: The old way
    text: show still works
    show: route:baku-kars
"""


def load(tmp_path: Path, text: str, vocab) -> briefing.Briefing:
    path = tmp_path / "b.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return briefing.load_briefing(path, vocab)


def problems(tmp_path: Path, text: str, vocab) -> list[str]:
    with pytest.raises(DataValidationError) as info:
        load(tmp_path, text, vocab)
    return [str(p) for p in info.value.problems]


def test_a_scene_about_baku_kars_avoiding_georgia_does_not_go_through_tbilisi(
    tmp_path, vocab, frames
) -> None:
    b = load(tmp_path, BAKU_KARS_WITHOUT_GEORGIA, vocab)
    avoid, _, old = b.scenes
    assert avoid.route is not None
    assert (avoid.route.origin, avoid.route.destination) == ("baku", "kars")
    assert avoid.route.avoid == ("GEO",)
    assert avoid.route.modes == ("rail", "sea")
    assert avoid.route.when == routing.PLANNED
    assert old.route is None
    assert briefing.scene_route(old, vocab) == ("baku", "kars")

    views = export.briefing_views(frames, b, vocab)
    ((name, legs, _places),) = views[0].routes
    # no leg of the drawn route is in Georgia, nor touches Tbilisi
    nodes = frames[catalog.NODES.key]
    tbilisi = nodes.index[nodes["name"].str.contains("Tbilisi")]
    assert len(tbilisi)
    assert not set(legs["from_node"]) & set(tbilisi)
    assert not set(legs["to_node"]) & set(tbilisi)
    net = routing.build_network(frames)
    assert all("GEO" not in net.legs[sid].countries for sid in legs.index)
    assert name.startswith("Route: Baku → Kars")
    assert "Avoiding Georgia (GEO)" in views[0].description

    # today vs planned: today has no route (said in words), the planned one is drawn
    assert [n.split(":")[0] for n, _, _ in views[1].routes] == ["Planned"]
    assert "Today: Baku → Kars" in views[1].description
    assert "no route" in views[1].description
    assert "ZNG_RAIL" not in views[1].description

    # show: route:FROM-TO keeps its meaning (the scene's date, else planned)
    assert views[2].routes


@pytest.mark.parametrize(
    ("route", "expected"),
    [
        ("{from: baku, to: atlantis}", "route.to: not a node id (e.g. xian, baku, kars)"),
        ("{from: baku}", "route.to: missing or not a node id (got None)"),
        ("{from: baku, to: kars, avoid: [XXX]}", "route.avoid: not an ISO3 code"),
        ("{from: baku, to: kars, modes: [air]}", "route.modes: not a mode (rail, sea, road)"),
        ("{from: baku, to: kars, when: 1999-01-01}", "route.when: outside"),
        ("{from: baku, to: kars, compare: maybe}", "route.compare: not true or false"),
        ("{from: baku, to: kars, via: tbilisi}", "route.via: unknown key"),
        ("[baku, kars]", "route: not a mapping of from, to, when, avoid, modes, compare"),
    ],
)
def test_a_bad_route_option_names_scene_and_field(tmp_path, vocab, route, expected) -> None:
    text = f"title: T\nscenes:\n  - title: S\n    text: t\n    route: {route}\n"
    msgs = problems(tmp_path, text, vocab)
    assert len(msgs) == 1, msgs
    assert msgs[0].startswith('b.yaml, scene 1 "S", ')
    assert expected in msgs[0], msgs


def test_route_and_show_route_together_are_refused(tmp_path, vocab) -> None:
    text = (
        "title: T\nscenes:\n  - title: S\n    text: t\n    show: route:baku-kars\n"
        "    route: {from: baku, to: kars}\n"
    )
    (msg,) = problems(tmp_path, text, vocab)
    assert "use either route: or show: route:FROM-TO, not both" in msg


HOSTILE = "<img src=x onerror=alert(1)>{{ 7*7 }}"


def test_a_hostile_route_value_is_named_as_text_not_markup(tmp_path, vocab) -> None:
    text = (
        "title: T\nscenes:\n  - title: S\n    text: t\n"
        f'    route: {{from: "{HOSTILE}", to: kars}}\n'
    )
    (msg,) = problems(tmp_path, text, vocab)
    assert "route.from" in msg
    assert repr(HOSTILE) in msg  # quoted as a value, for the page to escape as any message


def test_a_hostile_place_name_is_escaped_in_a_route_export(frames) -> None:
    from corridormap import filters  # noqa: PLC0415
    from corridormap.export import html_view  # noqa: PLC0415
    from corridormap.export import route as route_export  # noqa: PLC0415
    from corridormap.filters import Filters  # noqa: PLC0415

    nodes = frames[catalog.NODES.key].copy()
    nodes.loc[nodes["node_id"] == "baku", "name"] = HOSTILE
    hostile = {**frames, catalog.NODES.key: nodes}
    net = routing.build_network(hostile)
    plan = routing.plan(net, routing.Query("baku", "kars", when=routing.PLANNED))
    drawn = routing.map_routes(net, routing.plan_routes(plan))
    shown = filters.apply(hostile, Filters(layers=(catalog.CORRIDOR_LEGS.key,)))
    view = route_export.route_view(net, plan, drawn, shown, Filters())
    assert view.title.startswith(HOSTILE)
    page = html_view(view, hostile)
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    # shown as text (its first brace escaped, so no template reads it), never rendered
    assert "&#123;{ 7*7 }}" in page
