"""Map elements that render their templates once: data can never become template source.

branca's ``MacroElement.render`` takes the text its ``header``/``html``/``script`` macros
produce and wraps it in ``Element(text)``, which compiles that text as a *new* Jinja template
and renders it a second time when the page is put together. Whatever data the first pass
inserted (a feature's name, a layer title, a briefing's text) is then Jinja source: ``{{ 7*7 }}``
becomes ``49``, ``{{ lipsum.__globals__.os.popen('id').read() }}`` runs a command on the server,
and ``{% raw %}`` breaks every rerun. streamlit-folium calls ``render()`` on the map and on each
feature group it adds, so the live app takes that path as well as the exports.

``SinglePass`` is the same ``render`` with the first pass's text kept as it is (``Verbatim``).
Every element corridormap puts on a map derives from it: its own elements and the folium
classes it uses (``Map``, ``FeatureGroup``, ``LayerControl``, ``TileLayer``), re-declared here.
``tests/test_templating.py`` walks every map the product builds and fails on any element that
takes the two-pass path, and renders every map and export with template payloads in the data.
"""

from __future__ import annotations

from typing import Any

import folium
from branca.element import Element, Figure, MacroElement


class Verbatim(Element):
    """Text added to a page as it is: never compiled or rendered as a template."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "Verbatim"
        self.text = text

    def render(self, **kwargs: Any) -> str:
        del kwargs
        return self.text


class SinglePass(MacroElement):
    """A ``MacroElement`` whose macros are rendered once; their output is kept verbatim.

    As a base listed *after* a folium class (``class X(folium.FeatureGroup, SinglePass)``) it
    takes the place of ``MacroElement.render`` in the method order, so folium's own
    ``render`` steps (asset links, layer-control bookkeeping) still run before it.
    """

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]  # as branca's: None
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise TypeError(f"{type(self).__name__} can only be rendered inside a Figure")
        module = self._template.module
        for part in ("header", "html", "script"):
            macro = getattr(module, part, None)
            if macro is not None:
                getattr(figure, part).add_child(
                    Verbatim(str(macro(self, kwargs))), name=self.get_name()
                )
        for child in self._children.values():
            child.render(**kwargs)


class FeatureGroup(folium.FeatureGroup, SinglePass):
    """``folium.FeatureGroup`` rendered in one pass (its name can come from a user's file)."""


class LayerControl(folium.LayerControl, SinglePass):
    """``folium.LayerControl`` rendered in one pass (it lists the groups' names)."""


class TileLayer(folium.TileLayer, SinglePass):
    """``folium.TileLayer`` rendered in one pass."""


def is_single_pass(element: Element) -> bool:
    """Whether rendering ``element`` can never compile its data as a template.

    Plain ``Element``s added by ``render`` (the text of a first pass) are verbatim or constant;
    a ``MacroElement`` must be a ``SinglePass``, or one of folium's bookkeeping elements whose
    template holds only JavaScript variable names (``ElementAddToElement``).
    """
    if not isinstance(element, MacroElement):
        return True
    if isinstance(element, SinglePass):
        return True
    return isinstance(element, folium.elements.ElementAddToElement)


def walk(element: Element) -> list[Element]:
    """``element`` and every element below it, depth first."""
    out = [element]
    for child in element._children.values():
        out.extend(walk(child))
    return out
