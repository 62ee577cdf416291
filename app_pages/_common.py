"""What every page shares: cached loaders, the filter sidebar bound to the link, the footer.

The URL is the source of truth when a session starts; after that the widgets are, and the URL
follows them on every run, so the address bar always reproduces the view.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from corridormap import analysis, catalog, filters, links, load, mapbuild, present, style
from corridormap.filters import Filters
from corridormap.links import ViewState


def data_dir() -> str:
    """The data folder, read on every call so that ``CORRIDORMAP_DATA_DIR`` can change it."""
    return str(catalog.default_data_dir())


# ---------------------------------------------------------------------------------------------
# Cached loaders (pure functions underneath)
#
# st.cache_resource, not st.cache_data: cache_data pickles its value and unpickles a copy on
# every call, which for the layers was 39 % of a rerun (bench/results/profile.md). These values
# are read-only by contract: the core's functions never modify their inputs (filters return new
# frames), so every session can share one object.


@st.cache_resource(show_spinner="Loading layers…")
def _layers(folder: str) -> load.Layers:
    return load.load_all(Path(folder))


def layers() -> load.Layers:
    """Every shipped layer, validated once per process (broken layers are listed, not fatal)."""
    return _layers(data_dir())


@st.cache_resource(show_spinner=False)
def _crossings(folder: str) -> dict[str, pd.Series]:
    result = _layers(folder)
    countries = result.frames.get(catalog.COUNTRIES.key)
    if countries is None:
        return {}
    return {
        spec.key: filters.feature_countries(spec, result.frames[spec.key], countries)
        for spec in catalog.LAYERS
        if spec.country_property is None and spec.key in result.frames
    }


def crossings() -> dict[str, pd.Series]:
    """Countries each feature lies in or crosses, computed once from the geometries."""
    return _crossings(data_dir())


@st.cache_resource(show_spinner=False)
def _manifest(folder: str) -> dict[str, Any]:
    path = Path(folder) / "manifest.json"
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return {}


@st.cache_resource(show_spinner=False)
def _source_register(folder: str) -> dict[str, str]:
    return load.load_source_register(Path(folder))


def source_register() -> dict[str, str]:
    """Source URL -> date of that page, for the dates beside each source on a card."""
    return _source_register(data_dir())


def manifest() -> dict[str, Any]:
    return _manifest(data_dir())


def asof_max() -> date:
    """The end of the as-of range: the latest dated event in the data."""
    return filters.latest_date(layers().frames)


def vocabulary() -> links.Vocabulary:
    return links.Vocabulary.from_frames(layers().frames, mapbuild.BASEMAP_KEYS, asof_max())


def country_names() -> dict[str, str]:
    countries = layers().frames.get(catalog.COUNTRIES.key)
    if countries is None:
        return {}
    return dict(zip(countries["iso3"], countries["name"], strict=True))


def show_layer_errors(keys: tuple[str, ...] | None = None) -> None:
    """A clear error per broken layer this page needs; the page goes on with the others."""
    for key, err in layers().errors.items():
        if keys is None or key in keys:
            title = present.md_escape(catalog.get(key).title)
            st.error(f"**{title}** could not be loaded and is not shown.\n\n{problem_list(err)}")


def problem_list(err: load.DataValidationError, limit: int = 20) -> str:
    """The problems as a markdown list; every text from the file is escaped (no code fence to
    break out of)."""
    lines = [f"- {present.md_escape(str(p))}" for p in err.problems[:limit]]
    if len(err.problems) > limit:
        lines.append(f"- … and {len(err.problems) - limit} more")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# State: link -> widgets -> link

_KEYS = {
    "countries": "f_countries",
    "corridor": "f_corridor",
    "route": "f_route",
    "mode": "f_mode",
    "status": "f_status",
    "layers": "f_layers",
}


def _seed_from_link() -> None:
    """On a session's first run, put the link's view into the widgets' state."""
    if st.session_state.get("_seeded"):
        return
    query = {k: st.query_params.get_all(k) for k in st.query_params}
    state, notices = links.parse(query, vocabulary())
    f = state.filters
    ss = st.session_state
    for name, key in _KEYS.items():
        ss[key] = list(getattr(f, name))
    ss["f_asof_on"] = f.asof is not None
    ss["f_asof"] = f.asof or min(asof_max(), date(2025, 10, 7))
    ss["f_basemap"] = state.basemap
    ss["selected"] = state.select
    ss["view"] = (state.lat, state.lon, state.zoom)
    if state.select and state.lat is None:
        select(state.select, layers().frames)  # a link to a feature opens on it
    ss["link_notices"] = [str(n) for n in notices]
    ss["_seeded"] = True


def current_state() -> ViewState:
    """The view as the widgets hold it now."""
    ss = st.session_state
    f = Filters(
        countries=tuple(ss.get("f_countries", ())),
        corridor=tuple(ss.get("f_corridor", ())),
        route=tuple(ss.get("f_route", ())),
        mode=tuple(ss.get("f_mode", ())),
        status=tuple(ss.get("f_status", ())),
        asof=ss.get("f_asof") if ss.get("f_asof_on") else None,
        layers=tuple(
            k for k in catalog.layer_keys() if k in ss.get("f_layers", catalog.layer_keys())
        ),
    )
    lat, lon, zoom = ss.get("view", (None, None, None))
    return ViewState(f, ss.get("selected"), lat, lon, zoom, ss.get("f_basemap", "bundled"))


def sync_link(state: ViewState) -> None:
    """Write the view into the address bar (only what differs from the defaults)."""
    params = links.to_params(state)
    # a page's own parameters (the presentation page's briefing and scene) stay in the link
    params |= {k: str(st.query_params[k]) for k in links.PAGE_PARAMS if k in st.query_params}
    current = {k: st.query_params.get(k) for k in st.query_params}
    if current != params:
        st.query_params.from_dict(params)


def sidebar() -> ViewState:
    """The shared filter sidebar; returns the view it describes."""
    _seed_from_link()
    frames = layers().frames
    names = country_names()
    legs = frames.get(catalog.CORRIDOR_LEGS.key)
    routes = sorted(legs["route"].unique()) if legs is not None else []
    with st.sidebar:
        st.markdown("### corridormap")
        st.multiselect(
            "Countries",
            sorted(names, key=lambda c: names[c]),
            key="f_countries",
            format_func=lambda c: f"{names.get(c, c)} ({c})",
            help="Shows legs, pipelines and nodes that lie in or cross these countries "
            "(computed from the geometries), and these countries' own records.",
            placeholder="All countries",
        )
        st.multiselect(
            "Corridor",
            catalog.CORRIDORS,
            key="f_corridor",
            format_func=lambda v: style.label(style.CORRIDOR_STYLES, v),
            placeholder="All corridors",
        )
        st.multiselect(
            "Route",
            routes,
            key="f_route",
            format_func=style.route_label,
            placeholder="All routes",
        )
        st.multiselect(
            "Mode",
            catalog.MODES,
            key="f_mode",
            format_func=lambda v: style.MODE_LABELS.get(v, v),
            placeholder="All modes",
        )
        st.multiselect(
            "Status",
            catalog.STATUS,
            key="f_status",
            format_func=lambda v: style.label(style.STATUS_STYLES, v),
            placeholder="Any status",
        )
        st.toggle(
            "Show the map as of a date",
            key="f_asof_on",
            help="Off: everything, including planned and under-construction projects. "
            "On: only what was operational, supplied, joined or held by the date.",
        )
        st.date_input(
            "As of",
            key="f_asof",
            min_value=filters.ASOF_MIN,
            max_value=asof_max(),
            disabled=not st.session_state.get("f_asof_on"),
            format="YYYY-MM-DD",
        )
        st.multiselect(
            "Layers",
            catalog.layer_keys() + tuple(user_layers()),
            key="f_layers",
            format_func=lambda k: spec(k).title,
        )
        st.selectbox(
            "Basemap",
            mapbuild.BASEMAP_KEYS,
            key="f_basemap",
            format_func=lambda k: mapbuild.basemap(k).label,
            help="The bundled basemap works offline; the others need a network.",
        )
    state = current_state()
    sync_link(state)
    return state


def link_notices() -> None:
    """Values dropped from the link this session was opened with, named one by one."""
    notices = st.session_state.get("link_notices") or []
    if notices:
        st.warning(
            "Some link parameters could not be used and were dropped:\n\n"
            + "\n".join(f"- {present.md_escape(n)}" for n in notices),  # values from the link
            icon=":material/link_off:",
        )


def names() -> filters.Names:
    return filters.Names(countries=country_names())


# ---------------------------------------------------------------------------------------------
# Footer


def sources_footer() -> None:
    info = manifest()
    st.divider()
    newest = info.get("reference", {}).get("newest_dated_source")
    st.caption(
        "Every feature carries its own dated sources: click it for its card. "
        "Basemap: Natural Earth (public domain). Boundary policy: see the README"
        " (Crimea is shown as part of Ukraine; Northern Cyprus and Kosovo separately)."
        + (f" Newest dated source: {newest}." if newest else "")
    )


# ---------------------------------------------------------------------------------------------
# Filtering, selection and the map view


@st.cache_resource(show_spinner=False, max_entries=64)
def _filtered(f: Filters, folder: str) -> dict[str, Any]:
    return filters.apply(_layers(folder).frames, f, _crossings(folder))


def filtered(f: Filters) -> dict[str, Any]:
    """The features every layer shows under ``f`` (cached per filter set)."""
    return _filtered(f, data_dir())


def land_url() -> str | None:
    """The URL the map fetches the land from, when the app serves the shipped basemap file.

    With another data folder (``CORRIDORMAP_DATA_DIR``), the land travels inline instead.
    """
    shipped = str(catalog.default_data_dir()) == str(catalog.repo_data_dir())
    static = Path(__file__).resolve().parents[1] / "static" / mapbuild.LAND_STATIC_FILE
    return mapbuild.LAND_URL if shipped and static.exists() else None


@st.cache_resource(show_spinner=False)
def _land_json(folder: str) -> str | None:
    land = _layers(folder).frames.get(catalog.COUNTRIES.key)
    return None if land is None else mapbuild.land_collection_json(land)


def base_map(basemap_key: str) -> Any:
    """The stable base map (land, chrome, legend) that st_folium keeps across reruns.

    Rebuilt per run (st_folium adds the overlay groups to it), but from the cached land JSON.
    """
    frames = layers().frames
    url = land_url()
    m = mapbuild.base_map(
        frames.get(catalog.COUNTRIES.key),
        basemap_key=basemap_key,
        land_json=None if url else _land_json(data_dir()),  # fetched from url, or inline
        land_url=url,
    )
    keys = [*frames, *user_layers()]
    m.add_child(mapbuild.Legend(mapbuild.legend_html(keys, collapsed=True, specs=all_specs())))
    return m


@st.cache_resource(show_spinner=False, max_entries=64)
def _overlay_json(f: Filters, folder: str) -> dict[str, str]:
    shown = _filtered(f, folder)
    return {
        spec.key: mapbuild.overlay_json(spec, shown[spec.key])
        for spec in catalog.LAYERS
        if spec.key in shown
    }


def overlay_json(f: Filters) -> dict[str, str]:
    """The browser payload of each shipped layer under ``f``, serialised once per filter set."""
    return _overlay_json(f, data_dir())


def parse_key(key: str | None) -> tuple[str, str] | None:
    if not key or ":" not in key:
        return None
    layer, _, fid = key.partition(":")
    return layer, fid


def selected_feature(frames: dict[str, Any]) -> tuple[str, str] | None:
    sel = parse_key(st.session_state.get("selected"))
    if sel is None or sel[0] not in frames or sel[1] not in frames[sel[0]].index:
        return None
    return sel


def select(key: str, frames: dict[str, Any], *, move: bool = True) -> None:
    """Select a feature (``layer:id``); with ``move``, zoom the map to it."""
    sel = parse_key(key)
    if sel is None or sel[0] not in frames or sel[1] not in frames[sel[0]].index:
        return
    st.session_state["selected"] = key
    if move:
        geom = frames[sel[0]].loc[sel[1]].geometry
        (lat, lon), zoom = present.focus(geom)
        st.session_state["view"] = (round(lat, 4), round(lon, 4), zoom)


def map_view(state: ViewState, frames: dict[str, Any]) -> tuple[list[float], int]:
    del frames
    center = (
        [state.lat, state.lon]
        if state.lat is not None and state.lon is not None
        else list(style.DEFAULT_CENTER)
    )
    return center, state.zoom if state.zoom is not None else style.DEFAULT_ZOOM


def take_click(result: dict[str, Any] | None, frames: dict[str, Any]) -> None:
    """A click on a feature selects it (without moving the map)."""
    drawing = (result or {}).get("last_active_drawing") or {}
    props = drawing.get("properties") or {}
    layer, fid = props.get("layer"), props.get("id")
    if not (isinstance(layer, str) and isinstance(fid, str)):
        return
    key = f"{layer}:{fid}"
    if key == st.session_state.get("_last_click"):
        return
    st.session_state["_last_click"] = key
    if key != st.session_state.get("selected"):
        select(key, frames, move=False)
        st.rerun()


@st.cache_resource(show_spinner=False)
def _leg_table(folder: str) -> Any:
    frames = _layers(folder).frames
    if catalog.CORRIDOR_LEGS.key not in frames or catalog.COUNTRIES.key not in frames:
        return None
    return analysis.leg_table(frames[catalog.CORRIDOR_LEGS.key], frames[catalog.COUNTRIES.key])


def leg_table() -> Any:
    """Every leg with computed geodesic km and km per country (None if a layer is missing)."""
    return _leg_table(data_dir())


@st.cache_resource(show_spinner=False)
def _participants(folder: str) -> Any:
    try:
        return load.load_participants(Path(folder))
    except load.DataValidationError as exc:
        return exc


@st.cache_resource(show_spinner=False)
def _gas_exports(folder: str) -> Any:
    try:
        return load.load_gas_exports(Path(folder))
    except load.DataValidationError as exc:
        return exc


def gas_exports() -> Any:
    """Gas exports by year, or the error that stopped the table loading."""
    return _gas_exports(data_dir())


def participants() -> Any:
    """The OTS members and observers table, or the error that stopped it loading."""
    return _participants(data_dir())


def small_map(frames: dict[str, Any], *, key: str, height: int = 460, **kwargs: Any) -> None:
    """A whole map (basemap, these layers, legend) for a page section."""
    m = mapbuild.build_map(
        frames, land=layers().frames.get(catalog.COUNTRIES.key), land_url=land_url(), **kwargs
    )
    st_folium(m, key=key, height=height, use_container_width=True, returned_objects=[])


# ---------------------------------------------------------------------------------------------
# Users' own layers: this session's only (st.session_state), never in a cross-session cache

USER_LAYERS = "user_layers"


def user_layers() -> dict[str, Any]:
    """This session's own layers, ``key -> upload.UserLayer``, in the order they were added."""
    layers_: dict[str, Any] = st.session_state.setdefault(USER_LAYERS, {})
    return layers_


def all_specs() -> tuple[catalog.LayerSpec, ...]:
    """The shipped layers' specs, then this session's own layers'."""
    return catalog.LAYERS + tuple(u.spec for u in user_layers().values())


def spec(key: str) -> catalog.LayerSpec:
    """The spec of a shipped or user layer."""
    for s in all_specs():
        if s.key == key:
            return s
    raise KeyError(f"unknown layer {key!r}")


def all_frames() -> dict[str, Any]:
    """Every loaded layer: the shipped ones, then this session's own."""
    return {**layers().frames, **{k: u.gdf for k, u in user_layers().items()}}


def user_filtered(f: Filters) -> dict[str, Any]:
    """This session's visible own layers under ``f`` (country filter: by geometry)."""
    own = user_layers()
    chosen = set(st.session_state.get("f_layers", ()))
    visible = tuple(k for k in own if k in chosen)
    if not visible:
        return {}
    frames = {k: own[k].gdf for k in visible}
    countries = layers().frames.get(catalog.COUNTRIES.key)
    crossed: dict[str, pd.Series] = st.session_state.setdefault("user_crossings", {})
    if f.countries and countries is not None:
        frames[catalog.COUNTRIES.key] = countries
        for k in visible:
            if k not in crossed:
                crossed[k] = filters.feature_countries(own[k].spec, own[k].gdf, countries)
    return filters.apply(
        frames,
        replace(f, layers=visible),
        {k: crossed[k] for k in visible if k in crossed},
        specs=[own[k].spec for k in visible],
    )


def add_user_layer(layer: Any) -> None:
    """Keep a new own layer in this session and switch it on."""
    user_layers()[layer.spec.key] = layer
    st.session_state["user_layer_count"] = st.session_state.get("user_layer_count", 0) + 1
    st.session_state["f_layers"] = [*st.session_state.get("f_layers", ()), layer.spec.key]


def remove_user_layer(key: str) -> None:
    user_layers().pop(key, None)
    st.session_state.get("user_crossings", {}).pop(key, None)
    st.session_state["f_layers"] = [k for k in st.session_state.get("f_layers", ()) if k != key]
    if (st.session_state.get("selected") or "").startswith(f"{key}:"):
        st.session_state["selected"] = None


# ---------------------------------------------------------------------------------------------
# Timing hook for bench/ (off unless CORRIDORMAP_TIMINGS names a file)


def record_run(started: float, page: str = "") -> None:
    """Append one JSON line (end time, page, seconds since ``started``) to $CORRIDORMAP_TIMINGS."""
    path = os.environ.get("CORRIDORMAP_TIMINGS")
    if path:
        line = {"t": time.time(), "page": page, "seconds": time.perf_counter() - started}
        with Path(path).open("a", encoding="utf-8") as out:
            out.write(json.dumps(line) + "\n")
