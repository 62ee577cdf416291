"""Tables: one visible layer's table at a time with its downloads, the legs with their
lengths, the OTS participants, the gas exports by year, and a country profile's sections."""

from __future__ import annotations

import functools
from typing import Any

import streamlit as st

from app_pages import _data, _user_layers
from corridormap import catalog, formatting, i18n, style
from corridormap.i18n import _


def tables(shown: dict[str, Any], *, key: str) -> None:
    """One visible layer's table at a time: exactly the features on the map, sortable,
    downloadable. (Tabs would send every layer's table on every rerun.)"""
    specs = {s.key: s for s in _user_layers.all_specs() if s.key in shown}
    if not specs:
        return
    state_key = f"{key}_table"
    if st.session_state.get(state_key) not in specs:
        st.session_state[state_key] = next(
            (k for k in (catalog.CORRIDOR_LEGS.key, *specs) if k in specs), None
        )
    choice = st.segmented_control(
        _("Table"),
        list(specs),
        key=state_key,
        format_func=lambda k: f"{formatting.md_escape(_title(specs[k]))} ({len(shown[k])})",
        label_visibility="collapsed",
    )
    for spec in [specs[choice]] if choice in specs else []:
        gdf = shown[spec.key]
        with st.container():
            st.dataframe(
                _table(spec, gdf),
                width="stretch",
                height=300,
                hide_index=True,
                placeholder=formatting.MISSING,
            )
            a, b, _rest = st.columns([1, 1, 4])
            a.download_button(
                "CSV",
                functools.partial(formatting.to_csv_bytes, spec, gdf),  # built when clicked
                file_name=f"{spec.key}.csv",
                mime="text/csv",
                key=f"{key}_{spec.key}_csv",
                icon=":material/download:",
                on_click="ignore",
            )
            b.download_button(
                "GeoJSON",
                functools.partial(formatting.to_geojson_bytes, spec, gdf),
                file_name=f"{spec.key}.geojson",
                mime="application/geo+json",
                key=f"{key}_{spec.key}_geojson",
                icon=":material/download:",
                on_click="ignore",
            )


def _title(spec: Any) -> str:
    """A layer's title: a shipped layer's in the language in force, a user's as they gave it."""
    return _(spec.title) if spec in catalog.LAYERS else str(spec.title)


def _table(spec: Any, gdf: Any) -> Any:
    table = formatting.table(spec, gdf, _data.feature_names())
    return headers(table) if spec in catalog.LAYERS else table  # a user's columns as named


def headers(frame: Any) -> Any:
    """A table with its column names in the language in force (the names are the product's
    own, marked for translation where the table is made)."""
    return frame.rename(columns=_)


def leg_rows(table: Any) -> None:
    """Legs with published and computed lengths, and the countries crossed (km in each)."""
    st.dataframe(
        headers(formatting.leg_rows(table, _data.feature_names())),
        hide_index=True,
        width="stretch",
        placeholder=formatting.MISSING,
    )


def participants_table(members: Any) -> None:
    st.dataframe(
        headers(formatting.participant_rows(members)),
        hide_index=True,
        width="stretch",
        placeholder=formatting.MISSING,
    )


def profile_sections(profile: Any) -> None:
    if profile.km_by_status:
        st.markdown(
            "**"
            + _("Corridor km inside the country by status:")
            + "** "
            + ", ".join(
                _("{status} {km} km").format(
                    status=style.label(style.STATUS_STYLES, k), km=i18n.number_text(v, decimals=0)
                )
                for k, v in profile.km_by_status.items()
            )
        )
        leg_rows(profile.legs)
    else:
        st.caption(_("No corridor leg in the data crosses this country."))
    shown = {k: v for k, v in profile.frames.items() if k != catalog.COUNTRIES.key and len(v)}
    if shown:
        tables(shown, key=f"profile_{profile.iso3}")
    else:
        st.caption(
            _("No node, pipeline, gas delivery, summit or annotation concerns this country.")
        )


def gas_exports_table(exports: Any) -> None:
    """The yearly figures with their sources and dates ("–": not published)."""
    st.dataframe(
        headers(formatting.gas_export_rows(exports)),
        hide_index=True,
        placeholder=formatting.MISSING,
        width="stretch",
        column_config={_("Sources"): st.column_config.TextColumn(width="large")},
    )


def throughput_table(frame: Any) -> None:
    """Throughput by corridor, series and year with its sources and dates ("–": not
    published)."""
    st.dataframe(
        headers(formatting.throughput_rows(frame)),
        hide_index=True,
        placeholder=formatting.MISSING,
        width="stretch",
        column_config={
            _("Mt"): st.column_config.NumberColumn(format="%.3f"),
            _("TEU"): st.column_config.NumberColumn(format="%d"),
            _("Sources"): st.column_config.TextColumn(width="large"),
        },
    )


def comparison_table(rows: Any) -> None:
    """Routes side by side (``routing.comparison_rows``), a row per route, headed in the
    language in force."""
    plain_table(headers(rows).set_index(_("Route")))


def plain_table(frame: Any) -> None:
    """A small static table; a value not known shows as "–" (never the word "None")."""
    shown = frame.astype(object)
    st.table(shown.where(shown.notna(), formatting.MISSING))
