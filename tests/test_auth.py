"""Sign-in (app_pages/_auth.py) and the sharing panel (app_pages/_sharing.py).

The principal a user's claims give, what a broken ``[auth]`` says, the sidebar control in
local mode, signed out and signed in (AppTest seeds ``st.user``), and the sharing panel
against a real store: what the owner's controls change is read back from the store, and
nobody but the owner gets them. The real OIDC sign-in is tests/browser/test_signin.py.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest
from test_escaping import PAYLOADS

from app_pages import _auth, _sharing
from corridormap import store

AUTH = {
    "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
    "cookie_secret": "a-test-cookie-secret-of-some-length",
    "client_id": "corridormap",
    "client_secret": "secret",
    "server_metadata_url": "http://127.0.0.1:9400/.well-known/openid-configuration",
}
ISS = "http://127.0.0.1:9400"


def _claims(**extra: Any) -> dict[str, Any]:
    return {"is_logged_in": True, "iss": ISS, "sub": "alice", **extra}


# -- the principal -----------------------------------------------------------------------------


def test_principal_is_issuer_and_subject_with_the_verified_email() -> None:
    who = _auth.principal_from_claims(_claims(email=" Alice@Example.ORG ", name="Alice A."))
    assert who == store.Principal(f"{ISS}|alice", "alice@example.org", "Alice A.")


def test_an_unverified_email_is_not_used_for_sharing() -> None:
    who = _auth.principal_from_claims(_claims(email="boss@example.org", email_verified=False))
    assert who is not None
    assert who.email is None
    assert who.id == f"{ISS}|alice"
    verified = _auth.principal_from_claims(_claims(email="a@example.org", email_verified=True))
    assert verified is not None
    assert verified.email == "a@example.org"


@pytest.mark.parametrize(
    ("claims", "name"),
    [
        ({"preferred_username": "al"}, "al"),
        ({"email": "al@example.org"}, "al@example.org"),
        ({}, "alice"),
        ({"name": "  ", "preferred_username": "al"}, "al"),
    ],
)
def test_the_name_falls_back_to_username_email_then_subject(claims, name) -> None:
    who = _auth.principal_from_claims(_claims(**claims))
    assert who is not None
    assert who.name == name


def test_no_subject_is_no_principal_and_a_missing_issuer_names_the_provider() -> None:
    assert _auth.principal_from_claims({"is_logged_in": True, "email": "a@b.org"}) is None
    assert _auth.principal_from_claims(_claims(sub="")) is None
    who = _auth.principal_from_claims({"sub": "x", "provider": "google"})
    assert who is not None
    assert who.id == "provider:google|x"


# -- the configuration -------------------------------------------------------------------------


def test_providers_default_and_named() -> None:
    assert _auth.providers(AUTH) == ["default"]
    named = {
        "redirect_uri": AUTH["redirect_uri"],
        "cookie_secret": "s",
        "google": {k: AUTH[k] for k in _auth.PROVIDER_KEYS},
        "client_kwargs": {"client_id": "x", "client_secret": "y", "server_metadata_url": "z"},
        "half": {"client_id": "x"},
    }
    assert _auth.providers(named) == ["google"]
    assert _auth.config_problems(AUTH) == []
    assert _auth.config_problems(named) == []


def test_a_broken_auth_section_names_every_problem() -> None:
    problems = _auth.config_problems({"redirect_uri": "http://127.0.0.1:8501/", "client_id": "x"})
    text = "\n".join(problems)
    assert "cookie_secret" in text
    assert "/oauth2callback" in text
    assert "names no provider" in text
    assert len(problems) == 3


# -- the sidebar control -----------------------------------------------------------------------


def _control_script() -> None:
    import streamlit as st  # noqa: PLC0415 - AppTest runs the function's body as a script

    from app_pages import _auth  # noqa: PLC0415

    _auth.sidebar_control()
    who = _auth.current_principal()
    st.text(f"principal={who.id if who else None} email={who.email if who else None}")


def _control(secrets: dict[str, Any] | None, user: dict[str, Any] | None = None) -> AppTest:
    at = AppTest.from_function(_control_script, default_timeout=30)
    if secrets:
        at.secrets["auth"] = secrets
    if user is not None:
        at.user = user
    return at.run()


def _texts(at: AppTest) -> str:
    return "\n".join(
        [c.value for c in at.caption] + [t.value for t in at.text] + [m.value for m in at.markdown]
    )


def test_local_mode_without_auth_everything_is_yours() -> None:
    at = _control(None)
    assert not at.exception
    assert "principal=local email=None" in _texts(at)
    assert "Local mode" in _texts(at)
    assert not at.button  # nothing to sign in to


def test_configured_but_signed_out_asks_to_sign_in() -> None:
    at = _control(AUTH, {"is_logged_in": False})
    assert not at.exception
    assert "principal=None" in _texts(at)
    assert "Not signed in" in _texts(at)
    assert [b.label for b in at.button] == ["Sign in"]


def test_signed_in_shows_who_with_sign_out_and_escapes_the_name() -> None:
    hostile = "**Eve** [x](javascript:alert(1)) <img src=x>"
    at = _control(AUTH, _claims(email="alice@example.org", name=hostile))
    assert not at.exception
    text = _texts(at)
    assert f"principal={ISS}|alice email=alice@example.org" in text
    assert "Signed in as" in text
    assert [b.label for b in at.button] == ["Sign out"]
    shown = next(c.value for c in at.caption if "Signed in as" in c.value)
    assert shown.endswith("  \n`alice@example.org`")  # a code span: never a mailto: link
    name = shown.removeprefix("Signed in as **").split("**  \n")[0]
    assert re.search(r"(?<!\\)[<>\[\]()*]", name) is None, name  # every one escaped
    assert name.replace("\\", "") == hostile


def test_a_broken_auth_section_is_a_warning_not_a_crash() -> None:
    at = _control({"redirect_uri": "http://x/"}, {"is_logged_in": False})
    assert not at.exception
    assert at.warning
    assert "cookie_secret" in at.warning[0].value
    assert not at.button


# -- the sharing panel, against a real store ----------------------------------------------------


def _panel_script(url: str, id: str) -> None:
    import streamlit as st  # noqa: PLC0415 - AppTest runs the function's body as a script

    from app_pages import _auth, _sharing  # noqa: PLC0415
    from corridormap import store  # noqa: PLC0415

    the_store = store.open_store(url)
    who = _auth.current_principal()
    assert who is not None
    try:
        saved = the_store.get(who, id)
    except store.NotFound:
        st.text("not found")
        return
    _sharing.panel(the_store, saved)


DOC = {"title": "Caspian gas", "scenes": [{"title": "One", "text": "x", "view": {}}]}
OWNER = store.Principal(f"{ISS}|alice", "alice@example.org", "Alice")
BOB = store.Principal(f"{ISS}|bob", "bob@example.org", "Bob")


@pytest.fixture
def shared_db(tmp_path):
    url = f"sqlite:///{tmp_path / 'share.sqlite3'}"
    s = store.open_store(url)
    saved = s.create(OWNER, DOC)
    yield url, s, saved.id
    s.close()


def _panel(url: str, id: str, user: dict[str, Any]) -> AppTest:
    at = AppTest.from_function(_panel_script, args=(url, id), default_timeout=30)
    at.secrets["auth"] = AUTH
    at.user = user
    return at.run()


def test_the_owner_shares_by_link_and_names_editors(shared_db) -> None:
    url, s, id = shared_db
    at = _panel(url, id, _claims(email="alice@example.org", name="Alice"))
    assert not at.exception
    toggle = at.toggle(key=f"share_link_{id}")
    assert toggle.value is False
    toggle.set_value(True).run()
    token = s.get(OWNER, id).share_token
    assert token, "the toggle turned link sharing on in the store"
    codes = [c.value for c in at.code]
    assert any(c.endswith(f"present?saved={id}&share={token}") for c in codes), codes
    assert any(c.endswith(f"briefings?saved={id}&share={token}") for c in codes), codes
    # A link reader sees it with the token; the store says so, not the panel.
    assert s.get(BOB, id, share_token=token).role == "reader"

    at.text_input(key=f"share_add_{id}").input("Bob@Example.org, not-an-address").run()
    at.button(key=f"share_add_btn_{id}").click().run()
    assert "not-an-address" in at.error[0].value.replace("\\", "")  # shown escaped
    assert s.get(OWNER, id).editors == ()
    at.text_input(key=f"share_add_{id}").input("Bob@Example.org").run()
    at.button(key=f"share_add_btn_{id}").click().run()
    assert s.get(OWNER, id).editors == ("bob@example.org",)
    assert s.get(BOB, id).role == "editor"
    assert any(m.value == "`bob@example.org`" for m in at.markdown)  # a code span: no mailto

    at.button(key=f"share_rm_{id}_bob@example.org").click().run()
    assert s.get(OWNER, id).editors == ()
    with pytest.raises(store.NotFound):
        s.get(store.Principal(f"{ISS}|bob", "bob@example.org", "Bob"), id)

    at.toggle(key=f"share_link_{id}").set_value(False).run()
    assert s.get(OWNER, id).share_token is None
    with pytest.raises(store.NotFound):
        s.get(BOB, id, share_token=token)


def test_others_get_a_line_not_the_controls(shared_db) -> None:
    url, s, id = shared_db
    s.set_editors(OWNER, id, ["bob@example.org"])
    bob = {"is_logged_in": True, "iss": ISS, "sub": "bob", "email": "bob@example.org"}
    at = _panel(url, id, bob)
    assert not at.exception
    assert not at.toggle
    assert not at.text_input
    assert not at.button
    line = " ".join(c.value for c in at.caption)
    assert "Owned by **Alice**" in line
    assert "You may edit and save it" in line
    stranger = _panel(url, id, {"is_logged_in": True, "iss": ISS, "sub": "eve", "email": "e@x.org"})
    assert [t.value for t in stranger.text] == ["not found"]


def test_share_link_and_base() -> None:
    base = _sharing.app_base("http://127.0.0.1:8501/corridormap/briefings?saved=x")
    assert base == "http://127.0.0.1:8501/corridormap"
    assert _sharing.share_link("ab12", "t-k", "present", base) == (
        "http://127.0.0.1:8501/corridormap/present?saved=ab12&share=t-k"
    )
    assert _sharing.app_base("javascript:alert(1)//x/y") is None
    assert _sharing.share_link("ab", "t&x=1") == "present?saved=ab&share=t%26x%3D1"


def test_parse_emails_lists_what_is_not_an_address() -> None:
    good, bad = _sharing.parse_emails("A@B.org; c@d.io,, a@b.org <e@f.org> x@y")
    assert good == ["a@b.org", "c@d.io"]
    assert bad == ["<e@f.org>", "x@y"]


@pytest.mark.parametrize(
    "text", ["a@b.org", "x`y@z.org", "``a", "a```b`", "`", "line\nbreak@x.org"]
)
def test_code_span_holds_any_text_literally(text) -> None:
    span = _auth.code_span(text)
    inner_runs = [len(r) for r in re.findall(r"`+", " ".join(text.split()))]
    fence = re.match(r"`+", span)
    assert fence is not None
    # CommonMark: the span ends at the first run of exactly the fence's length
    assert len(fence.group()) > max(inner_runs, default=0)
    assert span.endswith(fence.group())
    assert "\n" not in span
    body = span[len(fence.group()) : -len(fence.group())]
    assert (body[1:-1] if inner_runs else body) == " ".join(text.split())


def test_an_address_is_never_bare_markdown() -> None:
    assert _auth.plain("alice@example.org") == "`alice@example.org`"
    assert _auth.plain("Alice *A*") == "Alice \\*A\\*"


# -- hostile names and addresses from the provider and the store ---------------------------------

HOSTILE = (*PAYLOADS, "x@evil.org](javascript:alert(1))", "`a@b.org` **x**", "a\nb@c.org")


def _literal(markdown: str, text: str) -> bool:
    """Whether ``markdown`` shows ``text`` literally: an escaped text or a code span of it."""
    if markdown.startswith("`"):
        fence = re.match(r"`+", markdown)
        assert fence is not None
        body = markdown[len(fence.group()) : -len(fence.group())]
        body = body[1:-1] if len(fence.group()) > 1 else body
        return body == " ".join(text.split())
    return re.search(r"(?<!\\)[<>\[\]()`*@]", markdown) is None


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_names_in_the_sidebar_and_the_sharing_line_are_text(text, shared_db) -> None:
    at = _control(AUTH, _claims(email="alice@example.org", name=text))
    assert not at.exception
    shown = next(c.value for c in at.caption if c.value.startswith("Signed in as **"))
    name = shown.removeprefix("Signed in as **").split("**  \n")[0]
    assert _literal(name, text), name
    assert _literal(_auth.plain(text), text)

    url, s, _ = shared_db
    hostile_owner = store.Principal(f"{ISS}|mallory", "mallory@example.org", text)
    other = s.create(hostile_owner, DOC)
    s.set_editors(hostile_owner, other.id, ["bob@example.org"])
    bob = {"is_logged_in": True, "iss": ISS, "sub": "bob", "email": "bob@example.org"}
    at = _panel(url, other.id, bob)
    assert not at.exception
    line = next(c.value for c in at.caption if c.value.startswith("Owned by **"))
    owner = line.removeprefix("Owned by **").split("**. ")[0]
    assert _literal(owner, text), owner


# -- a secrets file that cannot be read -----------------------------------------------------------


def test_broken_secrets_names_the_file_not_its_folder_or_content(tmp_path) -> None:
    good = tmp_path / "good.toml"
    good.write_text('[auth]\nredirect_uri = "x"\n', encoding="utf-8")
    bad = tmp_path / "secrets.toml"
    bad.write_text('[auth]\ncookie_secret = "hunter2\nclient_id = 3\n', encoding="utf-8")
    missing = tmp_path / "missing.toml"
    assert _auth.broken_secrets([str(missing), str(good)]) is None
    problem = _auth.broken_secrets([str(missing), str(good), str(bad)])
    assert problem is not None
    assert problem.startswith("secrets.toml: ")
    assert str(tmp_path) not in problem
    assert "hunter2" not in problem


def test_a_broken_secrets_file_closes_saved_briefings_instead_of_local_mode(tmp_path) -> None:
    from streamlit import config  # noqa: PLC0415

    bad = tmp_path / "secrets.toml"
    bad.write_text("[auth\nclient_id = 1\n", encoding="utf-8")
    before = config.get_option("secrets.files")
    config.set_option("secrets.files", [str(bad)])
    try:
        at = _control(None)
    finally:
        config.set_option("secrets.files", before)
    assert not at.exception
    assert "principal=None" in _texts(at)  # not the local user
    assert at.error
    assert "secrets\\.toml" in at.error[0].value  # escaped markdown
    assert not at.button
