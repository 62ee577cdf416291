"""The Data page's own warnings in the session's language: what is wrong with a data file is
kept (per process, for every session) as a message and its values, and named in the language
of each session that shows it."""

from __future__ import annotations

import shutil
from pathlib import Path

from appsession import app_test

from corridormap import i18n

ROOT = Path(__file__).resolve().parents[1]


def _data_page(code: str):
    at = app_test(60)
    at.query_params["lang"] = code
    at.run()
    with i18n.language(code):
        at.switch_page("app_pages/data.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return " ".join(w.value for w in at.warning).replace("\\", "")


def test_a_missing_manifest_is_named_in_each_session_s_language(tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    (data / "manifest.json").unlink()
    monkeypatch.setenv("CORRIDORMAP_DATA_DIR", str(data))
    russian = _data_page("ru")  # the first session: it reads the file, the cache keeps why
    with i18n.language("ru"):
        missing = i18n.gettext("{file} is missing").format(file="manifest.json")
        heading = i18n.gettext(
            "The data manifest could not be read, so the layers' provenance is not shown:"
        )
    assert missing != "manifest.json is missing"
    assert heading in russian
    assert missing in russian
    english = _data_page("en")  # a later session, from the same cache
    assert "manifest.json is missing" in english
    assert missing not in english
