"""The briefing store (corridormap.store) against SQLite and a real PostgreSQL server: the
same tests on both (the ``store_url`` fixture in conftest.py), plus the pure diff and merge."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from corridormap import briefing, i18n, store
from corridormap.store import (
    LOCAL,
    Conflict,
    Forbidden,
    NotFound,
    Principal,
    StoreError,
    _engine,
    diff_documents,
    merge_documents,
)
from corridormap.store.tables import metadata

DOC = {"title": "Gabala", "scenes": [{"title": "One", "text": "first"}]}
OWNER = Principal("https://idp.example|owner", "owner@example.org", "Owner")
EDITOR = Principal("https://idp.example|editor", "Editor@Example.org", "Editor")
READER = Principal("https://idp.example|reader", "reader@example.org", "Reader")
STRANGER = Principal("https://idp.example|stranger", "stranger@example.org", "Stranger")

#: Strings that would break SQL, YAML, templates, paths or terminals if treated as anything
#: but text; each must come back exactly as given.
HOSTILE = [
    "'; DROP TABLE briefings; --",
    "Robert'); DELETE FROM briefing_revisions WHERE ('1'='1",
    '" OR 1=1 --',
    "%s %(title)s :id ? $1",
    "{{ 7*7 }} {% include '/etc/passwd' %}",
    "<script>alert(1)</script><img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "../../../../etc/passwd",
    "null",
    "yes",
    "~",
    "2025-10-07",
    "1e3",
    "- not a list",
    "key: value",
    "&anchor *alias !!python/object:os.system",
    " leading and trailing spaces ",
    "line one\nline two\r\nline three",
    "tab\there",
    "\\ back\\slash \\x00",
    "\u202eevil\u202c bidi \u200b zero width",
    "emoji 🚆🛢️ and Azərbaycan, Қазақстан, 中文",
    "e\u0301\u0301\u0301 combining",
    "\x07\x1b[31mred\x1b[0m",
    "x" * 190,
]


def scene(title: str, text: str = "text") -> dict[str, str]:
    return {"title": title, "text": text}


@pytest.fixture
def st(store_url):
    s = store.open_store(store_url)
    yield s
    s.close()


# -- CRUD ----------------------------------------------------------------------------------


def test_a_guest_reads_a_shared_link_but_makes_nothing(st):
    shared = st.create(OWNER, DOC)
    token = st.set_link_sharing(OWNER, shared.id, True)
    assert st.get(store.GUEST, shared.id, share_token=token).role == "reader"
    with pytest.raises(store.Forbidden):
        st.create(store.GUEST, DOC)
    with pytest.raises(store.Forbidden):
        st.duplicate(store.GUEST, shared.id, share_token=token)
    assert st.list(store.GUEST) == []


def test_create_get_save_and_list(st):
    created = st.create(LOCAL, DOC)
    assert (created.version, created.revision, created.role) == (1, 1, "owner")
    assert st.get(LOCAL, created.id).document == DOC
    new = {**DOC, "scenes": [*DOC["scenes"], scene("Two")]}
    saved = st.save(LOCAL, created.id, new, expected_version=1, message="added a scene")
    assert (saved.version, saved.revision) == (2, 2)
    assert st.get(LOCAL, created.id).document == new
    [summary] = st.list(LOCAL)
    assert (summary.id, summary.title, summary.scenes, summary.version) == (
        created.id,
        "Gabala",
        2,
        2,
    )
    assert summary.updated.tzinfo is not None
    assert not summary.deleted
    assert [r.message for r in st.revisions(LOCAL, created.id)] == ["added a scene", "created"]


def test_ids_are_random_and_safe_in_urls_and_file_names(st):
    ids = {st.create(LOCAL, DOC).id for _ in range(5)}
    assert len(ids) == 5
    for id_ in ids:
        assert id_.isalnum()
        assert id_.isascii()
        assert len(id_) >= 16


def test_list_is_newest_first(st):
    a = st.create(LOCAL, {**DOC, "title": "A"})
    b = st.create(LOCAL, {**DOC, "title": "B"})
    assert [s.title for s in st.list(LOCAL)] == ["B", "A"]
    st.save(LOCAL, a.id, {**DOC, "title": "A2"}, expected_version=a.version)
    assert [s.id for s in st.list(LOCAL)] == [a.id, b.id]


def test_a_new_store_on_the_same_database_sees_what_was_saved(st, store_url):
    b = st.create(LOCAL, DOC)
    other = store.open_store(store_url)
    try:
        assert other.get(LOCAL, b.id).document == DOC
    finally:
        other.close()


def test_stale_save_is_a_conflict_carrying_what_is_stored(st):
    b = st.create(LOCAL, DOC)
    st.save(LOCAL, b.id, {**DOC, "title": "Theirs"}, expected_version=1)
    with pytest.raises(Conflict) as err:
        st.save(LOCAL, b.id, {**DOC, "title": "Mine"}, expected_version=1)
    assert err.value.current.document["title"] == "Theirs"
    assert err.value.current.version == 2
    assert "revision 2" in str(err.value)
    assert st.get(LOCAL, b.id).document["title"] == "Theirs"
    assert [r.number for r in st.revisions(LOCAL, b.id)] == [2, 1]


def test_the_store_s_refusals_speak_the_language_in_force(st):
    """What the store refuses is said in the session's language (the pages show it as it
    is); English, the CLI's, is unchanged."""
    b = st.create(OWNER, DOC)
    st.save(OWNER, b.id, {**DOC, "title": "Theirs"}, expected_version=1)
    with i18n.language("ru"):
        with pytest.raises(NotFound, match="Такого брифинга нет"):
            st.get(STRANGER, b.id)
        with pytest.raises(Conflict, match=r"сохранил\(а\) Owner \(версия 2\)"):
            st.save(OWNER, b.id, DOC, expected_version=1)
        with pytest.raises(StoreError, match="не адрес электронной почты: 'x'"):
            st.set_editors(OWNER, b.id, ["x"])
        with pytest.raises(StoreError, match="у брифинга должен быть заголовок"):
            store.check_document({"title": " ", "scenes": []})
    with pytest.raises(NotFound, match=r"^No such briefing, or it is not shared with you\.$"):
        st.get(STRANGER, b.id)
    with pytest.raises(
        Conflict, match=r"^Owner saved this briefing in the meantime \(revision 2\)"
    ):
        st.save(OWNER, b.id, DOC, expected_version=1)
    with pytest.raises(StoreError, match=r"^not an e-mail address: 'x'$"):
        st.set_editors(OWNER, b.id, ["x"])


# -- who may do what ------------------------------------------------------------------------


def test_the_permission_matrix(st):
    b = st.create(OWNER, DOC)
    st.set_editors(OWNER, b.id, ["editor@example.org"])
    token = st.set_link_sharing(OWNER, b.id, True)
    assert token
    assert st.set_link_sharing(OWNER, b.id, True) == token  # stable while on

    # the owner: everything, and sees the token and the editors
    own = st.get(OWNER, b.id)
    assert (own.role, own.share_token, own.editors) == ("owner", token, ("editor@example.org",))

    # the stranger: nothing, in the same words as a briefing that does not exist
    missing = "0123456789abcdef"
    for who, id_ in ((STRANGER, b.id), (STRANGER, missing)):
        for call in (
            lambda w=who, i=id_: st.get(w, i),
            lambda w=who, i=id_: st.save(w, i, DOC, expected_version=1),
            lambda w=who, i=id_: st.revisions(w, i),
            lambda w=who, i=id_: st.revision(w, i, 1),
            lambda w=who, i=id_: st.duplicate(w, i),
            lambda w=who, i=id_: st.delete(w, i),
            lambda w=who, i=id_: st.set_link_sharing(w, i, False),
            lambda w=who, i=id_: st.set_editors(w, i, []),
        ):
            with pytest.raises(NotFound) as err:
                call()
            assert str(err.value) == store.api._NOT_FOUND
    assert st.list(STRANGER) == []
    assert st.list(LOCAL) == []  # local mode sees only LOCAL's briefings

    # the reader, by link token: reads and may copy, never writes, never sees the token
    got = st.get(READER, b.id, share_token=token)
    assert (got.role, got.share_token, got.document) == ("reader", None, DOC)
    assert st.list(READER) == []  # a link is not a listing
    with pytest.raises(NotFound):
        st.get(READER, b.id, share_token=token + "x")
    with pytest.raises(NotFound):
        st.get(READER, b.id, share_token="")
    with pytest.raises(NotFound):
        st.revisions(READER, b.id)
    with pytest.raises(NotFound):
        st.save(READER, b.id, DOC, expected_version=1)
    copy = st.duplicate(READER, b.id, share_token=token)
    assert (copy.role, copy.document["title"]) == ("owner", "Gabala (copy)")
    assert [s.id for s in st.list(READER)] == [copy.id]
    with pytest.raises(NotFound):
        st.get(OWNER, copy.id)  # the copy is the reader's alone

    # the named editor (e-mail compared without case): reads, saves, renames; no more
    assert [s.id for s in st.list(EDITOR)] == [b.id]
    assert st.list(EDITOR)[0].role == "editor"
    ed = st.get(EDITOR, b.id)
    assert (ed.role, ed.share_token) == ("editor", None)
    saved = st.save(EDITOR, b.id, {**DOC, "title": "Renamed"}, expected_version=1)
    assert saved.role == "editor"
    assert st.revisions(EDITOR, b.id)[0].author_name == "Editor"
    for call in (
        lambda: st.delete(EDITOR, b.id),
        lambda: st.set_link_sharing(EDITOR, b.id, False),
        lambda: st.set_editors(EDITOR, b.id, ["editor@example.org", "x@example.org"]),
        lambda: st.purge(EDITOR, b.id),
    ):
        with pytest.raises(Forbidden):
            call()

    # sharing off: the old link stops working; editors removed: the editor is a stranger
    assert st.set_link_sharing(OWNER, b.id, False) is None
    with pytest.raises(NotFound):
        st.get(READER, b.id, share_token=token)
    st.set_editors(OWNER, b.id, [])
    with pytest.raises(NotFound):
        st.get(EDITOR, b.id)
    assert st.list(EDITOR) == []


def test_editors_must_be_email_addresses(st):
    b = st.create(OWNER, DOC)
    with pytest.raises(StoreError, match="not an e-mail address"):
        st.set_editors(OWNER, b.id, ["not an address"])
    st.set_editors(OWNER, b.id, [" A@Example.org ", "a@example.org", ""])
    assert st.get(OWNER, b.id).editors == ("a@example.org",)


# -- revisions -----------------------------------------------------------------------------


def test_revisions_list_compare_and_restore(st):
    b = st.create(LOCAL, DOC, message="created")
    v2 = {**DOC, "scenes": [*DOC["scenes"], scene("Two")]}
    v3 = {**v2, "title": "Gabala, final"}
    st.save(LOCAL, b.id, v2, expected_version=1, message="scene two")
    st.save(LOCAL, b.id, v3, expected_version=2, message="title")
    infos = st.revisions(LOCAL, b.id)
    assert [(r.number, r.message, r.title, r.scenes) for r in infos] == [
        (3, "title", "Gabala, final", 2),
        (2, "scene two", "Gabala", 2),
        (1, "created", "Gabala", 1),
    ]
    assert st.revision(LOCAL, b.id, 1) == DOC
    assert st.revision(LOCAL, b.id, 2) == v2
    with pytest.raises(NotFound):
        st.revision(LOCAL, b.id, 9)
    diff = diff_documents(st.revision(LOCAL, b.id, 1), st.revision(LOCAL, b.id, 3))
    assert "-title: Gabala" in diff
    assert "+title: Gabala, final" in diff
    assert "+- title: Two" in diff
    restored = st.restore_revision(LOCAL, b.id, 1, expected_version=3)
    assert (restored.revision, restored.version, restored.document) == (4, 4, DOC)
    assert st.revisions(LOCAL, b.id)[0].message == "restored revision 1"
    assert st.revision(LOCAL, b.id, 3) == v3  # nothing lost
    with pytest.raises(Conflict):
        st.restore_revision(LOCAL, b.id, 2, expected_version=3)


# -- trash -----------------------------------------------------------------------------------


def test_trash_undo_and_purge(st):
    b = st.create(OWNER, DOC)
    keep = st.create(OWNER, {**DOC, "title": "Keep"})
    st.set_editors(OWNER, b.id, ["editor@example.org"])
    with pytest.raises(Forbidden, match="trash"):
        st.purge(OWNER, b.id)  # only from the trash
    st.delete(OWNER, b.id)
    assert [s.id for s in st.list(OWNER)] == [keep.id]
    assert [(s.id, s.deleted) for s in st.trash(OWNER)] == [(b.id, True)]
    with pytest.raises(NotFound):
        st.get(OWNER, b.id)
    with pytest.raises(NotFound):
        st.get(EDITOR, b.id)
    assert st.list(EDITOR) == []
    assert st.trash(EDITOR) == []
    restored = st.restore(OWNER, b.id)  # undo
    assert restored.document == DOC
    assert {s.id for s in st.list(OWNER)} == {b.id, keep.id}
    assert st.list(EDITOR)[0].id == b.id
    st.delete(OWNER, b.id)
    st.purge(OWNER, b.id)
    assert st.trash(OWNER) == []
    with pytest.raises(NotFound):
        st.restore(OWNER, b.id)
    assert st.count() == 1


# -- limits and hostile text -----------------------------------------------------------------


def test_limits_are_checked_before_any_write(st):
    b = st.create(LOCAL, DOC)
    too_many = {"title": "Many", "scenes": [scene(f"s{i}") for i in range(store.MAX_SCENES + 1)]}
    long_title = {**DOC, "title": "t" * (store.MAX_TITLE + 1)}
    big = {"title": "Big", "scenes": [scene("s", "x" * (briefing.MAX_BYTES + 1))]}
    for doc, words in (
        (too_many, "101 scenes"),
        (long_title, "201 characters"),
        (big, "bytes as YAML"),
        ({**DOC, "title": "nul\x00"}, "NUL"),
        ({**DOC, "title": "  "}, "needs a title"),
        ({"title": "No scenes", "scenes": "one"}, "scenes must be a list"),
        ({**DOC, "when": object()}, "not text or a number"),
        ({**DOC, "title": "lone \ud800 surrogate"}, "not valid Unicode"),
        ({**DOC, "scenes": [scene("s", "\udfff")]}, "not valid Unicode"),
    ):
        with pytest.raises(StoreError, match=words):
            st.create(LOCAL, doc)
        with pytest.raises(StoreError, match=words):
            st.save(LOCAL, b.id, doc, expected_version=1)
    assert st.count() == 1
    assert st.get(LOCAL, b.id).version == 1
    assert len(st.revisions(LOCAL, b.id)) == 1
    # exactly at the limits is fine
    at = {"title": "t" * store.MAX_TITLE, "scenes": [scene(f"s{i}") for i in range(100)]}
    assert st.save(LOCAL, b.id, at, expected_version=1).document == at


def test_hostile_strings_round_trip_verbatim(st):
    doc = {
        "title": HOSTILE[0],
        "description": "\n".join(HOSTILE),
        "scenes": [scene(h[:200], h) for h in HOSTILE],
    }
    b = st.create(Principal("'; DROP TABLE briefings; --", None, "<b>{{x}}</b>"), doc)
    owner = Principal("'; DROP TABLE briefings; --", None, "<b>{{x}}</b>")
    assert st.get(owner, b.id).document == doc
    for h in HOSTILE:
        renamed = {**doc, "title": h}
        cur = st.get(owner, b.id)
        st.save(owner, b.id, renamed, expected_version=cur.version, message=h)
        assert st.get(owner, b.id).document == renamed
        assert st.list(owner)[0].title == h
        assert st.revisions(owner, b.id)[0].message == h
    assert st.get(owner, b.id).owner_name == "<b>{{x}}</b>"
    # a name or id with a lone surrogate or NUL (JSON claims can carry them) is stored mended
    odd = Principal("iss|\ud800\x00", "odd@example.org", "Odd \udfff\x00name")
    made = st.create(odd, DOC)
    assert made.owner_name == "Odd ?\ufffdname"
    assert st.get(odd, made.id).role == "owner"  # the owner still finds it
    assert [x.id for x in st.list(odd)] == [made.id]
    with pytest.raises(StoreError, match="not an e-mail address"):
        st.set_editors(owner, b.id, ["\ud800@example.org"])
    # hostile ids and tokens are just ids that do not exist
    for h in [*HOSTILE, "\ud800", "0123456789ABCDEF", b.id + " ", b.id.upper()]:
        with pytest.raises(NotFound):
            st.get(owner, h)
        with pytest.raises(NotFound):
            st.get(READER, b.id, share_token=h)
    assert st.count() == 2
    # the YAML the store's document turns into reads back as the same strings
    again = briefing.document_of(briefing.document_yaml(st.get(owner, b.id).document), "x")
    assert again == st.get(owner, b.id).document


# -- migrations ------------------------------------------------------------------------------


def test_migrations_from_empty_to_head_are_idempotent_and_match_the_tables(store_url):
    engine = _engine.make_engine(store_url)
    try:
        assert _engine.current(engine) is None
        _engine.upgrade(engine)
        assert _engine.current(engine) == _engine.head()
        _engine.upgrade(engine)  # again: nothing to do, nothing broken
        assert _engine.current(engine) == _engine.head()
        names = set(inspect(engine).get_table_names())
        assert {"briefings", "briefing_editors", "briefing_revisions", "alembic_version"} <= names
        with engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), metadata) == []
    finally:
        engine.dispose()


def test_open_store_without_upgrade_does_not_create_tables(store_url):
    s = store.open_store(store_url, upgrade=False)
    try:
        assert "briefings" not in inspect(s.engine).get_table_names()
    finally:
        s.close()


_OPEN = """
import sys
from corridormap import store
s = store.open_store(sys.argv[1])
print(s.count())
"""


def test_two_processes_migrating_at_once(store_url):
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _OPEN, store_url],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    results = [p.communicate(timeout=120) for p in procs]
    for p, (out, err) in zip(procs, results, strict=True):
        assert p.returncode == 0, err
        assert out.strip() == "0"
    engine = _engine.make_engine(store_url)
    try:
        assert _engine.current(engine) == _engine.head()
    finally:
        engine.dispose()


# -- concurrency and crashes -----------------------------------------------------------------


def test_concurrent_appends_lose_no_update(store_url):
    """Two stores (two replicas), two threads each, every thread appending scenes and
    retrying on Conflict: every scene is there and the revisions have no gap."""
    replicas = [store.open_store(store_url), store.open_store(store_url)]
    per_thread = 5
    b = replicas[0].create(LOCAL, {"title": "Race", "scenes": []})
    conflicts: list[int] = []
    errors: list[BaseException] = []

    def append(replica: store.Store, name: str) -> None:
        try:
            for i in range(per_thread):
                while True:
                    cur = replica.get(LOCAL, b.id)
                    doc = {
                        **cur.document,
                        "scenes": [*cur.document["scenes"], scene(f"{name}-{i}")],
                    }
                    try:
                        replica.save(LOCAL, b.id, doc, expected_version=cur.version)
                        break
                    except Conflict:
                        conflicts.append(1)
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=append, args=(replicas[n % 2], f"w{n}")) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    try:
        assert not errors, errors
        final = replicas[1].get(LOCAL, b.id)
        titles = [s["title"] for s in final.document["scenes"]]
        expected = {f"w{n}-{i}" for n in range(4) for i in range(per_thread)}
        assert sorted(titles) == sorted(expected)  # all there, none twice
        total = 4 * per_thread
        assert (final.version, final.revision) == (total + 1, total + 1)
        numbers = [r.number for r in replicas[0].revisions(LOCAL, b.id)]
        assert numbers == list(range(total + 1, 0, -1))
        # each thread's own scenes are in its order
        for n in range(4):
            mine = [t for t in titles if t.startswith(f"w{n}-")]
            assert mine == [f"w{n}-{i}" for i in range(per_thread)]
    finally:
        for r in replicas:
            r.close()


_APPEND = """
import sys
from corridormap import store

s = store.open_store(sys.argv[1])
conflicts = 0
for i in range(int(sys.argv[4])):
    while True:
        cur = s.get(store.LOCAL, sys.argv[2])
        scenes = [*cur.document["scenes"], {"title": f"{sys.argv[3]}-{i}", "text": "t"}]
        try:
            s.save(store.LOCAL, sys.argv[2], {**cur.document, "scenes": scenes},
                   expected_version=cur.version)
            break
        except store.Conflict:
            conflicts += 1
print(conflicts)
"""


def test_concurrent_appends_from_processes_lose_no_update(st, store_url):
    """The same with three processes (three replicas), each its own engine and connections."""
    b = st.create(LOCAL, {"title": "Race", "scenes": []})
    per_process = 4
    names = ["p0", "p1", "p2"]
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _APPEND, store_url, b.id, name, str(per_process)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in names
    ]
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
        assert out.strip().isdigit()
    final = st.get(LOCAL, b.id)
    titles = [s["title"] for s in final.document["scenes"]]
    assert sorted(titles) == sorted(f"{n}-{i}" for n in names for i in range(per_process))
    total = len(names) * per_process
    assert final.revision == total + 1
    assert [r.number for r in st.revisions(LOCAL, b.id)] == list(range(total + 1, 0, -1))
    assert [r.scenes for r in st.revisions(LOCAL, b.id)] == list(range(total, -1, -1))


_CRASH = """
import sys, time
from corridormap import store

def hang(briefing_id, number):
    print("inside", number, flush=True)
    time.sleep(600)

s = store.open_store(sys.argv[1], on_save=hang)
cur = s.get(store.LOCAL, sys.argv[2])
doc = {**cur.document, "title": "never saved"}
s.save(store.LOCAL, sys.argv[2], doc, expected_version=cur.version)
print("saved", flush=True)
"""


def test_a_process_killed_mid_save_loses_nothing(st, store_url):
    b = st.create(LOCAL, DOC)
    v2 = {**DOC, "title": "Second"}
    st.save(LOCAL, b.id, v2, expected_version=1)
    proc = subprocess.Popen(
        [sys.executable, "-c", _CRASH, store_url, b.id],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()  # the revision row is written, the save not committed
        assert line.strip() == "inside 3", proc.stderr.read() if proc.stderr else ""
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    after = st.get(LOCAL, b.id)
    assert (after.document, after.version, after.revision) == (v2, 2, 2)
    assert [r.number for r in st.revisions(LOCAL, b.id)] == [2, 1]
    assert st.revision(LOCAL, b.id, 1) == DOC
    nxt = st.save(LOCAL, b.id, {**v2, "title": "Third"}, expected_version=2)
    assert (nxt.version, nxt.revision) == (3, 3)
    assert st.revision(LOCAL, b.id, 3)["title"] == "Third"


# -- the database URL -------------------------------------------------------------------------


def test_database_url_default_and_env(tmp_path):
    default = store.database_url({})
    assert default == f"sqlite:///{store.default_path()}"
    assert store.default_path().parent.name == "var"
    url = f"sqlite:///{tmp_path / 'x.sqlite3'}"
    assert store.database_url({"CORRIDORMAP_DATABASE_URL": url}) == url
    pg = "postgresql://u:pw@db:5432/corridormap"
    assert store.database_url({"CORRIDORMAP_DATABASE_URL": pg}) == pg


@pytest.mark.parametrize(
    "url",
    [
        "mysql://admin:s3cretpw@db/corridormap",
        "oracle://admin:s3cretpw@db/x",
        "postgresql+asyncpg://admin:s3cretpw@db/x",
        "not a url at all s3cretpw",
    ],
)
def test_unsupported_urls_are_refused_without_echoing_a_password(url):
    with pytest.raises(StoreError) as err:
        store.database_url({"CORRIDORMAP_DATABASE_URL": url})
    assert "s3cretpw" not in str(err.value)
    assert "CORRIDORMAP_DATABASE_URL" in str(err.value)


def test_the_default_database_is_ignored_by_git():
    root = Path(__file__).resolve().parents[1]
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", str(store.default_path())], cwd=root, check=False
    )
    assert ignored.returncode == 0


# -- diff and merge (pure) -------------------------------------------------------------------


def test_diff_of_equal_documents_is_empty():
    assert diff_documents(DOC, dict(DOC)) == []


BASE = {
    "title": "T",
    "description": "d",
    "scenes": [scene("A", "a"), scene("B", "b"), scene("C", "c")],
}


def _with(doc, **changes):
    return {**doc, **changes}


def _scenes(*pairs):
    return [scene(t, x) for t, x in pairs]


MERGES = [
    # (name, mine, theirs, expected merged, expected conflict words)
    ("nobody changed", BASE, BASE, BASE, []),
    ("only mine", _with(BASE, title="M"), BASE, _with(BASE, title="M"), []),
    ("only theirs", BASE, _with(BASE, title="X"), _with(BASE, title="X"), []),
    ("both the same", _with(BASE, title="S"), _with(BASE, title="S"), _with(BASE, title="S"), []),
    (
        "different fields",
        _with(BASE, title="M"),
        _with(BASE, description="their d"),
        _with(BASE, title="M", description="their d"),
        [],
    ),
    (
        "same field differently: theirs kept",
        _with(BASE, title="M"),
        _with(BASE, title="X"),
        _with(BASE, title="X"),
        ["title"],
    ),
    (
        "different scenes",
        _with(BASE, scenes=_scenes(("A", "mine"), ("B", "b"), ("C", "c"))),
        _with(BASE, scenes=_scenes(("A", "a"), ("B", "b"), ("C", "theirs"))),
        _with(BASE, scenes=_scenes(("A", "mine"), ("B", "b"), ("C", "theirs"))),
        [],
    ),
    (
        "same scene, different fields",
        _with(BASE, scenes=_scenes(("A2", "a"), ("B", "b"), ("C", "c"))),
        _with(BASE, scenes=_scenes(("A", "a2"), ("B", "b"), ("C", "c"))),
        _with(BASE, scenes=_scenes(("A2", "a2"), ("B", "b"), ("C", "c"))),
        [],
    ),
    (
        "same scene field differently",
        _with(BASE, scenes=_scenes(("A", "mine"), ("B", "b"), ("C", "c"))),
        _with(BASE, scenes=_scenes(("A", "theirs"), ("B", "b"), ("C", "c"))),
        _with(BASE, scenes=_scenes(("A", "theirs"), ("B", "b"), ("C", "c"))),
        ['scene 1 "A", text'],
    ),
    (
        "both appended",
        _with(BASE, scenes=[*BASE["scenes"], scene("Mine", "m")]),
        _with(BASE, scenes=[*BASE["scenes"], scene("Theirs", "t")]),
        _with(BASE, scenes=[*BASE["scenes"], scene("Theirs", "t"), scene("Mine", "m")]),
        [],
    ),
    (
        "they removed the last, I left it",
        BASE,
        _with(BASE, scenes=BASE["scenes"][:2]),
        _with(BASE, scenes=BASE["scenes"][:2]),
        [],
    ),
    (
        "they removed the last, I changed it",
        _with(BASE, scenes=_scenes(("A", "a"), ("B", "b"), ("C", "mine"))),
        _with(BASE, scenes=BASE["scenes"][:2]),
        _with(BASE, scenes=_scenes(("A", "a"), ("B", "b"), ("C", "mine"))),
        ['scene 3 "C"', "removed"],
    ),
    (
        "I removed the description",
        {k: v for k, v in BASE.items() if k != "description"},
        _with(BASE, title="X"),
        {"title": "X", "scenes": BASE["scenes"]},
        [],
    ),
]


@pytest.mark.parametrize(
    ("mine", "theirs", "expected", "words"),
    [m[1:] for m in MERGES],
    ids=[m[0] for m in MERGES],
)
def test_merge_documents(mine, theirs, expected, words):
    merged, conflicts = merge_documents(BASE, mine, theirs)
    assert merged == expected
    if not words:
        assert conflicts == []
    else:
        assert len(conflicts) == 1
        for w in words:
            assert w in conflicts[0]


# -- an unreachable database -------------------------------------------------------------------


def test_an_unreachable_database_is_unavailable_without_the_password():
    with pytest.raises(store.Unavailable) as err:
        store.open_store("postgresql://admin:s3cretpw@127.0.0.1:1/corridormap")
    assert "cannot open the database at postgresql" in str(err.value)
    assert "://admin:***@127.0.0.1:1/corridormap" in str(err.value)
    assert "s3cretpw" not in str(err.value)


def test_a_database_that_goes_away_is_unavailable_and_the_store_recovers(tmp_path):
    path = tmp_path / "gone.sqlite3"
    s = store.open_store(f"sqlite:///{path}")
    try:
        b = s.create(LOCAL, DOC)
        s.engine.dispose()
        # the file replaced by a directory: SQLite cannot open it
        for p in tmp_path.glob("gone.sqlite3*"):
            p.rename(tmp_path / f"moved-{p.name}")
        path.mkdir()
        with pytest.raises(store.Unavailable, match="not available right now"):
            s.get(LOCAL, b.id)
        with pytest.raises(store.Unavailable, match="nothing was changed"):
            s.save(LOCAL, b.id, DOC, expected_version=1)
        path.rmdir()
        for p in tmp_path.glob("moved-*"):
            p.rename(tmp_path / p.name.removeprefix("moved-"))
        s.engine.dispose()
        assert s.get(LOCAL, b.id).document == DOC
    finally:
        s.close()


def test_tests_never_use_the_checkouts_database(temp_database):
    assert store.database_url() == temp_database
    assert str(store.default_path()) not in temp_database


def test_the_session_database_is_temporary():
    assert str(store.default_path()) not in store.database_url()


def test_sqlite_connections_use_wal_a_busy_timeout_and_foreign_keys(tmp_path):
    s = store.open_store(f"sqlite:///{tmp_path / 'p.sqlite3'}")
    try:
        with s.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    finally:
        s.close()
