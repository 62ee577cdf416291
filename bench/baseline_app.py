"""The naive baseline the benchmarks compare corridormap with: the obvious folium page.

The same layers as the explorer, drawn the way a first Streamlit + folium page would draw
them: every file read on every run (no caching), the unsimplified Natural Earth 1:10m region
file for the countries, folium's default tooltips (every property), the whole map rebuilt on
every change and ``st_folium`` with its default ``returned_objects`` (so a pan reruns the
script). The filters are the explorer's in their simplest form, with the same widget keys
(``f_corridor``, ``f_status``, ``f_mode``, ``lg_corridor_<value>``, ``lg_status_<value>``) so
one browser driver runs both apps. The only concession: the vendored Leaflet assets
(``use_offline_assets``), without which nothing renders offline and nothing can be measured.

    streamlit run bench/baseline_app.py   (from the repository root: .streamlit/ and static/)

``bench/static`` links to the repository's ``static/``: Streamlit serves the folder beside the
main script. With ``CORRIDORMAP_TIMINGS`` set, each run appends its server time, as app.py does.
"""

import gzip
import json
import os
import time
from pathlib import Path

import folium
import geopandas as gpd
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from corridormap import assets, style

started = time.perf_counter()

REPO = Path(__file__).resolve().parents[1]
LAYERS = REPO / "data" / "layers"
NE_10M = REPO / "data" / "sources" / "ne_10m_admin_0_countries_deu_region.geojson.gz"
CORRIDORS = [e.value for e in style.CORRIDOR_STYLES]
STATUSES = [e.value for e in style.STATUS_STYLES]
MODES = ["rail", "road", "sea"]
LAYER_FILES = ["countries", "gas_destinations", "pipelines", "corridors", "nodes", "summits"]
LAYER_FILES += ["annotations"]

st.set_page_config(page_title="corridormap baseline", layout="wide")


def read_layer(name: str) -> gpd.GeoDataFrame:
    return gpd.read_file(LAYERS / f"{name}.geojson")


def read_countries() -> gpd.GeoDataFrame:
    with gzip.open(NE_10M, "rt", encoding="utf-8") as f:
        raw = json.load(f)
    land = gpd.GeoDataFrame.from_features(raw["features"], crs="EPSG:4326")
    ots = read_layer("countries")[["iso3", "ots_status"]]
    return land.merge(ots, left_on="ADM0_A3", right_on="iso3", how="left")


def is_scalar(value: object) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def jsonable(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Lists (source_url) and dates as text, so that folium can serialise them."""
    out = gdf.copy()
    for col in out.columns:
        if col == "geometry":
            continue
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].astype(str)
        elif out[col].dtype == object:
            out[col] = out[col].map(lambda v: v if is_scalar(v) else ", ".join(map(str, v)))
    return out


# -- the filters, in their simplest form ------------------------------------------------------

with st.sidebar:
    st.markdown("### corridormap (baseline)")
    corridor = st.multiselect("Corridor", CORRIDORS, key="f_corridor")
    status = st.multiselect("Status", STATUSES, key="f_status")
    mode = st.multiselect("Mode", MODES, key="f_mode")
    layers = st.multiselect("Layers", LAYER_FILES, default=LAYER_FILES, key="f_layers")

map_col, side_col = st.columns([3, 1.15])
with side_col:
    st.caption("Legend · untick to filter")
    ticked_corridors = [c for c in CORRIDORS if st.checkbox(c, True, key=f"lg_corridor_{c}")]
    ticked_statuses = [s for s in STATUSES if st.checkbox(s, True, key=f"lg_status_{s}")]

frames = {name: jsonable(read_layer(name)) for name in LAYER_FILES if name in layers}
if "corridors" in frames:
    legs = frames["corridors"]
    legs = legs[legs["corridor"].isin(corridor or CORRIDORS)]
    legs = legs[legs["corridor"].isin(ticked_corridors)]
    legs = legs[legs["status"].isin(status or STATUSES)]
    legs = legs[legs["status"].isin(ticked_statuses)]
    frames["corridors"] = legs[legs["mode"].isin(mode or MODES)]
if "pipelines" in frames:
    pipes = frames["pipelines"]
    pipes = pipes[pipes["status"].isin(status or STATUSES)]
    frames["pipelines"] = pipes[pipes["status"].isin(ticked_statuses)]

# -- the map, rebuilt from scratch on every run -----------------------------------------------

assets.use_offline_assets()
m = folium.Map(location=list(style.DEFAULT_CENTER), zoom_start=style.DEFAULT_ZOOM, tiles=None)
countries = jsonable(read_countries())
folium.GeoJson(
    countries,
    name="Countries",
    style_function=lambda _f: {
        "fillColor": style.LAND,
        "fillOpacity": 1.0,
        "color": style.LAND_BORDER,
        "weight": 0.6,
    },
    tooltip=folium.GeoJsonTooltip(fields=["NAME", "ADM0_A3", "TYPE", "SOVEREIGNT"]),
).add_to(m)
if "countries" in frames:
    ots = countries[countries["ots_status"].fillna("none").ne("none")]
    folium.GeoJson(
        ots,
        name="OTS members and observers",
        style_function=lambda f: {
            "fillColor": style.entry(style.OTS_STYLES, f["properties"]["ots_status"]).color,
            "fillOpacity": 0.5,
            "color": style.LAND_BORDER,
            "weight": 0.6,
        },
        tooltip=folium.GeoJsonTooltip(fields=[c for c in ots.columns if c != "geometry"]),
    ).add_to(m)


def add_layer(name: str, style_function: object) -> None:
    gdf = frames.get(name)
    if gdf is None or gdf.empty:
        return
    fields = [c for c in gdf.columns if c != "geometry"]
    folium.GeoJson(
        gdf,
        name=name,
        style_function=style_function,
        tooltip=folium.GeoJsonTooltip(fields=fields),
        marker=folium.CircleMarker(radius=6, fill=True, fill_opacity=0.9),
    ).add_to(m)


add_layer(
    "gas_destinations",
    lambda _f: {"fillColor": "#d94801", "fillOpacity": 0.6, "color": "#7f2704", "weight": 0.8},
)
add_layer("pipelines", lambda _f: {"color": style.PIPELINE_COLOR, "weight": 3})
add_layer(
    "corridors",
    lambda f: {
        "color": style.corridor_color(f["properties"]["corridor"]),
        "weight": 4,
        "dashArray": style.status_dash(f["properties"]["status"]),
    },
)
for name in ("nodes", "summits", "annotations"):
    add_layer(name, lambda _f: {"color": "#3b3b3b", "fillColor": "#ffffff"})
folium.LayerControl().add_to(m)

with map_col:
    result = st_folium(m, key="explorer_map", height=620, use_container_width=True)

with side_col:
    clicked = (result or {}).get("last_active_drawing") or {}
    props = clicked.get("properties") or {}
    if props:
        st.markdown(f"**{props.get('name') or props.get('NAME') or props.get('title')}**")
        st.json(props, expanded=False)
        st.markdown(f"Sources (as of {props.get('as_of')}): {props.get('source_url')}")

st.markdown("##### What the map shows")
if "corridors" in frames:
    st.dataframe(pd.DataFrame(frames["corridors"].drop(columns="geometry")))

if os.environ.get("CORRIDORMAP_TIMINGS"):
    with Path(os.environ["CORRIDORMAP_TIMINGS"]).open("a", encoding="utf-8") as out:
        line = {"t": time.time(), "page": "baseline", "seconds": time.perf_counter() - started}
        out.write(json.dumps(line) + "\n")
