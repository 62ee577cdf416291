"""Cards and summaries: the selected feature's card, the counts per visible layer, a
country's summary metrics and the list of annotations with their sources."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import streamlit as st

from app_pages import _data, _user_layers
from corridormap import catalog, formatting, geodesy, i18n, place_names, review, style
from corridormap.i18n import _


def metrics(items: Sequence[formatting.Metric]) -> None:
    """Metrics in rows of as many columns as let every label and value show uncut."""
    per_row = formatting.metrics_per_row(items)
    for start in range(0, len(items), per_row):
        row = items[start : start + per_row]
        cols = st.columns(per_row)
        for col, m in zip(cols, row, strict=False):
            col.metric(
                formatting.md_escape(m.label),
                m.value,
                m.delta,
                delta_color="off",
                delta_arrow="off",
                help=m.help,
            )


def counts(shown: dict[str, Any]) -> None:
    """One metric per visible layer: features shown (and km for line layers)."""
    specs = [s for s in _user_layers.all_specs() if s.key in shown]
    if not specs:
        st.info(_("No layer is switched on: choose layers in the sidebar."))
        return
    items = []
    for spec in specs:
        gdf = shown[spec.key]
        km = (
            _("{km} km (geodesic, schematic lines)").format(
                km=i18n.number_text(sum(geodesy.lengths_km(gdf)), decimals=0)
            )
            if "LineString" in spec.geometry_types and len(gdf)
            else None
        )
        shipped = spec in catalog.LAYERS  # a user's layer keeps the name they gave it
        title = _(spec.title) if shipped else spec.title
        short = _(spec.short) if shipped else spec.short
        full = title if spec.short != spec.title else None  # the label is short
        count = i18n.number_text(len(gdf), decimals=0)
        items.append(formatting.Metric(short, count, help=km or full))
    metrics(items)


def detail_card(frames: dict[str, Any], selected: tuple[str, str] | None) -> None:
    """Every property of the selected feature, its dated sources, confidence and note."""
    if selected is None:
        st.caption(_("Click a feature on the map, or search, to see its card."))
        return
    layer, fid = selected
    spec = _user_layers.spec(layer)
    row = frames[layer].loc[fid].to_dict()
    c = formatting.card(spec, row, _data.source_register(), _data.feature_names())
    due = review.items_for(_data.review_items(), layer, fid)
    with st.container(border=True):
        title = _(spec.title) if spec in catalog.LAYERS else spec.title
        # a place's name in the language in force (the data's where the table has none)
        name = (
            formatting.feature_title(spec, place_names.shown_row(spec, row))
            if spec in catalog.LAYERS
            else c.title
        )
        st.markdown(f"**{formatting.md_escape(name)}**  \n{formatting.md_escape(title)}")
        if due:
            st.caption(
                ":material/schedule: "
                + _("**Due for review** – check before presenting as current:")
                + " "
                + "; ".join(
                    formatting.md_escape(i.what)
                    + " "
                    + _("(due {date})").format(date=formatting.md_escape(i.due.isoformat()))
                    for i in due
                )
            )
        if c.confidence and c.confidence != "high":
            meaning = style.CONFIDENCE_LABELS.get(c.confidence)
            st.warning(
                _("Confidence: {meaning}").format(
                    meaning=formatting.md_escape(_(meaning) if meaning else c.confidence)
                ),
                icon=":material/help:",
            )
        if c.note:
            # notes are written in English, and stay so in every language (which says so)
            english = i18n.current() == i18n.DEFAULT
            label = _("Note") if english else _("Note (English original)")
            st.markdown(f"*{label}:* {formatting.md_escape(c.note)}")
        lines = [
            f"- **{formatting.md_escape(r.label)}:** {r.md}"
            for r in c.rows
            if r.text != formatting.MISSING
        ]
        st.markdown("\n".join(lines))
        st.markdown(_sources_block(c))
        if st.button(_("Clear selection"), key="clear_selection"):
            st.session_state["selected"] = None
            st.rerun()


def _sources_block(c: formatting.Card) -> str:
    """The card's sources, each with its own date; a feature without any (a user's file may
    have none) says so."""
    if not c.sources:
        return "**" + _("Sources:") + "** " + _("No source given in the file.")
    if c.as_of == formatting.MISSING:
        head = _("**Sources** (as of: no date given):")
    else:
        head = _("**Sources** (as of {date}):").format(date=formatting.md_escape(c.as_of))
    undated = _("undated page")
    return (
        head
        + "\n"
        + "\n".join(
            f"- {formatting.md_link(u)} ({d or undated})"
            for u, d in zip(c.sources, c.source_dates, strict=True)
        )
    )


def _sources_line(urls: Any, as_of: Any) -> str:
    links = " ".join(formatting.md_link(str(u)) for u in (urls or ()))
    day = formatting.date_text(as_of)
    if day == formatting.MISSING:
        return links
    return links + " " + _("(as of {date})").format(date=formatting.md_escape(day))


def annotation_list(notes: Any) -> None:
    """Annotations grouped by topic: title, short text, confidence, dated sources."""
    if i18n.current() != i18n.DEFAULT and len(notes):
        st.caption(_("The annotations are the English original, as written from their sources."))
    for entry in style.TOPIC_STYLES:
        group = notes[notes["topic"] == entry.value]
        if group.empty:
            continue
        st.markdown(f"**{style.label(style.TOPIC_STYLES, entry.value)}**")
        for _i, row in group.iterrows():
            confidence = row["confidence"]
            level = formatting.code_text("confidence", confidence)
            flag = (
                ""
                if formatting.is_missing(confidence) or confidence == "high"
                else " *" + _("(confidence: {level})").format(level=level.lower()) + "*"
            )
            st.markdown(
                f"- **{formatting.md_escape(str(row['title']))}**{flag}: "
                f"{formatting.md_body(str(row['body']))}"
                f"  \n  {_sources_line(row['source_url'], row['as_of'])}"
            )


def country_summary(profile: Any) -> None:
    """The country's OTS status (short, with since when beneath), legs, km and gas."""
    since = formatting.date_text(profile.ots_joined)
    km = sum(profile.km_by_status.values())
    gas = profile.frames.get(catalog.GAS_DESTINATIONS.key)
    start = formatting.MISSING
    if gas is not None and len(gas):
        start = formatting.format_value(
            catalog.GAS_DESTINATIONS.prop("supply_start"), gas.iloc[0]["supply_start"]
        )
    metrics(
        [
            formatting.Metric(
                _("OTS"),
                style.short_label(style.OTS_STYLES, profile.ots_status),
                None if since == formatting.MISSING else _("since {date}").format(date=since),
                help=style.label(style.OTS_STYLES, profile.ots_status),
            ),
            formatting.Metric(
                _("Corridor legs crossing"), i18n.number_text(len(profile.legs), decimals=0)
            ),
            formatting.Metric(_("Corridor km inside"), i18n.number_text(km, decimals=0)),
            formatting.Metric(_("Azerbaijani gas since"), start),
        ]
    )
