"""The app under AppTest, as a browser's session is once its first map was drawn.

A session's first run of the explorer draws only the page's frame and its map; the map then
reports that it is drawn, which reruns the page with everything (``app_pages/_first.py``).
AppTest has no browser to draw the map, so these sessions start as after that report;
``tests/test_first.py`` tests the first run itself.
"""

from __future__ import annotations

import ast
import functools
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


def nav_pages() -> tuple[str, ...]:
    """Every page of the app's navigation, as ``app_pages/<name>.py``, read from ``app.py``'s
    ``st.Page(...)`` calls (so a page added to the navigation is in every page matrix)."""
    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    pages = [
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "Page"
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    ]
    assert pages, "app.py names no st.Page"
    return tuple(pages)


@functools.cache
def _rendered(page: str, params: tuple[tuple[str, str], ...]) -> AppTest:
    at = app_test(60)
    for key, value in params:
        at.query_params[key] = value
    at.run()
    return at.switch_page(page).run()


def rendered(page: str, params: dict[str, str] | None = None) -> AppTest:
    """``page`` run once per test session (per xdist worker) under the link ``params``, for
    tests that only read what it shows: never click or run it again (use ``app_test``)."""
    return _rendered(page, tuple(sorted((params or {}).items())))
