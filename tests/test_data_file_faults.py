"""Data files beside the layers that cannot be used are named on the page and logged, never
silently replaced by nothing (the manifest by ``{}``, the expectations by ``[]``)."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest
from appsession import app_test

from corridormap import config, load

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    monkeypatch.setenv("CORRIDORMAP_DATA_DIR", str(data))
    return data


def _data_page_warnings():
    at = app_test(60).run()
    at.switch_page("app_pages/data.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return " ".join(w.value for w in at.warning).replace("\\", "")


def test_a_broken_expectations_file_is_named_on_the_data_page(data_copy, caplog):
    path = data_copy / "layers" / load.EXPECTATIONS_FILE
    path.write_text("id,layer\nx,y\n", encoding="utf-8")  # columns missing
    with caplog.at_level(logging.WARNING, logger="app_pages._data"):
        warnings = _data_page_warnings()
    assert load.EXPECTATIONS_FILE in warnings
    assert "missing column" in warnings
    assert any(load.EXPECTATIONS_FILE in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize(
    ("content", "problem"),
    [(b'{"layers": [', "not valid JSON"), (b"[1, 2]", "not a JSON object"), (None, "missing")],
)
def test_a_broken_manifest_is_named_on_the_data_page(data_copy, caplog, content, problem):
    path = data_copy / "manifest.json"
    if content is None:
        path.unlink()
    else:
        path.write_bytes(content)
    with caplog.at_level(logging.WARNING, logger="app_pages._data"):
        warnings = _data_page_warnings()
    assert "manifest.json" in warnings
    assert problem in warnings
    assert any("manifest.json" in r.getMessage() for r in caplog.records)


@pytest.mark.usefixtures("data_copy")
def test_the_shipped_data_page_has_no_such_warning():
    warnings = _data_page_warnings()
    assert "manifest" not in warnings
    assert load.EXPECTATIONS_FILE not in warnings
    assert load.SOURCES_FILE not in warnings
    assert "settings file" not in warnings


def test_a_broken_source_register_is_named_on_the_data_page(data_copy, caplog):
    (data_copy / "layers" / load.SOURCES_FILE).write_text("address\nx\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="corridormap.load"):
        warnings = _data_page_warnings()
    assert f"layers/{load.SOURCES_FILE} lacks its url and date columns" in warnings
    assert any(load.SOURCES_FILE in r.getMessage() for r in caplog.records)


def test_an_unreadable_settings_file_is_named_on_the_data_page(tmp_path, monkeypatch):
    toml = tmp_path / "corridormap.toml"
    toml.write_text("[review\nin_progress_days = 3\n", encoding="utf-8")
    monkeypatch.setattr(config, "TOML_FILE", toml)
    warnings = _data_page_warnings()
    assert "The settings file could not be read" in warnings
    assert "corridormap.toml ignored" in warnings
