"""Data & sources: every layer, its provenance, licence, counts and checksum."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from app_pages import _data, _tables
from corridormap import catalog, config, filters, formatting, review, settings
from corridormap.i18n import _, gettext

st.markdown("#### " + _("Data and sources"))
st.caption(
    _(
        "Every layer is rebuilt from data/sources by `corridormap build-data`; the manifest "
        "below records where each came from, its licence, retrieval date and checksum."
    )
)
st.caption(
    _(
        "The layers' descriptions and provenance (source titles, licences, notes, file and "
        "property names) are the English original, as written from their sources."
    )
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
    with st.expander(f"{gettext(spec.title)} · {spec.file}", expanded=False):
        st.markdown(formatting.md_escape(spec.description))
        rows = {k: v for k, v in entry.items() if not isinstance(v, list | dict)}
        if rows:
            _tables.plain_table(
                pd.DataFrame({_("field"): list(rows), _("value"): list(rows.values())})
            )
        st.markdown(
            "**"
            + _("Properties:")
            + "** "
            + ", ".join(f"`{p.name}` ({p.kind.value})" for p in spec.all_properties)
        )

st.markdown("##### " + _("Due for review"))
st.caption(
    _(
        "Facts whose expectation has fallen due (an expected year or date has come, a planned "
        "event is not marked held) or whose newest source is older than its kind allows, as "
        "`corridormap review` lists them. Check them before presenting them as current."
    )
)
_due = _data.review_items()
if _due:
    st.caption(_("Why each is due is given in English, as the review writes it."))
    st.dataframe(
        pd.DataFrame(
            [
                {
                    _("due"): filters.format_date(i.due),
                    _("layer"): gettext(catalog.get(i.layer).title),
                    _("feature"): i.title,
                    _("why"): i.what,
                    _("newest source"): (
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
    st.caption(_("Nothing is due for review today."))
_policy = review.load_policy()
_limits = settings.load_settings()
_ignored = _policy.sources.get(config.FILE_PROBLEM) or _limits.sources.get(config.FILE_PROBLEM)
if _ignored:
    st.warning(
        _(
            "The settings file could not be read, so the defaults and environment variables "
            "below apply: {problem}"
        ).format(problem=formatting.md_escape(_ignored)),
        icon=":material/warning:",
    )
_tables.plain_table(_data.policy_table(_policy))

st.markdown("##### " + _("Limits for your own layers"))
st.caption(
    _(
        "Set in `.streamlit/corridormap.toml` (section `[upload]`) or by environment "
        "variables; the variable wins. A value that is not a positive number is ignored and "
        "named here."
    )
)
_tables.plain_table(_data.settings_table(_limits))
