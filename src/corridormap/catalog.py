"""The layer catalog: one typed ``LayerSpec`` per shipped layer.

Every other module (loading, validation, filters, styling, the map, the table, exports) is
driven by these specs; none of them branches on a layer's name.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Final

from corridormap.i18n import N_

if TYPE_CHECKING:
    import geopandas as gpd


class Kind(StrEnum):
    """How a property is stored in GeoJSON and checked on load."""

    STR = "string"
    INT = "integer"
    FLOAT = "number"
    BOOL = "boolean"
    DATE = "date (YYYY-MM-DD)"
    YEAR = "year (integer)"
    STR_LIST = "list of strings"
    URL_LIST = "list of http(s) URLs"
    YEAR_VALUES = "object of year -> number"


class PlaceLookup(StrEnum):
    """How a feature's place name is found in the place-name table
    (``corridormap.place_names``) for the language in force."""

    BY_ID = "by id"  # the table's row for the feature's id (``id_property``)
    BY_NAME = "by name"  # the table's row for the data's name (a summit's city)
    BY_PARTS = "by parts"  # each part between spaced dashes, by name ("Baku – Alat")


@dataclass(frozen=True, slots=True)
class PropertySpec:
    """One property of a layer's features."""

    name: str
    kind: Kind
    label: str
    nullable: bool = False
    allowed: tuple[str, ...] | None = None
    unit: str | None = None  # shown after numbers in cards and tables: "km", "bcm/y"
    facet: str | None = None  # the sidebar filter (and URL parameter) this property answers to
    help: str = ""
    # The values are codes, shown by their label: a vocabulary of ``style.CODE_LABELS``, or
    # one of ``NAMED_CODES`` (codes that name features, named from the data).
    codes: str | None = None
    markdown: bool = False  # short markdown (**bold**, *italic*): rendered or stripped, never raw


@dataclass(frozen=True, slots=True)
class LayerSpec:
    """What a layer is, what its features must carry, and how the product treats it."""

    key: str
    file: str
    title: str
    description: str
    geometry_types: tuple[str, ...]
    id_property: str
    label_property: str
    properties: tuple[PropertySpec, ...]
    style_key: str
    default_visible: bool = True
    # As-of logic: the date property that says when a feature came to be (opened, joined,
    # supplied, held). ``asof_hides`` hides features not yet there on the chosen date;
    # otherwise they stay on the map and only their dated attribute is reset.
    asof_property: str | None = None
    asof_hides: bool = True
    # With ``asof_hides`` False: (property, value) to show before the dated property's date,
    # e.g. a country's OTS status is "none" before it joined.
    asof_reset: tuple[str, str] | None = None
    # A property holding an ISO3 code; layers without one are matched to countries spatially.
    country_property: str | None = None
    # For lines: properties naming the countries of the two ends (from curated node data),
    # used instead of locating the ends in the simplified polygons (see ``overlay``).
    end_country_properties: tuple[str, str] | None = None
    searchable: tuple[str, ...] = field(default=())
    # Where space is tight (the counts above the map): the title when empty.
    short_title: str = ""
    # Which of the layer's rows the map draws, in which order (all, as they are, when None):
    # see :meth:`drawn`.
    draws: Callable[[gpd.GeoDataFrame], gpd.GeoDataFrame] | None = None
    # The property that names a place, and how its name in another language is found (see
    # ``place_names.shown_row``); None: the layer's names are shown as the data writes them.
    place_name: tuple[str, PlaceLookup] | None = None

    def drawn(self, gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        """The rows of ``gdf`` the map draws (the live map, the exports, the legend and the
        sources they list): all of them unless the layer says otherwise (``draws``)."""
        return gdf if self.draws is None else self.draws(gdf)

    @property
    def short(self) -> str:
        return self.short_title or self.title

    @property
    def all_properties(self) -> tuple[PropertySpec, ...]:
        return self.properties + COMMON_PROPERTIES

    def prop(self, name: str) -> PropertySpec:
        for p in self.all_properties:
            if p.name == name:
                return p
        raise KeyError(f"layer {self.key!r} has no property {name!r}")

    def facet_property(self, facet: str) -> PropertySpec | None:
        for p in self.all_properties:
            if p.facet == facet:
                return p
        return None

    def path(self, data_dir: Path) -> Path:
        return data_dir / "layers" / self.file


CONFIDENCE: Final = ("high", "medium", "low")
STATUS: Final = ("operational", "under_construction", "planned")
CORRIDORS: Final = ("zangezur", "middle_corridor", "north_south")
MODES: Final = ("rail", "road", "sea")
OTS_STATUS: Final = ("member", "observer", "none")
TOPICS: Final = ("security", "connectivity", "energy", "history", "institutions")
SUMMIT_KINDS: Final = ("formal", "extraordinary", "informal")
NODE_KINDS: Final = ("port", "junction", "border_crossing", "terminal", "city")
COORD_QUALITY: Final = ("published_point", "town_point", "approximate")
GEOMETRY_QUALITY: Final = ("schematic", "surveyed")
DATE_PRECISION: Final = ("day", "month", "quarter", "year")
#: Codes that name features of a layer: shown by the feature's name (``formatting.Names``).
NAMED_CODES: Final = ("country", "node", "pipeline")

#: Every feature of every layer carries these: where the facts come from and how sure they are.
COMMON_PROPERTIES: Final = (
    PropertySpec(
        "source_url", Kind.URL_LIST, "Sources", help="one or more URLs the facts come from"
    ),
    PropertySpec("as_of", Kind.DATE, "As of", help="date of the newest source used"),
    PropertySpec(
        "confidence",
        Kind.STR,
        "Confidence",
        nullable=True,
        allowed=CONFIDENCE,
        help="set where sources disagree or a value is approximate",
        codes="confidence",
    ),
    PropertySpec("note", Kind.STR, "Note", nullable=True),
)

_P = PropertySpec


def _ots_states(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Countries as an overlay: only OTS members and observers (every country is on the
    basemap already)."""
    return gdf[gdf["ots_status"].ne("none")]


def _newest_first(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Summits newest first: of two summits in one city, the map labels the newest (places of
    equal rank are taken in order) and the older one is its "+1"."""
    if "date" not in gdf.columns:
        return gdf
    return gdf.sort_values("date", ascending=False, kind="stable", na_position="last")


COUNTRIES = LayerSpec(
    key="countries",
    draws=_ots_states,
    file="countries.geojson",
    title=N_("Countries"),
    description="Country polygons of the region (Natural Earth), with OTS membership.",
    geometry_types=("Polygon", "MultiPolygon"),
    id_property="iso3",
    label_property="name",
    properties=(
        _P("iso3", Kind.STR, N_("ISO3")),
        _P("name", Kind.STR, N_("Name")),
        _P(
            "ots_status",
            Kind.STR,
            N_("OTS status"),
            allowed=OTS_STATUS,
            facet="ots_status",
            codes="ots_status",
        ),
        _P("ots_joined", Kind.DATE, N_("OTS since"), nullable=True),
    ),
    style_key="countries",
    asof_property="ots_joined",
    asof_hides=False,
    asof_reset=("ots_status", "none"),
    country_property="iso3",
    searchable=("name", "iso3"),
)

#: How a line's geometry was drawn (shared by corridor legs and pipelines).
_GEOMETRY_QUALITY: Final = _P(
    "geometry_quality", Kind.STR, N_("Geometry"), allowed=GEOMETRY_QUALITY, codes="geometry_quality"
)

CORRIDOR_LEGS = LayerSpec(
    key="corridors",
    file="corridors.geojson",
    title=N_("Corridor legs"),
    description="One line per leg between consecutive waypoints of the three corridors.",
    geometry_types=("LineString",),
    id_property="segment_id",
    label_property="name",
    properties=(
        _P("segment_id", Kind.STR, N_("Segment")),
        _P(
            "corridor",
            Kind.STR,
            N_("Corridor"),
            allowed=CORRIDORS,
            facet="corridor",
            codes="corridor",
        ),
        _P("route", Kind.STR, N_("Route"), facet="route", codes="route"),
        _P("seq", Kind.INT, N_("Order in route")),
        _P("name", Kind.STR, N_("Name")),
        _P("from_node", Kind.STR, N_("From"), codes="node"),
        _P("to_node", Kind.STR, N_("To"), codes="node"),
        _P("from_iso3", Kind.STR, N_("From country"), codes="country"),
        _P("to_iso3", Kind.STR, N_("To country"), codes="country"),
        _P("mode", Kind.STR, N_("Mode"), allowed=MODES, facet="mode", codes="mode"),
        _P("status", Kind.STR, N_("Status"), allowed=STATUS, facet="status", codes="status"),
        _P("opened", Kind.DATE, N_("Opened"), nullable=True),
        _P("expected", Kind.YEAR, N_("Expected"), nullable=True),
        _P("length_km", Kind.FLOAT, N_("Published length"), nullable=True, unit="km"),
        _P(
            "section",
            Kind.STR,
            N_("Published section"),
            nullable=True,
            help="the named section (of one or more legs) a published length refers to",
        ),
        _P("section_length_km", Kind.FLOAT, N_("Section length"), nullable=True, unit="km"),
        _GEOMETRY_QUALITY,
    ),
    style_key="corridors",
    asof_property="opened",
    end_country_properties=("from_iso3", "to_iso3"),
    searchable=("name", "segment_id", "route"),
    place_name=("name", PlaceLookup.BY_PARTS),
)

NODES = LayerSpec(
    key="nodes",
    file="nodes.geojson",
    title=N_("Nodes"),
    description="Ports, junctions, border crossings and terminals on the corridors.",
    geometry_types=("Point",),
    id_property="node_id",
    label_property="name",
    properties=(
        _P("node_id", Kind.STR, N_("Node")),
        _P("name", Kind.STR, N_("Name")),
        _P("kind", Kind.STR, N_("Kind"), allowed=NODE_KINDS, codes="node_kind"),
        _P("iso3", Kind.STR, N_("Country"), codes="country"),
        _P("corridors", Kind.STR_LIST, N_("Corridors"), facet="corridor", codes="corridor"),
        _P("routes", Kind.STR_LIST, N_("Routes"), facet="route", codes="route"),
        _P(
            "coord_quality",
            Kind.STR,
            N_("Coordinate"),
            allowed=COORD_QUALITY,
            codes="coord_quality",
        ),
        _P("coord_source", Kind.STR, N_("Coordinate source"), nullable=True),
        _P("border_point", Kind.BOOL, N_("Border or coastal point")),
    ),
    style_key="nodes",
    searchable=("name", "node_id"),
    place_name=("name", PlaceLookup.BY_ID),
)

PIPELINES = LayerSpec(
    key="pipelines",
    file="pipelines.geojson",
    title=N_("Gas pipelines"),
    description="Pipelines that carry Azerbaijani gas (schematic routes through town points).",
    geometry_types=("LineString", "MultiLineString"),
    id_property="pipeline_id",
    label_property="name",
    properties=(
        _P("pipeline_id", Kind.STR, N_("Pipeline")),
        _P("name", Kind.STR, N_("Name")),
        _P("capacity_bcm_y", Kind.FLOAT, N_("Capacity"), nullable=True, unit="bcm/y"),
        _P("length_km", Kind.FLOAT, N_("Published length"), nullable=True, unit="km"),
        _P("opened", Kind.DATE, N_("Opened"), nullable=True),
        _P("status", Kind.STR, N_("Status"), allowed=STATUS, facet="status", codes="status"),
        _P("from_iso3", Kind.STR, N_("From country"), codes="country"),
        _P("to_iso3", Kind.STR, N_("To country"), codes="country"),
        _GEOMETRY_QUALITY,
    ),
    style_key="pipelines",
    end_country_properties=("from_iso3", "to_iso3"),
    asof_property="opened",
    searchable=("name", "pipeline_id"),
)

GAS_DESTINATIONS = LayerSpec(
    key="gas_destinations",
    file="gas_destinations.geojson",
    title=N_("Gas destinations"),
    description="Countries that have received Azerbaijani gas, by supply start.",
    geometry_types=("Polygon", "MultiPolygon"),
    id_property="iso3",
    label_property="name",
    properties=(
        _P("iso3", Kind.STR, N_("ISO3")),
        _P("name", Kind.STR, N_("Name")),
        _P("order_of_entry", Kind.INT, N_("Order of entry")),
        _P("supply_start", Kind.DATE, N_("Supply start")),
        _P(
            "supply_start_precision",
            Kind.STR,
            N_("Start known to the"),
            allowed=DATE_PRECISION,
            help="supply_start is the first day of this period",
            codes="date_precision",
        ),
        _P("route", Kind.STR_LIST, N_("Route (pipelines)"), codes="pipeline"),
        _P("route_text", Kind.STR, N_("Route"), nullable=True),
        _P("volume_bcm", Kind.YEAR_VALUES, N_("Volume"), nullable=True, unit="bcm"),
    ),
    style_key="gas_destinations",
    default_visible=False,  # its shading competes with the OTS shading; one click away
    asof_property="supply_start",
    country_property="iso3",
    searchable=("name", "iso3"),
)

SUMMITS = LayerSpec(
    key="summits",
    draws=_newest_first,
    file="summits.geojson",
    title=N_("OTS summits"),
    description="Every Turkic Council / OTS summit: formal, extraordinary and informal.",
    geometry_types=("Point",),
    id_property="summit_id",
    label_property="title",
    properties=(
        _P("summit_id", Kind.STR, N_("Summit")),
        _P("title", Kind.STR, N_("Title")),
        _P("kind", Kind.STR, N_("Kind"), allowed=SUMMIT_KINDS, codes="summit_kind"),
        _P("number", Kind.INT, N_("Number"), nullable=True),
        _P("city", Kind.STR, N_("City")),
        _P("iso3", Kind.STR, N_("Country"), codes="country"),
        _P("date", Kind.DATE, N_("Date"), nullable=True),
        _P("date_text", Kind.STR, N_("When")),
        _P("held", Kind.BOOL, N_("Held")),
        _P("virtual", Kind.BOOL, N_("By video")),
        _P("theme", Kind.STR, N_("Theme"), nullable=True),
        _P("outcomes", Kind.STR, N_("Outcomes"), nullable=True),
    ),
    style_key="summits",
    asof_property="date",
    country_property="iso3",
    searchable=("title", "city", "theme"),
    place_name=("city", PlaceLookup.BY_NAME),
)

ANNOTATIONS = LayerSpec(
    key="annotations",
    file="annotations.geojson",
    title=N_("Gabala 2025 annotations"),
    description="What the 12th OTS Summit in Gabala (7 Oct 2025) decided and proposed.",
    geometry_types=("Point",),
    id_property="annotation_id",
    label_property="title",
    properties=(
        _P("annotation_id", Kind.STR, N_("Annotation")),
        _P("title", Kind.STR, N_("Title")),
        _P("body", Kind.STR, N_("Text"), markdown=True),
        _P("topic", Kind.STR, N_("Topic"), allowed=TOPICS, facet="topic", codes="topic"),
        _P("date", Kind.DATE, N_("Date")),
        _P("place", Kind.STR, N_("Anchored at")),
    ),
    style_key="annotations",
    asof_property="date",
    searchable=("title", "body"),
    short_title=N_("Gabala 2025"),
)

#: The registry, in drawing order (bottom to top).
LAYERS: Final[tuple[LayerSpec, ...]] = (
    COUNTRIES,
    GAS_DESTINATIONS,
    PIPELINES,
    CORRIDOR_LEGS,
    NODES,
    SUMMITS,
    ANNOTATIONS,
)

_BY_KEY: Final = {spec.key: spec for spec in LAYERS}


def get(key: str) -> LayerSpec:
    """The spec for ``key``; ``KeyError`` names the known keys."""
    try:
        return _BY_KEY[key]
    except KeyError:
        raise KeyError(f"unknown layer {key!r}; known layers: {', '.join(_BY_KEY)}") from None


def layer_keys() -> tuple[str, ...]:
    return tuple(_BY_KEY)


def repo_data_dir() -> Path:
    """``data/`` at the repository root (editable install)."""
    return Path(__file__).resolve().parents[2] / "data"


def default_data_dir() -> Path:
    """``$CORRIDORMAP_DATA_DIR``, else ``data/`` at the repository root (editable install)."""
    env = os.environ.get("CORRIDORMAP_DATA_DIR")
    return Path(env) if env else repo_data_dir()
