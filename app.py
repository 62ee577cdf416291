"""corridormap: the Streamlit frame (page config, navigation, shared sidebar, sources footer).

Run with ``streamlit run app.py``. Pages live in ``app_pages/``; they hold no data logic.
"""

import time

import streamlit as st

from app_pages import (
    _a11y,
    _first,
    _lang,
    _maps,
    _sidebar,
    _state,
    _timing,
    _upload_guard,
    _user_layers,
)
from corridormap.i18n import _

_started = time.perf_counter()  # server time per run: _timing.record_run
_upload_guard.install()  # upload caps (file, session, server) before anything else runs

st.set_page_config(
    page_title="corridormap",
    page_icon="static/favicon.png",
    layout="wide",
    initial_sidebar_state="auto",  # open on a desktop, closed on a phone
)
_lang.apply()  # the session's language, in force for everything this run draws
_a11y.page_styles()
_lang.page_attribute()
moved = _user_layers.session_moved()  # from a replica that stopped: its own layers are gone

explorer = st.Page("app_pages/explorer.py", title=_("Map"), icon=":material/map:", default=True)
gas = st.Page("app_pages/gas.py", title=_("Gas exports"), icon=":material/local_fire_department:")
summit = st.Page("app_pages/summit.py", title=_("Gabala summit"), icon=":material/groups:")
corridors = st.Page("app_pages/corridors.py", title=_("Corridors"), icon=":material/route:")
routes = st.Page("app_pages/routes.py", title=_("Routes"), icon=":material/alt_route:")
country = st.Page("app_pages/country.py", title=_("Country profile"), icon=":material/flag:")
briefings = st.Page("app_pages/briefings.py", title=_("Briefings"), icon=":material/edit_note:")
present = st.Page(
    "app_pages/present.py", title=_("Present a briefing"), icon=":material/slideshow:"
)
page = st.navigation(
    [
        explorer,
        corridors,
        routes,
        gas,
        summit,
        country,
        st.Page("app_pages/data.py", title=_("Data & sources"), icon=":material/dataset:"),
        briefings,
        present,
    ]
)
# A session's first run of the explorer draws its map before the filters and the rest.
# (Not a session that moved from a replica that stopped: its browser drew the map already and
# will not report it again.)
map_first = _first.decide(page.url_path == explorer.url_path and _maps.drawable() and not moved)
_sidebar.sidebar(held_back=map_first)
if not map_first:
    _user_layers.upload_panel()
_state.new_run()  # the link carries the view of the map this run draws
if page.url_path != explorer.url_path:  # (the explorer names them under its heading)
    _state.link_notices()  # link values that could not be used, named on every page
# the pages whose own text is translated (the Data page by its path: it has no variable)
translated = {
    p.url_path for p in (explorer, corridors, routes, gas, summit, country, briefings, present)
} | {"data"}
# (the presentation says nothing of it: its clean screen shows the briefing alone)
with _lang.page_language(page.url_path in translated, say=page.url_path != present.url_path):
    page.run()
_state.sync_link(_state.current_state())  # what the page changed (selection, view)
_sidebar.sources_footer()
_timing.record_run(_started, page.url_path or page.title)
