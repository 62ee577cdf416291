"""The legend beside the map, which is also a filter, and what its colours, lines and dates
mean."""

from __future__ import annotations

import streamlit as st

from corridormap import formatting, style
from corridormap.i18n import N_, _
from corridormap.mapbuild import line_swatch_svg

_LEGEND_FACETS = (
    ("corridor", N_("Corridors"), style.CORRIDOR_STYLES),
    ("status", N_("Status"), style.STATUS_STYLES),
)


def _flip(facet: str, value: str, values: tuple[str, ...]) -> None:
    current = set(st.session_state.get(f"f_{facet}") or values)
    current ^= {value}
    chosen = [v for v in values if v in current]
    st.session_state[f"f_{facet}"] = [] if len(chosen) in (0, len(values)) else chosen


#: Each row's line sample stays beside its checkbox on a phone too, where Streamlit would
#: stack the two columns.
_ROW_CSS = (
    "<style>.st-key-legend_rows [data-testid='stHorizontalBlock'] { flex-wrap: nowrap; }"
    " .st-key-legend_rows [data-testid='stColumn']:first-child {"
    " flex: 0 0 2.4rem !important; width: 2.4rem !important; min-width: 2.4rem !important; }"
    "</style>"
)


def legend_filters() -> None:
    """The legend, which is also a filter: untick a corridor or a status to hide it."""
    st.caption(_("Legend · untick to filter the map, table and counts"))
    with st.container(key="legend_rows"):
        st.markdown(_ROW_CSS, unsafe_allow_html=True)
        _rows()


def _rows() -> None:
    dated = bool(st.session_state.get("f_asof_on"))
    for facet, title, entries in _LEGEND_FACETS:
        values = tuple(e.value for e in entries)
        active = set(st.session_state.get(f"f_{facet}") or values)
        st.markdown(f"**{_(title)}**")
        for e in entries:
            key = f"lg_{facet}_{e.value}"
            st.session_state[key] = e.value in active
            swatch_col, box_col = st.columns([1, 5], vertical_alignment="center")
            color = e.color if facet == "corridor" else style.TEXT
            swatch_col.markdown(line_swatch_svg(color, e.dash), unsafe_allow_html=True)
            box_col.checkbox(
                style.label(entries, e.value),
                key=key,
                on_change=_flip,
                args=(facet, e.value, values),
                disabled=_why_fixed(facet, e.value, active, dated) is not None,
                help=_why_fixed(facet, e.value, active, dated)
                or style.definition(entries, e.value)
                or None,
            )


def _why_fixed(facet: str, value: str, active: set[str], dated: bool) -> str | None:
    """Why a legend row cannot be unticked or ticked now (None when it can).

    With a date, the map shows what was operational then, so the status rows do not apply.
    The last ticked row stays: unticking it would mean "none", which a filter cannot say (an
    empty filter means "all"); to hide every leg, switch the Corridor legs layer off.
    """
    if facet == "status" and dated:
        return _("A date is set: the map shows what was operational on that date.")
    if active == {value}:
        return _("The last one shown. To hide every leg, switch off the Corridor legs layer.")
    return None


def status_definitions() -> None:
    with st.expander(_("What the colours, lines and dates mean")):
        entries = style.STATUS_STYLES
        st.markdown(
            "\n".join(
                f"- **{style.label(entries, e.value)}**: "
                + formatting.md_escape(style.definition(entries, e.value))
                for e in entries
            )
        )
        as_of = _(
            "legs and pipelines operational by then, gas destinations supplied by then, OTS "
            "members and observers by their joining date, summits held by then. An operational "
            "leg whose opening date is not in the sources is shown at every date (its note says "
            "so)."
        )
        as_of_title = _("As of a date")
        confidence = _("{level} confidence")
        st.markdown(
            f"- **{as_of_title}**: {as_of}\n"
            + "\n".join(
                f"- **{confidence.format(level=style.code_label('confidence', k))}**: " + _(meaning)
                for k, meaning in style.CONFIDENCE_LABELS.items()
            )
        )
