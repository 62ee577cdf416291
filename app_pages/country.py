"""Country profile: one country's OTS record, corridors, nodes, gas, summits and annotations."""

from __future__ import annotations

import streamlit as st

from app_pages import _capture, _cards, _data, _maps, _tables
from corridormap import analysis, catalog, formatting, i18n, mapbuild
from corridormap.filters import Filters
from corridormap.i18n import _

frames = _data.layers().frames
countries = frames.get(catalog.COUNTRIES.key)
_data.show_layer_errors()
if countries is None:
    st.stop()
names = i18n.country_names(_data.country_names())  # in the language in force
options = sorted(names, key=lambda c: names[c])
chosen = st.session_state.get("f_countries") or ["AZE"]


def _choose() -> None:
    # The profile's country is the shared country filter: the link says ?country=…, and the
    # map and the other pages follow it.
    st.session_state["f_countries"] = [st.session_state["profile_country"]]


st.session_state["profile_country"] = chosen[0] if chosen[0] in options else options[0]
iso3 = st.selectbox(
    _("Country"),
    options,
    format_func=lambda c: f"{names[c]} ({c})",
    key="profile_country",
    on_change=_choose,
)
table = _data.leg_table()
profile = analysis.country_profile(
    iso3,
    frames,
    table if table is not None else analysis.empty_leg_table(),
    _data.crossings(),
)

name = names[iso3]  # (the profile matches annotations by the data's own name)
st.markdown(f"#### {formatting.md_escape(name)}")
_capture.from_page("country", Filters(countries=(iso3,)), name, f"{catalog.COUNTRIES.key}:{iso3}")
_cards.country_summary(profile)
_bounds = mapbuild.largest_part_bounds(countries.loc[[iso3]].geometry)
_maps.small_map(
    profile.frames,
    key=f"country_map_{iso3}",
    height=420,
    fit=_bounds,
    follow=True,  # where the user moves it: in the link
)
_tables.profile_sections(profile)
