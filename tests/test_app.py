"""AppTest smoke tests: every page runs, links drive the view, broken data does not crash."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from appsession import app_test, nav_pages
from streamlit.testing.v1 import AppTest

from corridormap import catalog, formatting

ROOT = Path(__file__).resolve().parents[1]
PAGES = nav_pages()  # every page of app.py's navigation


def app(params: dict[str, str] | None = None) -> AppTest:
    at = app_test(60)
    for k, v in (params or {}).items():
        at.query_params[k] = v
    return at.run()


def map_args(at: AppTest) -> dict:
    (component,) = at.get("component_instance")
    return json.loads(component.proto.json_args)


def markdown_text(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


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
        assert formatting.md_escape(text) in warning.value  # shown as text, never as markup
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


# -- a missing or corrupt bundled file: the pages that need it say so, the others keep working

BREAKS = {
    "app_pages/corridors.py": (catalog.CORRIDOR_LEGS.file, "Corridor legs"),
    "app_pages/routes.py": (catalog.NODES.file, "Nodes"),
    "app_pages/gas.py": (catalog.GAS_DESTINATIONS.file, "Gas destinations"),
    "app_pages/summit.py": (catalog.ANNOTATIONS.file, "Gabala 2025 annotations"),
    "app_pages/country.py": (catalog.COUNTRIES.file, "Countries"),
    "app_pages/data.py": (catalog.PIPELINES.file, "Gas pipelines"),
}


def broken_data(tmp_path, monkeypatch, files: dict[str, str | None]) -> None:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    for name, text in files.items():
        path = data / "layers" / name
        if text is None:
            path.unlink()
        else:
            path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("CORRIDORMAP_DATA_DIR", str(data))


@pytest.mark.parametrize("how", ["missing", "corrupt"])
@pytest.mark.parametrize("page", sorted(BREAKS))
def test_a_page_whose_layer_is_broken_says_so(page, how, tmp_path, monkeypatch):
    file, title = BREAKS[page]
    broken_data(tmp_path, monkeypatch, {file: None if how == "missing" else '{"type": "Feat'})
    at = app()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    errors = " ".join(e.value for e in at.error)
    assert title in errors
    assert ("file not found" if how == "missing" else "invalid JSON") in errors


@pytest.mark.parametrize("page", PAGES)
def test_every_page_survives_every_layer_missing(page, tmp_path, monkeypatch):
    broken_data(tmp_path, monkeypatch, {spec.file: None for spec in catalog.LAYERS})
    at = app()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]


@pytest.mark.parametrize("page", ["app_pages/explorer.py", "app_pages/corridors.py"])
def test_other_pages_keep_working_when_one_layer_breaks(page, tmp_path, monkeypatch):
    broken_data(tmp_path, monkeypatch, {catalog.SUMMITS.file: "[", catalog.NODES.file: None})
    at = app()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.markdown, "the page drew nothing"


def test_broken_participants_table_is_named_on_the_summit_page(tmp_path, monkeypatch):
    broken_data(tmp_path, monkeypatch, {"ots_participants.csv": None})
    at = app()
    at.switch_page("app_pages/summit.py").run()
    assert not at.exception
    assert "could not be loaded" in " ".join(e.value for e in at.error)


def test_the_data_page_lists_the_upload_settings(monkeypatch):
    monkeypatch.setenv("CORRIDORMAP_UPLOAD_MAX_MB", "3")
    at = app()
    at.switch_page("app_pages/data.py").run()
    assert not at.exception
    (table,) = [t for t in at.table if "setting" in t.value.columns]
    rows = table.value.set_index("setting")
    assert rows.loc["max_mb", "value"] == "3"
    assert rows.loc["max_mb", "from"] == "env CORRIDORMAP_UPLOAD_MAX_MB"


def test_a_user_layer_is_on_the_map_table_counts_and_picker():
    from corridormap import upload  # noqa: PLC0415

    at = app()
    raw = b"name,lat,lon\nBaku port,40.35,49.85\nTbilisi hub,41.7,44.8\nAstana,51.1,71.4\n"
    layer = upload.read_user_layer(raw, "my hubs.csv", index=0)
    at.session_state["user_layers"] = {layer.spec.key: layer}
    at.session_state["f_layers"] = [*at.session_state["f_layers"], layer.spec.key]
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    labels = [m.label for m in at.metric]
    assert at.metric[labels.index("my hubs")].value == "3"
    assert layer.spec.key in at.sidebar.multiselect(key="f_layers").options or any(
        "my hubs" in o for o in at.sidebar.multiselect(key="f_layers").options
    )
    args = map_args(at)
    assert "Baku port" in json.dumps(args)
    # the country filter narrows it by geometry
    at.sidebar.multiselect(key="f_countries").set_value(["GEO"]).run()
    labels = [m.label for m in at.metric]
    assert at.metric[labels.index("my hubs")].value == "1"
    # switched off in the picker, it leaves the map
    at.sidebar.multiselect(key="f_layers").unselect(layer.spec.key).run()
    assert "my hubs" not in [m.label for m in at.metric]
