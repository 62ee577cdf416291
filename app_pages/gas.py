"""Gas: who gets Azerbaijani gas, since when, through what?"""

from __future__ import annotations

import streamlit as st

from app_pages import _capture, _data, _maps, _state, _tables
from corridormap import analysis, catalog, charts, filters, formatting, i18n, mapbuild, style
from corridormap.filters import Filters
from corridormap.i18n import _

state = _state.current_state()
st.markdown("#### " + _("Azerbaijani gas: who gets it, since when, through what?"))
_data.show_layer_errors((catalog.GAS_DESTINATIONS.key, catalog.PIPELINES.key))
gas_all = _data.layers().frames.get(catalog.GAS_DESTINATIONS.key)
if gas_all is None:
    st.stop()
gas_all = i18n.with_country_names(gas_all)  # the destinations' names in the language in force

keys = (catalog.GAS_DESTINATIONS.key, catalog.PIPELINES.key)
view = Filters(countries=state.filters.countries, asof=state.filters.asof, layers=keys)
shown = _data.filtered(view)
st.caption(filters.describe(view, _data.names()))

on_gabala = analysis.destinations_on(gas_all, analysis.GABALA_SUMMIT)
latest = len(gas_all)

names = dict(zip(gas_all["iso3"], gas_all["name"], strict=True))
route_to = st.selectbox(
    _("Route to"),
    [None, *sorted(names, key=names.get)],
    format_func=lambda iso: _("every destination shown") if iso is None else names[iso],
    key="gas_route_to",
    help=_("Draws the pipeline chain that carries Azerbaijani gas to the destination."),
)
pipelines = _data.layers().frames[catalog.PIPELINES.key]
route = None if route_to is None else analysis.gas_route(gas_all, pipelines, route_to)
_capture.from_page(
    "gas", view, filters.describe(view, _data.names()), route_to and f"{keys[0]}:{route_to}"
)
flows = (
    analysis.route_pipelines(shown[catalog.GAS_DESTINATIONS.key], pipelines)
    if route is None
    else route.pipelines
)
onward = None if route is None else route.onward
_maps.small_map(
    shown,
    key=f"gas_map_{route_to or 'all'}",  # a new map for a new route: fitted afresh
    extra_groups=[mapbuild.flow_group(flows, _(style.FLOW_LABEL), onward)],
    extra_legend=mapbuild.flow_legend(flows, onward),
    selected=None if route_to is None else (catalog.GAS_DESTINATIONS.key, route_to),
    fit=mapbuild.content_bounds(shown) if route is None else route.bounds,
    follow=True,  # where the user moves it: in the link
    showing=view,
)
if route_to is not None:
    dest = gas_all.set_index("iso3").loc[route_to]
    text = formatting.format_value(catalog.GAS_DESTINATIONS.prop("route_text"), dest["route_text"])
    if text == formatting.MISSING:  # the pipelines by name
        text = formatting.format_value(
            catalog.GAS_DESTINATIONS.prop("route"), dest["route"], _data.feature_names()
        )
    st.caption(
        _("Route to {destination}: {route}").format(
            destination=formatting.md_escape(names[route_to]),
            route=formatting.md_escape(_("not stated") if text == formatting.MISSING else text),
        )
    )

a, b, c = st.columns(3)  # under the map, which comes first on a phone
a.metric(_("Destinations shown"), len(shown[catalog.GAS_DESTINATIONS.key]))
b.metric(
    _("On {date} (Gabala summit)").format(date=i18n.date_text(analysis.GABALA_SUMMIT)), on_gabala
)
c.metric(_("All destinations in the data"), latest)

left, right = st.columns(2)
with left:
    st.markdown("##### " + _("Destination countries over time"))
    st.altair_chart(
        charts.cumulative_destinations(analysis.destinations_over_time(gas_all)),
        width="stretch",
    )
with right:
    st.markdown("##### " + _("Published volumes by destination (bcm)"))
    vols = analysis.volumes(gas_all)
    if vols.empty:
        st.info(_("No per-destination volumes are published in the data."))
    else:
        gaps = analysis.volume_gaps(vols, analysis.supply_start_years(gas_all))
        st.altair_chart(charts.volumes(gaps), width="stretch")
        missing = analysis.unpublished(gaps)
        only = _(
            "Only volumes published for a named destination are shown; smaller buyers' "
            "volumes are not published by Azerbaijan's Ministry of Energy."
        )
        gap_note = _(
            "No figure is in the data for {missing}: marked *not published*, not a drop to zero."
        )
        st.caption(
            only + (" " + gap_note.format(missing=formatting.md_escape(", ".join(missing))))
            if missing
            else only
        )

st.markdown("##### " + _("Exports by year, and Europe's share"))
exports = _data.gas_exports()
if isinstance(exports, Exception):
    st.error(_("The export totals could not be loaded:") + f"\n\n{_data.problem_list(exports)}")
else:
    st.altair_chart(charts.export_totals(exports), width="stretch")
    _tables.gas_exports_table(exports)

st.markdown("##### " + _("Destinations and pipelines, with sources"))
_tables.tables(shown, key="gas")
