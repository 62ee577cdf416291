"""Corridors: how long, where, how far along?"""

from __future__ import annotations

import streamlit as st

from app_pages import _capture, _data, _maps, _state, _tables
from corridormap import analysis, catalog, charts, filters, formatting, i18n, mapbuild, style
from corridormap.i18n import _, ngettext

state = _state.current_state()
table = _data.leg_table()
st.markdown("#### " + _("Corridors: how long, where, how far along?"))
st.caption(filters.describe(state.filters, _data.names()))
_data.show_layer_errors((catalog.CORRIDOR_LEGS.key, catalog.COUNTRIES.key))
shown = _data.filtered(state.filters)
legs = shown.get(catalog.CORRIDOR_LEGS.key)
if table is None or legs is None:
    st.stop()
table = table[table["segment_id"].isin(legs.index)]
if table.empty:
    st.info(_("No corridor leg matches the filters."))
    st.stop()

_capture.from_page("corridors", state.filters, filters.describe(state.filters, _data.names()), None)
on_map = {k: shown[k] for k in (catalog.CORRIDOR_LEGS.key, catalog.NODES.key) if k in shown}
_maps.small_map(
    on_map,
    key="corridors_map",
    height=480,
    by_status=True,
    fit=mapbuild.content_bounds(on_map),
    follow=True,  # where the user moves it: in the link
    showing=state.filters,
)

left, right = st.columns(2)
left.altair_chart(charts.km_by_status(table), use_container_width=True)
right.altair_chart(charts.timeline(table), use_container_width=True)

st.markdown("##### " + _("Throughput: how much moves"))
volumes = _data.throughput()
if isinstance(volumes, Exception):
    st.error(_("The throughput table could not be loaded:") + f"\n\n{_data.problem_list(volumes)}")
else:
    long = analysis.throughput_long(volumes, state.filters.corridor)
    if long.empty:
        st.caption(_("No throughput is published for the corridors shown."))
    else:
        shown_volumes = volumes[volumes["corridor"].isin(set(long["corridor"]))]
        st.caption(
            _(
                "Million tonnes and TEU by year, where a source publishes them. Each line is one "
                "series (a whole route, one railway's containers, one port): they measure "
                "different things and are not added up. A year with no published figure has no "
                "point."
            )
        )
        cols = st.columns(2)
        for col, measure in zip(cols, analysis.THROUGHPUT_MEASURES, strict=True):
            if (long["measure"] == measure).any():
                col.altair_chart(charts.throughput(long, measure), use_container_width=True)
        urls = analysis.throughput_sources(volumes, state.filters.corridor)
        st.markdown(formatting.sources_line(urls, _data.source_register()))
        with st.expander(_("Throughput figures, notes and sources"), expanded=False):
            _tables.throughput_table(shown_volumes)

names = _data.feature_names()
for r in analysis.route_stats(table):
    title = f"{style.label(style.CORRIDOR_STYLES, r.corridor)} · {style.route_label(r.route)}"
    legs_text = ngettext("{n} leg", "{n} legs", r.legs).format(n=r.legs)
    computed = _("{km} km computed").format(km=i18n.number_text(r.computed_km, decimals=0))
    with st.expander(f"{title} — {legs_text}, {computed}", expanded=False):
        km = analysis.summarise_km(r.km_by_country.items())
        st.markdown(
            "**"
            + _("km by country:")
            + "** "
            + formatting.md_escape(formatting.km_by_country_text(km, names))
        )
        _tables.leg_rows(table[table["route"] == r.route])

st.markdown("##### " + _("Gaps and works in progress"))
st.caption(_("Every leg that is not yet operational, with the sources behind its status."))
if i18n.current() != i18n.DEFAULT:
    st.caption(_("The legs' notes are the English original, as written from their sources."))
frames = _data.layers().frames
for seg in table[table["status"] != "operational"]["segment_id"]:
    row = frames[catalog.CORRIDOR_LEGS.key].loc[seg]
    card = formatting.card(catalog.CORRIDOR_LEGS, row.to_dict(), names=names)
    status = formatting.format_value(catalog.CORRIDOR_LEGS.prop("status"), row["status"])
    expected = formatting.format_value(catalog.CORRIDOR_LEGS.prop("expected"), row["expected"])
    st.markdown(
        f"- **{formatting.md_escape(card.title)}** ({status}"
        + (
            ""
            if expected == formatting.MISSING
            else ", " + _("expected {year}").format(year=expected)
        )
        + "). "
        + (f"{formatting.md_escape(card.note)} " if card.note else "")
        + " ".join(formatting.md_link(u) for u in card.sources)
        + (
            ""
            if card.as_of == formatting.MISSING
            else " " + _("(as of {date})").format(date=card.as_of)
        )
    )
