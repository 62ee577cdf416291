"""The briefing store (corridormap.store) against SQLite and a real PostgreSQL server: the
same tests on both (the ``store_url`` fixture in conftest.py)."""

from __future__ import annotations

import pytest

from corridormap import store
from corridormap.store import LOCAL, Conflict, Forbidden, NotFound, Principal

DOC = {"title": "Gabala", "scenes": [{"title": "One", "text": "first"}]}
OWNER = Principal("iss|owner", "owner@example.org", "Owner")
EDITOR = Principal("iss|editor", "Editor@Example.org", "Editor")
READER = Principal("iss|reader", "reader@example.org", "Reader")
STRANGER = Principal("iss|stranger", "stranger@example.org", "Stranger")


def scene(title: str, text: str = "text") -> dict[str, str]:
    return {"title": title, "text": text}


@pytest.fixture
def st(store_url):
    s = store.open_store(store_url)
    yield s
    s.close()


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
    assert [r.message for r in st.revisions(LOCAL, created.id)] == ["added a scene", "created"]


def test_stale_save_is_a_conflict_carrying_what_is_stored(st):
    b = st.create(LOCAL, DOC)
    st.save(LOCAL, b.id, {**DOC, "title": "Theirs"}, expected_version=1)
    with pytest.raises(Conflict) as err:
        st.save(LOCAL, b.id, {**DOC, "title": "Mine"}, expected_version=1)
    assert err.value.current.document["title"] == "Theirs"
    assert err.value.current.version == 2
    assert st.get(LOCAL, b.id).document["title"] == "Theirs"
    assert [r.number for r in st.revisions(LOCAL, b.id)] == [2, 1]


def test_permissions(st):
    b = st.create(OWNER, DOC)
    st.set_editors(OWNER, b.id, ["editor@example.org"])
    token = st.set_link_sharing(OWNER, b.id, True)
    assert token
    # the stranger: nothing, and the same answer as for a missing id
    for call in (
        lambda: st.get(STRANGER, b.id),
        lambda: st.save(STRANGER, b.id, DOC, expected_version=1),
        lambda: st.revisions(STRANGER, b.id),
        lambda: st.delete(STRANGER, b.id),
    ):
        with pytest.raises(NotFound):
            call()
    assert st.list(STRANGER) == []
    # the reader, by link token: reads, never writes, does not see the token
    got = st.get(READER, b.id, share_token=token)
    assert (got.role, got.share_token) == ("reader", None)
    with pytest.raises(NotFound):
        st.get(READER, b.id, share_token=token + "x")
    # the named editor (e-mail compared without case): reads and saves, may not delete/share
    assert [s.id for s in st.list(EDITOR)] == [b.id]
    saved = st.save(EDITOR, b.id, {**DOC, "title": "Renamed"}, expected_version=1)
    assert saved.role == "editor"
    with pytest.raises(Forbidden):
        st.delete(EDITOR, b.id)
    with pytest.raises(Forbidden):
        st.set_link_sharing(EDITOR, b.id, False)
    # sharing off: the old link stops working
    assert st.set_link_sharing(OWNER, b.id, False) is None
    with pytest.raises(NotFound):
        st.get(READER, b.id, share_token=token)
