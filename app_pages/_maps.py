"""Map rendering: the explorer's and the presentation's stable base map, a page section's
whole small map (drawn with st_folium), and where the map fetches the land from.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st
from streamlit_folium import st_folium

from app_pages import _data, _state
from corridormap import assets, catalog, formatting, mapbuild
from corridormap.i18n import _

_LAND_FILE = Path(__file__).resolve().parents[1] / "static" / mapbuild.LAND_STATIC_FILE


@st.cache_resource(ttl=60, show_spinner=False)
def _land_problem(mtime_ns: int) -> str | None:
    del mtime_ns  # the cache key: a rewritten file is checked again
    return mapbuild.land_file_problem(_LAND_FILE)


def land_url() -> str | None:
    """The URL the map fetches the land from, when the app serves a sound shipped basemap file.

    With another data folder (``CORRIDORMAP_DATA_DIR``), or when the file is missing or
    broken, the land travels inline instead.
    """
    shipped = str(catalog.default_data_dir()) == str(catalog.repo_data_dir())
    return mapbuild.LAND_URL if shipped and _land_file_problem() is None else None


def _land_file_problem() -> str | None:
    try:
        mtime = _LAND_FILE.stat().st_mtime_ns
    except OSError:
        return f"{_LAND_FILE.name} is missing"
    return _land_problem(mtime)


@st.cache_resource(ttl=60, show_spinner=False)
def _asset_problems() -> list[str]:
    problems = mapbuild.asset_problems()
    if not problems:
        try:
            assets.use_offline_assets(required=(mapbuild.LeanMap,))
        except assets.UnmappedAssetError as exc:
            problems = [str(exc)]
    return problems


def _use_bundled() -> None:
    st.session_state["f_basemap"] = "bundled"


def online_basemap_note() -> None:
    """Under a map with an online basemap: it needs a network, and one click goes back."""
    note, button = st.columns([3, 1], vertical_alignment="center")
    note.caption(
        _(
            "This basemap is fetched from the internet; without a network the map says so and "
            "shows the bundled land."
        )
    )
    button.button(_("Use the bundled basemap"), on_click=_use_bundled, icon=":material/map:")


def can_draw() -> bool:
    """Whether maps can be drawn; if not, or if the land file is broken, say so here."""
    problems = _asset_problems()
    if problems:
        st.error(
            _("**The map cannot be drawn**: its browser files are damaged.")
            + " "
            + "; ".join(formatting.md_escape(p) for p in problems)
            + ". "
            + _(
                "Restore them from the repository (or run `make vendor`); the rest of the page "
                "works."
            )
        )
        return False
    shipped = str(catalog.default_data_dir()) == str(catalog.repo_data_dir())
    land = _land_file_problem() if shipped else None
    if land is not None:
        st.warning(
            _(
                "The basemap file static/{file} is unusable ({problem}): the map carries the land "
                "inline, which is slower. Run `corridormap build-data` to rebuild it."
            ).format(file=mapbuild.LAND_STATIC_FILE, problem=formatting.md_escape(land))
        )
    return True


def base_map(basemap_key: str) -> Any:
    """The stable base map (land, chrome) that st_folium keeps across reruns; the overlays
    (and a legend of them, ``mapbuild.legend_group``) are its feature groups.

    Rebuilt per run (st_folium adds the overlay groups to it), but from the cached land JSON.
    """
    frames = _data.layers().frames
    url = land_url()
    return mapbuild.base_map(
        frames.get(catalog.COUNTRIES.key),
        basemap_key=basemap_key,
        land_json=None if url else _data.land_json(),  # fetched from url, or inline
        land_url=url,
    )


def drawable() -> bool:
    """Whether maps can be drawn (their browser files are sound); ``can_draw`` says why not."""
    return not _asset_problems()


#: The width a section's map is fitted for before the browser refits it to its real width.
SECTION_MAP_WIDTH_PX = 900


def small_map(
    frames: dict[str, Any],
    *,
    key: str,
    height: int = 460,
    fit: tuple[float, float, float, float] | None = None,
    follow: bool = False,
    showing: Any = None,
    **kwargs: Any,
) -> None:
    """A whole map (basemap, these layers, legend) for a page section, fitted to ``fit``
    (lon/lat bounds) when given. With ``follow``, where the user moves it is the view of the
    link and of the page's exports (``_state.take_view``), and a link's view opens it while it
    shows the same (``showing``: its route, its filters; ``_state.linked_view``)."""
    if not can_draw():
        return
    linked = _state.linked_view(key, showing) if follow else None
    if linked is not None:
        kwargs["view"], fit = linked, None
    elif fit is not None:
        kwargs.setdefault("view", mapbuild.fit_bounds(fit, size_px=(SECTION_MAP_WIDTH_PX, height)))
    m = mapbuild.build_map(
        frames,
        land=_data.layers().frames.get(catalog.COUNTRIES.key),
        land_url=land_url(),
        fit=fit,
        **kwargs,
    )
    if not follow:
        st_folium(m, key=key, height=height, use_container_width=True, returned_objects=[])
        return
    # The map reports its view: the user's moves go into the link and the page's exports.
    result = st_folium(
        m, key=key, height=height, use_container_width=True, returned_objects=_state.VIEW_OBJECTS
    )
    asked: mapbuild.MapView = kwargs.get("view") or mapbuild.MapView()
    _state.take_view(result, key, (list(asked.center), asked.zoom))
