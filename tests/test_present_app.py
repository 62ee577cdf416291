"""AppTest: the presentation page follows its link, moves scene by scene, survives bad files."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from appsession import app_test
from streamlit.testing.v1 import AppTest

from corridormap import formatting, i18n, load, routing, style

ROOT = Path(__file__).resolve().parents[1]
PAGE = "app_pages/present.py"


def present(params: dict[str, str] | None = None) -> AppTest:
    at = app_test(90)
    for k, v in (params or {}).items():
        at.query_params[k] = v
    at.run()
    return at.switch_page(PAGE).run()


def headings(at: AppTest) -> list[str]:
    return [m.value for m in at.main.markdown if m.value.startswith("### ")]


def map_args(at: AppTest) -> dict:
    (component,) = at.get("component_instance")
    return json.loads(component.proto.json_args)


def test_the_link_opens_scene_3():
    at = present({"briefing": "gabala-2025", "scene": "3"})
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error
    assert not at.warning, [w.value for w in at.warning]  # briefing/scene are known params
    assert headings(at) == ["### The Middle Corridor on the day of the summit"]
    (bar,) = at.get("progress")
    assert "Scene 3 of 7" in bar.proto.text
    assert at.query_params["briefing"] == "gabala-2025"
    assert at.query_params["scene"] == "3"
    caption = " ".join(c.value for c in at.caption)
    assert "Middle Corridor \\(TITR\\), operational legs, as of 7 Oct 2025" in caption
    assert "?briefing=gabala-2025&scene=3" in caption


def test_next_and_previous_move_scenes_and_keep_one_map():
    at = present({"briefing": "gabala-2025", "scene": "3"})
    first = map_args(at)
    at.button(key="present_next").click().run()
    assert headings(at) == ["### The North–South corridor and its missing link"]
    assert at.query_params["scene"] == "4"
    second = map_args(at)
    # one component, same base map; only the overlays and the view change
    assert second["script"] == first["script"]
    assert second["feature_group"] != first["feature_group"]
    at.button(key="present_prev").click().run()
    at.button(key="present_prev").click().run()
    assert headings(at) == ["### The Zangezur corridor"]
    assert at.query_params["scene"] == "2"


def test_first_scene_by_default_and_the_ends_disable_the_buttons():
    at = present({"briefing": "gabala-2025"})
    assert headings(at) == ["### The 12th OTS Summit in Gabala"]
    assert at.button(key="present_prev").disabled
    at = present({"briefing": "gabala-2025", "scene": "7"})
    assert at.button(key="present_next").disabled


def test_a_bad_scene_number_is_named_and_dropped():
    at = present({"briefing": "gabala-2025", "scene": "99"})
    assert not at.exception
    assert "Ignored scene=99" in at.warning[0].value
    assert headings(at) == ["### The 12th OTS Summit in Gabala"]


def test_a_malformed_briefing_shows_its_problems_and_the_others_stay(tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    (data / "briefings" / "broken.yaml").write_text(
        "title: Mine\nscenes:\n  - title: Gas\n    text: t\n    filters: {asof: soon}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("CORRIDORMAP_DATA_DIR", str(data))
    at = present({"briefing": "broken"})
    assert not at.exception, [e.value for e in at.exception]
    (error,) = at.error
    text = error.value.replace("\\", "")  # markdown escapes
    assert 'broken.yaml, scene 1 "Gas", filters.asof: not a date YYYY-MM-DD' in text
    (choice,) = at.main.selectbox
    assert choice.options == [
        "broken (has errors)",
        "The Gabala summit, 7 Oct 2025: corridors, gas and security",
    ]
    # the good one still works in the same session
    choice.set_value("briefing:gabala-2025").run()  # shipped and saved briefings: one list
    assert not at.error
    assert headings(at) == ["### The 12th OTS Summit in Gabala"]


def test_a_scene_shows_a_route(tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    (data / "briefings" / "routes.yaml").write_text(
        "title: Routes\nscenes:\n"
        "  - title: Baku to Kars when the planned links open\n    text: t\n"
        "    show: route:baku-kars\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("CORRIDORMAP_DATA_DIR", str(data))
    at = present({"briefing": "routes"})
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error
    caption = " ".join(c.value for c in at.caption).replace("\\", "")
    assert "Route: Baku → Kars, planned: every leg" in caption
    assert "border crossing" in caption
    network = routing.build_network(load.load_all(data).frames)
    expected = routing.scene_plan(network, "baku", "kars", None)
    assert expected.route is not None
    groups = map_args(at)["feature_group"]
    route_style = f'"color":"{style.ROUTE_COLOR}","weight":{style.ROUTE_WEIGHT}'
    assert groups.count(route_style) == len(expected.route.steps)  # drawn leg by leg


# ---------------------------------------------------------------------------------------------
# In the session's language


#: The presentation's own words in each language, written here (not asked of the catalogs):
#: the progress, the buttons, the link back to the map and the link's caption.
PRESENT_WORDS = {
    "tr": ("Sahne 3/7", "Önceki", "Sonraki", "Haritaya dön", "Bu sahnenin bağlantısı:"),
    "az": ("Səhnə 3/7", "Əvvəlki", "Növbəti", "Xəritəyə qayıt", "Bu səhnənin keçidi:"),
    "ru": ("Сцена 3 из 7", "Назад", "Далее", "Назад к карте", "Ссылка на эту сцену:"),
}


def present_in(code: str, params: dict[str, str]) -> AppTest:
    """The presentation opened with ``lang=code`` (the widgets' format functions run in the
    test's thread: in the language too)."""
    at = app_test(90)
    for k, v in {"lang": code, **params}.items():
        at.query_params[k] = v
    at.run()
    with i18n.language(code):
        at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("code", list(PRESENT_WORDS))
def test_the_presentation_speaks_the_session_s_language(code):
    progress, previous, following, back, link = PRESENT_WORDS[code]
    at = present_in(code, {"briefing": "gabala-2025", "scene": "3"})
    assert not at.warning, [w.value for w in at.warning]
    (bar,) = at.get("progress")
    assert bar.proto.text == progress
    assert at.button(key="present_prev").label == previous
    assert at.button(key="present_next").label == following
    (back_link,) = at.get("page_link")
    assert back_link.proto.label == back
    captions = " ".join(c.value for c in at.caption)
    assert f"{link} `?briefing=gabala-2025&scene=3`" in captions
    assert "Link to this scene" not in captions
    # no "not translated" note: the page is translated (and the clean screen says nothing)
    assert not [c for c in captions.split() if c == "English."]
    # the briefing's own words are its author's: not translated
    assert headings(at) == ["### The Middle Corridor on the day of the summit"]
    # the exports' buttons
    labels = " ".join(b.label for b in at.get("download_button"))
    assert "Slides (PowerPoint)" not in labels
    assert "(PowerPoint)" in labels


#: A link's hostile values: markup, a javascript: link, and braces a template would read.
HOSTILE_SCENE = "<img src=x onerror=window.__xss=1>[click](javascript:alert(1)){total}{0}"
HOSTILE_BRIEFING = "<script>window.__xss=1</script>{value}"
#: The link notices' words in each language, written here.
NOTICE_WORDS = {
    "tr": ("yok sayıldı: 1 ile 7 arasında bir sayı değil.", "böyle bir brifing yok."),
    "az": ("nəzərə alınmadı: 1 ilə 7 arasında ədəd deyil.", "belə brifinq yoxdur."),
    "ru": (": это не число от 1 до 7.", ": такого брифинга нет."),
}


@pytest.mark.parametrize("code", list(NOTICE_WORDS))
def test_bad_link_values_are_named_in_the_language_and_stay_text(code):
    not_a_scene, no_briefing = NOTICE_WORDS[code]
    at = present_in(code, {"briefing": HOSTILE_BRIEFING, "scene": HOSTILE_SCENE})
    warnings = [w.value for w in at.warning]
    (scene_notice,) = [w for w in warnings if not_a_scene in w]
    (briefing_notice,) = [w for w in warnings if no_briefing in w]
    # each value named whole, escaped; the braces left as they were (not read as a template)
    assert f"scene={formatting.md_escape(HOSTILE_SCENE)}" in scene_notice
    assert formatting.md_escape(f"briefing={HOSTILE_BRIEFING}") in briefing_notice
    joined = "\n".join(warnings)
    for raw in ("<img", "<script", "](javascript"):
        assert not re.search(r"(?<!\\)" + re.escape(raw), joined), raw
    assert "Ignored" not in joined
    # the first scene of the first briefing instead
    assert headings(at) == ["### The 12th OTS Summit in Gabala"]
