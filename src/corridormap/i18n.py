"""Languages: the interface in English, Turkish, Azerbaijani and Russian.

* Messages come from gettext catalogs managed with Babel (``locale/<lang>/LC_MESSAGES/
  corridormap.po``; ``make messages`` extracts and updates them). English is the source
  language: its text is the message id, so English needs no catalog.
* The language in force is a context variable: the app sets it once per run (each session's
  script runs in its own thread), the CLI per command, a test with :func:`language`. Every
  function here, and every label ``style`` gives, speaks the language in force.
* Dates, numbers and units are formatted by Babel's CLDR data for the language
  ("7 Eki 2025", "7 окт. 2025 г.", "1 314 км"). English keeps the product's own forms
  ("7 Oct 2025", "1,314 km").
* Country names come from CLDR (Babel) by the country's ISO 3166 code (pycountry maps the
  data's alpha-3 codes to CLDR's alpha-2 territories): no hand-written name lists. A country
  CLDR does not name (Natural Earth's own codes, such as Northern Cyprus) keeps the name in the
  data, which is English.

Long notes and source titles are not translated: they stay in the language of their source.
"""

from __future__ import annotations

import contextlib
import functools
import io
import re
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from datetime import date
from gettext import GNUTranslations, NullTranslations
from pathlib import Path
from typing import Final

import babel
import pandas as pd
import pycountry
from babel.dates import format_date as _cldr_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

__all__ = [
    "DEFAULT",
    "DOMAIN",
    "LANGUAGES",
    "LOCALE_DIR",
    "N_",
    "UnknownLanguageError",
    "_",
    "catalog_path",
    "country_name",
    "country_names",
    "current",
    "date_text",
    "gettext",
    "language",
    "negotiate",
    "ngettext",
    "number_text",
    "set_language",
    "translations",
    "with_country_names",
]

#: The languages the product speaks, by code, each named in itself (the picker's labels).
LANGUAGES: Final[Mapping[str, str]] = {
    "en": "English",
    "tr": "Türkçe",
    "az": "Azərbaycan dili",
    "ru": "Русский",
}
DEFAULT: Final = "en"
DOMAIN: Final = "corridormap"
LOCALE_DIR: Final = Path(__file__).parent / "locale"

_current: ContextVar[str] = ContextVar("corridormap_language", default=DEFAULT)


class UnknownLanguageError(ValueError):
    """A language code the product does not speak."""

    def __init__(self, code: str) -> None:
        super().__init__(f"unknown language {code!r}: one of {', '.join(LANGUAGES)}")
        self.code = code


def _checked(code: str) -> str:
    if code not in LANGUAGES:
        raise UnknownLanguageError(code)
    return code


def current() -> str:
    """The language in force."""
    return _current.get()


def set_language(code: str) -> None:
    """Put ``code`` in force for the rest of this thread's (or task's) work: a Streamlit run."""
    _current.set(_checked(code))


@contextlib.contextmanager
def language(code: str) -> Iterator[None]:
    """``code`` in force inside the ``with`` block (a test, a CLI command, an export)."""
    token = _current.set(_checked(code))
    try:
        yield
    finally:
        _current.reset(token)


def catalog_path(code: str) -> Path:
    """Where the catalog of language ``code`` lives."""
    return LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def translations(code: str) -> NullTranslations:
    """The catalog of ``code``, read from its ``.po`` file (compiled in memory, so the catalogs
    under version control are the ones in force); English has none. Fuzzy entries are not
    used (Babel leaves them out of a compiled catalog)."""
    if _checked(code) == DEFAULT:
        return NullTranslations()
    with catalog_path(code).open("rb") as f:
        catalog = read_po(f, locale=code, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return GNUTranslations(compiled)


def gettext(message: str) -> str:
    """``message`` (English) in the language in force."""
    return translations(current()).gettext(message)


_ = gettext


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form, by the language's own plural rule."""
    return translations(current()).ngettext(singular, plural, n)


def N_(message: str) -> str:  # noqa: N802 (gettext's own name for "mark, translate later")
    """Mark ``message`` for the catalogs where it is defined; it is translated where shown."""
    return message


# ---------------------------------------------------------------------------------------------
# Choosing a language


_TAG: Final = re.compile(
    r"^\s*([A-Za-z]{1,8})(?:[-_][A-Za-z0-9]{1,8})*\s*(?:;\s*q\s*=\s*([0-9.]+))?"
)


def _preferences(accept_language: str) -> list[str]:
    """The primary language subtags of an ``Accept-Language`` header, most preferred first."""
    ranked: list[tuple[float, int, str]] = []
    for i, part in enumerate(accept_language.split(",")[:20]):
        m = _TAG.match(part)
        if m is None:
            continue
        try:
            q = float(m.group(2)) if m.group(2) else 1.0
        except ValueError:
            continue
        if q > 0:
            ranked.append((-q, i, m.group(1).lower()))
    return [tag for _q, _i, tag in sorted(ranked)]


def negotiate(accept_language: str | None, browser: str | None = None) -> str:
    """The language to speak to a browser that sent ``accept_language`` (the header) and
    reports ``browser`` (``navigator.language``): the first of its preferences the product
    speaks, else English."""
    wanted = _preferences(accept_language or "") + _preferences(browser or "")
    return next((tag for tag in wanted if tag in LANGUAGES), DEFAULT)


# ---------------------------------------------------------------------------------------------
# Dates, numbers, country names


def date_text(d: date, code: str | None = None, *, long: bool = False) -> str:
    """A date as people of the language write it: "7 Oct 2025", "7 Eki 2025", "7 окт. 2025 г.";
    ``long``, with the month's whole name: "7 October 2025", "7 Ekim 2025", "7 октября 2025 г."."""
    code = _checked(code or current())
    if code == DEFAULT:
        return f"{d.day} {d.strftime('%B' if long else '%b')} {d.year}"
    return str(_cldr_date(d, format="long" if long else "medium", locale=code))


#: Azerbaijani ordinal suffixes by the last vowel of the number's word (vowel harmony):
#: units (bir, iki, üç, dörd, beş, altı, yeddi, səkkiz, doqquz) and tens (on ... doxsan).
_AZ_UNITS: Final = {1: "ci", 2: "ci", 3: "cü", 4: "cü", 5: "ci", 6: "cı", 7: "ci", 8: "ci", 9: "cu"}
_AZ_TENS: Final = {1: "cu", 2: "ci", 3: "cu", 4: "cı", 5: "ci", 6: "cı", 7: "ci", 8: "ci", 9: "cı"}


def ordinal(n: int, code: str | None = None) -> str:
    """``n`` as an ordinal in figures, as the language writes it: "12th", "12.", "12-ci",
    "12-й" (Babel has no ordinal digits)."""
    code = _checked(code or current())
    if code == "tr":
        return f"{n}."
    if code == "ru":
        return f"{n}-й"
    if code == "az":
        if n % 10:
            suffix = _AZ_UNITS[n % 10]
        elif n % 100:
            suffix = _AZ_TENS[n % 100 // 10]
        else:
            suffix = "cü" if n % 1000 else "ci"  # yüz, min
        return f"{n}-{suffix}"
    tail = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{tail}"


def number_text(value: float, decimals: int = 1, code: str | None = None) -> str:
    """A number with the language's separators and at most ``decimals`` decimals
    ("1,273.1", "1.273,1", "1 273,1")."""
    code = _checked(code or current())
    pattern = "#,##0" + ("." + "#" * decimals if decimals else "")
    return str(format_decimal(value, format=pattern, locale="en" if code == DEFAULT else code))


@functools.cache
def _alpha2(iso3: str) -> str | None:
    country = pycountry.countries.get(alpha_3=iso3)
    return None if country is None else str(country.alpha_2)


@functools.cache
def _territories(code: str) -> Mapping[str, str]:
    return dict(babel.Locale.parse(code).territories)


def country_name(iso3: str, fallback: str, code: str | None = None) -> str:
    """The name of the country ``iso3`` in the language: CLDR's, or ``fallback`` (the data's
    name) in English, or when CLDR has no name for the code."""
    code = _checked(code or current())
    if code == DEFAULT:
        return fallback
    alpha2 = _alpha2(iso3)
    return _territories(code).get(alpha2, fallback) if alpha2 else fallback


def country_names(names: Mapping[str, str], code: str | None = None) -> dict[str, str]:
    """``names`` (ISO3 -> the data's name) in the language."""
    return {iso3: country_name(iso3, name, code) for iso3, name in names.items()}


def with_country_names(frame: pd.DataFrame, iso3: str = "iso3", name: str = "name") -> pd.DataFrame:
    """``frame`` with its country names (column ``name``, by the codes in ``iso3``) in the
    language in force; the frame itself in English."""
    if current() == DEFAULT or iso3 not in frame.columns or name not in frame.columns:
        return frame
    local = [country_name(str(c), str(n)) for c, n in zip(frame[iso3], frame[name], strict=True)]
    return frame.assign(**{name: local})
