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

from corridormap.routing.network import (
    ALTERNATIVE_MAX_RATIO,
    MAX_ALTERNATIVES,
    MODES,
    OUTSIDE,
    PLANNED,
    Leg,
    Network,
    Place,
    Plan,
    Query,
    Route,
    RoutingError,
    Step,
    and_list,
    build_network,
    parse_countries,
    parse_modes,
    parse_scenario,
    plan,
    resolve_place,
    scenario_date,
    scenario_label,
)
from corridormap.routing.report import (
    COMPARISON_COLUMNS,
    LEG_ROW_COLUMNS,
    LENGTH_METHOD,
    compared_routes,
    comparison_rows,
    fewer_alternatives_note,
    leg_rows,
    map_routes,
    plan_json,
    plan_routes,
    plan_summary,
    plan_text,
    published_km,
    route_facts,
    route_features,
    route_json,
    route_label,
    route_title,
    scene_plan,
    today_and_planned,
)

__all__ = [
    "ALTERNATIVE_MAX_RATIO",
    "COMPARISON_COLUMNS",
    "LEG_ROW_COLUMNS",
    "LENGTH_METHOD",
    "MAX_ALTERNATIVES",
    "MODES",
    "OUTSIDE",
    "PLANNED",
    "Leg",
    "Network",
    "Place",
    "Plan",
    "Query",
    "Route",
    "RoutingError",
    "Step",
    "and_list",
    "build_network",
    "compared_routes",
    "comparison_rows",
    "fewer_alternatives_note",
    "leg_rows",
    "map_routes",
    "parse_countries",
    "parse_modes",
    "parse_scenario",
    "plan",
    "plan_json",
    "plan_routes",
    "plan_summary",
    "plan_text",
    "published_km",
    "resolve_place",
    "route_facts",
    "route_features",
    "route_json",
    "route_label",
    "route_title",
    "scenario_date",
    "scenario_label",
    "scene_plan",
    "today_and_planned",
]
