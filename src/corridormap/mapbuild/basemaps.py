"""Basemaps: the bundled land or an online tile layer (xyzservices), by key.

``BASEMAPS`` lists those this installation can show (an online one needing a key only when its
key is set); ``basemap(key)`` gives one.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Final

import xyzservices.providers as xyz

from corridormap.i18n import N_


@dataclass(frozen=True, slots=True)
class Basemap:
    key: str
    label: str
    online: bool
    tiles: str | None = None
    attribution: str | None = None
    max_zoom: int = 18


#: Environment variable holding a CARTO API key (CARTO's tiles need one since 2026).
CARTO_KEY_ENV: Final = "CORRIDORMAP_CARTO_API_KEY"


def _xyz(key: str, label: str, provider: Any, token_env: str | None = None) -> Basemap | None:
    """An online basemap from xyzservices; None when it needs a token that is not set."""
    kwargs = {}
    if provider.requires_token():
        token = os.environ.get(token_env or "")
        if not token:
            return None
        kwargs["apikey"] = token
    return Basemap(
        key=key,
        label=label,
        online=True,
        tiles=provider.build_url(**kwargs),
        attribution=provider.html_attribution,
        max_zoom=int(provider.get("max_zoom", 18)),
    )


def _available(*maps: Basemap | None) -> tuple[Basemap, ...]:
    return tuple(m for m in maps if m is not None)


BASEMAPS: Final[tuple[Basemap, ...]] = _available(
    Basemap("bundled", N_("Bundled (offline, Natural Earth)"), online=False),
    _xyz("osm", N_("OpenStreetMap (online)"), xyz.OpenStreetMap.Mapnik),
    _xyz("positron", N_("CartoDB Positron (online)"), xyz.CartoDB.Positron, CARTO_KEY_ENV),
    _xyz("imagery", N_("Esri World Imagery (online)"), xyz.Esri.WorldImagery),
)
BASEMAP_KEYS: Final = tuple(b.key for b in BASEMAPS)


def basemap(key: str) -> Basemap:
    for b in BASEMAPS:
        if b.key == key:
            return b
    raise KeyError(f"unknown basemap {key!r}; known: {', '.join(BASEMAP_KEYS)}")
