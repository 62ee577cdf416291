"""Upload diagnostics in the session's language: a refused or partly read file is named in
Turkish, Azerbaijani or Russian, its values (file name, property values, column names) put in
as they are and escaped where the panel shows them; English, the CLI's, is unchanged (the
other upload tests check its wording)."""

from __future__ import annotations

import re

import pytest

from corridormap import formatting, i18n, upload

HOSTILE_NAME = "<img src=x onerror=alert(1)>[x](javascript:alert(1)){n}.csv"
HOSTILE_VALUE = "<b>**{lat}**</b>"
#: One row whose latitude is not a number: the file has nothing left to draw.
CSV = f"name,lat,lon\nBaku,{HOSTILE_VALUE},49.9\n".encode()


def _messages(code: str) -> tuple[str, str]:
    with i18n.language(code):
        return (
            i18n.gettext("no feature could be read"),
            i18n.gettext("{column} {value} is not a number").format(
                column="lat", value=repr(HOSTILE_VALUE)
            ),
        )


@pytest.mark.parametrize("code", ["tr", "az", "ru"])
def test_a_refused_upload_is_named_in_the_language_in_force(code):
    nothing, not_a_number = _messages(code)
    assert nothing != "no feature could be read"  # (translated)
    with i18n.language(code), pytest.raises(upload.DataValidationError) as caught:
        upload.read_user_layer(CSV, HOSTILE_NAME)
    problems = [str(p) for p in caught.value.problems]
    assert problems[0].endswith(nothing)
    assert problems[1].endswith(not_a_number)  # the value as it is in the file
    with i18n.language(code):
        row = i18n.gettext("row {n}").format(n=2)
        assert row in str(caught.value.problems[1])
        head = i18n.ngettext("{n} problem found:", "{n} problems found:", 2).format(n=2)
    assert str(caught.value).startswith(head)
    # English where no language was chosen (the CLI's): the same file, the same words as ever
    with pytest.raises(upload.DataValidationError) as english:
        upload.read_user_layer(CSV, HOSTILE_NAME)
    assert str(english.value).startswith("2 problems found:")
    assert "row 2, lat: lat '<b>**{lat}**</b>' is not a number" in str(english.value)


def test_a_layer_s_summary_follows_the_language_it_is_shown_in():
    layer = upload.read_user_layer(b"name,lat,lon\nBaku,40.4,49.9\nKars,40.6,43.1\n", "hubs.csv")
    assert layer.report.summary() == "2 features, 2 vertices, from CSV in EPSG:4326"
    with i18n.language("ru"):
        assert layer.report.summary() == "2 объекта, вершин: 2, из CSV в EPSG:4326"
    with i18n.language("tr"):
        big = upload.UploadReport("x.zip", "zipped Shapefile", 20000, 1, "EPSG:32638")
        assert big.summary().startswith("20.000 öğe")
        assert "sıkıştırılmış Shapefile (zip)" in big.summary()


@pytest.mark.parametrize("code", ["tr", "ru"])
def test_the_upload_panel_names_the_problem_in_the_session_s_language(monkeypatch, code):
    """The picker's callback runs before the script puts the session's language in force:
    it puts it in force itself, so a Russian session reads Russian problems (English was in
    force in the callback's thread); the file's name and values stay escaped text."""
    from streamlit.proto.Common_pb2 import FileURLs  # noqa: PLC0415
    from streamlit.runtime.uploaded_file_manager import (  # noqa: PLC0415
        UploadedFile,
        UploadedFileRec,
    )

    from app_pages import _lang, _user_layers  # noqa: PLC0415

    file = UploadedFile(UploadedFileRec("f", HOSTILE_NAME, "text/csv", CSV), FileURLs())
    state = {"upload_file_0": file, _lang.KEY: code}
    monkeypatch.setattr(_user_layers.st, "session_state", state)
    monkeypatch.setattr(_user_layers, "get_script_run_ctx", lambda: None)
    try:
        assert i18n.current() == "en"
        _user_layers._take_upload("upload_file_0")
    finally:
        i18n.set_language("en")  # (the callback set the session's language in this thread)
    ((level, text),) = state["upload_messages"]
    assert level == "error"
    nothing, not_a_number = _messages(code)
    with i18n.language(code):
        heading = i18n.gettext("Could not add {name}").format(
            name=formatting.md_escape(HOSTILE_NAME)
        )
    assert heading in text
    assert formatting.md_escape(nothing) in text
    assert formatting.md_escape(not_a_number) in text  # the value escaped, braces and all
    assert "no feature could be read" not in text
    for raw in ("<img", "](javascript", "<b>", "**{lat}"):
        assert not re.search(r"(?<!\\)" + re.escape(raw), text), raw


def test_the_upload_route_s_refusal_speaks_the_session_s_language_else_the_browser_s(
    monkeypatch,
):
    """The 413 the upload route sends when a session or the server holds too much is said in
    the language the session's last run put in force (the picker's or the link's choice);
    for a session no run has told it of, in the one its browser's Accept-Language
    negotiates; English when that asks for none the product speaks."""
    from starlette.exceptions import HTTPException  # noqa: PLC0415
    from streamlit.runtime.memory_uploaded_file_manager import (  # noqa: PLC0415
        MemoryUploadedFileManager,
    )
    from streamlit.runtime.uploaded_file_manager import UploadedFileRec  # noqa: PLC0415

    from app_pages import _upload_guard  # noqa: PLC0415
    from corridormap.settings import Settings  # noqa: PLC0415

    headers = {
        "a": "ru-RU,ru;q=0.9,en;q=0.5",
        "t": "de-DE, tr;q=0.8",
        "x": "de, fr",
        "n": None,
        "z": "tr",  # its browser asks for Turkish; its picker chose Azerbaijani
        "e": "ru",  # its browser asks for Russian; its picker chose English
    }
    monkeypatch.setattr(_upload_guard, "_languages", {})
    monkeypatch.setattr(_upload_guard, "accept_language", headers.get)
    manager = MemoryUploadedFileManager("/_stcore/upload_file")
    _upload_guard.cap_manager(manager, lambda: Settings(session_mb=1, server_mb=2))
    _upload_guard.remember_language("z", "az")
    _upload_guard.remember_language("e", "ru")
    _upload_guard.remember_language("e", "en")  # the last run's language counts

    def put(session: str, n: int) -> None:
        rec = UploadedFileRec(f"{session}-{n}", "a.csv", "text/csv", b"x" * 600_000)
        manager.add_file(session_id=session, file=rec)

    def refusal(session: str, n: int) -> str:
        with pytest.raises(HTTPException) as exc:
            put(session, n)
        assert exc.value.status_code == 413
        return str(exc.value.detail)

    put("a", 0)
    assert refusal("a", 1) == "в этой сессии уже 1 МБ загруженных файлов; предел — 1 МБ"
    put("b", 0)
    put("c", 0)  # the server holds 1.8 MB of its 2
    assert refusal("t", 0) == ("sunucu şu anda çok fazla yükleme tutuyor; birazdan yeniden deneyin")
    assert refusal("z", 0) == _in(
        "az", "the server holds too many uploads just now; try again shortly"
    )
    assert refusal("z", 0) != _in(
        "tr", "the server holds too many uploads just now; try again shortly"
    )
    for session in ("x", "n", "e"):
        assert refusal(session, 0) == (
            "the server holds too many uploads just now; try again shortly"
        )
    assert i18n.current() == i18n.DEFAULT  # nothing left in force


def _in(code: str, msgid: str) -> str:
    with i18n.language(code):
        return i18n._(msgid)


def test_the_upload_route_forgets_the_languages_of_sessions_that_ended(monkeypatch):
    from types import SimpleNamespace  # noqa: PLC0415

    from app_pages import _upload_guard  # noqa: PLC0415

    live = {f"live-{n}" for n in range(10)}
    instance = SimpleNamespace(get_client=lambda s: object() if s in live else None)
    monkeypatch.setattr(_upload_guard.runtime, "exists", lambda: True)
    monkeypatch.setattr(_upload_guard.runtime, "get_instance", lambda: instance)
    monkeypatch.setattr(_upload_guard, "accept_language", lambda _s: None)
    monkeypatch.setattr(_upload_guard, "_languages", {})
    for sid in sorted(live):
        _upload_guard.remember_language(sid, "tr")
    for n in range(_upload_guard._PRUNE_AT):  # sessions that came and went
        _upload_guard.remember_language(f"gone-{n}", "ru")
    held = set(_upload_guard._languages)
    assert live <= held
    assert len(held - live) < 10  # the ended sessions were forgotten, but those since
    assert _upload_guard.session_language("live-3") == "tr"
    assert _upload_guard.session_language("gone-5") == "en"  # its browser's: none, so English


def test_the_upload_route_reads_the_accept_language_the_session_connected_with(monkeypatch):
    from types import SimpleNamespace  # noqa: PLC0415

    from app_pages import _upload_guard  # noqa: PLC0415

    headers = [("Host", "x"), ("accept-language", "az,en;q=0.5")]
    client = SimpleNamespace(client_context=SimpleNamespace(headers=headers))
    clients = {"s": client}
    instance = SimpleNamespace(get_client=clients.get)
    monkeypatch.setattr(_upload_guard.runtime, "exists", lambda: True)
    monkeypatch.setattr(_upload_guard.runtime, "get_instance", lambda: instance)
    assert _upload_guard.accept_language("s") == "az,en;q=0.5"
    assert _upload_guard.accept_language("gone") is None  # a session that has ended
