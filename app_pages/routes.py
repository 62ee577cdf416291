"""Routes: how does a corridor run between two places, on a date or when the planned links open?"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import streamlit as st

from app_pages import _capture, _data, _exports, _maps, _state, _tables
from corridormap import catalog, filters, formatting, i18n, links, mapbuild, routing, style
from corridormap.filters import Filters
from corridormap.i18n import _

#: The map's size at 1440x900 with the sidebar open (about 940 x 520 px), a little small so
#: that a fitted route is not cut at the edges.
MAP_PX = (900.0, 500.0)
#: The page's map (st_folium's key).
MAP_KEY = "routes_map"

st.markdown("#### " + _("Routes: from one place to another over the corridors"))
_data.show_layer_errors((catalog.CORRIDOR_LEGS.key, catalog.NODES.key, catalog.COUNTRIES.key))
network = _data.network()
if network is None:
    st.stop()

_state.seed_route_from_link()
_state.route_notices()
st.caption(
    _(
        "The sidebar's filters do not apply here: a route has its own date or scenario, "
        "countries to avoid and modes."
    )
)

places = sorted(network.places, key=lambda n: formatting.fold(network.places[n].label))
country_names = i18n.country_names(network.country_names)  # in the language in force
countries = sorted(country_names, key=lambda c: country_names[c])


def _place(node_id: str) -> str:
    p = network.places[node_id]
    return f"{p.label} ({p.iso3})"  # its name in the language in force (place_names)


def _route_exports(drawn: list[Any], shown: dict[str, Any], wanted: links.RouteState) -> None:
    """The route as an offline HTML map, a PNG or a one-page PDF (built only when clicked)."""
    from corridormap import export  # noqa: PLC0415 - matplotlib only when exporting
    from corridormap.export import route as route_export  # noqa: PLC0415

    frames = _data.layers().frames
    seen = _state.seen_view(MAP_KEY)
    view = route_export.route_view(
        network,
        plan,
        drawn,
        shown,
        Filters(asof=plan.asof),
        link="?" + urlencode(links.route_params(wanted) | _view_params(), safe=","),
        view=seen.map_view() if seen is not None else None,  # the view the user moved to
        register=_data.source_register(),
    )
    st.caption(_("Export this route · works offline"))
    x, y, z, _rest = st.columns([1, 1, 1, 3])
    name = "corridormap-route"
    _exports.download(x, _("Route (HTML)"), lambda: export.html_view(view, frames),
                      f"{name}.html", "export_route_html")  # fmt: skip
    _exports.download(y, _("Route (PNG)"), lambda: export.png_view(view, frames),
                      f"{name}.png", "export_route_png")  # fmt: skip
    _exports.download(z, _("Route (PDF)"), lambda: route_export.pdf_view(view, frames),
                      f"{name}.pdf", "export_route_pdf")  # fmt: skip


def _view_params() -> dict[str, str]:
    """The map's view in the link, once the user has moved it."""
    seen = _state.seen_view(MAP_KEY)
    if seen is None:
        return {}
    state = links.ViewState(lat=seen.lat, lon=seen.lon, zoom=seen.zoom)
    return {k: v for k, v in links.to_params(state).items() if k in ("lat", "lon", "zoom")}


a, b, c, d = st.columns([1.8, 1.8, 3, 1.3], vertical_alignment="bottom")  # room for "When" in ru
a.selectbox(_("From"), places, format_func=_place, key="r_from")
b.selectbox(_("To"), places, format_func=_place, key="r_to")
c.segmented_control(
    _("When"),
    [_state.WHEN_NEWEST, _state.WHEN_DATE, _state.WHEN_PLANNED],
    format_func=_,  # (the options are the English words, the state keeps them)
    key="r_when",
    help=_(
        "Newest date: legs in service on the newest date of the data. On a date: legs in "
        "service then. Planned: every leg, including planned and under construction."
    ),
)
d.date_input(
    _("Date"),
    min_value=filters.ASOF_MIN,
    max_value=_data.asof_limit(),  # today too
    key="r_date",
    disabled=st.session_state.get("r_when") != _state.WHEN_DATE,
)
e, f, g, h = st.columns([3, 2, 1.4, 1.6], vertical_alignment="bottom")
e.multiselect(
    _("Countries to avoid"),
    countries,
    format_func=network.country,  # its name in the language in force, with its code
    key="r_avoid",
    placeholder=_("none"),
)
f.multiselect(
    _("Modes"),
    list(routing.MODES),
    format_func=style.mode_word,
    key="r_modes",
    placeholder=_("all"),
    help=_("Empty: every mode."),
)
g.selectbox(_("Alternatives"), [0, 1, 2, 3], key="r_alt")
h.toggle(
    _("Today vs planned"),
    key="r_compare",
    help=_(
        "The route on the newest date of the data beside the route when every planned link is open."
    ),
)

wanted = _state.route_state()
_state.sync_route_link(wanted)
query = routing.Query(
    origin=wanted.origin or _state.DEFAULT_ROUTE[0],
    destination=wanted.destination or _state.DEFAULT_ROUTE[1],
    when=wanted.when,
    avoid=wanted.avoid,
    modes=wanted.modes,
    alternatives=wanted.alternatives,
)
plan = routing.plan(network, query)
name_a, name_b = network.places[query.origin].label, network.places[query.destination].label
st.markdown(f"##### {formatting.md_escape(f'{name_a} → {name_b}')}: {plan.scenario}")
_capture.from_routes(plan, f"{name_a} → {name_b}, {plan.scenario}")
if query.avoid:
    st.caption(
        _("Avoiding {countries}").format(
            countries=", ".join(network.country(iso) for iso in query.avoid)
        )
    )

routes = routing.plan_routes(plan)
if plan.route is None:
    st.warning(
        "**" + _("No route.") + "** " + formatting.md_escape(plan.reason or ""),
        icon=":material/block:",
    )

shown = _data.filtered(
    Filters(
        asof=plan.asof,
        layers=(catalog.COUNTRIES.key, catalog.CORRIDOR_LEGS.key, catalog.NODES.key),
    )
)
drawn = routing.map_routes(network, routes)
if wanted.compare:  # today's route and the planned one on the map, each named
    today, planned = routing.today_and_planned(network, query)
    drawn = routing.compared_routes(network, today, planned)
_maps.small_map(
    shown,
    key=MAP_KEY,
    height=520,
    extra_groups=mapbuild.route_groups(drawn),
    view=mapbuild.route_view(drawn, size_px=MAP_PX),
    legend_collapsed=True,  # the legend would cover an end of the route
    follow=True,  # where the user moves it: in the link and the exports
    showing=wanted,  # a link's view while the route is the link's
)

_route_exports(drawn, shown, wanted)

if plan.route is not None:
    r = plan.route
    m1, m2, m3, m4 = st.columns(4)
    m1.metric(
        _("Length along the drawn lines"),
        f"{i18n.number_text(r.km_line, decimals=0)} km",
        help=_(routing.LENGTH_METHOD),
    )
    m2.metric(_("Border crossings"), r.border_crossings)
    m3.metric(_("Sea legs"), r.sea_legs)
    m4.metric(_("Countries"), len(r.countries))
    st.caption(formatting.md_escape(routing.route_facts(network, r)))
    st.caption(
        _("Published length: {length}").format(
            length=formatting.md_escape(routing.published_km(r))
            + (" km" if r.published_legs == len(r.steps) else "")
        )
        + ". "
        + _(routing.LENGTH_METHOD)
    )
    if len(plan.alternatives) < query.alternatives:
        st.caption(routing.fewer_alternatives_note(plan))

if plan.route is not None:
    st.markdown("##### " + _("Legs of the route"))
    st.dataframe(
        _tables.headers(routing.leg_rows(network, plan.route)),
        hide_index=True,
        width="stretch",
        placeholder=formatting.MISSING,
    )
if plan.alternatives:
    st.markdown("##### " + _("The route and its alternatives"))
    labelled = [(routing.route_label(i), route) for i, route in enumerate(routes)]
    _tables.comparison_table(routing.comparison_rows(network, labelled))
    cols = st.columns(len(plan.alternatives))
    for i, (col, alt) in enumerate(zip(cols, plan.alternatives, strict=True), start=1):
        col.markdown(f"**{formatting.md_escape(drawn[i][0])}**")
        col.dataframe(
            _tables.headers(routing.leg_rows(network, alt)[["Leg", "From", "To", "km"]]),
            hide_index=True,
            placeholder=formatting.MISSING,
        )

if wanted.compare:
    st.markdown("##### " + _("Today and when the planned links open"))
    rows = [
        (_("Today ({scenario})").format(scenario=today.scenario), today.route),
        (_("Planned"), planned.route),
    ]
    _tables.comparison_table(routing.comparison_rows(network, rows))
    for label, p in ((_("Today"), today), (_("Planned"), planned)):
        if p.route is None:
            said = _("{label} ({scenario}): no route.").format(
                label=label, scenario=formatting.md_escape(p.scenario)
            )
            st.info(
                f"**{said}** {formatting.md_escape((p.reason or '').capitalize())}.",
                icon=":material/block:",
            )

st.caption(
    _(
        "Lengths are published where the sources give one for the leg, else computed along the "
        "schematic line; no timetables, tariffs or capacities are modelled. See the README "
        "(Routes) for the model and its limits."
    )
)
