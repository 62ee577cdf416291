"""Page-wide accessibility styles: readable secondary text and a visible focus everywhere."""

from __future__ import annotations

import streamlit as st

from corridormap import style

#: The key of a container whose columns are drawn in reverse: its first column (first in the
#: keyboard order) stands on the right.
SIDE_FIRST = "side_first"

_CSS = f"""
<style>
[data-testid="stCaptionContainer"] {{ opacity: 1; }}
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p,
[data-testid="stCaptionContainer"] code,
[data-testid="stWidgetLabel"][disabled] p {{ color: {style.SECONDARY_TEXT}; }}
a:focus-visible, button:focus-visible, summary:focus-visible, [role="tab"]:focus-visible,
[data-testid="stSidebarNavLink"]:focus-visible, [tabindex]:focus-visible,
input:focus-visible, iframe:focus-visible {{
  outline: 3px solid {style.FOCUS_RING} !important; outline-offset: 2px; }}
@media (min-width: 640px) {{
  .st-key-{SIDE_FIRST} > [data-testid="stHorizontalBlock"],
  .st-key-{SIDE_FIRST} > [data-testid="stLayoutWrapper"] > [data-testid="stHorizontalBlock"] {{
    flex-direction: row-reverse; }}
}}
</style>
"""


def page_styles() -> None:
    """Captions at 4.5:1 or more, and a focus ring on every link, button and control."""
    st.html(_CSS)
