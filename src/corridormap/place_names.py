"""Places' names in the language in force, from the shipped, sourced table.

``layers/place_names.csv`` (built from ``data/sources/place_names.csv``) gives a place's name
in Turkish, Azerbaijani or Russian where a source writes it: CLDR's exemplar city of a time
zone, or a page in the language. A place with no row for a language keeps the data's
(English) name there, and English is always the data's name: nothing is guessed or
transliterated. Places are found by id (a node's ``node_id`` or a ``places.csv`` id) or, for
text that holds only the data's name (a summit's city, a part of a route's name), by that name.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from corridormap import i18n
from corridormap._errors import DataValidationError, Problem
from corridormap.catalog import PlaceLookup

if TYPE_CHECKING:
    from corridormap.catalog import LayerSpec

PLACE_NAMES_FILE: Final = "place_names.csv"
PLACE_NAMES_COLUMNS: Final = (
    "place_id",
    "data_name",
    "language",
    "name",
    "source",
    "source_date",
    "note",
)
#: The languages the table gives (English is the data's own spelling).
LANGUAGES: Final = tuple(code for code in i18n.LANGUAGES if code != i18n.DEFAULT)


@dataclass(frozen=True, slots=True)
class PlaceNames:
    """A language's names by place id and by the data's name: ``(key, language) -> name``."""

    by_id: Mapping[tuple[str, str], str]
    by_data_name: Mapping[tuple[str, str], str]


def load_place_names(data_dir: Path | None = None) -> PlaceNames:
    """The table, validated: every row has a place id, a known language, a name and a source,
    and no place or data name is given twice in a language (``DataValidationError`` naming
    each bad row otherwise)."""
    from corridormap.load import _read_table  # noqa: PLC0415 (load imports the app's whole data layer)

    frame = _read_table(data_dir, PLACE_NAMES_FILE, PLACE_NAMES_COLUMNS)
    problems: list[Problem] = []
    by_id: dict[tuple[str, str], str] = {}
    by_name: dict[tuple[str, str], str] = {}
    for i, row in enumerate(frame.to_dict("records"), start=2):
        pid, data_name, lang, name = (
            str(row[c]).strip() for c in ("place_id", "data_name", "language", "name")
        )
        who = f"line {i} ({pid or '?'}, {lang or '?'})"
        bad = [
            Problem(PLACE_NAMES_FILE, what, feature=who, field=column, got=got)
            for column, what, wrong, got in (
                ("place_id", "no place id", not pid, None),
                ("data_name", "no data name", not data_name, None),
                ("language", "not tr, az or ru", lang not in LANGUAGES, lang),
                ("name", "no name", not name, None),
                ("source", "no source", not str(row["source"]).strip(), None),
                ("place_id", "given twice in this language", (pid, lang) in by_id, pid),
            )
            if wrong
        ]
        problems += bad
        if not bad:
            by_id[(pid, lang)] = name
            by_name.setdefault((data_name, lang), name)
    if problems:
        raise DataValidationError(problems)
    return PlaceNames(by_id, by_name)


@functools.cache
def _shipped() -> PlaceNames:
    return load_place_names()


def place_name(place_id: str, fallback: str, code: str | None = None) -> str:
    """The name of the place ``place_id`` in the language (the one in force by default): the
    table's, else ``fallback`` (the data's name). English is always ``fallback``."""
    code = code or i18n.current()
    if code == i18n.DEFAULT:
        return fallback
    return _shipped().by_id.get((place_id, code), fallback)


def name_of(data_name: str, code: str | None = None) -> str:
    """The data's name of a place in the language, where the table has that name; the name
    itself otherwise (and always in English)."""
    code = code or i18n.current()
    if code == i18n.DEFAULT:
        return data_name
    return _shipped().by_data_name.get((data_name, code), data_name)


#: The separator of a name made of place names ("Baku – Port of Baku at Alat"): a dash with a
#: space either side, so that a dash inside a name ("GE–TR border", "Jalal-Abad") never splits.
_PARTS: Final = re.compile(r"(\s[–—]\s)")


def names_in(text: str, code: str | None = None) -> str:
    """``text`` with each part between spaced dashes that is exactly a place's data name in
    the language ("Almaty – Shu" -> "Алматы – Shu"); any other part stays as written."""
    code = code or i18n.current()
    if code == i18n.DEFAULT:
        return text
    return "".join(name_of(part, code) for part in _PARTS.split(text))


def shown_row(spec: LayerSpec, row: Mapping[str, Any]) -> Mapping[str, Any]:
    """A feature as shown in the language in force: the place name its layer declares
    (``LayerSpec.place_name``) looked up in the table by the feature's id, by the name, or
    part by part (``names_in``). ``row`` itself in English and for a layer naming no place."""
    if i18n.current() == i18n.DEFAULT or spec.place_name is None:
        return row
    prop, how = spec.place_name
    value = row.get(prop)
    if not isinstance(value, str) or not value:
        return row
    if how is PlaceLookup.BY_ID:
        shown = place_name(str(row.get(spec.id_property)), value)
    elif how is PlaceLookup.BY_PARTS:
        shown = names_in(value)
    else:
        shown = name_of(value)
    return {**row, prop: shown}
