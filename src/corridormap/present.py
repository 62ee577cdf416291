"""Features for people: cards, tables, downloads and search, driven by the catalog.

Values are formatted here once (dates, km, bcm/y, lists, sources with their dates) so that the
card, the table and the exports say the same thing.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Final
from urllib.parse import quote, urlsplit

import geopandas as gpd
import pandas as pd
from shapely.geometry.base import BaseGeometry

from corridormap import catalog, style
from corridormap.catalog import Kind, LayerSpec, PropertySpec
from corridormap.escape import is_web_url
from corridormap.filters import format_date

#: Properties whose codes are shown by their label from the style module.
_VALUE_LABELS: Final[dict[str, tuple[style.Entry, ...]]] = {
    "corridor": style.CORRIDOR_STYLES,
    "status": style.STATUS_STYLES,
    "ots_status": style.OTS_STYLES,
    "topic": style.TOPIC_STYLES,
    "kind": style.NODE_STYLES + style.SUMMIT_STYLES,
}


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    return isinstance(value, float) and math.isnan(value)


def format_value(prop: PropertySpec, value: Any) -> str:
    """A property value as people read it; "–" for unknown."""
    if _is_missing(value):
        return "–"
    kind = prop.kind
    if kind is Kind.DATE:
        return format_date(date.fromisoformat(str(value)))
    if kind is Kind.BOOL:
        return "yes" if value else "no"
    if kind is Kind.FLOAT:
        number = f"{float(value):,.1f}".rstrip("0").rstrip(".")
        return f"{number} {prop.unit}" if prop.unit else number
    if kind in (Kind.STR_LIST, Kind.URL_LIST):
        return ", ".join(str(v) for v in value)
    if kind is Kind.YEAR_VALUES:
        unit = f" {prop.unit}" if prop.unit else ""
        return "; ".join(f"{y}: {v:g}{unit}" for y, v in sorted(dict(value).items()))
    text = str(value)
    if prop.name == "route":
        return style.route_label(text)
    if prop.name in _VALUE_LABELS:
        return style.label(_VALUE_LABELS[prop.name], text)
    return text


def _date_text(value: str | None) -> str | None:
    try:
        return format_date(date.fromisoformat(value)) if value else None
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class CardRow:
    label: str
    text: str
    help: str = ""


@dataclass(frozen=True, slots=True)
class Card:
    """Everything the detail card shows for one feature."""

    layer: LayerSpec
    feature_id: str
    title: str
    rows: tuple[CardRow, ...]
    sources: tuple[str, ...]
    source_dates: tuple[str | None, ...]  # each source's own date, people-formatted, if known
    as_of: str
    confidence: str | None
    note: str | None


_CARD_SKIP: Final = frozenset({"source_url", "as_of", "confidence", "note"})


def card(
    spec: LayerSpec, row: Mapping[str, Any], register: Mapping[str, str] | None = None
) -> Card:
    """The detail card of one feature: every property, formatted, plus sources and certainty.

    ``register``: source URL -> ISO date of that page (``load.load_source_register``).
    """
    rows = tuple(
        CardRow(p.label, format_value(p, row.get(p.name)), p.help)
        for p in spec.all_properties
        if p.name not in _CARD_SKIP
    )
    confidence = row.get("confidence")
    note = row.get("note")
    return Card(
        layer=spec,
        feature_id=str(row[spec.id_property]),
        title=str(row.get(spec.label_property) or row[spec.id_property]),
        rows=rows,
        sources=tuple(str(u) for u in (row.get("source_url") or ())),
        source_dates=tuple(
            _date_text((register or {}).get(str(u))) for u in (row.get("source_url") or ())
        ),
        as_of=format_value(spec.prop("as_of"), row.get("as_of")),
        confidence=None if _is_missing(confidence) else str(confidence),
        note=None if _is_missing(note) else str(note),
    )


# ---------------------------------------------------------------------------------------------
# Tables and downloads


def table(spec: LayerSpec, gdf: gpd.GeoDataFrame) -> pd.DataFrame:
    """The features as a table with people's column names and formatted values."""
    data = {
        p.label: [format_value(p, v) for v in gdf[p.name]]
        for p in spec.all_properties
        if p.name in gdf.columns
    }
    return pd.DataFrame(data, index=pd.Index(gdf.index, name=spec.prop(spec.id_property).label))


def _json_value(value: Any) -> Any:
    if _is_missing(value):
        return None
    if isinstance(value, tuple):
        return list(value)
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def to_geojson_bytes(spec: LayerSpec, gdf: gpd.GeoDataFrame) -> bytes:
    """Exactly these features, with their full properties, as GeoJSON (EPSG:4326)."""
    columns = [p.name for p in spec.all_properties if p.name in gdf.columns]
    features = [
        {
            "type": "Feature",
            "properties": {c: _json_value(row[c]) for c in columns},
            "geometry": geom.__geo_interface__,
        }
        for (_, row), geom in zip(gdf.iterrows(), gdf.geometry, strict=True)
    ]
    doc = {"type": "FeatureCollection", "name": spec.key, "features": features}
    return (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def to_csv_bytes(spec: LayerSpec, gdf: gpd.GeoDataFrame) -> bytes:
    """Exactly these features as CSV: raw values, lists joined by " | ", geometry as WKT."""
    columns = [p.name for p in spec.all_properties if p.name in gdf.columns]
    frame = pd.DataFrame(
        {
            c: [
                " | ".join(map(str, v))
                if isinstance(v, list | tuple)
                else json.dumps(v)
                if isinstance(v, dict)
                else v
                for v in gdf[c]
            ]
            for c in columns
        }
    )
    frame["geometry_wkt"] = [g.wkt for g in gdf.geometry]
    return frame.to_csv(index=False).encode("utf-8")


# ---------------------------------------------------------------------------------------------
# Search


@dataclass(frozen=True, slots=True)
class SearchHit:
    label: str
    layer: str
    feature_id: str

    @property
    def key(self) -> str:
        return f"{self.layer}:{self.feature_id}"


def search_index(
    frames: Mapping[str, gpd.GeoDataFrame], specs: Sequence[LayerSpec] = catalog.LAYERS
) -> tuple[SearchHit, ...]:
    """One entry per searchable feature: "Name (Layer)", sorted by label."""
    hits = []
    for spec in specs:
        gdf = frames.get(spec.key)
        if gdf is None or not spec.searchable:
            continue
        for fid, name in zip(gdf[spec.id_property], gdf[spec.label_property], strict=True):
            shown = name if isinstance(name, str) and name else fid
            hits.append(SearchHit(f"{shown} ({spec.title})", spec.key, str(fid)))
    return tuple(sorted(hits, key=lambda h: h.label.casefold()))


def search(hits: tuple[SearchHit, ...], query: str, limit: int = 20) -> list[SearchHit]:
    """Hits whose label contains every word of ``query`` (case- and accent-insensitive)."""
    words = [_fold(w) for w in query.split() if w]
    if not words:
        return []
    return [h for h in hits if all(w in _fold(h.label) for w in words)][:limit]


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("ı", "i")


_ZOOM_BY_SPAN: Final = ((0.2, 9), (0.5, 8), (1.5, 7), (4.0, 6), (10.0, 5))


def focus(geom: BaseGeometry) -> tuple[tuple[float, float], int]:
    """A map centre (lat, lon) and zoom that show ``geom``."""
    minx, miny, maxx, maxy = geom.bounds
    span = max(maxx - minx, maxy - miny)
    zoom = next((z for limit, z in _ZOOM_BY_SPAN if span < limit), 4)
    return ((miny + maxy) / 2, (minx + maxx) / 2), zoom


_MD_SPECIAL: Final = str.maketrans({c: "\\" + c for c in "\\`*_{}[]()<>#+-.!|$~:&="})


_LINE_BREAKS: Final = re.compile(r"\r\n|[\n\r\v\f\x85\u2028\u2029]")


def md_escape(text: str) -> str:
    """Text that Streamlit's markdown shows literally: no links, images, HTML, LaTeX, emoji,
    and on one line (a line break from data could start a heading, list or code block)."""
    return _LINE_BREAKS.sub(" ", text.translate(_MD_SPECIAL))


_MD_BODY: Final = str.maketrans({c: "\\" + c for c in "\\`[]()<>#|$~:!"})


def md_body(text: str) -> str:
    """Short markdown from data: **bold**, *italic* and line breaks kept; links, images, HTML,
    code, LaTeX and Streamlit directives neutralised."""
    return text.translate(_MD_BODY)


def md_link(url: str) -> str:
    """A markdown link to an http(s) URL labelled by its host and path; anything else (a
    user's ``javascript:`` or ``data:`` URL) is shown as escaped text, never as a link."""
    if not is_web_url(url):
        return md_escape(url)
    parts = urlsplit(url)
    shown = (parts.netloc + parts.path).rstrip("/")
    if len(shown) > 70:
        shown = shown[:67] + "..."
    safe = quote(url, safe=":/?#&=%+@,;~*!'")  # keeps the URL, encodes ( ) [ ] < > spaces
    return f"[{md_escape(shown)}]({safe})"
