"""The maps' accessibility elements as rendered HTML: every map carries them, data stays data,
and nothing blocks zooming the page."""

from __future__ import annotations

from typing import Any

import pytest

from corridormap import catalog, elements, load, mapaccess, mapbuild
from corridormap.escape import script_json


@pytest.fixture(scope="module")
def frames() -> dict[str, Any]:
    return load.load_all().frames


def test_every_map_carries_one_map_access(frames: dict[str, Any]) -> None:
    m = mapbuild.build_map({catalog.NODES.key: frames[catalog.NODES.key]})
    found = [e for e in elements.walk(m) if isinstance(e, mapaccess.MapAccess)]
    assert len(found) == 1


def test_the_page_can_be_zoomed(frames: dict[str, Any]) -> None:
    html = mapbuild.build_map({catalog.NODES.key: frames[catalog.NODES.key]}).get_root().render()
    assert 'name="viewport"' in html
    assert "maximum-scale" not in html
    assert "user-scalable=no" not in html


def test_a_built_map_is_described_by_its_layers(frames: dict[str, Any]) -> None:
    shown = {k: frames[k] for k in (catalog.CORRIDOR_LEGS.key, catalog.NODES.key)}
    html = mapbuild.build_map(shown).get_root().render()
    assert (
        f'"{mapaccess.layers_description([catalog.CORRIDOR_LEGS.title, catalog.NODES.title])}"'
        in html
    )


def test_titles_and_descriptions_are_data() -> None:
    hostile = "</script><script>alert(1)</script>{{ 7*7 }}"
    m = mapbuild.base_map(None, title=hostile, description=hostile)
    m.add_child(mapaccess.MapDescription(hostile))
    html = m.get_root().render()
    assert "<script>alert(1)" not in html
    assert html.count(script_json(hostile)) == 3  # title, description, MapDescription


def test_layers_description() -> None:
    assert mapaccess.layers_description([]) == "Shows the basemap only."
    assert mapaccess.layers_description(["Nodes"]) == "Shows Nodes."
    assert mapaccess.layers_description(["A", "B", "C"]) == "Shows A, B and C."


def test_description_group_is_not_in_the_layer_control() -> None:
    group = mapaccess.description_group("Everything")
    assert group.control is False
    assert any(isinstance(c, mapaccess.MapDescription) for c in group._children.values())


def test_a_place_is_named_by_what_it_is_and_its_layer(frames: dict[str, Any]) -> None:
    nodes = frames[catalog.NODES.key]
    kars = nodes[nodes["name"] == "Kars"].drop(columns="geometry").to_dict("records")[0]
    name = mapaccess.place_name(catalog.NODES, kars)
    assert name.startswith("Kars — Junction; ")
    assert "Middle Corridor" in name
    assert name.endswith(f" — {catalog.NODES.title}")


def test_points_carry_their_spoken_names_lines_do_not(frames: dict[str, Any]) -> None:
    points = mapbuild.feature_collection(catalog.NODES, frames[catalog.NODES.key])
    lines = mapbuild.feature_collection(catalog.CORRIDOR_LEGS, frames[catalog.CORRIDOR_LEGS.key])
    assert all(f["properties"]["spoken"] for f in points["features"])
    assert not any("spoken" in f["properties"] for f in lines["features"])
