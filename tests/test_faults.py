"""Faults in what the app ships: each is named where it happens, and the rest keeps working.

Vendored browser files missing or corrupted, the served land file truncated, a layer file cut
in half: every page still runs, says what is wrong and shows what it can.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from appsession import app_test, nav_pages, rendered
from streamlit.testing.v1 import AppTest

from app_pages import _maps
from corridormap import assets, catalog, mapbuild

ROOT = Path(__file__).resolve().parents[1]
ALL_PAGES = nav_pages()  # every page of app.py's navigation
LEAFLET = "leaflet-1.9.3/leaflet.js"


def run_page(page: str) -> AppTest:
    at = app_test(60).run()
    at.switch_page(page).run()
    return at


def maps_on(at: AppTest) -> int:
    return len(at.get("component_instance"))


@pytest.fixture
def fresh_caches():
    _maps._asset_problems.clear()
    _maps._land_problem.clear()
    yield
    _maps._asset_problems.clear()
    _maps._land_problem.clear()


@pytest.fixture(scope="session")
def map_pages() -> frozenset[str]:
    """The pages that draw a map when nothing is damaged: counted on their renders (a session
    fixture, so rendered before any test damages a copy of static/), not listed by hand."""
    pages = frozenset(page for page in ALL_PAGES if maps_on(rendered(page)) > 0)
    assert "app_pages/explorer.py" in pages
    return pages


@pytest.fixture
def static_copy(tmp_path, monkeypatch, fresh_caches):
    """A copy of static/ that the app's asset checks read instead of the repository's."""
    del fresh_caches  # cleared before and after
    copy = tmp_path / "static"
    shutil.copytree(ROOT / "static", copy)
    monkeypatch.setattr(assets, "static_root", lambda: copy)
    return copy


def test_the_shipped_vendored_files_match_their_checksums():
    assert assets.check_files(mapbuild.MAP_ASSETS) == []
    every = [a.name for a in assets.ASSETS]
    assert assets.check_files(every) == []


@pytest.mark.parametrize("how", ["missing", "truncated"])
def test_a_damaged_leaflet_is_named_on_the_server(static_copy, how):
    path = static_copy / "vendor" / LEAFLET
    if how == "missing":
        path.unlink()
    else:
        path.write_bytes(path.read_bytes()[:1000])
    problems = assets.check_files(mapbuild.MAP_ASSETS, root=static_copy)
    assert len(problems) == 1
    assert LEAFLET in problems[0]
    assert ("is missing" if how == "missing" else "is corrupted") in problems[0]


@pytest.mark.parametrize("page", ALL_PAGES)
def test_every_page_survives_a_damaged_leaflet_and_says_so(map_pages, static_copy, page):
    path = static_copy / "vendor" / LEAFLET
    path.write_bytes(path.read_bytes()[:1000])
    at = run_page(page)
    assert not at.exception, [e.value for e in at.exception]
    assert maps_on(at) == 0  # no blank map
    errors = " ".join(e.value for e in at.error).replace("\\", "")  # markdown escapes
    if page in map_pages:
        assert "The map cannot be drawn" in errors
        assert "leaflet.js" in errors
    # the rest of the page is there (headings, metrics, tables)
    assert at.markdown or at.metric or at.table


@pytest.mark.parametrize("content", [b"", b'{"type": "FeatureCollection", "features": [{"ty'])
@pytest.mark.usefixtures("fresh_caches")
def test_a_broken_land_file_falls_back_to_inline_land_and_says_so(tmp_path, monkeypatch, content):
    land = tmp_path / "land.json"
    land.write_bytes(content)
    monkeypatch.setattr(_maps, "_LAND_FILE", land)
    at = run_page("app_pages/explorer.py")
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    assert "land.json is unusable" in warnings
    assert maps_on(at) == 1
    assert _maps.land_url() is None  # the land travels inline instead of from the file


def test_the_land_file_checks(tmp_path):
    path = tmp_path / "land.json"
    assert "missing" in str(mapbuild.land_file_problem(path))
    path.write_text('{"type": "FeatureCollection", "features": []}')
    assert "no land features" in str(mapbuild.land_file_problem(path))
    path.write_text('{"type": "Feat')
    assert "cannot be read" in str(mapbuild.land_file_problem(path))
    shipped = ROOT / "static" / mapbuild.LAND_STATIC_FILE
    assert mapbuild.land_file_problem(shipped) is None


@pytest.fixture
def half_corridors(tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    path = data / "layers" / catalog.CORRIDOR_LEGS.file
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) // 2])
    monkeypatch.setenv("CORRIDORMAP_DATA_DIR", str(data))


#: The pages that draw on the corridor legs (the gas and summit pages do not).
CORRIDOR_PAGES = (
    "app_pages/explorer.py",
    "app_pages/corridors.py",
    "app_pages/routes.py",
    "app_pages/country.py",
    "app_pages/data.py",
    "app_pages/present.py",
)


@pytest.mark.usefixtures("half_corridors")
@pytest.mark.parametrize("page", ALL_PAGES)
def test_a_truncated_corridor_layer_is_named_where_it_is_used(page):
    at = run_page(page)
    assert not at.exception, [e.value for e in at.exception]
    text = " ".join(e.value for e in [*at.error, *at.warning])
    assert ("Corridor legs" in text) == (page in CORRIDOR_PAGES), text[:300]


@pytest.mark.usefixtures("half_corridors")
def test_a_briefing_shows_without_a_broken_layer():
    at = run_page("app_pages/present.py")
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    assert "not shown because a layer could not be loaded" in warnings
    assert "Corridor legs layer is not loaded" in warnings
    assert maps_on(at) == 1  # the scene is shown, with what did load
