"""The other map stack a Streamlit user would pick: the same layers with ``st.pydeck_chart``.

deck.gl draws in WebGL in the browser; there is no basemap (``map_provider=None`` and pydeck's
default ``map_style``: nothing is fetched from a tile or style server; with ``map_style=None``
Streamlit's front end would fetch a Carto style from the internet); the countries are the land,
as in corridormap. Written the way a careful Streamlit page would be: the layers are read once
per process (``st.cache_resource``), the filters are the explorer's legend in its simplest
form, with the same widget keys (``lg_corridor_<value>``, ``lg_status_<value>``), so the same
drivers run every app. Each run sends the filtered layers to the browser as deck.gl JSON.

    streamlit run bench/pydeck_app.py   (from the repository root)

With ``CORRIDORMAP_TIMINGS`` set, each run appends its server time, as app.py does.
"""

import json
import os
import time
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pydeck as pdk
import streamlit as st

from corridormap import load, style

started = time.perf_counter()

CORRIDORS = [e.value for e in style.CORRIDOR_STYLES]
STATUSES = [e.value for e in style.STATUS_STYLES]
COLUMNS = ("id", "name", "title", "corridor", "status", "mode", "ots_status", "geometry")

st.set_page_config(page_title="corridormap pydeck peer", layout="wide")


def rgb(color: str, alpha: int = 255) -> list[int]:
    c = color.lstrip("#")
    return [int(c[i : i + 2], 16) for i in (0, 2, 4)] + [alpha]


@st.cache_resource
def layers() -> dict[str, gpd.GeoDataFrame]:
    frames = load.load_all().frames
    return {k: gdf[[c for c in COLUMNS if c in gdf.columns]] for k, gdf in frames.items()}


def geojson(gdf: gpd.GeoDataFrame, color_of: object) -> dict[str, object]:
    data = json.loads(gdf.to_json(drop_id=True))
    for feature in data["features"]:
        feature["properties"]["color"] = color_of(feature["properties"])  # type: ignore[operator]
    return data


map_col, side_col = st.columns([3, 1.15])
with side_col:
    st.caption("Legend · untick to filter")
    corridors = [c for c in CORRIDORS if st.checkbox(c, True, key=f"lg_corridor_{c}")]
    statuses = [s for s in STATUSES if st.checkbox(s, True, key=f"lg_status_{s}")]

frames = dict(layers())
legs = frames["corridors"]
frames["corridors"] = legs[legs["corridor"].isin(corridors) & legs["status"].isin(statuses)]
pipes = frames["pipelines"]
frames["pipelines"] = pipes[pipes["status"].isin(statuses)]

ots = style.OTS_STYLES
deck_layers = [
    pdk.Layer(
        "GeoJsonLayer",
        geojson(
            frames["countries"],
            lambda p: rgb(
                style.entry(ots, p["ots_status"]).color
                if p.get("ots_status") in {e.value for e in ots}
                else style.LAND,
                200,
            ),
        ),
        id="countries",
        filled=True,
        stroked=True,
        get_fill_color="properties.color",
        get_line_color=rgb(style.LAND_BORDER),
        line_width_min_pixels=0.6,
        pickable=True,
    ),
    pdk.Layer(
        "GeoJsonLayer",
        geojson(frames["gas_destinations"], lambda _p: [217, 72, 1, 150]),
        id="gas_destinations",
        filled=True,
        get_fill_color="properties.color",
        get_line_color=[127, 39, 4, 255],
        line_width_min_pixels=0.8,
        point_radius_min_pixels=6,
        pickable=True,
    ),
    pdk.Layer(
        "GeoJsonLayer",
        geojson(frames["pipelines"], lambda _p: rgb(style.PIPELINE_COLOR)),
        id="pipelines",
        get_line_color="properties.color",
        line_width_min_pixels=3,
        pickable=True,
    ),
    pdk.Layer(
        "GeoJsonLayer",
        geojson(frames["corridors"], lambda p: rgb(style.corridor_color(p["corridor"]))),
        id="corridors",
        get_line_color="properties.color",
        line_width_min_pixels=4,
        pickable=True,
    ),
]
for key in ("nodes", "summits", "annotations"):
    deck_layers.append(
        pdk.Layer(
            "GeoJsonLayer",
            geojson(frames[key], lambda _p: [59, 59, 59, 255]),
            id=key,
            get_fill_color=[255, 255, 255, 255],
            get_line_color="properties.color",
            point_radius_min_pixels=5,
            line_width_min_pixels=1,
            pickable=True,
        )
    )

lat, lon = style.DEFAULT_CENTER
view = pdk.ViewState(latitude=lat, longitude=lon, zoom=style.DEFAULT_ZOOM - 1)
with map_col:
    st.pydeck_chart(
        pdk.Deck(
            layers=deck_layers,
            initial_view_state=view,
            # no basemap. map_style=None would not do: Streamlit's front end then picks a
            # Carto style from the internet; pydeck's default style with no provider is none
            map_provider=None,
            tooltip={"text": "{name}{title}"},
        ),
        height=620,
        key="explorer_map",
    )

st.markdown("##### What the map shows")
st.dataframe(pd.DataFrame(frames["corridors"].drop(columns="geometry")))

if os.environ.get("CORRIDORMAP_TIMINGS"):
    with Path(os.environ["CORRIDORMAP_TIMINGS"]).open("a", encoding="utf-8") as out:
        line = {"t": time.time(), "page": "pydeck", "seconds": time.perf_counter() - started}
        out.write(json.dumps(line) + "\n")
