"""Sign-in through a real OpenID Connect provider, and who sees what, in a real browser.

A real local provider (``oidc-provider-mock``: Authlib's authorization server in Flask) runs
on a loopback port; the app runs with a temporary secrets file whose ``[auth]`` points at the
provider's discovery document (never the checkout's ``.streamlit/``), and with its own
temporary database. Four people sign in through the provider's authorize page, each in their
own browser context (their own cookies): the owner makes a briefing in the Briefings page;
the second person does not see it; the owner shares it by link and names the third as an
editor; then the link holder reads it and cannot change it, the editor edits and saves it,
and a stranger (the fourth) sees "not found" and nothing in the list. The store, read by the
test in the same database, says what was saved and by whom. Every request of every context
goes through the probe: none may leave the machine.
"""

from __future__ import annotations

import json
import os
import re
import threading
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from harness import PageProbe, StreamlitServer, settle, start_streamlit

from corridormap import store

pytestmark = [
    pytest.mark.browser,
    # the provider (Authlib's server, in this process) uses Authlib's deprecated APIs
    pytest.mark.filterwarnings("ignore::DeprecationWarning:authlib.*"),
]

PEOPLE = {
    "alice": ("Alice Owner", "alice@example.org"),
    "bob": ("Bob Reader", "bob@example.org"),
    "carol": ("Carol Editor", "carol@example.org"),
    "dave": ("Dave Stranger", "dave@example.org"),
}
TITLE = "Caspian gas: owner's draft 7f3"
SCENE_TITLE = "Zangezur first, 7f3"
SCENE_TEXT = "Only the owner and those she shares it with may read this line."
SIDEBAR = "section[data-testid='stSidebar']"


# -- the provider ------------------------------------------------------------------------------


def _without_cdn(app: Any) -> Any:
    """The provider's pages link a stylesheet on a CDN (cosmetic); serve them without it, so
    that every request the browser makes stays on this machine."""
    from werkzeug.wrappers import Response  # noqa: PLC0415

    def wsgi(environ: dict[str, Any], start_response: Any) -> Any:
        response = Response.from_app(app, environ)
        if response.mimetype == "text/html":
            body = re.sub(rb"<link[^>]*https://cdn\.jsdelivr\.net[^>]*>", b"", response.get_data())
            response.set_data(body)
        return response(environ, start_response)

    return wsgi


@dataclass
class Provider:
    url: str  # http://127.0.0.1:<port>
    issuer: str  # from its discovery document


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    from oidc_provider_mock import User, app  # noqa: PLC0415
    from werkzeug.serving import make_server  # noqa: PLC0415

    users = [
        User(sub=sub, claims={"email": email, "email_verified": True, "name": name})
        for sub, (name, email) in PEOPLE.items()
    ]
    with pytest.MonkeyPatch.context() as mp:
        # the provider's Authlib refuses plain http unless told (loopback only here); the app's
        # Authlib client reads the same variable, and inherits it
        mp.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")
        server = make_server("127.0.0.1", 0, _without_cdn(app(user_claims=users)), threaded=True)
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
        thread.start()
        url = f"http://127.0.0.1:{server.server_port}"
        try:
            with urllib.request.urlopen(f"{url}/.well-known/openid-configuration") as resp:
                issuer = json.loads(resp.read())["issuer"]
            yield Provider(url, issuer)
        finally:
            server.shutdown()
            thread.join(5)


# -- the app -----------------------------------------------------------------------------------


@dataclass
class App:
    server: StreamlitServer
    database_url: str


@pytest.fixture(scope="module")
def signin_app(
    _browser_ready: None, provider: Provider, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[App]:
    tmp = tmp_path_factory.mktemp("signin")
    secrets = tmp / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        f'cookie_secret = "{os.urandom(24).hex()}"\n'
        'client_id = "corridormap-test"\n'
        'client_secret = "not-a-real-secret"\n'
        f'server_metadata_url = "{provider.url}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    database_url = f"sqlite:///{tmp / 'briefings.sqlite3'}"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")
        server = start_streamlit(
            cwd=Path(__file__).resolve().parents[2],
            log_dir=tmp,
            database_url=database_url,
            extra_args=(f"--secrets.files={secrets}",),
        )
    yield App(server, database_url)
    server.stop()


# -- people in browsers ------------------------------------------------------------------------


@dataclass
class Person:
    sub: str
    page: Any
    probe: PageProbe

    @property
    def name(self) -> str:
        return PEOPLE[self.sub][0]

    def principal(self, issuer: str) -> store.Principal:
        name, email = PEOPLE[self.sub]
        return store.Principal(f"{issuer}|{self.sub}", email, name)


def _sign_in(browser: Any, app: App, sub: str) -> Person:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(45_000)
    probe = PageProbe().attach(context, page)
    page.goto(app.server.url + "briefings")
    sidebar = page.locator(SIDEBAR)
    sidebar.get_by_text("Not signed in").wait_for()
    sidebar.get_by_role("button", name="Sign in").click()
    # the provider's authorize page: the predefined users are buttons named by subject
    page.locator(f"button[name='sub'][value='{sub}']").click()
    page.wait_for_url(re.compile(re.escape(app.server.url)))
    sidebar.get_by_text("Signed in as").wait_for()
    assert PEOPLE[sub][0] in sidebar.inner_text()
    return Person(sub, page, probe)


@pytest.fixture(scope="module")
def people(browser: Any, signin_app: App) -> Iterator[dict[str, Person]]:
    out: dict[str, Person] = {}
    try:
        for sub in PEOPLE:
            out[sub] = _sign_in(browser, signin_app, sub)
        yield out
    finally:
        for person in out.values():
            person.page.context.close()


def _open(person: Person, app: App, path: str) -> str:
    """Open ``path`` and return the page's main text once Streamlit has finished the run."""
    person.page.goto(app.server.url + path)
    person.page.locator("[data-testid='stMain']").wait_for()
    person.probe.wait_quiet(person.page, quiet_ms=1000, timeout_ms=45_000)
    person.page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=45_000
    )
    main = person.page.locator("[data-testid='stMain']")
    values = main.evaluate(
        "(m) => Array.from(m.querySelectorAll('input, textarea')).map((e) => e.value)"
    )
    return "\n".join([str(main.inner_text()), *map(str, values)])


@dataclass
class Scene:
    """What the test's stages share: the app, the store (the server's database) and the ids."""

    app: App
    store: store.Store
    issuer: str
    bid: str = ""
    token: str = ""

    def open(self, person: Person, path: str) -> str:
        return _open(person, self.app, path)


def _owner_creates(sc: Scene, alice: Person) -> None:
    sc.open(alice, "briefings")
    alice.page.get_by_role("textbox", name="New briefing").fill(TITLE)
    alice.page.get_by_role("button", name="Create").click()
    alice.page.wait_for_url(re.compile(r"saved="))
    ident = re.search(r"saved=([A-Za-z0-9_-]+)", alice.page.url)
    assert ident is not None
    sc.bid = ident.group(1)
    saved = sc.store.get(alice.principal(sc.issuer), sc.bid)
    assert saved.document["title"] == TITLE
    assert saved.role == "owner"
    assert saved.owner_name == alice.name
    # ... and writes its first scene
    sc.open(alice, f"briefings?saved={sc.bid}")
    scene_title = alice.page.get_by_role("textbox", name="Title", exact=True).nth(1)
    scene_title.fill(SCENE_TITLE)
    scene_title.press("Enter")
    # the run the title started redraws the editor: a text typed meanwhile was lost (in CI)
    settle(alice.page, quiet_ms=1000)
    alice.page.get_by_role("textbox", name="Text", exact=True).first.fill(SCENE_TEXT)
    alice.page.get_by_role("textbox", name="Text", exact=True).first.blur()
    settle(alice.page, quiet_ms=1000)
    alice.page.get_by_role("button", name="Save").click()
    alice.page.get_by_text("Revision 2").first.wait_for()
    scene = sc.store.get(alice.principal(sc.issuer), sc.bid).document["scenes"][0]
    assert (scene["title"], scene["text"]) == (SCENE_TITLE, SCENE_TEXT)


def _not_seen(sc: Scene, person: Person, *, share: str | None = None) -> None:
    """``person`` finds nothing: not in the list, "not found" by id (and ``share``). The list
    takes no token, so it is read on the visit without ``share`` only."""
    listing = "" if share else sc.open(person, "briefings")
    assert TITLE not in listing
    query = f"saved={sc.bid}" + (f"&share={share}" if share else "")
    shown = sc.open(person, f"present?{query}")
    assert "not shared with you" in shown
    editor = sc.open(person, f"briefings?{query}")
    assert "No such briefing" in editor
    for text in (listing, shown, editor):
        assert TITLE not in text
        assert SCENE_TITLE not in text
        assert SCENE_TEXT not in text


def _owner_shares(sc: Scene, alice: Person, editor_email: str) -> str:
    """The owner turns the link on and names an editor; returns the link shown."""
    owner = alice.principal(sc.issuer)
    sc.open(alice, f"briefings?saved={sc.bid}")
    alice.page.get_by_text("Sharing", exact=True).click()
    alice.page.get_by_text("Share read-only by link").click()
    link_block = alice.page.locator("[data-testid='stCode']").filter(has_text="present?saved=")
    link_block.wait_for()
    link = link_block.inner_text().strip()
    token = sc.store.get(owner, sc.bid).share_token
    assert token
    sc.token = token
    assert link == f"{sc.app.server.url}present?saved={sc.bid}&share={token}"
    add = alice.page.get_by_role("textbox", name="Add editors by e-mail address")
    add.fill(editor_email.upper())
    alice.page.get_by_role("button", name="Add", exact=True).click()
    main = alice.page.locator("[data-testid='stMain']")
    # the run that lists the editor is drawn: its Remove button (icon person_remove)
    main.locator("button", has_text="person_remove").wait_for()
    main.get_by_text(editor_email, exact=True).first.wait_for()
    assert sc.store.get(owner, sc.bid).editors == (editor_email,)
    _shot(alice, "owner-sharing")
    if os.environ.get("CORRIDORMAP_SHOTS_DIR"):
        alice.page.set_viewport_size({"width": 390, "height": 844})
        main.locator("button", has_text="person_remove").scroll_into_view_if_needed()
        _shot(alice, "owner-sharing-phone")
        alice.page.set_viewport_size({"width": 1400, "height": 900})
    return link


def _shot(person: Person, name: str) -> None:
    """A screenshot to look at, when ``CORRIDORMAP_SHOTS_DIR`` names a folder (not asserted)."""
    folder = os.environ.get("CORRIDORMAP_SHOTS_DIR")
    if folder:
        person.page.screenshot(path=str(Path(folder) / f"signin-{name}.png"), full_page=True)


def _anonymous_link(sc: Scene, browser: Any, link: str) -> None:
    """Nobody signed in: the link presents the briefing, and opens it read-only in the
    Briefings page; without the token, nothing."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        page = context.new_page()
        page.set_default_timeout(45_000)
        guest = Person("guest", page, PageProbe().attach(context, page))
        shown = sc.open(guest, link.removeprefix(sc.app.server.url))
        assert SCENE_TITLE in shown
        assert SCENE_TEXT in shown
        sc.open(guest, f"briefings?saved={sc.bid}&share={sc.token}")
        title_box = page.get_by_role("textbox", name="Title", exact=True).first
        assert title_box.input_value() == TITLE
        assert title_box.is_disabled()
        assert page.get_by_role("button", name="Save").count() == 0
        assert page.get_by_text("Share read-only by link").count() == 0
        assert "Not signed in" in page.locator(SIDEBAR).inner_text()
        for path in (f"present?saved={sc.bid}", f"briefings?saved={sc.bid}"):
            shown = sc.open(guest, path)
            assert TITLE not in shown
            assert SCENE_TEXT not in shown
        assert guest.probe.blocked == []
    finally:
        context.close()


def _link_holder_reads(sc: Scene, bob: Person, link: str) -> None:
    shown = sc.open(bob, link.removeprefix(sc.app.server.url))
    assert SCENE_TITLE in shown
    assert SCENE_TEXT in shown
    assert "not shared with you" not in shown
    sc.open(bob, f"briefings?saved={sc.bid}&share={sc.token}")
    title_box = bob.page.get_by_role("textbox", name="Title", exact=True).first
    assert title_box.input_value() == TITLE
    assert title_box.is_disabled()
    assert bob.page.get_by_role("button", name="Save").count() == 0
    assert bob.page.get_by_text("Share read-only by link").count() == 0
    as_reader = bob.principal(sc.issuer)
    current = sc.store.get(as_reader, sc.bid, share_token=sc.token)
    assert current.role == "reader"
    assert current.share_token is None  # only the owner is shown the token
    # save takes no token: the link grants reading only (NotFound; Forbidden would do too)
    with pytest.raises((store.Forbidden, store.NotFound)):
        sc.store.save(
            as_reader,
            sc.bid,
            {**current.document, "title": "defaced"},
            expected_version=current.version,
        )
    assert sc.store.get(bob.principal(sc.issuer), sc.bid, share_token=sc.token) == current


def _editor_saves(sc: Scene, carol: Person, owner: store.Principal) -> None:
    assert TITLE in sc.open(carol, "briefings")
    sc.open(carol, f"briefings?saved={sc.bid}")
    new_title = TITLE + " (edited by Carol)"
    title_box = carol.page.get_by_role("textbox", name="Title", exact=True).first
    title_box.fill(new_title)
    title_box.press("Enter")
    settle(carol.page, quiet_ms=1000)
    carol.page.get_by_role("button", name="Save").click()
    carol.page.get_by_text("Revision 3").first.wait_for()
    after = sc.store.get(owner, sc.bid)
    assert after.document["title"] == new_title
    assert after.revision == 3
    assert sc.store.revisions(owner, sc.bid)[0].author_name == carol.name
    assert carol.page.get_by_text("Share read-only by link").count() == 0  # the owner's


def _signs_out(sc: Scene, person: Person) -> None:
    """Sign out: Streamlit sends the browser to the provider's end-session page, which comes
    back to the app; the identity cookie is gone, also for the next page opened. From the
    page ``person`` has open (the sidebar, and its Sign out, is on every page)."""
    sidebar = person.page.locator(SIDEBAR)
    sidebar.get_by_role("button", name="Sign out").click()
    end = person.page.get_by_role("button", name="End session")
    signed_out = sidebar.get_by_text("Not signed in")
    end.or_(signed_out).wait_for()
    if end.is_visible():
        end.click()
    signed_out.wait_for()
    sc.open(person, "briefings")
    text = sidebar.inner_text()
    assert "Not signed in" in text
    assert person.name not in text
    cookies = [c["name"] for c in person.page.context.cookies()]
    assert "_streamlit_user" not in cookies, cookies


def test_owner_reader_editor_and_stranger_see_exactly_what_they_should(
    people: dict[str, Person], signin_app: App, provider: Provider, browser: Any
) -> None:
    sc = Scene(signin_app, store.open_store(signin_app.database_url), provider.issuer)
    alice, bob, carol, dave = (people[s] for s in ("alice", "bob", "carol", "dave"))
    try:
        _owner_creates(sc, alice)
        _not_seen(sc, bob)  # the second person: not shared yet
        link = _owner_shares(sc, alice, PEOPLE["carol"][1])
        _link_holder_reads(sc, bob, link)
        _shot(bob, "link-reader")
        _anonymous_link(sc, browser, link)
        _editor_saves(sc, carol, alice.principal(sc.issuer))
        _not_seen(sc, dave)  # a stranger
        _not_seen(sc, dave, share="not-the-token")  # with a guessed token
        assert TITLE not in sc.open(bob, "briefings")  # the link holder, without the link
        _signs_out(sc, dave)  # from the page the guessed token opened
        for person in people.values():  # nothing left the machine, in any of the browsers
            assert person.probe.blocked == [], person.probe.blocked
    finally:
        sc.store.close()
