"""Map first: a session's first run of the explorer draws its frame and its map, and the map's
report (a rerun) brings the rest (app_pages/_first.py, mapbuild.ReportDrawn).

The browser side (the map shows before the filters load; the filters come without a click;
one report per tab) is tested in tests/browser/test_map_first.py.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from appsession import first_run
from streamlit.testing.v1 import AppTest

from app_pages import _maps
from corridormap import assets, export, mapbuild
from corridormap.filters import Filters
from corridormap.links import ViewState

ROOT = Path(__file__).resolve().parents[1]
HELD_BACK = "appear once the map is drawn"


def map_args(at: AppTest) -> dict:
    (component,) = at.get("component_instance")
    return json.loads(component.proto.json_args)


def captions(at: AppTest) -> str:
    return "\n".join(c.value for c in at.caption)


def test_the_first_run_draws_the_map_and_holds_the_rest_back():
    at = first_run().run()
    assert not at.exception, [e.value for e in at.exception]
    args = map_args(at)
    assert "cmDrawnReported" in args["feature_group"]  # the map will report
    for leg in ("ZNG_RAIL-01", "MC_NORTH-01", "INSTC_"):  # every layer the view shows
        assert leg in args["feature_group"]
    # nothing that needs more of Streamlit's browser code than the map does
    assert not at.multiselect
    assert not at.checkbox
    assert not at.selectbox
    assert not at.dataframe
    assert not at.get("download_button")
    assert not at.metric
    assert captions(at).count(HELD_BACK) == 2  # the sidebar's and the side column's
    assert at.sidebar.markdown[0].value == "### corridormap"


def test_the_report_brings_everything_and_the_map_stays_the_same():
    at = first_run().run()
    first = map_args(at)
    at.run()  # the rerun the map's report causes
    assert not at.exception, [e.value for e in at.exception]
    assert HELD_BACK not in captions(at)
    keys = {w.key for w in at.multiselect}
    assert {"f_countries", "f_corridor", "f_status", "f_layers"} <= keys
    assert at.dataframe
    assert at.get("download_button")
    assert at.metric
    assert at.selectbox  # the search box
    # streamlit-folium keeps a map whose script is unchanged: the frame is not rebuilt
    second = map_args(at)
    assert second["script"] == first["script"]
    assert second["feature_group"] == first["feature_group"]


def test_the_first_run_follows_the_link():
    at = first_run()
    at.query_params["corridor"] = "zangezur"
    at.query_params["select"] = "corridors:ZNG_RAIL-01"
    at.run()
    assert not at.exception
    heading = at.markdown[0].value
    assert "Zangezur" in heading
    groups = map_args(at)["feature_group"]
    assert "ZNG_RAIL-01" in groups
    assert "MC_NORTH-" not in groups
    assert "INSTC_" not in groups
    at.run()
    assert at.multiselect(key="f_corridor").value == ["zangezur"]
    assert at.session_state["selected"] == "corridors:ZNG_RAIL-01"


def test_a_bad_link_is_named_in_the_first_run():
    at = first_run()
    at.query_params["corridor"] = "<script>alert(1)</script>"
    at.run()
    shown = " ".join(w.value for w in at.warning)
    assert "Ignored corridor" in shown
    assert "<script>" not in shown  # escaped: shown as text
    assert "ZNG_RAIL-01" in map_args(at)["feature_group"]  # dropped: every corridor shows


def test_a_later_run_on_another_page_draws_everything():
    at = first_run().run()
    at.switch_page("app_pages/data.py").run()
    assert HELD_BACK not in captions(at)
    assert at.multiselect  # the sidebar's filters


@pytest.fixture
def broken_leaflet(tmp_path, monkeypatch):
    copy = tmp_path / "static"
    shutil.copytree(ROOT / "static", copy)
    leaflet = copy / "vendor" / "leaflet-1.9.3" / "leaflet.js"
    leaflet.write_bytes(leaflet.read_bytes()[:1000])
    monkeypatch.setattr(assets, "static_root", lambda: copy)
    _maps._asset_problems.clear()
    yield
    _maps._asset_problems.clear()


@pytest.mark.usefixtures("broken_leaflet")
def test_without_a_map_to_report_the_first_run_draws_everything():
    at = first_run().run()
    assert not at.exception
    assert not at.get("component_instance")
    assert HELD_BACK not in captions(at)
    assert at.multiselect
    assert at.dataframe


def test_the_report_script_is_data_free_and_only_in_the_live_group(frames):
    m = mapbuild.base_map(None)
    m.add_child(mapbuild.report_drawn_group())
    html = m.get_root().render()
    assert html.count("tab.cmDrawnReported") == 2  # checked, set
    assert "value[options.key] = true" in html
    assert 'cmReportDrawn({"key":"drawn"})' in html  # the key, in the element's JSON options
    # it waits for the frame's height, and reports to streamlit-folium only
    assert "innerHeight > 0" in html
    assert "S.setComponentValue(value)" in html
    # the exports never carry it
    view = export.state_view(frames, ViewState(Filters()))
    assert "cmDrawnReported" not in export.html_view(view, frames)
