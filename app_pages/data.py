"""Data & sources: every layer, its provenance, licence, counts and checksum."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from app_pages import _data, _tables
from corridormap import catalog, config, filters, formatting, review, settings

st.markdown("#### Data and sources")
st.caption(
    "Every layer is rebuilt from data/sources by `corridormap build-data`; the manifest below "
    "records where each came from, its licence, retrieval date and checksum."
)
_data.show_layer_errors()
_data.show_data_file_problems()
info = _data.manifest()
listed = info.get("layers")
entries = {
    e.get("key") or e.get("layer"): e
    for e in (listed if isinstance(listed, list) else [])
    if isinstance(e, dict)
}
for spec in catalog.LAYERS:
    entry = entries.get(spec.key, {})
    with st.expander(f"{spec.title} · {spec.file}", expanded=False):
        st.markdown(formatting.md_escape(spec.description))
        rows = {k: v for k, v in entry.items() if not isinstance(v, list | dict)}
        if rows:
            _tables.plain_table(pd.DataFrame({"field": list(rows), "value": list(rows.values())}))
        st.markdown(
            "**Properties:** "
            + ", ".join(f"`{p.name}` ({p.kind.value})" for p in spec.all_properties)
        )

st.markdown("##### Due for review")
st.caption(
    "Facts whose expectation has fallen due (an expected year or date has come, a planned event "
    "is not marked held) or whose newest source is older than its kind allows, as "
    "`corridormap review` lists them. Check them before presenting them as current."
)
_due = _data.review_items()
if _due:
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "due": filters.format_date(i.due),
                    "layer": catalog.get(i.layer).title,
                    "feature": i.title,
                    "why": i.what,
                    "newest source": (
                        filters.format_date(date.fromisoformat(i.as_of)) if i.as_of else "–"
                    ),
                }
                for i in _due
            ]
        ),
        hide_index=True,
        width="stretch",
        placeholder=formatting.MISSING,
    )
else:
    st.caption("Nothing is due for review today.")
_policy = review.load_policy()
_limits = settings.load_settings()
_ignored = _policy.sources.get(config.FILE_PROBLEM) or _limits.sources.get(config.FILE_PROBLEM)
if _ignored:
    st.warning(
        "The settings file could not be read, so the defaults and environment variables "
        f"below apply: {formatting.md_escape(_ignored)}",
        icon=":material/warning:",
    )
_tables.plain_table(pd.DataFrame(review.describe_policy(_policy)))

st.markdown("##### Limits for your own layers")
st.caption(
    "Set in `.streamlit/corridormap.toml` (section `[upload]`) or by environment variables; "
    "the variable wins. A value that is not a positive number is ignored and named here."
)
_tables.plain_table(pd.DataFrame(settings.describe(_limits)))
