"""Who is signed in: Streamlit's ``st.login`` (OpenID Connect) when ``[auth]`` is configured
in its secrets, else single-user local mode where every saved briefing is the local user's.

Streamlit reads ``[auth]`` from its secrets files (``.streamlit/secrets.toml`` beside the app
or in ``~/.streamlit/``, or the files the ``secrets.files`` option names). Once a user signed
in, Streamlit keeps the identity token's claims in a signed cookie (``_streamlit_user``,
signed with ``cookie_secret``) and shows them as ``st.user``. A principal's id is
``"<iss>|<sub>"``: the provider's issuer and its stable subject, never the e-mail address
(which a provider may let a user change). The e-mail address is what named editors are
matched on, so it is taken only when the provider does not say it is unverified.

The pages never decide access themselves: they pass the principal to the store, which
enforces the rules (``corridormap.store``).
"""

from __future__ import annotations

import logging
import re
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Final

import streamlit as st
from streamlit import config

from corridormap import formatting, store
from corridormap.i18n import _

logger = logging.getLogger(__name__)

#: The keys Streamlit needs in ``[auth]`` for every provider.
SHARED_KEYS: Final = ("redirect_uri", "cookie_secret")
#: The keys Streamlit needs for one provider (in ``[auth]`` or ``[auth.<name>]``).
PROVIDER_KEYS: Final = ("client_id", "client_secret", "server_metadata_url")
#: ``[auth]`` sub-tables that are settings, not providers.
_NOT_PROVIDERS: Final = frozenset({"client_kwargs"})
DEFAULT: Final = "default"


# ---------------------------------------------------------------------------------------------
# Configuration


def broken_secrets(paths: Iterable[str]) -> str | None:
    """What is wrong with the first of Streamlit's secrets files (``secrets.files``) that
    exists but cannot be read, or None. Streamlit treats such a file as absent, which would
    quietly turn sign-in off; the app closes the saved briefings instead (``current_principal``).
    Names the file, not its folder, and not its content."""
    for path in paths:
        file = Path(path)
        if file.suffix != ".toml" or not file.is_file():
            continue
        try:
            tomllib.loads(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            logger.warning("%s failed", "broken_secrets", exc_info=exc)
            return f"{file.name}: {exc}"
    return None


def _broken_secrets() -> str | None:
    return broken_secrets(config.get_option("secrets.files") or ())


def auth_section() -> Mapping[str, Any] | None:
    """Streamlit's ``[auth]`` secrets, or None when there are none (local mode)."""
    if not st.secrets.load_if_toml_exists():
        return None
    section = st.secrets.get("auth")
    return section if isinstance(section, Mapping) and section else None


def auth_configured() -> bool:
    """Whether sign-in is configured (an ``[auth]`` section in Streamlit's secrets)."""
    return auth_section() is not None


def providers(section: Mapping[str, Any]) -> list[str]:
    """The providers ``section`` configures: ``"default"`` when ``[auth]`` itself holds a
    provider's keys, then each ``[auth.<name>]`` table that does."""
    found = [DEFAULT] if all(section.get(k) for k in PROVIDER_KEYS) else []
    for name, value in section.items():
        if name in _NOT_PROVIDERS or not isinstance(value, Mapping):
            continue
        if all(value.get(k) for k in PROVIDER_KEYS):
            found.append(str(name))
    return found


def config_problems(section: Mapping[str, Any]) -> list[str]:
    """What keeps ``[auth]`` from working, one line each (empty when it can work)."""
    problems = [
        _("`[auth]` has no {key}.").format(key=f"`{k}`") for k in SHARED_KEYS if not section.get(k)
    ]
    redirect = section.get("redirect_uri")
    if isinstance(redirect, str) and redirect and not redirect.endswith("/oauth2callback"):
        problems.append(
            _("`[auth] redirect_uri` must be the app's address ending in `/oauth2callback`.")
        )
    if not providers(section):
        problems.append(
            _(
                "`[auth]` names no provider: it needs `client_id`, `client_secret` and "
                "`server_metadata_url` (in `[auth]` or in an `[auth.<name>]` table)."
            )
        )
    if any("_" in p for p in providers(section)):
        problems.append(_("A provider's name in `[auth.<name>]` cannot contain `_`."))
    return problems


# ---------------------------------------------------------------------------------------------
# The principal


def principal_from_claims(claims: Mapping[str, Any]) -> store.Principal | None:
    """The principal a signed-in user's claims describe, or None without a subject.

    The id is ``"<iss>|<sub>"`` (``iss`` falls back to Streamlit's provider name); the e-mail
    address is lower-cased and dropped when the provider says it is not verified; the name is
    the first of ``name``, ``preferred_username``, the e-mail address and the subject.
    """
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub.strip():
        return None
    iss = claims.get("iss")
    issuer = iss if isinstance(iss, str) and iss else f"provider:{claims.get('provider', '')}"
    raw_email = claims.get("email")
    email = raw_email.strip().lower() if isinstance(raw_email, str) and raw_email.strip() else None
    if claims.get("email_verified") is False:
        email = None
    name = next(
        (
            str(v).strip()
            for v in (claims.get("name"), claims.get("preferred_username"), email, sub)
            if isinstance(v, str) and v.strip()
        ),
        sub,
    )
    return store.Principal(id=f"{issuer}|{sub}", email=email, name=name)


def current_principal() -> store.Principal | None:
    """Who acts: ``store.LOCAL`` in local mode (no ``[auth]``), the signed-in user, or None
    when sign-in is configured and nobody is signed in."""
    if not auth_configured():
        # a secrets file that cannot be read may hold [auth]: nobody acts until it is fixed
        return None if _broken_secrets() else store.LOCAL
    claims = st.user.to_dict()
    if not claims.get("is_logged_in"):
        return None
    return principal_from_claims(claims)


# ---------------------------------------------------------------------------------------------
# Showing names and addresses


def code_span(text: str) -> str:
    """``text`` as a markdown code span: shown literally, never a link (Streamlit's markdown
    turns a bare e-mail address into a ``mailto:`` link even when escaped). The fence is longer
    than any run of backticks in the text (CommonMark)."""
    text = " ".join(text.split())
    run = max((len(m) for m in re.findall(r"`+", text)), default=0)
    pad = " " if run else ""
    fence = "`" * (run + 1)
    return f"{fence}{pad}{text}{pad}{fence}"


def plain(text: str) -> str:
    """A person's name or address for markdown: escaped text, or a code span when it holds an
    ``@`` (which the markdown would make a ``mailto:`` link)."""
    return code_span(text) if "@" in text else formatting.md_escape(text)


# ---------------------------------------------------------------------------------------------
# Controls


def _sign_in_buttons(key: str) -> None:
    section = auth_section()
    if section is None:
        return
    problems = config_problems(section)
    if problems:
        st.warning(
            _("Sign-in is configured but cannot work:")
            + "\n\n"
            + "\n".join(f"- {p}" for p in problems),
            icon=":material/warning:",
        )
        return
    names = providers(section)
    for name in names:
        label = (
            _("Sign in")
            if name == DEFAULT or len(names) == 1
            else _("Sign in with {name}").format(name=name)
        )
        if st.button(label, key=f"{key}_{name}", icon=":material/login:"):
            st.login() if name == DEFAULT else st.login(name)


def sidebar_control() -> None:
    """Who is signed in, with the sign-in or sign-out button (in the shared sidebar)."""
    if not auth_configured():
        broken = _broken_secrets()
        if broken:
            st.error(
                _(
                    "Streamlit's secrets file cannot be read, so sign-in cannot be checked and "
                    "saved briefings are closed until it is fixed:"
                )
                + " "
                + formatting.md_escape(broken),
                icon=":material/error:",
            )
            return
        st.caption(_("Local mode, no sign-in: every saved briefing here is yours."))
        return
    who = current_principal()
    if who is None:
        st.caption(
            _(
                "Not signed in. The maps and the shipped briefings are open to all; "
                "sign in to make and share your own briefings."
            )
        )
        _sign_in_buttons("auth_sidebar")
        return
    email = f"  \n{code_span(who.email)}" if who.email and who.email != who.name else ""
    st.caption(_("Signed in as {name}").format(name=f"**{plain(who.name)}**") + email)
    if st.button(_("Sign out"), key="auth_sign_out", icon=":material/logout:"):
        st.logout()


def sign_in_prompt(what: str, *, key: str = "auth_prompt") -> None:
    """In place of a page part that needs a principal: say so, with the sign-in button.
    ``what`` is our own text ("see your briefings"), not data; ``key`` tells two prompts on
    one page apart."""
    st.info(_("Sign in to {what}.").format(what=what), icon=":material/lock:")
    _sign_in_buttons(key)
