"""Features for people: cards, tables, downloads and search, driven by the catalog.

The one formatting layer: every value people read (cards, tables, captions, exports) is
formatted here (dates, integers, km, bcm/y, lists, codes by their label from ``style`` or by
the name of the feature they stand for, markdown rendered or stripped, unknowns as "–"), so
that the card, the table and the exports say the same thing. Also here: the newest source date
of what is shown, which the app's footer and every export state.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final
from urllib.parse import quote, urlsplit

import geopandas as gpd
import pandas as pd
from shapely.geometry.base import BaseGeometry

from corridormap import catalog, i18n, overlay, style
from corridormap.catalog import Kind, LayerSpec, PropertySpec
from corridormap.escape import is_web_url
from corridormap.filters import format_date
from corridormap.i18n import N_, gettext

#: What people read for a value that is not known.
MISSING: Final = "–"


def is_missing(value: Any) -> bool:
    """None, NaN, pandas' NA/NaT, or an empty string: nothing to show."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return True
    if isinstance(value, list | tuple | dict):
        return False
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _is_null(value: Any) -> bool:
    """None or NaN: a value the downloads write as null."""
    return value is None or (isinstance(value, float) and math.isnan(value))


@dataclass(frozen=True, slots=True)
class Names:
    """The names of the features that codes stand for: countries by ISO3 code, nodes and
    pipelines by id (``catalog.NAMED_CODES``)."""

    countries: Mapping[str, str] = field(default_factory=dict)
    nodes: Mapping[str, str] = field(default_factory=dict)
    pipelines: Mapping[str, str] = field(default_factory=dict)

    def of(self, codes: str, code: str) -> str:
        """The name ``code`` stands for; the code itself when the data does not name it."""
        table = {"country": self.countries, "node": self.nodes, "pipeline": self.pipelines}
        return str(table.get(codes, {}).get(code) or code)


def _name_map(gdf: gpd.GeoDataFrame | None, key: str, name: str) -> dict[str, str]:
    if gdf is None or key not in gdf.columns or name not in gdf.columns:
        return {}
    return {str(k): str(v) for k, v in zip(gdf[key], gdf[name], strict=True) if not is_missing(v)}


def names_of(frames: Mapping[str, gpd.GeoDataFrame]) -> Names:
    """The names of countries, nodes and pipelines in these layers."""
    countries = _name_map(frames.get(catalog.GAS_DESTINATIONS.key), "iso3", "name")
    countries.update(_name_map(frames.get(catalog.COUNTRIES.key), "iso3", "name"))
    return Names(
        countries=countries,
        nodes=_name_map(frames.get(catalog.NODES.key), "node_id", "name"),
        pipelines=_name_map(frames.get(catalog.PIPELINES.key), "pipeline_id", "name"),
    )


def code_text(codes: str, code: Any, names: Names | None = None) -> str:
    """A code as people read it: its label in ``style.CODE_LABELS``, or the name of the
    feature it stands for (a country, a node, a pipeline)."""
    text = str(code)
    if codes in catalog.NAMED_CODES:
        return (names or Names()).of(codes, text)
    return style.code_label(codes, text)


def integer_text(value: Any) -> str:
    """A whole number as a whole number ("12", never "12.0"); other values as they are."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    return str(int(number)) if number.is_integer() else str(value)


def number_text(value: Any, unit: str | None = None, decimals: int = 1) -> str:
    """A number with the language's separators and at most ``decimals`` decimals
    ("1,273.1", "29", "0.5"; "1.273,1" in Turkish); "–" when unknown."""
    if is_missing(value):
        return MISSING
    number = i18n.number_text(float(value), decimals=decimals)
    return f"{number} {unit}" if unit else number


def date_text(value: Any) -> str:
    """An ISO date (YYYY-MM-DD) as people read it ("7 Oct 2025"); "–" when unknown."""
    if is_missing(value):
        return MISSING
    try:
        return format_date(date.fromisoformat(str(value)[:10]))
    except ValueError:
        return str(value)


_BOLD: Final = re.compile(r"\*\*(.+?)\*\*")
_ITALIC: Final = re.compile(r"(?<![*\w])\*(?!\s)(.+?)(?<!\s)\*(?![*\w])")


def md_plain(text: str) -> str:
    """Markdown-lite (**bold**, *italic*) as plain text: the marks stripped."""
    return _ITALIC.sub(r"\1", _BOLD.sub(r"\1", text))


def format_value(prop: PropertySpec, value: Any, names: Names | None = None) -> str:
    """A property value as people read it, as plain text; "–" for unknown.

    Codes are shown by their label (``prop.codes``), whole numbers as whole numbers, markdown
    with its marks stripped (``card`` keeps it for rendering).
    """
    if is_missing(value):
        return MISSING
    kind = prop.kind
    if kind is Kind.DATE:
        return date_text(value)
    if kind is Kind.BOOL:
        return gettext("yes") if value else gettext("no")
    if kind in (Kind.INT, Kind.YEAR):
        return integer_text(value)
    if kind is Kind.FLOAT:
        return number_text(value, prop.unit)
    if kind in (Kind.STR_LIST, Kind.URL_LIST):
        items = [v for v in value if not is_missing(v)]
        if prop.codes:
            return ", ".join(code_text(prop.codes, v, names) for v in items) or MISSING
        return ", ".join(str(v) for v in items) or MISSING
    if kind is Kind.YEAR_VALUES:
        unit = f" {prop.unit}" if prop.unit else ""
        pairs = sorted(dict(value).items())
        return "; ".join(f"{y}: {v:g}{unit}" for y, v in pairs) or MISSING
    if prop.codes:
        return code_text(prop.codes, value, names)
    text = integer_text(value) if isinstance(value, float) else str(value)
    return md_plain(text) if prop.markdown else text


def _date_text(value: str | None) -> str | None:
    try:
        return format_date(date.fromisoformat(value)) if value else None
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class CardRow:
    label: str
    text: str  # plain text
    help: str = ""
    markdown: str | None = None  # the value's own markdown-lite, for rendering (``md``)

    @property
    def md(self) -> str:
        """The value as safe Streamlit markdown: its **bold** and *italic* rendered, or its
        text escaped."""
        return md_body(self.markdown) if self.markdown is not None else md_escape(self.text)


@dataclass(frozen=True, slots=True)
class Card:
    """Everything the detail card shows for one feature."""

    layer: LayerSpec
    feature_id: str
    title: str
    rows: tuple[CardRow, ...]
    sources: tuple[str, ...]
    source_dates: tuple[str | None, ...]  # each source's own date, people-formatted, if known
    as_of: str  # "–" when not known
    confidence: str | None
    note: str | None


_CARD_SKIP: Final = frozenset({"source_url", "as_of", "confidence", "note"})


def feature_title(spec: LayerSpec, row: Mapping[str, Any]) -> str:
    """A feature's name; a feature without one (a user's file) is named by its layer's id
    label and id ("Feature 3"), never by the bare id."""
    name = row.get(spec.label_property)
    fid = row.get(spec.id_property)
    if spec.label_property != spec.id_property and not is_missing(name):
        return str(name)
    return f"{spec.prop(spec.id_property).label} {integer_text(fid)}"


def shown_properties(spec: LayerSpec) -> tuple[PropertySpec, ...]:
    """The properties a card and a table show: all but the id, which names nothing people
    read (it stays in links and downloads), unless the feature has no other name."""
    return tuple(
        p
        for p in spec.all_properties
        if p.name != spec.id_property or spec.label_property == spec.id_property
    )


def card(
    spec: LayerSpec,
    row: Mapping[str, Any],
    register: Mapping[str, str] | None = None,
    names: Names | None = None,
) -> Card:
    """The detail card of one feature: every property, formatted, plus sources and certainty.

    ``register``: source URL -> ISO date of that page (``load.load_source_register``).
    ``names``: the names of the countries, nodes and pipelines its codes stand for.
    """
    shipped = spec in catalog.LAYERS  # a user's own column names are theirs, as they are
    rows = tuple(
        CardRow(
            gettext(p.label) if shipped else p.label,
            format_value(p, row.get(p.name), names),
            p.help,
            str(row[p.name]) if p.markdown and not is_missing(row.get(p.name)) else None,
        )
        for p in shown_properties(spec)
        if p.name not in _CARD_SKIP
    )
    confidence = row.get("confidence")
    note = row.get("note")
    urls = [u for u in (row.get("source_url") or ()) if not is_missing(u)]
    return Card(
        layer=spec,
        feature_id=str(row[spec.id_property]),
        title=feature_title(spec, row),
        rows=rows,
        sources=tuple(str(u) for u in urls),
        source_dates=tuple(_date_text((register or {}).get(str(u))) for u in urls),
        as_of=date_text(row.get("as_of")),
        confidence=None if is_missing(confidence) else str(confidence),
        note=None if is_missing(note) else str(note),
    )


# ---------------------------------------------------------------------------------------------
# Tables and downloads


def table(spec: LayerSpec, gdf: gpd.GeoDataFrame, names: Names | None = None) -> pd.DataFrame:
    """The features as a table with people's column names and formatted values (text, "–"
    for unknown). The index holds the feature ids, for code: pages do not show it."""
    data = {
        p.label: [format_value(p, v, names) for v in gdf[p.name]]
        for p in shown_properties(spec)
        if p.name in gdf.columns
    }
    return pd.DataFrame(data, index=pd.Index(gdf.index, name=spec.prop(spec.id_property).label))


def km_by_country_text(km: Mapping[str, float], names: Names | None = None) -> str:
    """Km per country by country name ("Azerbaijan 91, Türkiye 30"), in the given order."""
    return ", ".join(
        f"{code_text('country', k, names) if k != overlay.OUTSIDE else gettext(k)} "
        + i18n.number_text(v, decimals=0)
        for k, v in km.items()
    )


def text_or_none(value: Any) -> str | None:
    """A text cell of a typed table: None when unknown (the page shows ``MISSING``)."""
    return None if is_missing(value) else str(value)


def number_or_none(value: Any, decimals: int = 1) -> float | None:
    """A number cell of a typed table, rounded; None when unknown."""
    return None if is_missing(value) else round(float(value), decimals)


def integers(values: pd.Series) -> pd.Series:
    """Whole numbers as whole numbers (pandas' nullable Int64: never "2026.0"), None when
    unknown."""
    return pd.Series(
        [None if is_missing(v) else int(float(v)) for v in values],
        index=values.index,
        dtype="Int64",
    )


def _none_if_missing(text: str) -> str | None:
    return None if text == MISSING else text


def leg_rows(table: pd.DataFrame, names: Names | None = None) -> pd.DataFrame:
    """``analysis.leg_table`` rows as people read them: labels, dates, whole years, and km as
    numbers (so that the table sorts by them). Unknown cells are None: the page shows them
    as ``MISSING`` (``st.dataframe(placeholder=...)``)."""
    legs = catalog.CORRIDOR_LEGS
    frame = pd.DataFrame(
        {
            N_("Leg"): [text_or_none(v) for v in table["name"]],
            N_("Mode"): [
                _none_if_missing(format_value(legs.prop("mode"), v)) for v in table["mode"]
            ],
            N_("Status"): [
                _none_if_missing(format_value(legs.prop("status"), v)) for v in table["status"]
            ],
            N_("Opened"): [_none_if_missing(date_text(v)) for v in table["opened"]],
            N_("Expected"): integers(table["expected"]),
            N_("Published km"): [number_or_none(v) for v in table["published_km"]],
            N_("Published section"): [text_or_none(v) for v in table["section"]],
            N_("Section km"): [number_or_none(v) for v in table["section_km"]],
            N_("Computed km"): [number_or_none(v) for v in table["computed_km"]],
            N_("km by country"): [
                text_or_none(km_by_country_text(dict(d), names)) for d in table["km_by_country"]
            ],
        },
        index=table.index,
    )
    for col in ("Published km", "Section km", "Computed km"):
        frame[col] = frame[col].astype("Float64")
    return frame


def participant_rows(members: pd.DataFrame) -> pd.DataFrame:
    """The OTS members and observers as people read them: the country or organization by
    name (with its code in brackets), kind, status, since when, note."""
    return pd.DataFrame(
        {
            N_("Name"): [
                str(n) if is_missing(c) else f"{n} ({c})"
                for n, c in zip(members["name"], members["iso3"], strict=True)
            ],
            N_("Kind"): [code_text("participant_kind", k) for k in members["kind"]],
            N_("Status"): [code_text("ots_status", s) for s in members["ots_status"]],
            N_("Since"): [_none_if_missing(date_text(d)) for d in members["ots_joined"]],
            N_("Note"): [text_or_none(n) for n in members["note"]],
        },
        index=members.index,
    )


#: The gas-exports table's number columns as shown (bcm).
_GAS_EXPORT_NUMBERS: Final = (
    ("total_bcm", N_("Total bcm")),
    ("europe_bcm", N_("Europe bcm")),
    ("turkiye_bcm", N_("Türkiye bcm")),
    ("turkiye_tanap_bcm", N_("of which TANAP")),
    ("georgia_bcm", N_("Georgia bcm")),
    ("syria_bcm", N_("Syria bcm")),
)


def gas_export_rows(exports: pd.DataFrame) -> pd.DataFrame:
    """The yearly gas exports as people read them: whole years, bcm and Europe's share in %
    as numbers, dates, confidence by its label; None where a figure is not published (the
    page shows ``MISSING``)."""
    data: dict[str, Any] = {N_("Year"): integers(exports["year"])}
    for col, label in _GAS_EXPORT_NUMBERS[:2]:
        data[label] = [number_or_none(v) for v in exports[col]]
    data[N_("Europe %")] = [
        None if is_missing(v) else round(float(v) * 100, 1) for v in exports["europe_share"]
    ]
    for col, label in _GAS_EXPORT_NUMBERS[2:]:
        data[label] = [number_or_none(v) for v in exports[col]]
    data[N_("As of")] = [_none_if_missing(date_text(v)) for v in exports["as_of"]]
    data[N_("Confidence")] = [
        None if is_missing(v) else code_text("confidence", v) for v in exports["confidence"]
    ]
    data[N_("Note")] = [text_or_none(v) for v in exports["note"]]
    data[N_("Sources")] = [" ".join(map(str, urls or ())) or None for urls in exports["source_url"]]
    frame = pd.DataFrame(data, index=exports.index)
    for _, label in _GAS_EXPORT_NUMBERS:
        frame[label] = frame[label].astype("Float64")
    frame["Europe %"] = frame["Europe %"].astype("Float64")
    return frame


def throughput_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """``load.load_throughput`` rows as people read them: the corridor by its label, whole
    years, million tonnes and TEU as numbers, dates, confidence by its label; None where a
    figure is not published (the page shows ``MISSING``)."""
    data: dict[str, Any] = {
        N_("Corridor"): [style.label(style.CORRIDOR_STYLES, str(c)) for c in frame["corridor"]],
        N_("Series"): [str(s) for s in frame["series"]],
        N_("Year"): integers(frame["year"]),
        N_("Mt"): [number_or_none(v, 3) for v in frame["mt"]],
        N_("TEU"): [None if is_missing(v) else int(float(v)) for v in frame["teu"]],
        N_("As of"): [_none_if_missing(date_text(v)) for v in frame["as_of"]],
        N_("Confidence"): [
            None if is_missing(v) else code_text("confidence", v) for v in frame["confidence"]
        ],
        N_("Note"): [text_or_none(v) for v in frame["note"]],
        N_("Sources"): [" ".join(map(str, urls or ())) or None for urls in frame["source_url"]],
    }
    out = pd.DataFrame(data, index=frame.index)
    out["Mt"] = out["Mt"].astype("Float64")
    out["TEU"] = out["TEU"].astype("Int64")
    return out


def sources_line(urls: Iterable[str], register: Mapping[str, str]) -> str:
    """Markdown "**Sources:** link (date); link (date)": each URL through ``md_link`` (only
    http(s) becomes a link, its label escaped), with its date from the source register."""
    parts = [md_link(u) + (f" ({date_text(register[u])})" if u in register else "") for u in urls]
    return "**" + gettext("Sources:") + "** " + ("; ".join(parts) if parts else MISSING)


def _json_value(value: Any) -> Any:
    if _is_null(value):
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


#: What a spreadsheet reads as the start of a formula (OWASP, "CSV Injection").
FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """A text cell a spreadsheet shows as text: one that would start a formula (``=``, ``+``,
    ``-``, ``@``, tab, carriage return) gets a leading single quote, as OWASP advises.
    Numbers are left as they are (``-3`` as a number is no formula)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def to_csv_bytes(spec: LayerSpec, gdf: gpd.GeoDataFrame) -> bytes:
    """Exactly these features as CSV: raw values, lists joined by " | ", geometry as WKT.

    Text cells and headers that a spreadsheet would run as a formula are neutralised
    (:func:`csv_cell`)."""
    columns = [p.name for p in spec.all_properties if p.name in gdf.columns]
    frame = pd.DataFrame(
        {
            csv_cell(c): [
                csv_cell(
                    " | ".join(map(str, v))
                    if isinstance(v, list | tuple)
                    else json.dumps(v)
                    if isinstance(v, dict)
                    else v
                )
                for v in gdf[c]
            ]
            for c in columns
        }
    )
    frame["geometry_wkt"] = [g.wkt for g in gdf.geometry]
    # UTF-8 with a byte-order mark, so that Excel reads "–", "ü" and "ğ" as they are.
    return frame.to_csv(index=False).encode("utf-8-sig")


# ---------------------------------------------------------------------------------------------
# Metrics laid out so that nothing is cut


@dataclass(frozen=True, slots=True)
class Metric:
    """One figure: its label, its value, a short line beneath (``delta``), a tooltip."""

    label: str
    value: str
    delta: str | None = None
    help: str | None = None


#: The width (px) metrics share on a 1280 px screen in the wide layout with the sidebar open,
#: the gap between columns, the help icon, and the average width of a character of a metric's
#: label (14 px text), value (36 px) and delta line (14 px) in Streamlit's font. Streamlit
#: cuts what does not fit with "…".
METRIC_ROW_PX: Final = 784
_GAP_PX: Final = 16
_HELP_PX: Final = 22
_LABEL_CHAR_PX: Final = 7.2
_VALUE_CHAR_PX: Final = 18.0
_DELTA_CHAR_PX: Final = 7.2


def metric_fits(m: Metric, per_row: int) -> bool:
    """Whether a metric's label, value and delta show uncut in a row of ``per_row``."""
    width = (METRIC_ROW_PX - _GAP_PX * (per_row - 1)) / per_row
    label = len(m.label) * _LABEL_CHAR_PX + (_HELP_PX if m.help else 0)
    delta = len(m.delta or "") * _DELTA_CHAR_PX
    return max(label, len(m.value) * _VALUE_CHAR_PX, delta) <= width


def metrics_per_row(items: Sequence[Metric], most: int = 6) -> int:
    """The most metrics per row (at most ``most``) that let every one show uncut."""
    for n in range(max(1, min(most, len(items))), 1, -1):
        if all(metric_fits(m, n) for m in items):
            return n
    return 1


# ---------------------------------------------------------------------------------------------
# The newest source date of what is shown


def newest_source_date(
    shown: Mapping[str, gpd.GeoDataFrame],
    register: Mapping[str, str],
    specs: Sequence[LayerSpec] = catalog.LAYERS,
) -> date | None:
    """The newest date among the sources of the features drawn: the one date the footer and
    every export state.

    A shipped layer's source is dated by the source register (URL -> the page's date;
    undated pages are left out, so the date a reference copy was made never counts). A
    user's layer has no register: its features' own ``as_of`` dates their sources.
    """
    shipped = set(catalog.layer_keys())
    newest: str | None = None
    for spec in specs:
        gdf = shown.get(spec.key)
        if gdf is None or "source_url" not in gdf.columns or not len(gdf):
            continue
        gdf = spec.drawn(gdf)
        dates = gdf["as_of"] if "as_of" in gdf.columns else [None] * len(gdf)
        for urls, as_of in zip(gdf["source_url"], dates, strict=True):
            for url in urls if isinstance(urls, list | tuple) else ():
                day = register.get(str(url))
                if day is None and spec.key not in shipped and not is_missing(as_of):
                    day = str(as_of)
                if day and (newest is None or day > newest):
                    newest = day
    try:
        return date.fromisoformat(newest) if newest else None
    except ValueError:
        return None


def newest_source_text(day: date | None) -> str:
    """The newest source date as people read it; "–" when nothing shown is dated."""
    return format_date(day) if day else MISSING


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
            shown = feature_title(spec, {spec.id_property: fid, spec.label_property: name})
            hits.append(SearchHit(f"{shown} ({spec.title})", spec.key, str(fid)))
    return tuple(sorted(hits, key=lambda h: h.label.casefold()))


def search(hits: tuple[SearchHit, ...], query: str, limit: int = 20) -> list[SearchHit]:
    """Hits whose label contains every word of ``query`` (case- and accent-insensitive)."""
    words = [fold(w) for w in query.split() if w]
    if not words:
        return []
    return [h for h in hits if all(w in fold(h.label) for w in words)][:limit]


def fold(text: str) -> str:
    """Text for matching: lower case, no accents, dotless i as i."""
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
