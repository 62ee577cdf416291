"""What a plan says: its JSON, its text, its rows (legs, comparisons), its features for the
map, routes compared (today vs planned) and a scene's plan (``corridormap.routing`` re-exports
every public name)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import Any, Final

import geopandas as gpd
import pandas as pd

from corridormap import i18n, style
from corridormap.i18n import N_, _, ngettext
from corridormap.routing.network import (
    ALTERNATIVE_MAX_RATIO,
    MODES,
    OUTSIDE,
    PLANNED,
    Network,
    Plan,
    Query,
    Route,
    plan,
)


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


def _km(value: float) -> str:
    """A length in whole km with the language's separators ("7,667", "7 667")."""
    return i18n.number_text(value, decimals=0)


def _summary(route: Route) -> str:
    modes = ", ".join(f"{style.mode_word(m)} {_km(km)}" for m, km in route.km_by_mode.items())
    return _("{km} km ({modes}); {crossings}, {sea_legs}; countries: {countries}").format(
        km=_km(route.km),
        modes=modes,
        crossings=ngettext(
            "{n} border crossing", "{n} border crossings", route.border_crossings
        ).format(n=route.border_crossings),
        sea_legs=ngettext("{n} sea leg", "{n} sea legs", route.sea_legs).format(n=route.sea_legs),
        countries=" → ".join(route.country_path),
    )


#: The route table's column names, one message (separated by "|") so that no word of it is
#: taken for the same word elsewhere ("from" is a setting's origin on the Data page).
_TABLE_COLUMNS: Final = N_("segment|from|to|mode|status|km")


def _table_columns() -> list[str]:
    names = _(_TABLE_COLUMNS).split("|")
    return names if len(names) == 6 else _TABLE_COLUMNS.split("|")


def _status_word(status: str) -> str:
    """A leg's status in the table: in English its code (as the JSON document and the data
    name it), in another language its label."""
    if i18n.current() == i18n.DEFAULT:
        return status
    return style.label(style.STATUS_STYLES, status)


def plan_text(network: Network, p: Plan) -> str:
    """The `corridormap route` table, in the language in force (the places as the data names
    them, as the JSON document does)."""
    q = p.query
    a, b = network.places[q.origin].name, network.places[q.destination].name
    lines = [f"{a} → {b}: {p.scenario}"]
    if q.avoid:
        lines.append(
            _("avoiding {countries}").format(
                countries=", ".join(network.country(c) for c in q.avoid)
            )
        )
    if q.modes:
        lines.append(_("modes: {modes}").format(modes=", ".join(map(style.mode_word, q.modes))))
    if p.route is None:
        lines.append(_("no route: {reason}").format(reason=p.reason))
        return "\n".join(lines)
    lines.append(_summary(p.route))
    segment, frm_, to_, mode, status, km_ = _table_columns()
    # the mode's and status's columns as wide as their longest word in the language
    w_mode = max(5, len(mode) + 1, *(len(style.mode_word(m)) + 1 for m in MODES))
    w_status = max(
        19, len(status) + 1, *(len(_status_word(e.value)) + 1 for e in style.STATUS_STYLES)
    )
    lines.append(f"{segment:22} {frm_:26} {to_:26} {mode:{w_mode}} {status:{w_status}} {km_:>7}")
    for s in p.route.steps:
        frm, to = network.places[s.start].name, network.places[s.end].name
        km = _km(s.leg.km) + ("" if s.leg.km_published else "*")
        lines.append(
            f"{s.leg.segment_id:22} {frm[:26]:26} {to[:26]:26} "
            f"{style.mode_word(s.leg.mode):{w_mode}} {_status_word(s.leg.status):{w_status}} "
            f"{km:>7}"
        )
    lines.append(
        _("km by country: {km}").format(
            km=", ".join(
                f"{_(k) if k == OUTSIDE else k} {_km(v)}" for k, v in p.route.km_by_country.items()
            )
        )
    )
    lines.append(_("* computed from the schematic line (no published length for the leg)"))
    if len(p.alternatives) < q.alternatives:
        lines.append(fewer_alternatives_note(p))
    for i, r in enumerate(p.alternatives, start=1):
        lines.append(_("alternative {n}: {summary}").format(n=i, summary=_summary(r)))
        places = " – ".join(network.places[n].name for n in r.nodes)
        lines.append("  " + _("via {places}").format(places=places))
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# What a page shows


#: How a route's length is measured, said wherever lengths are shown or compared (marked for
#: translation: ``_(LENGTH_METHOD)`` where it is shown).
LENGTH_METHOD: Final = N_(
    "Lengths are measured along the lines drawn on the map (geodesic, WGS84), every leg alike, "
    "so routes compare like with like; the drawn lines are schematic, so a track is longer. "
    "Published lengths, where the sources give one for every leg, are beside them."
)


def published_km(route: Route) -> str:
    """The route's published length, when every leg has one; else how many legs have one."""
    n, total = route.published_legs, len(route.steps)
    if total and n == total:
        return i18n.number_text(route.km, decimals=0)
    return _("{n} of {total} legs published").format(n=n, total=total)


def route_title(network: Network, route: Route) -> str:
    """ "Xi'an → Istanbul, 7,667 km" (along the drawn lines, as every route is compared)."""
    if not route.steps:
        return _("no legs")
    a, b = network.places[route.nodes[0]].label, network.places[route.nodes[-1]].label
    return f"{a} → {b}, {i18n.number_text(route.km_line, decimals=0)} km"


def route_features(network: Network, route: Route) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """The route's legs (in the order travelled) and its labelled places: the ends and the
    transfers."""
    ids = [s.leg.segment_id for s in route.steps]
    ends = (route.nodes[:1] + route.nodes[-1:]) if route.steps else ()
    labelled = list(dict.fromkeys((*ends, *route.transfers)))
    return network.leg_frame.loc[ids], network.node_frame.loc[labelled]


def leg_rows(network: Network, route: Route) -> pd.DataFrame:
    """The route's legs as a table, in the order travelled (its values in the language in
    force, its column names English, marked for the page to translate)."""
    rows = [
        {
            "Leg": s.leg.segment_id,
            "From": network.places[s.start].label,
            "To": network.places[s.end].label,
            "Mode": style.code_label("mode", s.leg.mode),
            "Status": style.label(style.STATUS_STYLES, s.leg.status),
            "Opened": s.leg.opened,
            "km": round(s.leg.km, 1),
            "Length": _("published") if s.leg.km_published else _("computed (schematic)"),
            "Countries": ", ".join(s.leg.countries),
        }
        for s in route.steps
    ]
    return pd.DataFrame(rows, columns=list(LEG_ROW_COLUMNS))


LEG_ROW_COLUMNS: Final = (
    N_("Leg"),
    N_("From"),
    N_("To"),
    N_("Mode"),
    N_("Status"),
    N_("Opened"),
    N_("km"),
    N_("Length"),
    N_("Countries"),
)


def comparison_rows(network: Network, plans: Sequence[tuple[str, Route | None]]) -> pd.DataFrame:
    """Routes side by side, as text to read: km, sea legs, border crossings, countries and
    transfers (a row per route; "no route" where there is none). Its values are in the
    language in force, its column names English (``COMPARISON_COLUMNS``, marked)."""
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
                    "Countries": _("no route"),
                    "Transfers": "–",
                }
            )
            continue
        rows.append(
            {
                "Route": label,
                "km": i18n.number_text(route.km_line, decimals=0),
                "Published km": published_km(route),
                "Sea legs": str(route.sea_legs),
                "Border crossings": str(route.border_crossings),
                "Countries": " → ".join(route.country_path),
                "Transfers": ", ".join(network.places[n].label for n in route.transfers)
                or _("none"),
            }
        )
    return pd.DataFrame(rows, columns=list(COMPARISON_COLUMNS))


COMPARISON_COLUMNS: Final = (
    N_("Route"),
    N_("km"),
    N_("Published km"),
    N_("Sea legs"),
    N_("Border crossings"),
    N_("Countries"),
    N_("Transfers"),
)


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
    for label, p in ((_("Today"), today), (_("Planned"), planned)):
        if p.route is not None:
            legs, places = route_features(network, p.route)
            out.append((f"{label}: {route_title(network, p.route)}", legs, places))
    return out


def route_label(index: int) -> str:
    """ "Route" for the route (0), "Alternative n" for its n-th alternative (in the language
    in force)."""
    return _(style.ROUTE_LABEL) if index == 0 else _(style.ROUTE_ALT_LABEL).format(n=index)


def route_facts(network: Network, route: Route) -> str:
    """One line of what a route crosses: countries, km by mode and by country, transfers."""
    text = _("Countries: {countries}. km by mode: {modes}. km by country: {km}").format(
        countries=" → ".join(network.country(iso) for iso in route.country_path),
        modes=", ".join(
            f"{style.mode_word(m)} {i18n.number_text(km, decimals=0)}"
            for m, km in route.km_by_mode.items()
        ),
        km=", ".join(
            f"{_(k) if k == OUTSIDE else k} {i18n.number_text(km, decimals=0)}"
            for k, km in route.km_by_country.items()
        ),
    )
    if route.transfers:
        names = ", ".join(network.places[n].label for n in route.transfers)
        text += ". " + _("Transfers (change of mode): {places}").format(places=names)
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
        return _("{a} → {b}, {scenario}: no route ({reason})").format(
            a=a, b=b, scenario=p.scenario, reason=p.reason
        )
    return f"{a} → {b}, {p.scenario}: {_summary(p.route)}"


def fewer_alternatives_note(p: Plan) -> str:
    """Why a plan lists fewer alternatives than asked."""
    return _(
        "{found} of the {asked} alternatives asked: no other route without a place twice is "
        "within {ratio} times the length of the shortest."
    ).format(
        found=len(p.alternatives),
        asked=p.query.alternatives,
        ratio=i18n.number_text(ALTERNATIVE_MAX_RATIO),
    )
