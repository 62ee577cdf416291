"""Data & sources: every layer, its provenance, licence, counts and checksum."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import _data
from corridormap import catalog, present, settings

st.markdown("#### Data and sources")
st.caption(
    "Every layer is rebuilt from data/sources by `corridormap build-data`; the manifest below "
    "records where each came from, its licence, retrieval date and checksum."
)
_data.show_layer_errors()
info = _data.manifest()
entries = {e.get("key") or e.get("layer"): e for e in info.get("layers", [])}
for spec in catalog.LAYERS:
    entry = entries.get(spec.key, {})
    with st.expander(f"{spec.title} · {spec.file}", expanded=False):
        st.markdown(present.md_escape(spec.description))
        rows = {k: v for k, v in entry.items() if not isinstance(v, list | dict)}
        if rows:
            st.table({"field": list(rows), "value": [str(v) for v in rows.values()]})
        st.markdown(
            "**Properties:** "
            + ", ".join(f"`{p.name}` ({p.kind.value})" for p in spec.all_properties)
        )

st.markdown("##### Limits for your own layers")
st.caption(
    "Set in `.streamlit/corridormap.toml` (section `[upload]`) or by environment variables; "
    "the variable wins. A value that is not a positive number is ignored and named here."
)
st.table(pd.DataFrame(settings.describe(settings.load_settings())))
