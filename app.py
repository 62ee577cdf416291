"""corridormap: the Streamlit frame (page config, navigation, shared sidebar, sources footer).

Run with ``streamlit run app.py``. Pages live in ``app_pages/``; they hold no data logic.
"""

import streamlit as st

from app_pages import _common

st.set_page_config(
    page_title="corridormap",
    page_icon="static/favicon.png",
    layout="wide",
    initial_sidebar_state="expanded",
)

page = st.navigation(
    [
        st.Page("app_pages/explorer.py", title="Map", icon=":material/map:", default=True),
        st.Page("app_pages/corridors.py", title="Corridors", icon=":material/route:"),
        st.Page("app_pages/gas.py", title="Gas exports", icon=":material/local_fire_department:"),
        st.Page("app_pages/summit.py", title="Gabala summit", icon=":material/groups:"),
        st.Page("app_pages/country.py", title="Country profile", icon=":material/flag:"),
        st.Page("app_pages/data.py", title="Data & sources", icon=":material/dataset:"),
    ]
)
_common.sidebar()
page.run()
_common.sync_link(_common.current_state())  # what the page changed (selection, view)
_common.sources_footer()
