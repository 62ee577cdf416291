"""Map first: a session's first run of the explorer draws the page's frame and its map, and
holds the rest back until the map is drawn.

A new browser fetches and parses Streamlit's code for each kind of element as a run first
uses it: the filters, the legend's checkboxes, the tables and the download buttons need about
2 MB of it, and the map's frame got its height only after all that (``bench/cold_start.py``
through ``make cluster``: the map showed 3.1 s after the page opened; drawn first, 1.7 s). So
the session's first run draws the map and says where the rest will be; the map reports when
it is on screen (``mapbuild.ReportDrawn``), which reruns the page, and every later run draws
everything.

(Not in _maps: the sidebar uses this, and _warm imports the sidebar outside a script run,
where streamlit-folium, which _maps imports, must not be imported.)
"""

from __future__ import annotations

import streamlit as st

from corridormap.i18n import _

#: Session state: the session has run once (set at the start of its first run).
RAN_KEY = "_cm_ran"
_MAP_FIRST_KEY = "_cm_map_first"


def decide(page_reports: bool) -> bool:
    """Whether this run draws the map first: the session's first run, on a page whose map
    will report when it is drawn (``page_reports``). Called once per run, by app.py, before
    anything is drawn; ``map_first()`` answers for the rest of the run."""
    first = RAN_KEY not in st.session_state and page_reports
    st.session_state[RAN_KEY] = True
    st.session_state[_MAP_FIRST_KEY] = first
    return first


def map_first() -> bool:
    """Whether this run draws only the page's frame and its map (see ``decide``)."""
    return bool(st.session_state.get(_MAP_FIRST_KEY))


def held_back(what: str) -> None:
    """Where this run holds something back until the map is drawn: a line saying so."""
    st.caption(_("{what} appear once the map is drawn.").format(what=what))
