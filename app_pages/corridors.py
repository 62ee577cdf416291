"""Corridors: how long, where, how far along?"""

from __future__ import annotations

import streamlit as st

from app_pages import _data, _state, _tables
from corridormap import analysis, catalog, charts, filters, present, style

state = _state.current_state()
table = _data.leg_table()
st.markdown("#### Corridors: how long, where, how far along?")
st.caption(filters.describe(state.filters, _data.names()))
_data.show_layer_errors((catalog.CORRIDOR_LEGS.key, catalog.COUNTRIES.key))
legs = _data.filtered(state.filters).get(catalog.CORRIDOR_LEGS.key)
if table is None or legs is None:
    st.stop()
table = table[table["segment_id"].isin(legs.index)]
if table.empty:
    st.info("No corridor leg matches the filters.")
    st.stop()

left, right = st.columns(2)
left.altair_chart(charts.km_by_status(table), use_container_width=True)
right.altair_chart(charts.timeline(table), use_container_width=True)

for r in analysis.route_stats(table):
    title = f"{style.label(style.CORRIDOR_STYLES, r.corridor)} · {style.route_label(r.route)}"
    with st.expander(f"{title} — {r.legs} legs, {r.computed_km:,.0f} km computed", expanded=False):
        st.markdown(
            "**km by country:** "
            + ", ".join(
                f"{k} {v:,.0f}" for k, v in analysis.summarise_km(r.km_by_country.items()).items()
            )
        )
        _tables.leg_rows(table[table["route"] == r.route])

st.markdown("##### Gaps and works in progress")
st.caption("Every leg that is not yet operational, with the sources behind its status.")
frames = _data.layers().frames
for seg in table[table["status"] != "operational"]["segment_id"]:
    row = frames[catalog.CORRIDOR_LEGS.key].loc[seg]
    card = present.card(catalog.CORRIDOR_LEGS, row.to_dict())
    status = style.label(style.STATUS_STYLES, str(row["status"]))
    expected = (
        f", expected {int(row['expected'])}"
        if row["expected"] == row["expected"] and row["expected"] is not None
        else ""
    )
    st.markdown(
        f"- **{present.md_escape(card.title)}** ({status}{expected}). "
        + (f"{present.md_escape(card.note)} " if card.note else "")
        + " ".join(present.md_link(u) for u in card.sources)
        + f" (as of {card.as_of})"
    )
