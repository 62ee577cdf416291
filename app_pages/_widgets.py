"""Reusable page pieces: counts, search, the legend that filters, the card, the tables."""

from __future__ import annotations

from typing import Any

import streamlit as st

from app_pages import _common
from corridormap import catalog, geodesy, present, style
from corridormap.mapbuild import line_swatch_svg

_LEGEND_FACETS = (
    ("corridor", "Corridors", style.CORRIDOR_STYLES),
    ("status", "Status", style.STATUS_STYLES),
)


def counts(shown: dict[str, Any]) -> None:
    """One metric per visible layer: features shown (and km for line layers)."""
    specs = [s for s in catalog.LAYERS if s.key in shown]
    if not specs:
        st.info("No layer is switched on: choose layers in the sidebar.")
        return
    cols = st.columns(len(specs))
    for col, spec in zip(cols, specs, strict=True):
        gdf = shown[spec.key]
        km = (
            f"{sum(geodesy.lengths_km(gdf)):,.0f} km (geodesic, schematic lines)"
            if "LineString" in spec.geometry_types and len(gdf)
            else None
        )
        col.metric(spec.title, f"{len(gdf):,}", help=km)


def search_box(frames: dict[str, Any]) -> str | None:
    """Search every named feature; returns ``layer:id`` of a newly chosen hit."""
    del frames  # the index is cached per data folder
    hits = _index(_common.data_dir())
    labels = {h.key: h.label for h in hits}
    choice = st.selectbox(
        "Search",
        list(labels),
        index=None,
        key="search",
        format_func=lambda k: labels[k],
        placeholder="Search legs, nodes, pipelines, countries, summits…",
        label_visibility="collapsed",
    )
    if choice and choice != st.session_state.get("_last_search"):
        st.session_state["_last_search"] = choice
        return str(choice)
    return None


@st.cache_data(show_spinner=False)
def _index(folder: str) -> tuple[present.SearchHit, ...]:
    del folder  # the cache key: the index of that folder's layers
    return present.search_index(_common.layers().frames)


def _flip(facet: str, value: str, values: tuple[str, ...]) -> None:
    current = set(st.session_state.get(f"f_{facet}") or values)
    current ^= {value}
    chosen = [v for v in values if v in current]
    st.session_state[f"f_{facet}"] = [] if len(chosen) in (0, len(values)) else chosen


def legend_filters() -> None:
    """The legend, which is also a filter: untick a corridor or a status to hide it."""
    st.caption("Legend · untick to filter the map, table and counts")
    for facet, title, entries in _LEGEND_FACETS:
        values = tuple(e.value for e in entries)
        active = set(st.session_state.get(f"f_{facet}") or values)
        st.markdown(f"**{title}**")
        for e in entries:
            key = f"lg_{facet}_{e.value}"
            st.session_state[key] = e.value in active
            swatch_col, box_col = st.columns([1, 5], vertical_alignment="center")
            color = e.color if facet == "corridor" else style.TEXT
            swatch_col.markdown(line_swatch_svg(color, e.dash), unsafe_allow_html=True)
            box_col.checkbox(
                e.label,
                key=key,
                on_change=_flip,
                args=(facet, e.value, values),
                help=e.definition or None,
            )


def detail_card(frames: dict[str, Any], selected: tuple[str, str] | None) -> None:
    """Every property of the selected feature, its dated sources, confidence and note."""
    if selected is None:
        st.caption("Click a feature on the map, or search, to see its card.")
        return
    layer, fid = selected
    spec = catalog.get(layer)
    row = frames[layer].loc[fid].to_dict()
    c = present.card(spec, row)
    with st.container(border=True):
        st.markdown(f"**{present.md_escape(c.title)}**  \n{present.md_escape(spec.title)}")
        if c.confidence and c.confidence != "high":
            st.warning(
                f"Confidence: {present.md_escape(style.CONFIDENCE_LABELS[c.confidence])}",
                icon=":material/help:",
            )
        if c.note:
            st.markdown(f"*Note:* {present.md_escape(c.note)}")
        lines = [
            f"- **{present.md_escape(r.label)}:** {present.md_escape(r.text)}"
            for r in c.rows
            if r.text != "–"
        ]
        st.markdown("\n".join(lines))
        st.markdown(
            f"**Sources** (as of {present.md_escape(c.as_of)}):\n"
            + "\n".join(f"- {present.md_link(u)}" for u in c.sources)
        )
        if st.button("Clear selection", key="clear_selection"):
            st.session_state["selected"] = None
            st.rerun()


def tables(shown: dict[str, Any], *, key: str) -> None:
    """A tab per visible layer: exactly the features on the map, sortable, downloadable."""
    specs = [s for s in catalog.LAYERS if s.key in shown]
    if not specs:
        return
    tabs = st.tabs([f"{s.title} ({len(shown[s.key])})" for s in specs])
    for tab, spec in zip(tabs, specs, strict=True):
        gdf = shown[spec.key]
        with tab:
            st.dataframe(present.table(spec, gdf), width="stretch", height=300)
            a, b, _ = st.columns([1, 1, 4])
            a.download_button(
                "CSV",
                present.to_csv_bytes(spec, gdf),
                file_name=f"{spec.key}.csv",
                mime="text/csv",
                key=f"{key}_{spec.key}_csv",
                icon=":material/download:",
            )
            b.download_button(
                "GeoJSON",
                present.to_geojson_bytes(spec, gdf),
                file_name=f"{spec.key}.geojson",
                mime="application/geo+json",
                key=f"{key}_{spec.key}_geojson",
                icon=":material/download:",
            )


def status_definitions() -> None:
    with st.expander("What the colours, lines and dates mean"):
        st.markdown(
            "\n".join(
                f"- **{e.label}**: {present.md_escape(e.definition)}" for e in style.STATUS_STYLES
            )
        )
        st.markdown(
            "- **As of a date**: legs and pipelines operational by then, gas destinations "
            "supplied by then, OTS members and observers by their joining date, summits held by "
            "then. Legs with no opening date were in service before 2006.\n"
            + "\n".join(
                f"- **{k.title()} confidence**: {v}" for k, v in style.CONFIDENCE_LABELS.items()
            )
        )


def leg_rows(table: Any) -> None:
    """Legs with published and computed lengths, and the countries crossed (km in each)."""
    frame = table.assign(
        Mode=table["mode"].map(lambda m: style.MODE_LABELS.get(m, m)),
        Status=table["status"].map(lambda s: style.label(style.STATUS_STYLES, s)),
        Crossed=table["km_by_country"].map(
            lambda d: ", ".join(f"{k} {v:,.0f}" for k, v in d.items())
        ),
    )[
        [
            "name",
            "Mode",
            "Status",
            "opened",
            "expected",
            "published_km",
            "section",
            "section_km",
            "computed_km",
            "Crossed",
        ]
    ]
    st.dataframe(
        frame.rename(
            columns={
                "name": "Leg",
                "opened": "Opened",
                "expected": "Expected",
                "published_km": "Published km",
                "section": "Published section",
                "section_km": "Section km",
                "computed_km": "Computed km",
                "Crossed": "km by country",
            }
        ),
        hide_index=True,
        width="stretch",
    )


def _sources_line(urls: Any, as_of: Any) -> str:
    return " ".join(present.md_link(str(u)) for u in (urls or ())) + (
        f" (as of {present.md_escape(str(as_of))})" if as_of else ""
    )


def annotation_list(notes: Any) -> None:
    """Annotations grouped by topic: title, short text, confidence, dated sources."""
    for entry in style.TOPIC_STYLES:
        group = notes[notes["topic"] == entry.value]
        if group.empty:
            continue
        st.markdown(f"**{entry.label}**")
        for _, row in group.iterrows():
            flag = (
                ""
                if row["confidence"] in (None, "high")
                else f" *(confidence: {row['confidence']})*"
            )
            st.markdown(
                f"- **{present.md_escape(str(row['title']))}**{flag}: "
                f"{present.md_body(str(row['body']))}"
                f"  \n  {_sources_line(row['source_url'], row['as_of'])}"
            )


def participants_table(members: Any) -> None:
    frame = members[["name", "iso3", "kind", "ots_status", "ots_joined", "note"]].rename(
        columns={
            "name": "Name",
            "iso3": "ISO3",
            "kind": "Kind",
            "ots_status": "Status",
            "ots_joined": "Since",
            "note": "Note",
        }
    )
    st.dataframe(frame, hide_index=True, width="stretch")


def country_summary(profile: Any, ots_text: str) -> None:
    cols = st.columns(4)
    cols[0].metric("OTS", ots_text)
    cols[1].metric("Corridor legs crossing", len(profile.legs))
    km = sum(profile.km_by_status.values())
    cols[2].metric("Corridor km inside", f"{km:,.0f}")
    gas = profile.frames.get(catalog.GAS_DESTINATIONS.key)
    start = "–"
    if gas is not None and len(gas):
        start = present.format_value(
            catalog.GAS_DESTINATIONS.prop("supply_start"), gas.iloc[0]["supply_start"]
        )
    cols[3].metric("Azerbaijani gas since", start)


def profile_sections(profile: Any) -> None:
    if profile.km_by_status:
        st.markdown(
            "**Corridor km inside the country by status:** "
            + ", ".join(
                f"{style.label(style.STATUS_STYLES, k)} {v:,.0f} km"
                for k, v in profile.km_by_status.items()
            )
        )
        leg_rows(profile.legs)
    else:
        st.caption("No corridor leg in the data crosses this country.")
    shown = {k: v for k, v in profile.frames.items() if k != catalog.COUNTRIES.key and len(v)}
    if shown:
        tables(shown, key=f"profile_{profile.iso3}")
    else:
        st.caption("No node, pipeline, gas delivery, summit or annotation concerns this country.")
