"""Map rendering: the explorer's and the presentation's stable base map, a page section's
whole small map (drawn with st_folium), and where the map fetches the land from.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from streamlit_folium import st_folium

from app_pages import _data, _user_layers
from corridormap import catalog, mapbuild


def land_url() -> str | None:
    """The URL the map fetches the land from, when the app serves the shipped basemap file.

    With another data folder (``CORRIDORMAP_DATA_DIR``), the land travels inline instead.
    """
    shipped = str(catalog.default_data_dir()) == str(catalog.repo_data_dir())
    static = Path(__file__).resolve().parents[1] / "static" / mapbuild.LAND_STATIC_FILE
    return mapbuild.LAND_URL if shipped and static.exists() else None


def base_map(basemap_key: str) -> Any:
    """The stable base map (land, chrome, legend) that st_folium keeps across reruns.

    Rebuilt per run (st_folium adds the overlay groups to it), but from the cached land JSON.
    """
    frames = _data.layers().frames
    url = land_url()
    m = mapbuild.base_map(
        frames.get(catalog.COUNTRIES.key),
        basemap_key=basemap_key,
        land_json=None if url else _data.land_json(),  # fetched from url, or inline
        land_url=url,
    )
    keys = [*frames, *_user_layers.user_layers()]
    m.add_child(
        mapbuild.Legend(mapbuild.legend_html(keys, collapsed=True, specs=_user_layers.all_specs()))
    )
    return m


def small_map(frames: dict[str, Any], *, key: str, height: int = 460, **kwargs: Any) -> None:
    """A whole map (basemap, these layers, legend) for a page section."""
    m = mapbuild.build_map(
        frames, land=_data.layers().frames.get(catalog.COUNTRIES.key), land_url=land_url(), **kwargs
    )
    st_folium(m, key=key, height=height, use_container_width=True, returned_objects=[])
