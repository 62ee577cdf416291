"""A map a keyboard and a screen reader can use: names, one tab stop, a way past the map.

Leaflet makes every interactive marker a tab stop (``role=button``, no name) and Chromium makes
every interactive SVG path one too, so a keyboard user tabs through hundreds of invisible stops
before reaching anything after the map. :class:`MapAccess` (on every map the product draws,
in the app and in the HTML export) turns that into:

* a ``main`` landmark holding a heading (``title``) and a description of what the map shows,
  which also label the map and, in the app, its frame (``document.title``, the iframe's
  ``title``);
* a "Skip the map" link, hidden until it has the focus, that moves past the map;
* paths that are never tab stops, and markers reached through ONE tab stop: the arrow keys
  move between the markers shown (the most important first), Home and End go to the first and
  the last, Enter or Space opens the feature's card as a click does, Escape goes back to the
  map itself. Each marker is named by :func:`place_name` ("Kars — Junction; Middle Corridor
  (TITR) — Nodes"), or else by its tooltip's text; names are set as text.

The description can change without rebuilding the map: :class:`MapDescription` is added to an
overlay group (the explorer's groups change with its filters; its base map does not).

The code is ``static/map-access.js`` and ``static/map-access.css`` (inlined by
``browser.BrowserCall``); the element passes it its title, description and skip label as JSON.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from jinja2 import Template

from corridormap import browser, style
from corridormap.catalog import LayerSpec
from corridormap.elements import FeatureGroup, SinglePass
from corridormap.escape import script_json

__all__ = [
    "CSS",
    "SKIP_LABEL",
    "MapAccess",
    "MapDescription",
    "description_group",
    "layers_description",
    "place_name",
]

#: The coded properties that say what a place is, in the order its spoken name gives them.
_NAMING_CODES: Final = ("node_kind", "summit_kind", "topic", "corridor")

SKIP_LABEL: Final = "Skip the map"

#: Visually hidden text, the skip link (shown when focused) and focus rings inside a map.
CSS: Final = browser.style_element("map-access.css")


class MapAccess(browser.BrowserCall):
    """The map's landmark, heading, description, skip link and keyboard access (see module)."""

    _template = Template(
        "{% macro header(this, kwargs) %}{{ this.css }}{% endmacro %}"
        "{% macro script(this, kwargs) %}{{ this.call() }}{% endmacro %}"
    )
    code = "map-access.js"
    function = "cmMapAccess"

    def __init__(self, title: str = "Map", description: str = "") -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "MapAccess"
        self.css = CSS
        self.options = {"title": title, "description": description, "skip": SKIP_LABEL}

    def arguments(self) -> list[str]:
        return [self.parent_name(), script_json(self.options)]


class MapDescription(SinglePass):
    """What the map shows, in words (set as text), for a map whose base stays across reruns."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        if (window.cmDescribeMap) { window.cmDescribeMap({{ this.text_json }}); }
        {% endmacro %}
        """
    )

    def __init__(self, text: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "MapDescription"
        self.text_json = script_json(text)


def place_name(spec: LayerSpec, row: Mapping[str, Any]) -> str:
    """A place's name for screen readers, as text: its name, what it is, its layer
    ("Kars — Junction; Zangezur corridor, Middle Corridor (TITR) — Nodes")."""
    name = row.get(spec.label_property) or row.get(spec.id_property)
    what = []
    for prop in spec.properties:
        if prop.codes not in _NAMING_CODES:
            continue
        value = row.get(prop.name)
        values = list(value) if isinstance(value, (list, tuple)) else [value]
        labels = [style.code_label(prop.codes, v) for v in values if isinstance(v, str) and v]
        if labels:
            what.append(", ".join(labels))
    return " — ".join(p for p in (str(name), "; ".join(what), spec.title) if p)


def layers_description(titles: Sequence[str]) -> str:
    """'Shows Corridor legs, Nodes and Gas pipelines.' (plain text; set as text)."""
    if not titles:
        return "Shows the basemap only."
    if len(titles) == 1:
        return f"Shows {titles[0]}."
    return f"Shows {', '.join(titles[:-1])} and {titles[-1]}."


def description_group(text: str) -> FeatureGroup:
    """An empty overlay group that says what the map shows (see :class:`MapDescription`)."""
    group = FeatureGroup(name="Description", show=True, control=False)
    group.add_child(MapDescription(text))
    return group
