"""Pure filter logic: what the map, the table, the counts and the exports show.

``apply`` narrows every layer by the same ``Filters``; ``describe`` says in one English line what
the active filters are. Both are pure functions of their inputs and are table-tested.

As-of rules (one place, shown in the app):

* ``asof=None`` ("planned") shows everything, including what is planned or under construction.
* With a date, a layer whose spec has ``asof_hides`` keeps a feature when its dated property
  (opened, supply start, summit date, annotation date) is on or before the date. A feature with
  no date is kept only when its status is ``operational``: an opening date the sources do not give
  (mostly long-standing lines) is shown at every date, and the feature's note says it is unknown.
  Countries are never hidden: their OTS status falls back to ``none`` before they joined.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Final

import geopandas as gpd
import pandas as pd

from corridormap import catalog, i18n, overlay, style
from corridormap.catalog import Kind, LayerSpec
from corridormap.i18n import gettext

ASOF_MIN: Final = date(2006, 1, 1)
DEFAULT_LAYERS: Final = tuple(s.key for s in catalog.LAYERS if s.default_visible)
#: Facets in the order they appear in links, the sidebar and descriptions.
FACETS: Final = ("corridor", "route", "mode", "status")


@dataclass(frozen=True, slots=True)
class Filters:
    """The active filters. Empty tuples mean "no restriction"."""

    countries: tuple[str, ...] = ()
    corridor: tuple[str, ...] = ()
    route: tuple[str, ...] = ()
    mode: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    asof: date | None = None
    layers: tuple[str, ...] = DEFAULT_LAYERS

    def facet(self, name: str) -> tuple[str, ...]:
        value: tuple[str, ...] = getattr(self, name)
        return value

    def with_facet(self, name: str, values: Iterable[str]) -> Filters:
        if name not in FACETS:
            raise KeyError(f"unknown facet {name!r}; known: {', '.join(FACETS)}")
        return replace(self, **{name: tuple(values)})  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# Countries crossed, computed from geometry


def end_countries(spec: LayerSpec, gdf: gpd.GeoDataFrame) -> list[tuple[str, ...] | None]:
    """Per feature, the countries of its ends when the layer names them, else None."""
    if spec.end_country_properties is None:
        return [None] * len(gdf)
    a, b = spec.end_country_properties
    out: list[tuple[str, ...] | None] = []
    for ends in zip(gdf[a], gdf[b], strict=True):
        named = tuple(v for v in ends if isinstance(v, str))
        out.append(named or None)
    return out


def feature_countries(
    spec: LayerSpec, gdf: gpd.GeoDataFrame, countries: gpd.GeoDataFrame
) -> pd.Series:
    """For each feature, the sorted tuple of ISO3 codes it lies in or crosses.

    Computed from the geometries (not from a hand-kept list) by the rule in ``overlay``.
    """
    return pd.Series(
        [
            overlay.feature_countries(g, countries, ends)
            for g, ends in zip(gdf.geometry, end_countries(spec, gdf), strict=True)
        ],
        index=gdf.index,
        dtype=object,
    )


def latest_date(frames: Mapping[str, gpd.GeoDataFrame]) -> date:
    """The latest dated event in the data (opening, supply start, summit, annotation, joining):
    the end of the as-of range."""
    latest = ASOF_MIN
    for spec in catalog.LAYERS:
        gdf = frames.get(spec.key)
        if gdf is None or spec.asof_property is None:
            continue
        for value in gdf[spec.asof_property]:
            d = _parse_date(value)
            if d is not None and d > latest:
                latest = d
    return latest


# ---------------------------------------------------------------------------------------------
# Applying filters


def _parse_date(value: object) -> date | None:
    if isinstance(value, str) and value:
        return date.fromisoformat(value)
    return None


def asof_mask(spec: LayerSpec, gdf: gpd.GeoDataFrame, asof: date | None) -> pd.Series:
    """Which features exist on ``asof`` (all of them when ``asof`` is None)."""
    keep = pd.Series(True, index=gdf.index)
    if asof is None or spec.asof_property is None or not spec.asof_hides:
        return keep
    dates: pd.Series = gdf[spec.asof_property].map(_parse_date)
    has_status = "status" in gdf.columns
    operational: pd.Series = (
        gdf["status"].eq("operational") if has_status else pd.Series(False, index=gdf.index)
    )
    dated_ok = dates.map(lambda d: d is not None and d <= asof)
    undated_ok = dates.isna() & operational
    if has_status:
        # A dated feature counts only once it is in operation.
        dated_ok = dated_ok & operational
    return (dated_ok | undated_ok).astype(bool)


def asof_reset(spec: LayerSpec, gdf: gpd.GeoDataFrame, asof: date | None) -> gpd.GeoDataFrame:
    """Features as they stood on ``asof`` (e.g. OTS status ``none`` before a state joined)."""
    if asof is None or spec.asof_reset is None or spec.asof_property is None or gdf.empty:
        return gdf
    prop, value = spec.asof_reset
    dates: pd.Series = gdf[spec.asof_property].map(_parse_date)
    before = dates.map(lambda d: d is None or d > asof).astype(bool)
    column = gdf[prop].where(~before, value)
    return gdf.assign(**{prop: column})


def facet_mask(
    spec: LayerSpec, gdf: gpd.GeoDataFrame, facet: str, wanted: Sequence[str]
) -> pd.Series:
    prop = spec.facet_property(facet)
    if not wanted or prop is None:
        return pd.Series(True, index=gdf.index)
    chosen = set(wanted)
    column: pd.Series = gdf[prop.name]
    if prop.kind is Kind.STR_LIST:
        return column.map(lambda v: bool(chosen.intersection(v or ()))).astype(bool)
    return column.isin(chosen)


def apply(
    frames: Mapping[str, gpd.GeoDataFrame],
    filters: Filters,
    crossings: Mapping[str, pd.Series] | None = None,
    specs: Sequence[LayerSpec] = catalog.LAYERS,
) -> dict[str, gpd.GeoDataFrame]:
    """The features each visible layer shows under ``filters``.

    ``crossings`` maps a layer key to the output of ``feature_countries`` for that layer
    (computed once and cached by the caller); it is computed here when absent. ``specs`` are
    the layers to consider (the catalog, plus any layers a user added).
    """
    countries = frames.get(catalog.COUNTRIES.key)
    out: dict[str, gpd.GeoDataFrame] = {}
    for spec in specs:
        if spec.key not in frames or spec.key not in filters.layers:
            continue
        gdf = frames[spec.key]
        mask = asof_mask(spec, gdf, filters.asof)
        for facet in FACETS:
            mask &= facet_mask(spec, gdf, facet, effective(filters, facet))
        if spec.key == catalog.NODES.key:
            mask &= node_mask(gdf, frames.get(catalog.CORRIDOR_LEGS.key), filters)
        if filters.countries:
            mask &= country_mask(spec, gdf, filters.countries, countries, crossings)
        out[spec.key] = asof_reset(spec, gdf[mask], filters.asof)
    return out


def effective(filters: Filters, facet: str) -> tuple[str, ...]:
    """The values of a facet that can apply: with a date, every leg shown is operational on
    that date, so the status facet cannot narrow anything and is not applied (the sidebar
    disables it and says why)."""
    if facet == "status" and filters.asof is not None:
        return ()
    return filters.facet(facet)


def node_mask(
    nodes: gpd.GeoDataFrame, legs: gpd.GeoDataFrame | None, filters: Filters
) -> pd.Series:
    """Nodes that stand on a leg the date and status allow (a station of a line not yet built
    on that date is not shown alone); nodes no leg names are kept."""
    keep = pd.Series(True, index=nodes.index)
    if legs is None or (filters.asof is None and not filters.status):
        return keep
    spec = catalog.CORRIDOR_LEGS
    live = asof_mask(spec, legs, filters.asof) & facet_mask(
        spec, legs, "status", effective(filters, "status")
    )
    on_live = set(legs.loc[live, "from_node"]) | set(legs.loc[live, "to_node"])
    named = set(legs["from_node"]) | set(legs["to_node"])
    ids: pd.Series = nodes[catalog.NODES.id_property]
    return (ids.isin(on_live) | ~ids.isin(named)).astype(bool)


def country_mask(
    spec: LayerSpec,
    gdf: gpd.GeoDataFrame,
    wanted: Sequence[str],
    countries: gpd.GeoDataFrame | None,
    crossings: Mapping[str, pd.Series] | None = None,
) -> pd.Series:
    chosen = set(wanted)
    if spec.country_property is not None:
        codes: pd.Series = gdf[spec.country_property]
        return codes.isin(chosen)
    if countries is None:
        return pd.Series(False, index=gdf.index)
    crossed = (crossings or {}).get(spec.key)
    if crossed is None:
        crossed = feature_countries(spec, gdf, countries)
    crossed = crossed.reindex(gdf.index)
    return crossed.map(lambda isos: bool(chosen.intersection(isos or ()))).astype(bool)


# ---------------------------------------------------------------------------------------------
# Describing filters in English


def _join(items: Sequence[str], conj: str = "and") -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {conj} " + items[-1]


def format_date(d: date) -> str:
    """A date in the language in force: "7 Oct 2025", "7 Eki 2025" (``i18n.date_text``)."""
    return i18n.date_text(d)


@dataclass(frozen=True, slots=True)
class Names:
    """Display names for codes the description mentions (countries by ISO3)."""

    countries: Mapping[str, str] = field(default_factory=dict)


def _legs_phrase(filters: Filters, status: tuple[str, ...], statuses: str) -> tuple[list[str], str]:
    """The head (corridors, routes) and the legs clause of a description."""
    head: list[str] = []
    if filters.corridor:
        head.append(_join([style.label(style.CORRIDOR_STYLES, c) for c in filters.corridor]))
    if filters.route:
        head.append(_join([style.route_label(r) for r in filters.route], "or"))
    legs = "legs"
    if filters.mode:
        legs = _join(list(filters.mode), "or") + " " + legs
    if status:
        legs = f"{statuses} {legs}"
    elif filters.asof is not None:
        legs = "operational " + legs
    clause = legs if (status or filters.mode or filters.asof) else ""
    if not head and clause:
        clause = "All " + clause
    if not head and not clause:
        everything = set(DEFAULT_LAYERS) <= set(filters.layers)
        head.append("All corridors and layers" if everything else "All corridors")
    return head, clause


def describe(filters: Filters, names: Names | None = None) -> str:
    """One English line for what the filters show, e.g.
    "Middle Corridor, operational legs in Georgia, as of 7 Oct 2025".

    It never says more than the map shows: legs are named only when the corridor layer is on
    (otherwise the line names the layers that are), planned projects only when they can be on
    the map, and a status only when it applies (a date shows what was operational then).
    """
    names = names or Names()
    if i18n.current() != i18n.DEFAULT:
        return _describe_as_list(filters, names)
    status = effective(filters, "status")
    legs_shown = catalog.CORRIDOR_LEGS.key in filters.layers
    statuses = _join([style.label(style.STATUS_STYLES, s).lower() for s in status], "or")
    if legs_shown:
        head, clause = _legs_phrase(filters, status, statuses)
    else:
        shown = [s.title for s in catalog.LAYERS if s.key in filters.layers]
        head, clause = [_join(shown) if shown else "No layer"], f"{statuses} only" if status else ""
    text = ", ".join([*head, clause]) if clause else ", ".join(head)
    if filters.countries:
        text += " in " + _join([names.countries.get(c, c) for c in filters.countries], "or")
    with_status = {catalog.CORRIDOR_LEGS.key, catalog.PIPELINES.key} & set(filters.layers)
    if filters.asof is not None:
        text += f", as of {format_date(filters.asof)}"
    elif not status and with_status:
        text += ", including planned projects"
    hidden = [s.title for s in catalog.LAYERS if s.key not in filters.layers]
    if legs_shown and hidden and set(filters.layers) != set(DEFAULT_LAYERS):
        text += f" (hidden: {_join(hidden)})"
    return text[0].upper() + text[1:]


def _describe_as_list(filters: Filters, names: Names) -> str:
    """The description in a language other than English: each active filter as "what:
    values", joined by " · " (word order and agreement differ too much between languages for
    the English sentence's pieces to be translated one by one)."""
    status = effective(filters, "status")
    with_status = {catalog.CORRIDOR_LEGS.key, catalog.PIPELINES.key} & set(filters.layers)
    parts: list[str] = []

    def part(title: str, values: Sequence[str]) -> None:
        if values:
            parts.append(f"{title}: {', '.join(values)}")

    part(gettext("Corridor"), [style.label(style.CORRIDOR_STYLES, c) for c in filters.corridor])
    part(gettext("Route"), [style.route_label(r) for r in filters.route])
    part(gettext("Mode"), [style.code_label("mode", m) for m in filters.mode])
    part(gettext("Status"), [style.label(style.STATUS_STYLES, v) for v in status])
    part(gettext("Countries"), [names.countries.get(c, c) for c in filters.countries])
    if filters.asof is not None:
        part(gettext("As of"), [format_date(filters.asof)])
    elif not status and with_status:
        parts.append(gettext("including planned projects"))
    if catalog.CORRIDOR_LEGS.key not in filters.layers:
        shown = [gettext(s.title) for s in catalog.LAYERS if s.key in filters.layers]
        part(gettext("Layers"), shown or [gettext("none")])
    elif set(filters.layers) != set(DEFAULT_LAYERS):
        hidden = [gettext(s.title) for s in catalog.LAYERS if s.key not in filters.layers]
        part(gettext("Hidden layers"), hidden)
    if parts == [gettext("including planned projects")] and set(DEFAULT_LAYERS) <= set(
        filters.layers
    ):
        return gettext("All corridors and layers, including planned projects")
    text = " · ".join(parts) or gettext("All corridors")
    return text[0].upper() + text[1:]
