"""Warm start: build what every session shares before the server reports healthy.

``deploy/serve.py`` calls ``warm()`` in the server process before Streamlit starts, so the
first visitor of a replica does not pay for importing the map stack and building the
process-wide caches. st.cache_resource values live in the process, keyed by the function's
module and source, and the app's pages import these same modules, so the runs that follow
find them filled.

streamlit-folium is the one module left for the first run: a Streamlit component registers
itself with the running server when its module is imported inside a script run, and there
is no server yet here (imported now, its map would answer 404). Its dependencies are
imported here, which is most of its import time.
"""

from __future__ import annotations

import importlib
import logging
import time

from app_pages import _data
from corridormap import catalog, links, mapbuild

# The helper modules the pages import (but _maps, which imports streamlit-folium), and what
# they and streamlit-folium import: folium's plugins, geopandas, Altair.
_MODULES = (
    "folium.plugins",
    "app_pages._cards",
    "app_pages._exports",
    "app_pages._legend",
    "app_pages._search",
    "app_pages._sidebar",
    "app_pages._state",
    "app_pages._tables",
    "app_pages._user_layers",
    "corridormap.charts",
    "corridormap.export",
)


def warm() -> dict[str, float]:
    """Import the pages' modules and fill the caches the default view reads; seconds per step."""
    took: dict[str, float] = {}
    # Outside a script run Streamlit logs that there is no ScriptRunContext for every cached
    # call; that is expected here.
    ctx_log = logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context")
    level = ctx_log.level
    ctx_log.setLevel(logging.ERROR)
    try:
        start = time.perf_counter()
        for name in _MODULES:
            importlib.import_module(name)
        took["imports"] = time.perf_counter() - start

        start = time.perf_counter()
        state, _notices = links.parse({}, _data.vocabulary())
        default = state.filters
        _data.crossings()
        _data.land_json()
        _data.overlay_json(default)
        _data.newest_source(default)
        _data.feature_names()
        _data.source_register()
        _data.manifest()
        _data.leg_table()
        _data.review_items()
        took["caches"] = time.perf_counter() - start

        start = time.perf_counter()
        # the base map's templates (Jinja compiles each element's template on first use)
        mapbuild.base_map(
            _data.layers().frames.get(catalog.COUNTRIES.key),
            basemap_key="bundled",
            land_json=None,
            land_url=mapbuild.LAND_URL,
        ).get_root().render()
        took["templates"] = time.perf_counter() - start
    finally:
        ctx_log.setLevel(level)
    return took
