"""The route planner's network and its plans: places, legs, the graph, queries, and the
shortest routes with their alternatives (``corridormap.routing`` re-exports every public name).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final

import geopandas as gpd
import networkx as nx
import pandas as pd

from corridormap import analysis, catalog, filters, formatting, i18n, overlay, place_names, style
from corridormap.i18n import N_, _, ngettext

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
    name: str  # the data's (English) name: what ids, links and matching rely on
    iso3: str
    kind: str

    @property
    def label(self) -> str:
        """The place's name as shown, in the language in force (``place_names``): the sourced
        table's, else the data's name."""
        return place_names.place_name(self.node_id, self.name)


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
        """The country by its name in the language in force, with its code."""
        name = self.country_names.get(iso3)
        return f"{i18n.country_name(iso3, name)} ({iso3})" if name else iso3


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
        raise RoutingError(
            _("unknown place {text}: give a node id or a place name").format(text=repr(text))
        )
    exact = [
        p.node_id
        for p in network.places.values()
        if wanted in (_fold(p.node_id), _fold(p.name), _fold(p.label))
    ]
    if len(exact) == 1:
        return exact[0]
    starts = [p.node_id for p in network.places.values() if _fold(p.name).startswith(wanted)]
    if len(starts) == 1:
        return starts[0]
    if len(exact) > 1 or len(starts) > 1:
        several = ", ".join(sorted(exact or starts))
        raise RoutingError(
            _("place {text} matches several nodes: {nodes}; give a node id").format(
                text=repr(text), nodes=several
            )
        )
    raise RoutingError(
        _("unknown place {text}: no node has this id or name").format(text=repr(text))
    )


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
            _("date {text} is neither an ISO date (YYYY-MM-DD) nor {planned}").format(
                text=repr(text), planned=repr(PLANNED)
            )
        ) from None


def parse_modes(values: Iterable[str]) -> tuple[str, ...]:
    out: list[str] = []
    for v in values:
        mode = v.strip().lower()
        if mode not in MODES:
            raise RoutingError(
                _("unknown mode {mode}; known: {modes}").format(
                    mode=repr(v), modes=", ".join(MODES)
                )
            )
        if mode not in out:
            out.append(mode)
    return tuple(out)


def parse_countries(values: Iterable[str], known: Iterable[str]) -> tuple[str, ...]:
    codes = set(known)
    out: list[str] = []
    for v in values:
        iso = v.strip().upper()
        if iso not in codes:
            raise RoutingError(
                _("unknown country code {code} (ISO3 codes of the map, e.g. RUS)").format(
                    code=repr(v)
                )
            )
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
        return _("planned: every leg, including planned and under construction")
    if when is None:
        return _("legs in service on {date} (the newest date of the data)").format(
            date=filters.format_date(asof)
        )
    return _("legs in service on {date}").format(date=filters.format_date(asof))


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
        why = _("opened {date}").format(date=filters.format_date(date.fromisoformat(leg.opened)))
    else:
        why = style.label(style.STATUS_STYLES, leg.status).lower()
    template = _LEG_WORDS.get(leg.mode, N_("the {name} {mode} leg ({why})"))
    return _(template).format(name=place_names.names_in(leg.name), mode=leg.mode, why=why)


#: A leg in a sentence, by its mode (each its own message: languages place the mode apart).
_LEG_WORDS: Final = {
    "rail": N_("the {name} rail leg ({why})"),
    "sea": N_("the {name} sea leg ({why})"),
    "road": N_("the {name} road leg ({why})"),
}


def and_list(items: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c`` in the language in force."""
    if len(items) <= 1:
        return "".join(items)
    return _("{items} and {last}").format(items=", ".join(items[:-1]), last=items[-1])


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
            _("opened later")
            if s.leg.status == "operational"
            else style.label(style.STATUS_STYLES, s.leg.status).lower()
        )
        by_status[why] = by_status.get(why, 0) + 1
    listed = and_list([f"{n} {why}" for why, n in by_status.items()])
    a, b = network.places[steps[0].start].label, network.places[steps[-1].end].label
    return ngettext(
        "{n} leg that is not in service ({listed}) between {a} and {b}",
        "{n} legs that are not in service ({listed}) between {a} and {b}",
        len(steps),
    ).format(n=len(steps), listed=listed, a=a, b=b)


#: The constraints of a query in words.
_CONSTRAINT_WORDS: Final = {
    "asof": N_("the date"),
    "avoid": N_("the countries to avoid"),
    "modes": N_("the modes"),
}


def _why(network: Network, query: Query, asof: date | None) -> tuple[str, tuple[str, ...]]:
    """Which constraint cut every route, in words, and its names (asof, avoid, modes)."""
    names = network.places
    for end in (query.origin, query.destination):
        if names[end].iso3 in query.avoid:
            return (
                _("{place} lies in {country}, a country to avoid").format(
                    place=names[end].label, country=network.country(names[end].iso3)
                ),
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
                _(
                    "no route is in service on {date}: the planned network has one, which "
                    "needs {legs}"
                ).format(date=filters.format_date(asof), legs=_legs_needed(network, missing))
            )
        elif key == "avoid":
            crossed = [c for c in other.countries if c in query.avoid]
            reasons.append(
                _(
                    "every route crosses a country to avoid: the shortest one crosses {countries}"
                ).format(countries=", ".join(network.country(c) for c in crossed))
            )
        else:
            needed = sorted({s.leg.mode for s in other.steps} - set(query.modes))
            reasons.append(
                _("no route keeps to {modes}: the shortest one also needs {needed}").format(
                    modes=", ".join(map(style.mode_word, query.modes)),
                    needed=", ".join(map(style.mode_word, needed)),
                )
            )
    if reasons:
        return _("; or ").join(reasons), tuple(cut)
    a, b = names[query.origin].label, names[query.destination].label
    if relaxed and _shortest(network, query, None, (), ()) is not None:
        words = and_list([_(_CONSTRAINT_WORDS[k]) for k in relaxed])
        return _("{constraints} together cut every route from {a} to {b}").format(
            constraints=words, a=a, b=b
        ), tuple(relaxed)
    return _("the network does not join {a} and {b}").format(a=a, b=b), ()


def plan(network: Network, query: Query) -> Plan:
    """The shortest route for ``query``, its alternatives, or why there is none."""
    for end in (query.origin, query.destination):
        if end not in network.places:
            raise RoutingError(
                _("unknown place {text}: no node has this id").format(text=repr(end))
            )
    if not 0 <= query.alternatives <= MAX_ALTERNATIVES:
        raise RoutingError(
            _("alternatives must be between 0 and {max}").format(max=MAX_ALTERNATIVES)
        )
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
