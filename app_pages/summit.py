"""The Gabala summit: what happened, who proposed what; every OTS summit; membership."""

from __future__ import annotations

import streamlit as st

from app_pages import _cards, _data, _maps, _tables
from corridormap import analysis, catalog, charts, filters, i18n, style
from corridormap.i18n import _

st.markdown(
    "#### "
    + _("The 12th OTS Summit, Gabala, {date}").format(
        date=i18n.date_text(analysis.GABALA_SUMMIT, long=True)
    )
)
_data.show_layer_errors((catalog.ANNOTATIONS.key, catalog.SUMMITS.key))
frames = _data.layers().frames
notes = frames.get(catalog.ANNOTATIONS.key)
summits = frames.get(catalog.SUMMITS.key)

if notes is not None:
    topics = st.pills(
        _("Topics"),
        catalog.TOPICS,
        selection_mode="multi",
        default=list(catalog.TOPICS),
        format_func=lambda t: style.label(style.TOPIC_STYLES, t),
        key="summit_topics",
    )
    # No topic chosen means none shown (a filter's empty "all" would show every topic).
    chosen = (
        notes[filters.facet_mask(catalog.ANNOTATIONS, notes, "topic", topics)]
        if topics
        else notes.iloc[0:0]
    )
    if not topics:
        st.caption(_("No topic chosen: pick one or more topics to see their annotations."))
    left, right = st.columns([3, 2])
    with left:
        _maps.small_map(
            {catalog.ANNOTATIONS.key: chosen},
            key="summit_notes_map",
            follow=True,  # where the user moves it: in the link (the page's first map)
            showing=tuple(topics),
        )
    with right:
        _cards.annotation_list(chosen)

if summits is not None:
    st.markdown("##### " + _("Every Turkic Council / OTS summit"))
    st.altair_chart(charts.summit_timeline(summits), width="stretch")
    _maps.small_map({catalog.SUMMITS.key: summits}, key="summit_all_map", height=380)
    _tables.tables({catalog.SUMMITS.key: summits}, key="summits")

st.markdown("##### " + _("OTS membership by date"))
members = _data.participants()
if isinstance(members, Exception):
    st.error(_("The OTS membership table could not be loaded:") + f"\n\n```\n{members}\n```")
else:
    st.altair_chart(charts.membership(analysis.ots_membership_timeline(members)), width="stretch")
    _tables.participants_table(members)
