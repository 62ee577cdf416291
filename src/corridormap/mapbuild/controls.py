"""Map elements beyond the layers: labels and decluttering, the tile fallback, keys handed to
the page, the drawn report, the land's frame, the full-height frame, the maps' CSS.

Each is an ``browser.BrowserCall`` whose code is a file under ``corridormap/static``, called with
its options as JSON.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import geopandas as gpd
import shapely
from jinja2 import Template

from corridormap import browser, i18n, style
from corridormap.elements import FeatureGroup, SinglePass, TileLayer
from corridormap.escape import script_json

#: The maps' CSS beyond ``static/map.css``: the flow lines' animation, which style.py times.
_FLOW_CSS: Final = (
    f"@keyframes cm-flow {{ to {{ stroke-dashoffset: -{style.FLOW_DASH_PERIOD}; }} }}\n"
)


class Declutter(browser.BrowserCall):
    """Labels and decluttering, redone after every zoom, pan or change of overlays.

    Point markers are taken from the most important (``rank`` in their properties: a view's
    highlights first, then ports, crossings and summits, then the rest) down; a marker whose
    box would overlap one already kept is hidden, and the one it lost to shows "+N". Kept
    markers are then labelled, by rank and as far as the zoom allows (``style.LABEL_RANKS``),
    at the first of four positions (right, left, above, below) free of other markers and
    labels; country names go last, in the space that is left. Names are set as text, never as
    HTML. The code is ``static/declutter.js`` (its pure parts unit-tested in ``tests/js``).
    """

    code = "declutter.js"
    function = "cmDeclutter"

    def __init__(self, countries: Sequence[tuple[str, float, float, bool]] = ()) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "Declutter"
        self.options = {
            "countries": [list(c) for c in countries],
            "labelRanks": [list(r) for r in style.LABEL_RANKS],
            "countryZoom": int(style.COUNTRY_LABEL_ZOOM),
            "lang": i18n.current(),  # the capitals' rules (Turkish i becomes İ)
        }

    def arguments(self) -> list[str]:
        return [self.parent_name(), script_json(self.options)]


def country_labels(land: gpd.GeoDataFrame | None) -> list[tuple[str, float, float, bool]]:
    """(name, lat, lon, large) for each country: a point inside it, larger countries first
    (they are named from ``style.COUNTRY_LABEL_ZOOM``, the others a zoom later); the names in
    the language in force (``i18n.with_country_names``)."""
    if land is None or not len(land) or "name" not in land.columns:
        return []
    land = i18n.with_country_names(land)
    geoms = land.geometry.to_numpy()
    areas = shapely.area(geoms)  # square degrees: enough to rank by size
    points = shapely.point_on_surface(geoms)
    big = float(sorted(areas)[int(len(areas) * 0.75)])
    names = [str(n) for n in land["name"]]
    order = sorted(range(len(names)), key=lambda i: -areas[i])
    return [
        (names[i], round(points[i].y, 2), round(points[i].x, 2), bool(areas[i] >= big))
        for i in order
    ]


class TileFallback(browser.BrowserCall):
    """When an online basemap's tiles fail (no network), say so on the map and draw the
    bundled land instead, so the map never turns silently blank."""

    code = "tile-fallback.js"
    function = "cmTileFallback"

    def __init__(self, tiles: TileLayer, land_url: str | None) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "TileFallback"
        self.tiles_name = tiles.get_name()
        self.options = {"landUrl": land_url or None}

    def arguments(self) -> list[str]:
        return [self.parent_name(), self.tiles_name, script_json(self.options)]


class ForwardKeys(browser.BrowserCall):
    """Hands the given keys to the page around the map's frame.

    A click on the map moves the keyboard focus into streamlit-folium's iframe, where the
    page's own shortcuts (the presentation's arrow keys) no longer hear a key. The keys are
    re-sent to the parent document (same origin) and kept from the map, which would
    otherwise pan with them.
    """

    code = "forward-keys.js"
    function = "cmForwardKeys"

    def __init__(self, keys: Sequence[str]) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "ForwardKeys"
        self.options = {"keys": list(keys)}

    def arguments(self) -> list[str]:
        return [script_json(self.options)]


class _AttributionPrefix(SinglePass):
    """ "Leaflet", plainly: Leaflet 1.9's default prefix carries a national flag, which on a map
    of this subject reads as a statement the product does not make."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        if ({{ this._parent.get_name() }}.attributionControl) {
            {{ this._parent.get_name() }}.attributionControl.setPrefix('Leaflet');
        }
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "AttributionPrefix"


class _Css(SinglePass):
    """The maps' style sheet (``static/map.css``), in the page's header."""

    _template = Template("{% macro header(this, kwargs) %}{{ this.css }}{% endmacro %}")

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "CorridormapCss"
        self.css = browser.style_element("map.css", extra=_FLOW_CSS)


#: The key ``ReportDrawn`` adds to the map's value in the app (streamlit-folium's return).
DRAWN_KEY: Final = "drawn"


class ReportDrawn(browser.BrowserCall):
    """Tells the page that the map is on screen, once per browser tab: streamlit-folium's
    component value gains ``DRAWN_KEY``, which reruns the page. A page can hold back what it
    draws under and beside the map until then, so the browser spends its first second on
    the map (``app_pages/_first.py``).

    The frame is 0 px high until the page gives it the map's height, which a page still
    loading the code of other elements does late: so the report waits until the frame has its
    height (a resize) and a frame was drawn. A map drawn again in the same tab (the page
    visited again) does not report. Outside streamlit-folium (an HTML export) it does
    nothing."""

    code = "report-drawn.js"
    function = "cmReportDrawn"

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "ReportDrawn"
        self.options = {"key": DRAWN_KEY}

    def arguments(self) -> list[str]:
        return [script_json(self.options)]


def report_drawn_group() -> FeatureGroup:
    """``ReportDrawn`` as a feature group. A live map keeps it in every run: streamlit-folium
    keeps its map (and its frame) while the groups change, but draws the groups again when
    they do, and the same groups in every run let Streamlit send the map once."""
    group = FeatureGroup(name="Report drawn", show=True, control=False)
    group.add_child(ReportDrawn())
    return group


class LandFrame(browser.BrowserCall):
    """Keeps the view inside the bundled land's frame (``bounds``, lon/lat): no zooming out or
    panning past the edge of the land the map carries, whatever the map's size."""

    code = "land-frame.js"
    function = "cmLandFrame"

    def __init__(self, bounds: Sequence[float], min_zoom: float = 2) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "LandFrame"
        self.options = {
            "bounds": [round(float(v), 4) for v in bounds],
            "minZoom": float(min_zoom),
        }

    def arguments(self) -> list[str]:
        return [self.parent_name(), script_json(self.options)]


class FillFrame(browser.BrowserCall):
    """Makes the map as tall as the frame it is drawn in (the presentation sizes the frame
    to the screen with CSS; streamlit-folium gives the map a fixed height)."""

    code = "fill-frame.js"
    function = "cmFillFrame"

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "FillFrame"
