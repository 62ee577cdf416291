"""The page × link matrix: every page of the app's navigation (read from ``app.py``) runs
under every link below without an exception or an error notice, and names the link values it
could not use.

This one matrix replaced three overlapping smoke tests with their own page lists
(test_app.py::test_every_page_runs_without_exceptions, test_app_pages.py::
test_page_runs_under_the_link, test_exhaustion.py::test_invalid_link_values_are_named_on_every_
page). Each cell is rendered once per session (``appsession.rendered``); the tests that read a
page under one of these links read the same render.
"""

from __future__ import annotations

import pytest
from appsession import nav_pages, rendered

PAGES = nav_pages()
#: The links every page runs under; ``BAD`` names the values a link holds that no page can use.
LINKS: tuple[dict[str, str], ...] = (
    {},
    {"country": "GEO"},
    # a country with no leg, node, pipeline, gas delivery or summit, and a corridor that
    # does not exist (named on every page)
    {"country": "NOR", "corridor": "nosuchcorridor"},
    {"corridor": "zangezur", "asof": "2025-10-07"},
    {"asof": "2006-01-01", "status": "planned"},  # nothing matches
)
BAD = {"corridor": "nosuchcorridor"}


def link_id(params: dict[str, str]) -> str:
    return "&".join(f"{k}={v}" for k, v in params.items()) or "default"


def test_the_matrix_has_every_page_of_the_navigation():
    names = {page.removeprefix("app_pages/").removesuffix(".py") for page in PAGES}
    # the pages a briefer knows by name; more may come, none may go unnoticed
    assert {"explorer", "corridors", "routes", "gas", "summit", "country", "data"} <= names
    assert {"briefings", "present"} <= names
    assert len(set(PAGES)) == len(PAGES)


@pytest.mark.parametrize("params", LINKS, ids=link_id)
@pytest.mark.parametrize("page", PAGES)
def test_page_runs_under_the_link(page, params):
    at = rendered(page, params)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert at.markdown or at.metric or at.table, "the page shows nothing"
    warnings = "\n".join(w.value for w in at.warning).replace("\\", "")  # markdown escapes
    for key, value in BAD.items():
        if params.get(key) == value:
            assert f"{key}='{value}'" in warnings, (page, warnings)
