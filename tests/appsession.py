"""The app under AppTest, as a browser's session is once its first map was drawn.

A session's first run of the explorer draws only the page's frame and its map; the map then
reports that it is drawn, which reruns the page with everything (``app_pages/_first.py``).
AppTest has no browser to draw the map, so these sessions start as after that report;
``tests/test_first.py`` tests the first run itself.
"""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from app_pages import _first

ROOT = Path(__file__).resolve().parents[1]


def first_run(timeout: float = 60) -> AppTest:
    """``app.py`` under AppTest, in a new session (not yet run)."""
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)


def app_test(timeout: float = 60) -> AppTest:
    """``app.py`` under AppTest, in a session whose map has been drawn (not yet run)."""
    at = first_run(timeout)
    at.session_state[_first.RAN_KEY] = True
    return at
