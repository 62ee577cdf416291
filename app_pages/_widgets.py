"""Reusable page pieces: counts, search, the legend that filters, the card, the tables."""

from __future__ import annotations

import functools
import math
from typing import Any

import streamlit as st

from app_pages import _common
from corridormap import catalog, geodesy, present, settings, style, upload
from corridormap.mapbuild import line_swatch_svg

_LEGEND_FACETS = (
    ("corridor", "Corridors", style.CORRIDOR_STYLES),
    ("status", "Status", style.STATUS_STYLES),
)


def counts(shown: dict[str, Any]) -> None:
    """One metric per visible layer: features shown (and km for line layers)."""
    specs = [s for s in _common.all_specs() if s.key in shown]
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
        col.metric(present.md_escape(spec.title), f"{len(gdf):,}", help=km)


def search_box(frames: dict[str, Any]) -> str | None:
    """Search every named feature; returns ``layer:id`` of a newly chosen hit."""
    del frames  # the shipped layers' index is cached per data folder
    own = _common.user_layers()
    hits = _index(_common.data_dir()) + present.search_index(
        {k: u.gdf for k, u in own.items()}, [u.spec for u in own.values()]
    )
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


@st.cache_resource(show_spinner=False)
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
    spec = _common.spec(layer)
    row = frames[layer].loc[fid].to_dict()
    c = present.card(spec, row, _common.source_register())
    with st.container(border=True):
        st.markdown(f"**{present.md_escape(c.title)}**  \n{present.md_escape(spec.title)}")
        if c.confidence and c.confidence != "high":
            st.warning(
                "Confidence: "
                + present.md_escape(style.CONFIDENCE_LABELS.get(c.confidence, c.confidence)),
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
            + "\n".join(
                f"- {present.md_link(u)}" + (f" ({d})" if d else " (undated page)")
                for u, d in zip(c.sources, c.source_dates, strict=True)
            )
        )
        if st.button("Clear selection", key="clear_selection"):
            st.session_state["selected"] = None
            st.rerun()


def tables(shown: dict[str, Any], *, key: str) -> None:
    """One visible layer's table at a time: exactly the features on the map, sortable,
    downloadable. (Tabs would send every layer's table on every rerun.)"""
    specs = {s.key: s for s in _common.all_specs() if s.key in shown}
    if not specs:
        return
    state_key = f"{key}_table"
    if st.session_state.get(state_key) not in specs:
        st.session_state[state_key] = next(
            (k for k in (catalog.CORRIDOR_LEGS.key, *specs) if k in specs), None
        )
    choice = st.segmented_control(
        "Table",
        list(specs),
        key=state_key,
        format_func=lambda k: f"{present.md_escape(specs[k].title)} ({len(shown[k])})",
        label_visibility="collapsed",
    )
    for spec in [specs[choice]] if choice in specs else []:
        gdf = shown[spec.key]
        with st.container():
            st.dataframe(_table(spec, gdf), width="stretch", height=300)
            a, b, _ = st.columns([1, 1, 4])
            a.download_button(
                "CSV",
                functools.partial(present.to_csv_bytes, spec, gdf),  # built when clicked
                file_name=f"{spec.key}.csv",
                mime="text/csv",
                key=f"{key}_{spec.key}_csv",
                icon=":material/download:",
                on_click="ignore",
            )
            b.download_button(
                "GeoJSON",
                functools.partial(present.to_geojson_bytes, spec, gdf),
                file_name=f"{spec.key}.geojson",
                mime="application/geo+json",
                key=f"{key}_{spec.key}_geojson",
                icon=":material/download:",
                on_click="ignore",
            )


def _table(spec: Any, gdf: Any) -> Any:
    return present.table(spec, gdf)


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
            "then. An operational leg whose opening date is not in the sources is shown at every "
            "date (its note says so).\n"
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


# ---------------------------------------------------------------------------------------------
# Users' own layers


def _take_upload(widget_key: str) -> None:
    """The file picker's callback: read the file (core), keep the layer in this session."""
    ss = st.session_state
    file = ss.get(widget_key)
    ss["upload_round"] = ss.get("upload_round", 0) + 1  # a fresh, empty picker next run
    if file is None:
        return
    try:
        layer = upload.read_user_layer(
            file.getvalue(),
            file.name,
            index=ss.get("user_layer_count", 0),
            taken=tuple(_common.user_layers()),
            settings=settings.load_settings(),
            repair=bool(ss.get("upload_repair", True)),
        )
    except upload.DataValidationError as exc:
        ss["upload_messages"] = [
            (
                "error",
                f"**Could not add {present.md_escape(file.name)}**\n\n{_common.problem_list(exc)}",
            )
        ]
        return
    _common.add_user_layer(layer)
    report = layer.report
    messages = [
        (
            "success",
            f"**Added {present.md_escape(layer.spec.title)}**: "
            + present.md_escape(report.summary()),
        )
    ]
    notes = [*(str(p) for p in report.dropped), *report.notes]
    if notes:
        shown = "\n".join(f"- {present.md_escape(n)}" for n in notes[:20])
        more = f"\n- … and {len(notes) - 20} more" if len(notes) > 20 else ""
        messages.append(("warning", f"Not everything was kept:\n\n{shown}{more}"))
    ss["upload_messages"] = messages


def upload_panel() -> None:
    """The sidebar section where users add their own layers (kept in this session only)."""
    ss = st.session_state
    limits = settings.load_settings()
    with st.sidebar:
        st.markdown("**Add your own layer**")
        st.checkbox(
            "Repair invalid geometries",
            value=True,
            key="upload_repair",
            help="Fix self-intersections and the like with make_valid (polygons stay "
            "polygons); without it, invalid features are dropped and named.",
        )
        widget_key = f"upload_file_{ss.get('upload_round', 0)}"
        st.file_uploader(
            "GeoJSON, GeoPackage, zipped Shapefile, KML, or CSV with lat/lon columns",
            type=list(upload.ACCEPTED),
            key=widget_key,
            on_change=_take_upload,
            args=(widget_key,),
            max_upload_size=max(1, math.ceil(limits.max_mb)),
            help=f"Up to {limits.max_mb:g} MB, {limits.max_features:,} features and "
            f"{limits.max_vertices:,} vertices. The layer stays in this browser session only.",
        )
        for level, text in ss.pop("upload_messages", []):
            getattr(st, level)(text)
        for key, layer in list(_common.user_layers().items()):
            text_col, button_col = st.columns([4, 1], vertical_alignment="center")
            summary = present.md_escape(layer.report.summary())
            text_col.caption(f"{present.md_escape(layer.spec.title)} · {summary}")
            button_col.button(
                "",
                key=f"remove_{key}",
                icon=":material/delete:",
                help="Remove this layer",
                on_click=_common.remove_user_layer,
                args=(key,),
            )


def export_buttons(state: Any, shown: dict[str, Any]) -> None:
    """Download the current view as an offline HTML map or a PNG (built only when clicked)."""
    from corridormap import export, filters, links, mapbuild  # noqa: PLC0415

    center, zoom = _common.map_view(state, _common.all_frames())
    selected = _common.selected_feature(_common.all_frames())
    view = export.ExportView(
        title="corridormap: the map view",
        description=filters.describe(state.filters, _common.names()),
        filters=state.filters,
        shown=shown,
        view=mapbuild.MapView((float(center[0]), float(center[1])), int(zoom)),
        highlights=(selected,) if selected else (),
        link=links.query_string(state),
        specs=tuple(_common.all_specs()),
    )
    frames = _common.layers().frames
    st.caption("Export this view · works offline: every script, font and feature inside")
    a, b, _ = st.columns([1, 1, 4])
    a.download_button(
        "Map (HTML)",
        data=lambda: export.html_view(view, frames),
        file_name="corridormap-view.html",
        mime="text/html",
        key="export_view_html",
        on_click="ignore",
        icon=":material/download:",
    )
    b.download_button(
        "Map (PNG)",
        data=lambda: export.png_view(view, frames),
        file_name="corridormap-view.png",
        mime="image/png",
        key="export_view_png",
        on_click="ignore",
        icon=":material/download:",
    )


def gas_exports_table(exports: Any) -> None:
    """The yearly figures with their sources and dates (blank: not published)."""
    frame = exports.assign(
        europe_share=(exports["europe_share"] * 100).round(1),
        sources=exports["source_url"].map(" ".join),
    )[
        [
            "year",
            "total_bcm",
            "europe_bcm",
            "europe_share",
            "turkiye_bcm",
            "turkiye_tanap_bcm",
            "georgia_bcm",
            "syria_bcm",
            "as_of",
            "confidence",
            "note",
            "sources",
        ]
    ]
    st.dataframe(
        frame.rename(
            columns={
                "year": "Year",
                "total_bcm": "Total bcm",
                "europe_bcm": "Europe bcm",
                "europe_share": "Europe %",
                "turkiye_bcm": "Türkiye bcm",
                "turkiye_tanap_bcm": "of which TANAP",
                "georgia_bcm": "Georgia bcm",
                "syria_bcm": "Syria bcm",
                "as_of": "As of",
                "confidence": "Confidence",
                "note": "Note",
                "sources": "Sources",
            }
        ),
        hide_index=True,
        width="stretch",
        column_config={"Sources": st.column_config.TextColumn(width="large")},
    )
