"""Routes between places over the corridor legs: the shortest chain of legs in service on a date
(or in a planned scenario), avoiding countries and keeping to modes, with its alternatives.

The network is a ``networkx`` graph: one node per place (``nodes.geojson``), one edge per leg,
usable in both directions, weighted by the leg's length in km: the published length where the
sources give one for the leg alone, else the geodesic length of its schematic line. A leg's
countries follow the filters' rule (``overlay``: the countries of its ends and every country it
runs through for ``overlay.MIN_CROSSING_KM``); a leg that crosses an avoided country is not used.
Which legs are in service on a date is the filters' as-of rule (``filters.asof_mask``).

A route counts its border crossings (each change of country along the chain of legs, a sea leg
between two countries included), its sea legs, and its transfers: the nodes where the mode
changes (rail to sea at a port). No timetables, tariffs, capacities or transfer times are known
to the planner: "shortest" means fewest km on schematic lines.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Final

import geopandas as gpd
import networkx as nx
import pandas as pd

from corridormap import analysis, catalog, filters, formatting, overlay, style

#: The scenario word for "every leg, including planned and under construction".
PLANNED: Final = "planned"
#: The most alternatives a query may ask for.
MAX_ALTERNATIVES: Final = 5
#: An alternative is at most this many times as long as the shortest route: a longer one is a
#: detour round the network (Baku to Kars by way of Astrakhan and a Caspian ferry), not a choice.
ALTERNATIVE_MAX_RATIO: Final = 2.0
#: The modes a leg can have (``catalog.CORRIDOR_LEGS``), in display order.
MODES: Final = ("rail", "sea", "road")
#: The key of the km outside any counted country (open sea, border zones).
OUTSIDE: Final = overlay.OUTSIDE


class RoutingError(ValueError):
    """A query the planner cannot read: an unknown place, a bad date, mode or country."""


@dataclass(frozen=True, slots=True)
class Place:
    node_id: str
    name: str
    iso3: str
    kind: str


@dataclass(frozen=True, slots=True)
class Leg:
    """A corridor leg as the planner sees it."""

    segment_id: str
    name: str
    from_node: str
    to_node: str
    mode: str
    status: str
    opened: str | None
    km: float
    km_published: bool
    countries: tuple[str, ...]
    km_by_country: Mapping[str, float]
    from_iso3: str
    to_iso3: str
    # The geodesic length along the leg's drawn line (what every leg has, so routes compare
    # like with like); ``km`` is the published length where the sources give one.
    km_line: float = math.nan


@dataclass(frozen=True)
class Network:
    """Places, legs and the data's newest date (the default scenario)."""

    places: Mapping[str, Place]
    legs: Mapping[str, Leg]
    leg_frame: gpd.GeoDataFrame
    node_frame: gpd.GeoDataFrame
    country_names: Mapping[str, str]
    latest: date

    def country(self, iso3: str) -> str:
        name = self.country_names.get(iso3)
        return f"{name} ({iso3})" if name else iso3


def _published(value: object) -> float | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    return float(str(value))


def build_network(
    frames: Mapping[str, gpd.GeoDataFrame], table: pd.DataFrame | None = None
) -> Network:
    """The network of the corridor legs and nodes in ``frames`` (countries give the crossings;
    every dated layer present counts for the newest date). ``table``: the legs'
    ``analysis.leg_table``, when the caller has it."""
    legs_gdf = frames[catalog.CORRIDOR_LEGS.key]
    countries = frames[catalog.COUNTRIES.key]
    if table is None:
        table = analysis.leg_table(legs_gdf, countries)
    legs: dict[str, Leg] = {}
    for row in table.to_dict("records"):
        sid = str(row["segment_id"])
        src = legs_gdf.loc[sid]
        computed = float(row["computed_km"])
        published = _published(row["published_km"])
        km = published if published is not None else computed
        scale = km / computed if computed else 0.0
        legs[sid] = Leg(
            segment_id=sid,
            name=str(row["name"]),
            from_node=str(src["from_node"]),
            to_node=str(src["to_node"]),
            mode=str(row["mode"]),
            status=str(row["status"]),
            opened=None if row["opened"] is None or pd.isna(row["opened"]) else str(row["opened"]),
            km=km,
            km_published=published is not None,
            countries=tuple(row["countries"]),
            km_by_country={k: float(v) * scale for k, v in dict(row["km_by_country"]).items()},
            from_iso3=str(src["from_iso3"]),
            to_iso3=str(src["to_iso3"]),
            km_line=computed,
        )
    nodes = frames[catalog.NODES.key]
    places = {
        str(n): Place(str(n), str(name), str(iso), str(kind))
        for n, name, iso, kind in zip(
            nodes["node_id"], nodes["name"], nodes["iso3"], nodes["kind"], strict=True
        )
    }
    names = {str(i): str(n) for i, n in zip(countries["iso3"], countries["name"], strict=True)}
    return Network(places, legs, legs_gdf, nodes, names, filters.latest_date(frames))


# ---------------------------------------------------------------------------------------------
# Reading a query


def _fold(text: str) -> str:
    """A place name for matching: "Xi'an" -> "xian", "Iğdır" -> "igdir"."""
    return "".join(c for c in formatting.fold(text) if c.isalnum())


def resolve_place(network: Network, text: str) -> str:
    """The node id ``text`` names: a node id, or a name (or the start of one) that matches
    exactly one node. Anything else raises ``RoutingError`` naming the text."""
    if text in network.places:
        return text
    wanted = _fold(text)
    if not wanted:
        raise RoutingError(f"unknown place {text!r}: give a node id or a place name")
    exact = [
        p.node_id for p in network.places.values() if wanted in (_fold(p.node_id), _fold(p.name))
    ]
    if len(exact) == 1:
        return exact[0]
    starts = [p.node_id for p in network.places.values() if _fold(p.name).startswith(wanted)]
    if len(starts) == 1:
        return starts[0]
    if len(exact) > 1 or len(starts) > 1:
        several = ", ".join(sorted(exact or starts))
        raise RoutingError(f"place {text!r} matches several nodes: {several}; give a node id")
    raise RoutingError(f"unknown place {text!r}: no node has this id or name")


def parse_scenario(text: str | None) -> date | str | None:
    """``None`` (the newest date of the data), ``"planned"`` or an ISO date."""
    if text is None or text == "":
        return None
    if text.strip().lower() == PLANNED:
        return PLANNED
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise RoutingError(
            f"date {text!r} is neither an ISO date (YYYY-MM-DD) nor {PLANNED!r}"
        ) from None


def parse_modes(values: Iterable[str]) -> tuple[str, ...]:
    out: list[str] = []
    for v in values:
        mode = v.strip().lower()
        if mode not in MODES:
            raise RoutingError(f"unknown mode {v!r}; known: {', '.join(MODES)}")
        if mode not in out:
            out.append(mode)
    return tuple(out)


def parse_countries(values: Iterable[str], known: Iterable[str]) -> tuple[str, ...]:
    codes = set(known)
    out: list[str] = []
    for v in values:
        iso = v.strip().upper()
        if iso not in codes:
            raise RoutingError(f"unknown country code {v!r} (ISO3 codes of the map, e.g. RUS)")
        if iso not in out:
            out.append(iso)
    return tuple(out)


@dataclass(frozen=True, slots=True)
class Query:
    """What to plan. ``when``: a date (legs in service then), ``"planned"`` (every leg) or
    None (the newest date of the data). Places are node ids (see ``resolve_place``)."""

    origin: str
    destination: str
    when: date | str | None = None
    avoid: tuple[str, ...] = ()
    modes: tuple[str, ...] = ()
    alternatives: int = 0


def scenario_date(network: Network, when: date | str | None) -> date | None:
    """The as-of date of a scenario (None: every leg, the planned scenario)."""
    if when == PLANNED:
        return None
    if isinstance(when, date):
        return when
    return network.latest


def scenario_label(network: Network, when: date | str | None) -> str:
    asof = scenario_date(network, when)
    if asof is None:
        return "planned: every leg, including planned and under construction"
    newest = " (the newest date of the data)" if when is None else ""
    return f"legs in service on {filters.format_date(asof)}{newest}"


# ---------------------------------------------------------------------------------------------
# Routes


@dataclass(frozen=True, slots=True)
class Step:
    """One leg of a route, in the direction travelled."""

    leg: Leg
    start: str
    end: str


def _country_sequence(steps: Sequence[Step]) -> list[str]:
    seq: list[str] = []
    for s in steps:
        a, b = (s.leg.from_iso3, s.leg.to_iso3)
        if s.start != s.leg.from_node:
            a, b = b, a
        middle = [c for c in s.leg.countries if c not in (a, b)]
        for c in (a, *middle, b):
            if not seq or seq[-1] != c:
                seq.append(c)
    return seq


@dataclass(frozen=True)
class Route:
    steps: tuple[Step, ...]

    @property
    def nodes(self) -> tuple[str, ...]:
        if not self.steps:
            return ()
        return (self.steps[0].start, *(s.end for s in self.steps))

    @property
    def km(self) -> float:
        return sum(s.leg.km for s in self.steps)

    @property
    def km_line(self) -> float:
        """The length along the drawn lines (geodesic), every leg measured alike: the length
        routes are compared by."""
        return sum(s.leg.km_line for s in self.steps)

    @property
    def published_legs(self) -> int:
        """How many of the route's legs have a published length."""
        return sum(s.leg.km_published for s in self.steps)

    @property
    def km_by_mode(self) -> dict[str, float]:
        return analysis.summarise_km((s.leg.mode, s.leg.km) for s in self.steps)

    @property
    def km_by_country(self) -> dict[str, float]:
        return analysis.summarise_km(kv for s in self.steps for kv in s.leg.km_by_country.items())

    @property
    def countries(self) -> tuple[str, ...]:
        """The countries crossed, in the order of travel."""
        return tuple(dict.fromkeys(_country_sequence(self.steps)))

    @property
    def country_path(self) -> tuple[str, ...]:
        """The countries in the order of travel, a country entered again listed again (Baku
        to Kars by the Zangezur corridor: AZE → ARM → AZE (Nakhchivan) → TUR)."""
        return tuple(_country_sequence(self.steps))

    @property
    def border_crossings(self) -> int:
        return max(0, len(_country_sequence(self.steps)) - 1)

    @property
    def sea_legs(self) -> int:
        return sum(s.leg.mode == "sea" for s in self.steps)

    @property
    def transfers(self) -> tuple[str, ...]:
        """The nodes where the mode changes (e.g. from rail to a ferry at a port)."""
        return tuple(a.end for a, b in itertools.pairwise(self.steps) if a.leg.mode != b.leg.mode)


@dataclass(frozen=True)
class Plan:
    query: Query
    asof: date | None
    scenario: str
    route: Route | None
    alternatives: tuple[Route, ...] = ()
    reason: str | None = None
    cut_by: tuple[str, ...] = ()

    @property
    def found(self) -> bool:
        return self.route is not None


def _usable(
    network: Network, asof: date | None, avoid: Sequence[str], modes: Sequence[str]
) -> list[Leg]:
    frame = network.leg_frame
    live = filters.asof_mask(catalog.CORRIDOR_LEGS, frame, asof)
    out: list[Leg] = []
    for sid in frame.index[live.to_numpy()]:
        leg = network.legs.get(str(sid))
        if leg is None or (modes and leg.mode not in modes):
            continue
        if set(avoid) & set(leg.countries):
            continue
        out.append(leg)
    return out


def _graph(legs: Iterable[Leg]) -> nx.Graph:
    """Legs as an undirected graph; of two legs joining the same places, the shorter."""
    g = nx.Graph()
    for leg in legs:
        a, b = leg.from_node, leg.to_node
        if g.has_edge(a, b) and g.edges[a, b]["km"] <= leg.km:
            continue
        g.add_edge(a, b, km=leg.km, leg=leg)
    return g


def _route(g: nx.Graph, path: Sequence[str]) -> Route:
    steps = [Step(g.edges[a, b]["leg"], a, b) for a, b in itertools.pairwise(path)]
    return Route(tuple(steps))


def _paths(g: nx.Graph, a: str, b: str, k: int) -> list[list[str]]:
    """The shortest path and up to ``k - 1`` next-shortest ones (no place twice), each at most
    ``ALTERNATIVE_MAX_RATIO`` times as long as the shortest."""
    if a not in g or b not in g or not nx.has_path(g, a, b):
        return []
    out: list[list[str]] = []
    limit = math.inf
    for path in nx.shortest_simple_paths(g, a, b, weight="km"):
        km = nx.path_weight(g, path, weight="km")
        if km > limit or len(out) >= k:
            break
        out.append(path)
        limit = min(limit, km * ALTERNATIVE_MAX_RATIO)
    return out


def _shortest(
    network: Network, query: Query, asof: date | None, avoid: Sequence[str], modes: Sequence[str]
) -> Route | None:
    g = _graph(_usable(network, asof, avoid, modes))
    paths = _paths(g, query.origin, query.destination, 1)
    return _route(g, paths[0]) if paths else None


def _not_in_service(leg: Leg) -> str:
    """Why a leg is not in service on a date, in words: its name and its opening date, else
    its status ("the Aghband – Meghri rail leg, planned")."""
    if leg.status == "operational" and leg.opened:
        why = f"opened {filters.format_date(date.fromisoformat(leg.opened))}"
    else:
        why = style.label(style.STATUS_STYLES, leg.status).lower()
    return f"the {leg.name} {leg.mode} leg ({why})"


#: Up to this many legs not in service are named one by one; more are summed up by status.
_NAMED_LEGS: Final = 3


def _legs_needed(network: Network, steps: Sequence[Step]) -> str:
    """The legs a route needs that are not in service, in words: named when few, else counted
    by status with where they run ("12 legs: 8 under construction and 4 planned, from
    Horadiz to Kars")."""
    if len(steps) <= _NAMED_LEGS:
        return ", ".join(_not_in_service(s.leg) for s in steps)
    by_status: dict[str, int] = {}
    for s in steps:
        why = (
            "opened later"
            if s.leg.status == "operational"
            else style.label(style.STATUS_STYLES, s.leg.status).lower()
        )
        by_status[why] = by_status.get(why, 0) + 1
    counted = [f"{n} {why}" for why, n in by_status.items()]
    listed = counted[0] if len(counted) == 1 else ", ".join(counted[:-1]) + " and " + counted[-1]
    a, b = network.places[steps[0].start].name, network.places[steps[-1].end].name
    return f"{len(steps)} legs that are not in service ({listed}) between {a} and {b}"


#: The constraints of a query in words.
_CONSTRAINT_WORDS: Final = {
    "asof": "the date",
    "avoid": "the countries to avoid",
    "modes": "the modes",
}


def _why(network: Network, query: Query, asof: date | None) -> tuple[str, tuple[str, ...]]:
    """Which constraint cut every route, in words, and its names (asof, avoid, modes)."""
    names = network.places
    for end in (query.origin, query.destination):
        if names[end].iso3 in query.avoid:
            return (
                f"{names[end].name} lies in {network.country(names[end].iso3)}, a country to avoid",
                ("avoid",),
            )
    relaxed: dict[str, tuple[date | None, Sequence[str], Sequence[str]]] = {}
    if asof is not None:
        relaxed["asof"] = (None, query.avoid, query.modes)
    if query.avoid:
        relaxed["avoid"] = (asof, (), query.modes)
    if query.modes:
        relaxed["modes"] = (asof, query.avoid, ())
    reasons: list[str] = []
    cut: list[str] = []
    for key, (when, avoid, modes) in relaxed.items():
        other = _shortest(network, query, when, avoid, modes)
        if other is None:
            continue
        cut.append(key)
        if key == "asof" and asof is not None:
            live = {x.segment_id for x in _usable(network, asof, (), ())}
            missing = [s for s in other.steps if s.leg.segment_id not in live]
            reasons.append(
                f"no route is in service on {filters.format_date(asof)}: the planned network "
                f"has one, which needs {_legs_needed(network, missing)}"
            )
        elif key == "avoid":
            crossed = [c for c in other.countries if c in query.avoid]
            reasons.append(
                "every route crosses a country to avoid: the shortest one crosses "
                + ", ".join(network.country(c) for c in crossed)
            )
        else:
            needed = sorted({s.leg.mode for s in other.steps} - set(query.modes))
            reasons.append(
                f"no route keeps to {', '.join(query.modes)}: the shortest one also needs "
                + ", ".join(needed)
            )
    if reasons:
        return "; or ".join(reasons), tuple(cut)
    a, b = names[query.origin].name, names[query.destination].name
    if relaxed and _shortest(network, query, None, (), ()) is not None:
        together = [_CONSTRAINT_WORDS[k] for k in relaxed]
        words = together[0] if len(together) == 1 else ", ".join(together[:-1]) + " and "
        words += together[-1] if len(together) > 1 else ""
        return f"{words} together cut every route from {a} to {b}", tuple(relaxed)
    return f"the network does not join {a} and {b}", ()


def plan(network: Network, query: Query) -> Plan:
    """The shortest route for ``query``, its alternatives, or why there is none."""
    for end in (query.origin, query.destination):
        if end not in network.places:
            raise RoutingError(f"unknown place {end!r}: no node has this id")
    if not 0 <= query.alternatives <= MAX_ALTERNATIVES:
        raise RoutingError(f"alternatives must be between 0 and {MAX_ALTERNATIVES}")
    asof = scenario_date(network, query.when)
    label = scenario_label(network, query.when)
    if query.origin == query.destination:
        return Plan(query, asof, label, Route(()))
    g = _graph(_usable(network, asof, query.avoid, query.modes))
    paths = _paths(g, query.origin, query.destination, 1 + query.alternatives)
    if not paths:
        reason, cut = _why(network, query, asof)
        return Plan(query, asof, label, None, reason=reason, cut_by=cut)
    routes = [_route(g, p) for p in paths]
    return Plan(query, asof, label, routes[0], tuple(routes[1:]))


# ---------------------------------------------------------------------------------------------
# Output


def _r(value: float) -> float:
    return round(value, 1)


def route_json(route: Route) -> dict[str, Any]:
    return {
        "km": _r(route.km),
        "legs": [
            {
                "segment_id": s.leg.segment_id,
                "name": s.leg.name,
                "from": s.start,
                "to": s.end,
                "km": _r(s.leg.km),
                "km_source": "published" if s.leg.km_published else "computed",
                "mode": s.leg.mode,
                "status": s.leg.status,
                "opened": s.leg.opened,
                "countries": list(s.leg.countries),
            }
            for s in route.steps
        ],
        "nodes": list(route.nodes),
        "km_by_mode": route.km_by_mode,
        "km_by_country": route.km_by_country,
        "countries": list(route.countries),
        "border_crossings": route.border_crossings,
        "sea_legs": route.sea_legs,
        "transfers": list(route.transfers),
    }


def plan_json(network: Network, p: Plan) -> dict[str, Any]:
    """The `corridormap route --format json` document (keys documented in the README)."""
    q = p.query
    doc: dict[str, Any] = {
        "schema": "corridormap.route/1",
        "from": q.origin,
        "to": q.destination,
        "from_name": network.places[q.origin].name,
        "to_name": network.places[q.destination].name,
        "asof": None if p.asof is None else p.asof.isoformat(),
        "scenario": PLANNED if p.asof is None else "asof",
        "scenario_label": p.scenario,
        "avoid": list(q.avoid),
        "modes": list(q.modes) or list(MODES),
        "found": p.found,
    }
    if p.route is None:
        doc["reason"] = p.reason
        doc["cut_by"] = list(p.cut_by)
        return doc
    doc.update(route_json(p.route))
    if q.alternatives:
        doc["alternatives"] = [route_json(r) for r in p.alternatives]
    return doc


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _summary(route: Route) -> str:
    modes = ", ".join(
        f"{style.MODE_LABELS.get(m, m).split(' ')[0].lower()} {km:,.0f}"
        for m, km in route.km_by_mode.items()
    )
    return (
        f"{route.km:,.0f} km ({modes}); {_count(route.border_crossings, 'border crossing')}, "
        f"{_count(route.sea_legs, 'sea leg')}; countries: {' → '.join(route.country_path)}"
    )


def plan_text(network: Network, p: Plan) -> str:
    """The `corridormap route` table."""
    q = p.query
    a, b = network.places[q.origin].name, network.places[q.destination].name
    lines = [f"{a} → {b}: {p.scenario}"]
    if q.avoid:
        lines.append("avoiding " + ", ".join(network.country(c) for c in q.avoid))
    if q.modes:
        lines.append("modes: " + ", ".join(q.modes))
    if p.route is None:
        lines.append(f"no route: {p.reason}")
        return "\n".join(lines)
    lines.append(_summary(p.route))
    lines.append(f"{'segment':22} {'from':26} {'to':26} {'mode':5} {'status':19} {'km':>7}")
    for s in p.route.steps:
        frm, to = network.places[s.start].name, network.places[s.end].name
        km = f"{s.leg.km:,.0f}" + ("" if s.leg.km_published else "*")
        lines.append(
            f"{s.leg.segment_id:22} {frm[:26]:26} {to[:26]:26} {s.leg.mode:5} "
            f"{s.leg.status:19} {km:>7}"
        )
    lines.append(
        "km by country: " + ", ".join(f"{k} {v:,.0f}" for k, v in p.route.km_by_country.items())
    )
    lines.append("* computed from the schematic line (no published length for the leg)")
    if len(p.alternatives) < q.alternatives:
        lines.append(fewer_alternatives_note(p))
    for i, r in enumerate(p.alternatives, start=1):
        lines.append(f"alternative {i}: {_summary(r)}")
        lines.append("  via " + " – ".join(network.places[n].name for n in r.nodes))
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# What a page shows


#: How a route's length is measured, said wherever lengths are shown or compared.
LENGTH_METHOD: Final = (
    "Lengths are measured along the lines drawn on the map (geodesic, WGS84), every leg alike, "
    "so routes compare like with like; the drawn lines are schematic, so a track is longer. "
    "Published lengths, where the sources give one for every leg, are beside them."
)


def published_km(route: Route) -> str:
    """The route's published length, when every leg has one; else how many legs have one."""
    n, total = route.published_legs, len(route.steps)
    if total and n == total:
        return f"{route.km:,.0f}"
    return f"{n} of {total} legs published"


def route_title(network: Network, route: Route) -> str:
    """ "Xi'an → Istanbul, 7,667 km" (along the drawn lines, as every route is compared)."""
    if not route.steps:
        return "no legs"
    a, b = network.places[route.nodes[0]].name, network.places[route.nodes[-1]].name
    return f"{a} → {b}, {route.km_line:,.0f} km"


def route_features(network: Network, route: Route) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """The route's legs (in the order travelled) and its labelled places: the ends and the
    transfers."""
    ids = [s.leg.segment_id for s in route.steps]
    ends = (route.nodes[:1] + route.nodes[-1:]) if route.steps else ()
    labelled = list(dict.fromkeys((*ends, *route.transfers)))
    return network.leg_frame.loc[ids], network.node_frame.loc[labelled]


def leg_rows(network: Network, route: Route) -> pd.DataFrame:
    """The route's legs as a table, in the order travelled."""
    rows = [
        {
            "Leg": s.leg.segment_id,
            "From": network.places[s.start].name,
            "To": network.places[s.end].name,
            "Mode": style.MODE_LABELS.get(s.leg.mode, s.leg.mode),
            "Status": style.label(style.STATUS_STYLES, s.leg.status),
            "Opened": s.leg.opened,
            "km": round(s.leg.km, 1),
            "Length": "published" if s.leg.km_published else "computed (schematic)",
            "Countries": ", ".join(s.leg.countries),
        }
        for s in route.steps
    ]
    return pd.DataFrame(rows, columns=list(LEG_ROW_COLUMNS))


LEG_ROW_COLUMNS: Final = (
    "Leg",
    "From",
    "To",
    "Mode",
    "Status",
    "Opened",
    "km",
    "Length",
    "Countries",
)


def comparison_rows(network: Network, plans: Sequence[tuple[str, Route | None]]) -> pd.DataFrame:
    """Routes side by side, as text to read: km, sea legs, border crossings, countries and
    transfers (a row per route; "no route" where there is none)."""
    rows = []
    for label, route in plans:
        if route is None:
            rows.append(
                {
                    "Route": label,
                    "km": "–",
                    "Published km": "–",
                    "Sea legs": "–",
                    "Border crossings": "–",
                    "Countries": "no route",
                    "Transfers": "–",
                }
            )
            continue
        rows.append(
            {
                "Route": label,
                "km": f"{route.km_line:,.0f}",
                "Published km": published_km(route),
                "Sea legs": str(route.sea_legs),
                "Border crossings": str(route.border_crossings),
                "Countries": " → ".join(route.country_path),
                "Transfers": ", ".join(network.places[n].name for n in route.transfers) or "none",
            }
        )
    return pd.DataFrame(rows)


def map_routes(
    network: Network, routes: Sequence[Route]
) -> list[tuple[str, gpd.GeoDataFrame, gpd.GeoDataFrame]]:
    """``(name, legs, places)`` of a route and its alternatives, for ``mapbuild.route_groups``."""
    out = []
    for i, route in enumerate(routes):
        legs, places = route_features(network, route)
        out.append((f"{route_label(i)}: {route_title(network, route)}", legs, places))
    return out


def compared_routes(
    network: Network, today: Plan, planned: Plan
) -> list[tuple[str, gpd.GeoDataFrame, gpd.GeoDataFrame]]:
    """``(name, legs, places)`` of today's route and the planned one, for the map: each named
    ("Today: Baku → Kars, 725 km"); a scenario without a route is left out (the page says why
    in words)."""
    out = []
    for label, p in (("Today", today), ("Planned", planned)):
        if p.route is not None:
            legs, places = route_features(network, p.route)
            out.append((f"{label}: {route_title(network, p.route)}", legs, places))
    return out


def route_label(index: int) -> str:
    """ "Route" for the route (0), "Alternative n" for its n-th alternative."""
    return style.ROUTE_LABEL if index == 0 else style.ROUTE_ALT_LABEL.format(n=index)


def route_facts(network: Network, route: Route) -> str:
    """One line of what a route crosses: countries, km by mode and by country, transfers."""
    text = (
        "Countries: "
        + " → ".join(network.country(iso) for iso in route.country_path)
        + ". km by mode: "
        + ", ".join(f"{m} {km:,.0f}" for m, km in route.km_by_mode.items())
        + ". km by country: "
        + ", ".join(f"{k} {km:,.0f}" for k, km in route.km_by_country.items())
    )
    if route.transfers:
        names = ", ".join(network.places[n].name for n in route.transfers)
        text += f". Transfers (change of mode): {names}"
    return text


def plan_routes(p: Plan) -> list[Route]:
    """The route and its alternatives (none when there is no route)."""
    return [] if p.route is None else [p.route, *p.alternatives]


def today_and_planned(network: Network, query: Query) -> tuple[Plan, Plan]:
    """The query on the newest date of the data and in the planned scenario (no alternatives)."""
    base = replace(query, alternatives=0)
    return plan(network, replace(base, when=None)), plan(network, replace(base, when=PLANNED))


def scene_plan(network: Network, origin: str, destination: str, asof: date | None) -> Plan:
    """A briefing scene's route: on the scene's date, or in the planned scenario when the scene
    has none (as its map then shows every leg)."""
    return plan(network, Query(origin, destination, asof if asof is not None else PLANNED))


def plan_summary(network: Network, p: Plan) -> str:
    """One line for a plan: the route's totals, or why there is none."""
    a, b = network.places[p.query.origin].name, network.places[p.query.destination].name
    if p.route is None:
        return f"{a} → {b}, {p.scenario}: no route ({p.reason})"
    return f"{a} → {b}, {p.scenario}: {_summary(p.route)}"


def fewer_alternatives_note(p: Plan) -> str:
    """Why a plan lists fewer alternatives than asked."""
    found = len(p.alternatives)
    return (
        f"{found} of the {p.query.alternatives} alternatives asked: no other route without a "
        f"place twice is within {ALTERNATIVE_MAX_RATIO:g} times the length of the shortest."
    )
