"""AppTest smoke tests: every page runs, links drive the view, broken data does not crash."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from corridormap import catalog

ROOT = Path(__file__).resolve().parents[1]
PAGES = (
    "app_pages/explorer.py",
    "app_pages/corridors.py",
    "app_pages/gas.py",
    "app_pages/summit.py",
    "app_pages/country.py",
    "app_pages/data.py",
)


def app(params: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for k, v in (params or {}).items():
        at.query_params[k] = v
    return at.run()


def map_args(at: AppTest) -> dict:
    (component,) = at.get("component_instance")
    return json.loads(component.proto.json_args)


def markdown_text(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_without_exceptions(page):
    at = app()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def test_map_page_sends_only_local_assets():
    at = app()
    args = map_args(at)
    links = args["js_links"] + args["css_links"]
    assert links, "the map declared no assets"
    assert all(link.startswith("../../app/static/vendor/") for link in links), links
    assert "https://" not in args["script"]
    assert "http://" not in args["script"]


def test_the_description_follows_the_link():
    at = app({"corridor": "middle_corridor", "country": "GEO", "asof": "2025-10-07"})
    assert "Middle Corridor (TITR), operational legs in Georgia, as of 7 Oct 2025" in (
        markdown_text(at)
    )
    assert at.sidebar.multiselect(key="f_countries").value == ["GEO"]
    assert at.sidebar.toggle(key="f_asof_on").value is True


def test_invalid_link_values_are_named_and_dropped():
    at = app({"country": "GEO,ZZZ", "asof": "yesterday", "zoom": "99", "foo": "<b>x</b>"})
    assert not at.exception
    (warning,) = at.warning
    for text in ("country='ZZZ'", "asof='yesterday'", "zoom='99'", "foo='<b>x</b>'"):
        assert text in warning.value
    assert at.sidebar.multiselect(key="f_countries").value == ["GEO"]


def test_filtering_narrows_the_table():
    at = app()
    full = int(at.metric[[m.label for m in at.metric].index("Corridor legs")].value.split()[0])
    at = app({"corridor": "zangezur"})
    legs = int(at.metric[[m.label for m in at.metric].index("Corridor legs")].value.split()[0])
    assert 0 < legs < full


def test_gas_destinations_as_of_the_two_dates():
    for asof, expected in (("2025-10-07", 14), ("2026-02-01", 16)):
        at = app({"asof": asof, "layers": "countries,gas_destinations"})
        labels = [m.label for m in at.metric]
        assert at.metric[labels.index("Gas destinations")].value == str(expected)


def test_a_selected_feature_shows_its_card_with_sources():
    at = app({"select": "gas_destinations:SYR"})
    text = markdown_text(at)
    assert "**Sources** (as of" in text
    assert "trend.az" in text


def test_a_broken_layer_shows_an_error_and_the_rest_works(tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    (data / "layers" / catalog.SUMMITS.file).write_text("{not json", encoding="utf-8")
    (data / "layers" / catalog.NODES.file).unlink()
    monkeypatch.setenv("CORRIDORMAP_DATA_DIR", str(data))
    at = app()
    assert not at.exception
    errors = " ".join(e.value for e in at.error)
    assert "OTS summits" in errors
    assert "invalid JSON" in errors
    assert "Nodes" in errors
    assert "file not found" in errors
    # the other layers are still on the page
    assert "Corridor legs" in [m.label for m in at.metric]
