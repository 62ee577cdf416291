"""AppTest: the briefing builder. Capture a view, create, edit, reorder, save (a revision),
a save that came second (merge, copy, discard), delete with undo and the trash, revisions,
and a saved briefing presented; each test on its own temporary database."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
from appsession import app_test
from streamlit.testing.v1 import AppTest

from app_pages import _state
from corridormap import briefing, i18n, mapbuild, store

ROOT = Path(__file__).resolve().parents[1]
BRIEFINGS = "app_pages/briefings.py"
PRESENT = "app_pages/present.py"
PAYLOADS = [
    line
    for line in (ROOT / "tests/fixtures/hostile/ssti_payloads.txt").read_text("utf-8").splitlines()
    if line.strip()
]


@pytest.fixture
def db(tmp_path, monkeypatch) -> store.Store:
    url = f"sqlite:///{tmp_path / 'briefings.sqlite3'}"
    monkeypatch.setenv("CORRIDORMAP_DATABASE_URL", url)
    s = store.open_store(url)
    yield s
    s.close()


def page(path: str, params: dict[str, str] | None = None) -> AppTest:
    at = app_test(90)
    for k, v in (params or {}).items():
        at.query_params[k] = v
    at.run()
    at.switch_page(path).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def scene_doc(title: str, text: str = "Text.", **extra) -> dict:
    return {"title": title, "text": text, "view": {"fit": "features"}, **extra}


def make(s: store.Store, *titles: str) -> store.SavedBriefing:
    doc = {"title": "Mine", "scenes": [scene_doc(t) for t in titles]}
    return s.create(store.LOCAL, doc)


def field(at: AppTest, suffix: str, kind: str = "text_input"):
    (widget,) = [w for w in getattr(at, kind) if w.key and w.key.endswith(suffix)]
    return widget


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    for kind in ("success", "info", "warning", "error"):
        parts += [e.value for e in getattr(at, kind)]
    return "\n".join(parts)


# ---------------------------------------------------------------------------------------------
# Capture


def test_a_view_from_the_map_starts_a_briefing_and_the_corridors_page_adds_a_scene(db):
    at = page("app_pages/explorer.py", {"asof": "2025-10-07", "corridor": "middle_corridor"})
    at.text_input(key="cap_map_new").input("Summit brief")
    at.button(key="cap_map_add").click().run()
    ok(at)
    assert "Added to the briefing." in [s.value for s in at.success]
    (summary,) = db.list(store.LOCAL)
    assert (summary.title, summary.scenes) == ("Summit brief", 1)
    first = db.get(store.LOCAL, summary.id).document["scenes"][0]
    assert first["filters"] == {"corridor": "middle_corridor", "asof": "2025-10-07"}
    assert set(first["view"]) == {"center", "zoom"}
    assert first["title"].startswith("Map: Middle Corridor")

    at.switch_page("app_pages/corridors.py").run()
    ok(at)
    target = at.selectbox(key="cap_corridors_target")
    assert "Summit brief" in target.options
    target.set_value(summary.id)
    at.text_input(key="cap_corridors_title").input("Kilometres by status")
    at.button(key="cap_corridors_add").click().run()
    ok(at)
    saved = db.get(store.LOCAL, summary.id)
    assert [s["title"] for s in saved.document["scenes"]] == [
        first["title"],
        "Kilometres by status",
    ]
    assert saved.document["scenes"][1]["show"] == "chart:km_by_status"
    assert saved.revision == 2


def test_the_map_as_the_user_moved_it_is_the_scenes_view(db):
    at = app_test(90)
    at.session_state[_state.SEEN_KEY] = {
        "map": _state.EXPLORER_MAP_KEY,
        "view": mapbuild.SeenView(40.4093, 49.8671, 7.25, (47.0, 38.9, 52.7, 41.9), (640, 620)),
    }
    at.run()
    at.text_input(key="cap_map_new").input("Baku close up")
    at.button(key="cap_map_add").click().run()
    ok(at)
    (summary,) = db.list(store.LOCAL)
    (scene,) = db.get(store.LOCAL, summary.id).document["scenes"]
    assert scene["view"] == {"center": [40.4093, 49.8671], "zoom": 7}


def test_a_capture_after_someone_elses_save_adds_to_their_version(db):
    mine = make(db, "One")
    at = page("app_pages/gas.py")
    at.selectbox(key="cap_gas_target").set_value(mine.id)
    # someone saves first, between the page's run and the click
    theirs = copy.deepcopy(mine.document)
    theirs["scenes"].append(scene_doc("Theirs"))
    db.save(store.LOCAL, mine.id, theirs, expected_version=mine.version)
    at.button(key="cap_gas_add").click().run()
    ok(at)
    titles = [s["title"] for s in db.get(store.LOCAL, mine.id).document["scenes"]]
    assert titles[:2] == ["One", "Theirs"]
    assert len(titles) == 3
    assert db.get(store.LOCAL, mine.id).document["scenes"][2]["show"] == "chart:destinations"


def test_the_routes_page_captures_its_route_on_its_date(db):
    params = {"from": "baku", "to": "kars", "when": "2025-10-07", "avoid": "ARM"}
    at = page("app_pages/routes.py", params)
    at.text_input(key="cap_routes_new").input("Routes")
    at.button(key="cap_routes_add").click().run()
    ok(at)
    (summary,) = db.list(store.LOCAL)
    (scene,) = db.get(store.LOCAL, summary.id).document["scenes"]
    assert scene["route"] == {"from": "baku", "to": "kars", "when": "2025-10-07", "avoid": ["ARM"]}
    assert scene["filters"]["asof"] == "2025-10-07"
    at = page(BRIEFINGS, {"saved": summary.id})  # the editor says what the scene shows
    assert "the route Baku → Kars" in texts(at)
    # and the sidebar takes the editor's own link for what it is
    assert not [w.value for w in at.warning if "unknown parameter" in w.value]


# ---------------------------------------------------------------------------------------------
# The list: create, duplicate, delete and undo, the trash


def test_create_opens_the_editor_and_the_list_shows_it(db):
    at = page(BRIEFINGS)
    at.text_input(key="new_title").input("Fresh")
    at.button(key="new_create").click().run()
    ok(at)
    (summary,) = db.list(store.LOCAL)
    assert at.query_params["saved"] == summary.id
    assert field(at, "_b_title").value == "Fresh"
    at.button(key="editor_back").click().run()
    ok(at)
    assert "saved" not in at.query_params
    assert "**Fresh**" in texts(at)


def test_delete_goes_to_the_trash_with_an_undo_and_the_trash_deletes_for_good(db):
    one = make(db, "A")
    at = page(BRIEFINGS)
    at.button(key=f"mine_del_{one.id}").click().run()
    ok(at)
    assert db.list(store.LOCAL) == []
    assert "is in the trash" in texts(at)
    at.button(key="undo_delete").click().run()
    ok(at)
    assert [b.id for b in db.list(store.LOCAL)] == [one.id]
    assert "Restored from the trash." in texts(at)
    at.button(key=f"mine_del_{one.id}").click().run()
    at.button(key=f"trash_purge_{one.id}").click().run()
    ok(at)
    assert db.trash(store.LOCAL) == []
    assert "is in the trash" not in texts(at)  # nothing left to undo
    assert db.list(store.LOCAL) == []


def test_duplicate_a_shipped_briefing_to_edit_it(db):
    at = page(BRIEFINGS)
    at.button(key="shipped_dup_gabala-2025").click().run()
    ok(at)
    (summary,) = db.list(store.LOCAL)
    assert summary.title.startswith("The Gabala summit")
    assert at.query_params["saved"] == summary.id
    shipped = briefing.read_document(ROOT / "data/briefings/gabala-2025.yaml")
    assert db.get(store.LOCAL, summary.id).document == shipped


# ---------------------------------------------------------------------------------------------
# The editor


def test_edit_reorder_remove_and_save_make_one_revision(db):
    saved = make(db, "First", "Second", "Third")
    at = page(BRIEFINGS, {"saved": saved.id})
    field(at, "_s0_text", "text_area").input("**Bold** claim")
    # a click right after typing keeps what was typed
    at.button(key=f"ed_{saved.id}_0_s0_down").click().run()
    ok(at)
    assert [field(at, f"_s{i}_title").value for i in range(3)] == ["Second", "First", "Third"]
    assert field(at, "_s1_text", "text_area").value == "**Bold** claim"
    at.button(key=f"ed_{saved.id}_1_s2_remove").click().run()
    ok(at)
    at.button(key="editor_save").click().run()
    ok(at)
    now = db.get(store.LOCAL, saved.id)
    assert [s["title"] for s in now.document["scenes"]] == ["Second", "First"]
    assert now.document["scenes"][1]["text"] == "**Bold** claim"
    assert now.revision == 2
    assert "Saved as revision 2." in texts(at)


def test_recapture_gives_a_scene_the_view_last_shown_and_keeps_its_words(db):
    saved = make(db, "Kept title", "Other")
    at = page(BRIEFINGS, {"saved": saved.id})
    assert "the view last shown: All corridors" in at.button(key=f"ed_{saved.id}_0_s0_again").help
    at.switch_page("app_pages/gas.py").run()
    at.switch_page(BRIEFINGS).run()
    ok(at)
    at.button(key=f"ed_{saved.id}_0_s0_again").click().run()
    at.button(key="editor_save").click().run()
    ok(at)
    scene = db.get(store.LOCAL, saved.id).document["scenes"][0]
    assert (scene["title"], scene["text"]) == ("Kept title", "Text.")
    assert scene["show"] == "chart:destinations"
    assert scene["filters"]["layers"] == ["gas_destinations", "pipelines"]


def test_problems_block_the_save_and_are_named(db):
    saved = make(db, "Only")
    at = page(BRIEFINGS, {"saved": saved.id})
    field(at, "_s0_title").input("").run()
    at.button(key="editor_save").click().run()
    ok(at)
    (error,) = at.error
    assert "this briefing, scene 1, title: not a non-empty string" in error.value.replace("\\", "")
    assert db.get(store.LOCAL, saved.id).revision == 1


@pytest.mark.parametrize("choice", ["merge", "copy", "discard"])
def test_a_save_that_came_second_is_told_and_offered_merge_copy_or_discard(db, choice):
    saved = make(db, "One", "Two")
    at = page(BRIEFINGS, {"saved": saved.id})
    field(at, "_s0_text", "text_area").input("Mine").run()
    theirs = copy.deepcopy(saved.document)
    theirs["scenes"][1]["text"] = "Theirs"
    theirs["title"] = "Their title"
    db.save(store.LOCAL, saved.id, theirs, expected_version=saved.version, message="theirs")
    at.button(key="editor_save").click().run()
    ok(at)
    warning = " ".join(w.value for w in at.warning)
    assert "saved this briefing first" in warning
    assert "revision 2" in warning
    assert db.get(store.LOCAL, saved.id).document == theirs  # nothing overwritten
    at.button(key=f"conflict_{choice}").click().run()
    ok(at)
    if choice == "merge":
        at.button(key="editor_save").click().run()
        ok(at)
        now = db.get(store.LOCAL, saved.id).document
        assert [s["text"] for s in now["scenes"]] == ["Mine", "Theirs"]
        assert now["title"] == "Their title"
    elif choice == "copy":
        assert db.get(store.LOCAL, saved.id).document == theirs
        copy_id = at.query_params["saved"]
        assert copy_id != saved.id
        mine = db.get(store.LOCAL, copy_id).document
        assert mine["title"] == "Mine (my copy)"
        assert [s["text"] for s in mine["scenes"]] == ["Mine", "Text."]
    else:
        assert field(at, "_s0_text", "text_area").value == "Text."
        assert field(at, "_s1_text", "text_area").value == "Theirs"
        assert db.get(store.LOCAL, saved.id).document == theirs


def test_both_changing_the_same_text_keeps_theirs_and_says_so(db):
    saved = make(db, "One")
    at = page(BRIEFINGS, {"saved": saved.id})
    field(at, "_s0_text", "text_area").input("Mine").run()
    theirs = copy.deepcopy(saved.document)
    theirs["scenes"][0]["text"] = "Theirs"
    db.save(store.LOCAL, saved.id, theirs, expected_version=saved.version)
    at.button(key="editor_save").click().run()
    at.button(key="conflict_merge").click().run()
    ok(at)
    info = " ".join(i.value for i in at.info)
    assert "their version was kept" in info
    assert "Nothing of yours is left to save" in info
    assert at.button(key="editor_save").disabled
    assert field(at, "_s0_text", "text_area").value == "Theirs"


def test_revisions_are_compared_and_restored(db):
    saved = make(db, "One")
    doc = copy.deepcopy(saved.document)
    doc["scenes"][0]["title"] = "Renamed"
    db.save(store.LOCAL, saved.id, doc, expected_version=saved.version)
    at = page(BRIEFINGS, {"saved": saved.id})
    (code,) = at.code
    lines = code.value.splitlines()
    assert any(line.startswith("-") and "title: One" in line for line in lines), lines
    assert any(line.startswith("+") and "title: Renamed" in line for line in lines), lines
    at.button(key=f"rev_restore_{saved.id}").click().run()
    ok(at)
    now = db.get(store.LOCAL, saved.id)
    assert now.revision == 3
    assert now.document["scenes"][0]["title"] == "One"


# ---------------------------------------------------------------------------------------------
# Presenting a saved briefing; hostile text


def test_a_saved_briefing_is_presented_by_its_id(db):
    saved = make(db, "First", "Second")
    at = page(PRESENT, {"saved": saved.id, "scene": "2"})
    headings = [m.value for m in at.main.markdown if m.value.startswith("### ")]
    assert headings == ["### Second"]
    assert f"?saved={saved.id}&scene=2" in texts(at)
    assert "Mine" in at.main.selectbox[0].options
    at.button(key="present_prev").click().run()
    assert at.query_params["scene"] == "1"
    assert at.query_params["saved"] == saved.id


def test_a_saved_briefing_that_no_longer_validates_shows_its_problems(db):
    doc = {"title": "Old", "scenes": [scene_doc("Gone", highlight=["nodes:nowhere-at-all"])]}
    saved = db.create(store.LOCAL, doc)
    at = page(PRESENT, {"saved": saved.id})
    (error,) = at.error
    text = error.value.replace("\\", "")
    assert 'scene 1 "Gone", highlight: no feature' in text
    at = page(PRESENT, {"saved": "not-an-id"})
    assert "Ignored saved=not-an-id: no such briefing" in texts(at).replace("\\", "")


def test_hostile_titles_and_text_are_shown_as_text_in_the_builder_and_the_presentation(db):
    payload = "<img src=x onerror=alert(1)> [link](javascript:alert(1)) {{ 7*7 }}"
    doc = {"title": payload, "scenes": [scene_doc(p, p) for p in (payload, *PAYLOADS[:5])]}
    saved = db.create(store.LOCAL, doc)
    raw_html = re.compile(r"(?<!\\)<img")  # markdown would read an unescaped one as HTML
    for at in (
        page(BRIEFINGS),
        page(BRIEFINGS, {"saved": saved.id}),
        page(PRESENT, {"saved": saved.id}),
    ):
        shown = texts(at)
        assert payload in shown.replace("\\", "")  # shown, whole
        assert not raw_html.search(shown)
        assert "](javascript" not in shown  # never a link
    # the editor's fields hold the text as typed
    at = page(BRIEFINGS, {"saved": saved.id})
    assert field(at, "_s0_title").value == payload


# ---------------------------------------------------------------------------------------------
# Import


def uploader(at: AppTest):
    (widget,) = [u for u in at.file_uploader if u.key and u.key.startswith("import_")]
    return widget


def test_a_yaml_file_is_imported_and_opened(db):
    at = page(BRIEFINGS)
    raw = (ROOT / "data/briefings/gabala-2025.yaml").read_bytes()
    uploader(at).upload("gabala.yaml", raw, "application/yaml").run()
    ok(at)
    (summary,) = db.list(store.LOCAL)
    assert at.query_params["saved"] == summary.id
    assert summary.scenes == 7
    assert "Imported as" in texts(at)


def test_an_imported_hostile_title_is_shown_as_text(db):
    at = page(BRIEFINGS)
    title = "[x](javascript:alert(1)) <img src=x onerror=alert(1)> {{ 7*7 }}"
    raw = f"title: '{title}'\nscenes:\n  - title: t\n    text: t\n".encode()
    uploader(at).upload("{{7*7}}.yaml", raw, "application/yaml").run()
    ok(at)
    (success,) = at.success
    assert "](javascript" not in success.value
    assert not re.search(r"(?<!\\)<img", success.value)
    assert title in success.value.replace("\\", "")
    (summary,) = db.list(store.LOCAL)
    assert summary.title == title


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"title: [", "bad.yaml: invalid YAML at line 1"),
        (b"title: T\nscenes:\n  - title: One\n", 'bad.yaml, scene 1 "One", text: missing'),
        (b"title: \xff", "bad.yaml: not UTF-8 text (byte 7)"),
        (b"title: T\nscenes: []\n" + b"#" * 1_000_001, "over a briefing's limit"),
    ],
)
def test_a_bad_yaml_file_is_refused_with_the_files_messages(db, raw, message):
    at = page(BRIEFINGS)
    uploader(at).upload("bad.yaml", raw, "application/yaml").run()
    ok(at)
    (error,) = at.error
    assert message in error.value.replace("\\", "")
    assert db.list(store.LOCAL) == []
    assert "saved" not in at.query_params


def test_hostile_scene_values_are_named_as_text_not_used(db):
    bad = "<img src=x onerror=alert(1)> [x](javascript:alert(1)) {{ 7*7 }}"
    scene = scene_doc("Values", filters={"corridor": bad}, highlight=[f"nodes:{bad}"])
    scene["show"] = f"route:{bad}"
    saved = db.create(store.LOCAL, {"title": "Values", "scenes": [scene]})
    for at in (page(PRESENT, {"saved": saved.id}), page(BRIEFINGS, {"saved": saved.id})):
        (error,) = at.error
        text = error.value
        plain = text.replace("\\", "")
        assert 'scene 1 "Values", filters.corridor: not a known corridor' in plain
        assert 'scene 1 "Values", highlight' in plain
        assert 'scene 1 "Values", show' in plain
        assert "<img src=x onerror=alert(1)> [x](javascript" in plain  # named, as text
        assert "](javascript" not in text
        assert not re.search(r"(?<!\\)<img", text)


def test_a_database_that_cannot_be_opened_is_said_and_the_pages_keep_working(tmp_path, monkeypatch):
    monkeypatch.setenv("CORRIDORMAP_DATABASE_URL", f"sqlite:///{tmp_path}")  # a folder
    for path in ("app_pages/explorer.py", BRIEFINGS, PRESENT):
        at = page(path, {"briefing": "gabala-2025"} if path == PRESENT else None)
        shown = texts(at)
        assert "could not be read" in shown, path
    assert [m.value for m in at.main.markdown if m.value.startswith("### ")]  # a scene shows


def test_a_shared_link_presents_read_only_and_nothing_without_its_token(db):
    alice = store.Principal("https://id.example|alice", "alice@example.org", "Alice")
    doc = {"title": "Alice's", "scenes": [scene_doc("Hers")]}
    theirs = db.create(alice, doc)
    token = db.set_link_sharing(alice, theirs.id, True)
    at = page(PRESENT, {"saved": theirs.id, "share": token})
    assert [m.value for m in at.main.markdown if m.value.startswith("### ")] == ["### Hers"]
    assert "Alice's (shared)" in at.main.selectbox[0].options
    assert at.query_params["share"] == token  # kept in the link
    at = page(BRIEFINGS, {"saved": theirs.id, "share": token})
    assert not [b for b in at.button if b.key == "editor_save"]
    assert field(at, "_s0_title").disabled
    assert "you may read it, not edit it" in texts(at)
    at = page(PRESENT, {"saved": theirs.id})
    assert "no such briefing (or not shared with you)" in texts(at).replace("\\", "")
    assert db.list(store.LOCAL) == []  # nothing of hers became the local user's


def test_malformed_scene_values_do_not_break_the_editor(db):
    scene = {"title": "Odd", "text": "t", "filters": {"corridor": {"a": [1]}, 3: 4}}
    scene["view"] = "not a mapping"
    scene["highlight"] = [{"x": 1}]
    saved = db.create(store.LOCAL, {"title": "Odd", "scenes": [scene, "not a scene"]})
    at = page(BRIEFINGS, {"saved": saved.id})
    assert "The saved version cannot be presented" in texts(at)


# ---------------------------------------------------------------------------------------------
# In the session's language


def page_in(code: str, path: str, params: dict[str, str] | None = None) -> AppTest:
    """``page`` opened with ``lang=code`` (the widgets' format functions run in the test's
    thread: in the language too)."""
    at = app_test(90)
    for k, v in {"lang": code, **(params or {})}.items():
        at.query_params[k] = v
    at.run()
    with i18n.language(code):
        at.switch_page(path).run()
    return ok(at)


#: The library's words in each language, written here (not asked of the catalogs): the
#: heading, "Your briefings", the shipped list's heading, the shipped briefing's 7 scenes,
#: the Create button, Undo's notice.
LIBRARY_WORDS = {
    "tr": (
        "#### Brifingler",
        "Brifingleriniz",
        "Uygulamayla gelenler",
        "7 sahne",
        "Oluştur",
        "Çöp kutusundan geri yüklendi.",
    ),
    "az": (
        "#### Brifinqlər",
        "Brifinqləriniz",
        "Tətbiqlə gələnlər",
        "7 səhnə",
        "Yarat",
        "Zibil qutusundan bərpa olundu.",
    ),
    "ru": (
        "#### Брифинги",
        "Ваши брифинги",
        "Поставляемые с приложением",
        "7 сцен",
        "Создать",
        "Восстановлено из корзины.",
    ),
}


@pytest.mark.parametrize("code", list(LIBRARY_WORDS))
def test_the_library_speaks_the_language_and_so_do_its_callbacks(db, code):
    heading, yours, shipped, seven, create, restored = LIBRARY_WORDS[code]
    one = make(db, "A", "B")
    at = page_in(code, BRIEFINGS)
    shown = texts(at)
    for words in (heading, yours, shipped, seven):
        assert words in shown, words
    for english in ("Your briefings", "Shipped with the app", "7 scenes", "2 scenes"):
        assert english not in shown, english
    assert at.button(key="new_create").label == create
    assert "This page is not translated yet" not in shown
    # a button's callback runs before the app puts the language in force: its notice is
    # kept in the language all the same
    with i18n.language(code):
        at.button(key=f"mine_del_{one.id}").click().run()
        at.button(key="undo_delete").click().run()
    ok(at)
    assert restored in texts(at)
    assert "Restored from the trash." not in texts(at)


#: The editor's words in each language, written here: a scene's number, the Up button, the
#: Save button, the expanders, the revision line.
EDITOR_WORDS = {
    "tr": ("**Sahne 1/2**", "Yukarı", "Kaydet", {"Sürümler", "Paylaşım"}, "Sürüm 1, kaydedilme"),
    "az": ("**Səhnə 1/2**", "Yuxarı", "Saxla", {"Versiyalar", "Paylaşma"}, "Versiya 1, saxlanılıb"),
    "ru": ("**Сцена 1 из 2**", "Выше", "Сохранить", {"Версии", "Доступ"}, "Версия 1, сохранена"),
}


@pytest.mark.parametrize("code", list(EDITOR_WORDS))
def test_the_editor_speaks_the_language_and_leaves_the_author_s_words(db, code):
    scene, up, save, expanders, revision = EDITOR_WORDS[code]
    saved = make(db, "First", "Second")
    at = page_in(code, BRIEFINGS, {"saved": saved.id})
    shown = texts(at)
    assert scene in shown
    assert "Scene 1 of 2" not in shown
    assert at.button(key=f"ed_{saved.id}_0_s0_up").label == up
    assert at.button(key="editor_save").label == save
    assert expanders <= {e.label for e in at.expander}
    with i18n.language(code):
        today = i18n.date_text(saved.updated.date())
    assert f"{revision} {today}" in shown or f"{revision}: {today}" in shown
    # the briefing's own words are its author's: as written
    assert field(at, "_s0_title").value == "First"
    assert "#### First" in shown
    # the scene's view, described in the language
    with i18n.language(code):
        fitted = i18n.gettext("the map fitted to what it shows")
    assert fitted != "the map fitted to what it shows"
    assert fitted in shown


def test_a_bad_briefing_s_problems_are_shown_in_the_language(db):
    """The problems of a saved briefing that no longer validates, and of a YAML file refused,
    in Russian on the presentation and Briefings pages; the author's words as written. (In
    English: test_a_saved_briefing_that_no_longer_validates_shows_its_problems.)"""
    doc = {"title": "Old", "scenes": [scene_doc("Gone", highlight=["nodes:nowhere-at-all"])]}
    saved = db.create(store.LOCAL, doc)
    at = page_in("ru", PRESENT, {"saved": saved.id})
    (error,) = at.error
    text = error.value.replace("\\", "")
    assert (
        "этот брифинг, сцена 1 «Gone», highlight: в слоях нет объекта 'nodes:nowhere-at-all'"
        in (text)
    )
    assert "no feature" not in text
    assert "scene 1" not in text
    at = page_in("ru", BRIEFINGS)
    with i18n.language("ru"):
        uploader(at).upload("bad.yaml", b"title: T\nscenes: []\n", "application/yaml").run()
    ok(at)
    (error,) = at.error
    text = error.value.replace("\\", "")
    assert "bad.yaml, scenes: отсутствует или не непустой список сцен" in text
    assert "missing" not in text
