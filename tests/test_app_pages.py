"""The analysis pages say what they should under a link (the page × link matrix that runs every
page under every link is tests/test_pages.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from appsession import app_test, rendered
from streamlit.testing.v1 import AppTest

from corridormap import load

ROOT = Path(__file__).resolve().parents[1]


def run(page: str, params: dict[str, str]) -> AppTest:
    """The page as rendered once this session under the link (only read it)."""
    return rendered(f"app_pages/{page}.py", params)


def text(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_country_profile_follows_the_country_filter():
    at = run("country", {"country": "GEO"})
    assert at.selectbox(key="profile_country").value == "GEO"
    assert "#### Georgia" in text(at)
    labels = {m.label: m.value for m in at.metric}
    assert labels["OTS"] == "Non-member"  # not "Other country" (issue #13)
    assert int(labels["Corridor legs crossing"]) > 3


def test_country_profile_of_a_country_with_nothing_says_so():
    at = run("country", {"country": "NOR", "corridor": "nosuchcorridor"})  # a matrix cell
    captions = " ".join(c.value for c in at.caption)
    assert "No corridor leg in the data crosses this country." in captions
    assert "No node, pipeline, gas delivery, summit or annotation concerns this country." in (
        captions
    )


def test_gas_page_counts_the_gabala_figure():
    at = run("gas", {})
    labels = {m.label: m.value for m in at.metric}
    assert labels["On 7 Oct 2025 (Gabala summit)"] == "14"
    assert labels["All destinations in the data"] == "16"


def test_corridors_page_lists_the_gaps_with_sources():
    at = run("corridors", {})
    body = text(at).replace("\\", "")  # the page escapes markdown
    for gap in (
        "Astara (Iran) – Rasht",
        "Horadiz – Aghband",
        "Aghband – Meghri",
        "Dilucu border gate – Aralık",
    ):
        assert gap in body
    assert "tass.com/economy/1620125" in body  # the Russia-Iran Rasht-Astara agreement


def test_card_shows_each_source_with_its_own_date():
    at = app_test(60)
    at.query_params["select"] = "gas_destinations:SYR"
    at.run()
    body = text(at).replace("\\", "")
    assert "trend.az/business/4076517.html) (2 Aug 2025)" in body
    assert "trend.az/business/energy/4142236.html) (16 Jan 2026)" in body


def test_a_card_due_for_review_says_so_and_the_data_page_lists_it():
    at = app_test(60)
    at.query_params["select"] = "corridors:ZNG_RAIL-01"  # Horadiz–Aghband, expected in 2026
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    captions = "\n".join(c.value for c in at.caption)
    assert "Due for review" in captions
    assert "expected 2026" in captions
    at.switch_page("app_pages/data.py").run()
    assert not at.exception, [e.value for e in at.exception]
    (frame,) = [d.value for d in at.dataframe if "feature" in d.value.columns]
    legs = load.load_all(keys=["corridors"]).frames["corridors"]
    name = legs.loc["ZNG_RAIL-01", "name"]  # named, not by its id
    assert name in set(frame["feature"])
    assert "Corridor legs" in set(frame["layer"])
    (policy,) = [t.value for t in at.table if "kind" in t.value.columns]
    assert list(policy["kind"]) == ["in_progress", "current", "record"]


def test_the_upload_callback_ignores_a_file_it_has_released(monkeypatch):
    """The picker's callback may run again for its old value once the file is read and
    released: Streamlit then hands it a DeletedFile. Reading that stopped the whole app with
    an AttributeError (seen in a clean-clone CI run); it is nothing new to read."""
    from streamlit.runtime.uploaded_file_manager import DeletedFile  # noqa: PLC0415

    from app_pages import _user_layers  # noqa: PLC0415

    state = {"upload_file_0": DeletedFile("released"), "upload_round": 1}
    monkeypatch.setattr(_user_layers.st, "session_state", state)
    _user_layers._take_upload("upload_file_0")
    assert state == {"upload_file_0": DeletedFile("released"), "upload_round": 1}


@pytest.mark.parametrize("code", ["en", "tr", "ru"])
def test_an_upload_s_hostile_name_stays_text_in_every_language(monkeypatch, code):
    """The upload panel's messages are translated templates the file's name is put into: the
    name, with markup, a link and braces in it, stays escaped text in each language."""
    from streamlit.proto.Common_pb2 import FileURLs  # noqa: PLC0415
    from streamlit.runtime.uploaded_file_manager import (  # noqa: PLC0415
        UploadedFile,
        UploadedFileRec,
    )

    from app_pages import _user_layers  # noqa: PLC0415
    from corridormap import formatting, i18n  # noqa: PLC0415

    name = "<img src=x onerror=alert(1)>[x](javascript:alert(1)){name}.geojson"
    broken = UploadedFile(UploadedFileRec("f", name, "application/geo+json", b"{"), FileURLs())
    state = {"upload_file_0": broken}
    monkeypatch.setattr(_user_layers.st, "session_state", state)
    with i18n.language(code):
        _user_layers._take_upload("upload_file_0")
        heading = i18n.gettext("Could not add {name}").split("{")[0]
    ((level, text),) = state["upload_messages"]
    assert level == "error"
    assert heading in text
    assert formatting.md_escape(name) in text  # the name, escaped, braces and all
    for raw in ("<img", "](javascript"):
        assert not re.search(r"(?<!\\)" + re.escape(raw), text), raw
