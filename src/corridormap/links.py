"""Shareable links: the whole view (filters, selection, map view, basemap) in a query string.

``parse`` never raises: every value it cannot use is dropped and reported as a ``Notice`` naming
the parameter, the value and why. ``to_params`` writes only what differs from the defaults, so
``parse(to_params(state)) == state`` for every valid state.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Final
from urllib.parse import urlencode

import geopandas as gpd

from corridormap import catalog, filters, i18n
from corridormap.filters import Filters
from corridormap.i18n import N_, _

#: The Routes page's parameters (``parse_route``); filters ignore them.
ROUTE_PARAMS: Final = ("from", "to", "when", "avoid", "modes", "alt", "compare")
#: Parameters of one page that the shared sidebar keeps in the address bar: the presentation
#: and Briefings pages' (which briefing, shipped or saved, the share token, which scene) and
#: the Routes page's. Filters ignore them.
PAGE_PARAMS: Final = ("briefing", "saved", "share", "scene", *ROUTE_PARAMS)
#: Every parameter a link may carry; any other is named in a notice and ignored.
PARAMS: Final = (
    "corridor",
    "route",
    "country",
    "mode",
    "status",
    "asof",
    "layers",
    "select",
    "lat",
    "lon",
    "zoom",
    "basemap",
    "lang",
    *PAGE_PARAMS,
)
#: The most alternatives a Routes link asks for.
MAX_ROUTE_ALTERNATIVES: Final = 3
PLANNED: Final = "planned"
ZOOM_RANGE: Final = (2, 12)
MAX_VALUE_LENGTH: Final = 200
MAX_VALUES: Final = 50
DEFAULT_BASEMAP: Final = "bundled"


def asof_limit(newest: date, today: date | None = None) -> date:
    """The latest as-of date a link, the sidebar and the CLI accept: the newest date of the
    data or today (``date.today()`` unless given), whichever is later."""
    return max(newest, today or date.today())


@dataclass(frozen=True, slots=True)
class ViewState:
    """Everything a link reproduces."""

    filters: Filters = field(default_factory=Filters)
    select: str | None = None  # "layer:id"
    lat: float | None = None
    lon: float | None = None
    zoom: float | None = None  # quarter steps, as the maps zoom
    basemap: str = DEFAULT_BASEMAP
    lang: str | None = None  # a language of ``i18n.LANGUAGES``; None: the browser's choice


@dataclass(frozen=True, slots=True)
class Notice:
    """A link value that was dropped, and why: ``why`` is the reason's English message (its
    ``{placeholders}`` filled from ``values``), put in the language in force where the notice
    is read (``reason``, ``str``), so that a notice kept in a session follows its language."""

    param: str
    value: str
    why: str
    values: tuple[tuple[str, str], ...] = ()

    @property
    def reason(self) -> str:
        """Why the value was dropped, in the language in force."""
        return _(self.why).format(**dict(self.values))

    def __str__(self) -> str:
        shown = self.value if len(self.value) <= 60 else self.value[:57] + "..."
        return _("Ignored {param}={value}: {reason}").format(
            param=self.param, value=repr(shown), reason=self.reason
        )


# Why a link value is dropped (the link's parameter names and values are never translated).
UNKNOWN_PARAMETER: Final = N_("unknown parameter")
TOO_LONG: Final = N_("value too long")
TOO_MANY: Final = N_("more than {n} values")
NOT_A_DATE: Final = N_("not a date YYYY-MM-DD or 'planned'")
OUTSIDE: Final = N_("outside {span}")
NOT_KNOWN: Final = {
    "corridor": N_("not a known corridor"),
    "route": N_("not a known route"),
    "mode": N_("not a known mode"),
    "status": N_("not a known status"),
}
NOT_A_LAYER: Final = N_("not a layer")
NOT_A_COUNTRY: Final = N_("not an ISO3 code of a country on the map")
NOT_A_COORDINATE: Final = N_("not a number between {lo} and {hi}")
LAT_LON_TOGETHER: Final = N_("lat and lon go together")
NOT_A_ZOOM: Final = N_("not a number from {lo} to {hi} in quarter steps")
NO_FEATURE: Final = N_("no feature with that id")
NOT_ONE_OF: Final = N_("not one of {choices}")
NOT_A_NODE: Final = N_("not a node id (e.g. xian, baku, kars)")
NOT_A_MODE: Final = N_("not a mode (rail, sea, road)")
NOT_ALTERNATIVES: Final = N_("not a whole number from 0 to {n}")
NOT_ONE_OR_ZERO: Final = N_("not 1 or 0")


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The values a link may use, taken from the loaded data."""

    countries: frozenset[str] = frozenset()
    routes: frozenset[str] = frozenset()
    feature_ids: Mapping[str, frozenset[str]] = field(default_factory=dict)
    asof_max: date = filters.ASOF_MIN
    basemaps: tuple[str, ...] = (DEFAULT_BASEMAP,)

    @classmethod
    def from_frames(
        cls,
        frames: Mapping[str, gpd.GeoDataFrame],
        basemaps: Sequence[str],
        asof_max: date,
        today: date | None = None,
    ) -> Vocabulary:
        """The vocabulary of ``frames``. A date may be as late as the newest date of the data
        (``asof_max``) or today, whichever is later: today is a date a briefer shows."""
        ids = {
            key: frozenset(str(i) for i in gdf[catalog.get(key).id_property])
            for key, gdf in frames.items()
        }
        routes = frames.get(catalog.CORRIDOR_LEGS.key)
        return cls(
            countries=ids.get(catalog.COUNTRIES.key, frozenset()),
            routes=frozenset(routes["route"]) if routes is not None else frozenset(),
            feature_ids=ids,
            asof_max=asof_limit(asof_max, today),
            basemaps=tuple(basemaps),
        )

    def allowed(self, facet: str) -> frozenset[str]:
        if facet == "route":
            return self.routes
        spec = catalog.CORRIDOR_LEGS.facet_property(facet)
        if spec is None or spec.allowed is None:
            raise KeyError(f"no fixed vocabulary for facet {facet!r}")
        return frozenset(spec.allowed)


def _values(raw: Sequence[str]) -> list[str]:
    """Repeated and comma-separated values, trimmed, empties dropped, order kept, no repeats."""
    out: list[str] = []
    for item in raw:
        for part in item.split(","):
            value = part.strip()
            if value and value not in out:
                out.append(value)
    return out


def _float(raw: str, lo: float, hi: float) -> float | None:
    try:
        value = float(raw)
    except ValueError:
        return None
    return value if math.isfinite(value) and lo <= value <= hi else None


class _Reader:
    """Reads parameter values and collects a notice for each one it drops."""

    def __init__(self, query: Mapping[str, Sequence[str]]) -> None:
        self.query = query
        self.notices: list[Notice] = [
            Notice(key, ",".join(query[key]), UNKNOWN_PARAMETER)
            for key in query
            if key not in PARAMS
        ]

    def drop(self, param: str, value: str, why: str, **values: object) -> None:
        """Drop ``value`` of ``param`` because of ``why`` (a message id, ``values`` its
        placeholders)."""
        self.notices.append(
            Notice(param, value, why, tuple((k, str(v)) for k, v in values.items()))
        )

    def values(self, name: str) -> list[str]:
        kept: list[str] = []
        for v in _values(self.query.get(name, ())):
            if len(v) > MAX_VALUE_LENGTH:
                self.drop(name, v, TOO_LONG)
            elif len(kept) >= MAX_VALUES:
                self.drop(name, v, TOO_MANY, n=MAX_VALUES)
            else:
                kept.append(v)
        return kept

    def last(self, name: str) -> str | None:
        vals = self.values(name)
        return vals[-1] if vals else None

    def members(self, name: str, allowed: frozenset[str], why: str) -> tuple[str, ...]:
        good = []
        for v in self.values(name):
            if v in allowed:
                good.append(v)
            else:
                self.drop(name, v, why)
        return tuple(good)


def _parse_asof(r: _Reader, vocab: Vocabulary) -> date | None:
    v = r.last("asof")
    if v is None or v.lower() == PLANNED:
        return None
    try:
        d = date.fromisoformat(v)
    except ValueError:
        r.drop("asof", v, NOT_A_DATE)
        return None
    if not filters.ASOF_MIN <= d <= vocab.asof_max:
        span = f"{filters.ASOF_MIN.isoformat()}..{vocab.asof_max.isoformat()}"
        r.drop("asof", v, OUTSIDE, span=span)
        return None
    return d


def _parse_filters(r: _Reader, vocab: Vocabulary) -> Filters:
    f = Filters()
    for facet in filters.FACETS:
        f = f.with_facet(facet, r.members(facet, vocab.allowed(facet), NOT_KNOWN[facet]))
    countries = tuple(
        c for c in (v.upper() for v in r.values("country")) if _known_country(r, c, vocab)
    )
    f = replace(f, countries=countries, asof=_parse_asof(r, vocab))
    if "layers" in r.query:
        chosen = set(r.members("layers", frozenset(catalog.layer_keys()), NOT_A_LAYER))
        f = replace(f, layers=tuple(s.key for s in catalog.LAYERS if s.key in chosen))
    return f


def _known_country(r: _Reader, code: str, vocab: Vocabulary, param: str = "country") -> bool:
    if code in vocab.countries:
        return True
    r.drop(param, code, NOT_A_COUNTRY)
    return False


def _parse_view(r: _Reader) -> tuple[float | None, float | None, float | None]:
    coords: dict[str, float | None] = {}
    for name, lo, hi in (("lat", -90.0, 90.0), ("lon", -180.0, 180.0)):
        v = r.last(name)
        coords[name] = None if v is None else _float(v, lo, hi)
        if v is not None and coords[name] is None:
            r.drop(name, v, NOT_A_COORDINATE, lo=f"{lo:g}", hi=f"{hi:g}")
    lat, lon = coords["lat"], coords["lon"]
    if (lat is None) != (lon is None):
        r.drop("lat" if lat is not None else "lon", "", LAT_LON_TOGETHER)
        lat = lon = None
    zoom = None
    v = r.last("zoom")
    if v is not None:
        num = _float(v, *ZOOM_RANGE)
        if num is None or num * 4 != int(num * 4):
            lo_z, hi_z = ZOOM_RANGE
            r.drop("zoom", v, NOT_A_ZOOM, lo=lo_z, hi=hi_z)
        else:
            zoom = int(num) if num == int(num) else num
    return lat, lon, zoom


def parse(query: Mapping[str, Sequence[str]], vocab: Vocabulary) -> tuple[ViewState, list[Notice]]:
    """A view state from query parameters, plus a notice for every value it dropped."""
    r = _Reader(query)
    f = _parse_filters(r, vocab)
    select = None
    v = r.last("select")
    if v is not None:
        select = resolve_select(v, vocab)
        if select is None:
            r.drop("select", v, NO_FEATURE)
    lat, lon, zoom = _parse_view(r)
    bm = DEFAULT_BASEMAP
    v = r.last("basemap")
    if v is not None:
        if v in vocab.basemaps:
            bm = v
        else:
            r.drop("basemap", v, NOT_ONE_OF, choices=", ".join(vocab.basemaps))
    return ViewState(f, select, lat, lon, zoom, bm, parse_lang(query, r)), r.notices


def parse_lang(query: Mapping[str, Sequence[str]], reader: _Reader | None = None) -> str | None:
    """The link's language (``lang=tr``), if it names one the product speaks; a ``reader``
    collects a notice for any other value."""
    r = reader or _Reader({})
    given = _values(query.get("lang", ()))
    if not given:
        return None
    code = given[-1]
    if code.lower() in i18n.LANGUAGES:
        return code.lower()
    r.drop("lang", code[:MAX_VALUE_LENGTH], NOT_ONE_OF, choices=", ".join(i18n.LANGUAGES))
    return None


@dataclass(frozen=True, slots=True)
class RouteState:
    """What a Routes link asks: from, to (node ids), when (a date, ``"planned"``, or None for the
    newest date of the data), countries to avoid, modes, alternatives, and whether to compare
    today with the planned network."""

    origin: str | None = None
    destination: str | None = None
    when: date | str | None = None
    avoid: tuple[str, ...] = ()
    modes: tuple[str, ...] = ()
    alternatives: int = 0
    compare: bool = False


def _place(r: _Reader, name: str, vocab: Vocabulary) -> str | None:
    v = r.last(name)
    if v is None:
        return None
    if v in vocab.feature_ids.get(catalog.NODES.key, frozenset()):
        return v
    r.drop(name, v, NOT_A_NODE)
    return None


def _parse_when(r: _Reader, vocab: Vocabulary) -> date | str | None:
    v = r.last("when")
    if v is not None and v.lower() == PLANNED:
        return PLANNED
    if v is None:
        return None
    try:
        d = date.fromisoformat(v)
    except ValueError:
        r.drop("when", v, NOT_A_DATE)
        return None
    if not filters.ASOF_MIN <= d <= vocab.asof_max:
        span = f"{filters.ASOF_MIN.isoformat()}..{vocab.asof_max.isoformat()}"
        r.drop("when", v, OUTSIDE, span=span)
        return None
    return d


def parse_route(
    query: Mapping[str, Sequence[str]], vocab: Vocabulary
) -> tuple[RouteState, list[Notice]]:
    """The Routes page's state from query parameters, plus a notice for every value dropped
    (other pages' parameters are not its business and are not reported)."""
    r = _Reader({k: v for k, v in query.items() if k in ROUTE_PARAMS})
    origin, destination = _place(r, "from", vocab), _place(r, "to", vocab)
    when = _parse_when(r, vocab)
    avoid = tuple(
        c for c in (v.upper() for v in r.values("avoid")) if _known_country(r, c, vocab, "avoid")
    )
    modes = r.members("modes", vocab.allowed("mode"), NOT_A_MODE)
    alternatives = 0
    v = r.last("alt")
    if v is not None:
        if v.isdigit() and 0 <= int(v) <= MAX_ROUTE_ALTERNATIVES:
            alternatives = int(v)
        else:
            r.drop("alt", v, NOT_ALTERNATIVES, n=MAX_ROUTE_ALTERNATIVES)
    compare = False
    v = r.last("compare")
    if v is not None:
        if v in ("1", "0"):
            compare = v == "1"
        else:
            r.drop("compare", v, NOT_ONE_OR_ZERO)
    state = RouteState(origin, destination, when, avoid, modes, alternatives, compare)
    return state, r.notices


def route_params(state: RouteState) -> dict[str, str]:
    """Query parameters for a Routes state: only what differs from the defaults."""
    out: dict[str, str] = {}
    if state.origin:
        out["from"] = state.origin
    if state.destination:
        out["to"] = state.destination
    if isinstance(state.when, date):
        out["when"] = state.when.isoformat()
    elif state.when == PLANNED:
        out["when"] = PLANNED
    if state.avoid:
        out["avoid"] = ",".join(state.avoid)
    if state.modes:
        out["modes"] = ",".join(state.modes)
    if state.alternatives:
        out["alt"] = str(state.alternatives)
    if state.compare:
        out["compare"] = "1"
    return out


def split_route(text: str, node_ids: frozenset[str]) -> tuple[str, str] | None:
    """``FROM-TO`` (node ids, which may hold hyphens themselves) as the pair of ids, when
    exactly one split names two known nodes; else None."""
    pairs = [
        (text[:i], text[i + 1 :])
        for i, c in enumerate(text)
        if c == "-" and text[:i] in node_ids and text[i + 1 :] in node_ids
    ]
    return pairs[0] if len(pairs) == 1 else None


def resolve_select(value: str, vocab: Vocabulary) -> str | None:
    """``layer:id`` for a selection given as ``layer:id`` or a bare id (first layer that has it)."""
    if ":" in value:
        layer, _, fid = value.partition(":")
        return value if fid in vocab.feature_ids.get(layer, frozenset()) else None
    for spec in reversed(catalog.LAYERS):  # most specific layers first
        if value in vocab.feature_ids.get(spec.key, frozenset()):
            return f"{spec.key}:{value}"
    return None


def to_params(state: ViewState) -> dict[str, str]:
    """Query parameters for ``state``: only what differs from the defaults, lists comma-joined."""
    f = state.filters
    out: dict[str, str] = {}
    for facet in filters.FACETS:
        if f.facet(facet):
            out[facet] = ",".join(f.facet(facet))
    if f.countries:
        out["country"] = ",".join(f.countries)
    if f.asof is not None:
        out["asof"] = f.asof.isoformat()
    if set(f.layers) != set(filters.DEFAULT_LAYERS):
        out["layers"] = ",".join(f.layers)
    if state.select:
        out["select"] = state.select
    if state.lat is not None and state.lon is not None:
        out["lat"] = _coordinate(state.lat)
        out["lon"] = _coordinate(state.lon)
    if state.zoom is not None:
        out["zoom"] = f"{state.zoom:g}"
    if state.basemap != DEFAULT_BASEMAP:
        out["basemap"] = state.basemap
    if state.lang is not None:
        out["lang"] = state.lang
    return out


def _coordinate(value: float) -> str:
    """A map centre coordinate as a link writes it: 4 decimals (about 10 m), no trailing zeros
    (so ``lat=39.3`` comes back as ``39.3``, not ``39.3000``)."""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def query_string(state: ViewState) -> str:
    params = to_params(state)
    return "?" + urlencode(params, safe=",:") if params else ""


def listed(params: Mapping[str, str]) -> dict[str, list[str]]:
    """``to_params`` output in the shape ``parse`` takes (as Streamlit's query params give it)."""
    return {k: [v] for k, v in params.items()}
