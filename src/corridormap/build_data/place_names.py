"""``layers/place_names.csv``: places' names in Turkish, Azerbaijani and Russian, each sourced.

Read from ``data/sources/place_names.csv``: one row per place and language, with the place's id
(a ``node_id`` of ``nodes.csv`` or a ``place_id`` of ``places.csv``), the data's (English) name
of that place, the language, the name in that language and where it was found (CLDR's exemplar
city of a time zone, or the address of the page read), with the page's date where it has one.
A place with no row for a language keeps the data's name there; nothing is guessed.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Final

from corridormap.build_data.sources import BuildError, _read_csv
from corridormap.place_names import LANGUAGES, PLACE_NAMES_COLUMNS

PLACE_NAMES_SOURCE: Final = "place_names.csv"
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def known_places(sources_dir: Path) -> dict[str, set[str]]:
    """Every place id of ``nodes.csv`` and ``places.csv`` with the data's name(s) for it."""
    out: dict[str, set[str]] = {}
    for file, key in (("nodes.csv", "node_id"), ("places.csv", "place_id")):
        for row in _read_csv(sources_dir / file):
            out.setdefault(row[key].strip(), set()).add(row["name"].strip())
    return out


def place_names_csv(path: Path, places: dict[str, set[str]]) -> tuple[bytes, list[dict[str, str]]]:
    """The table's bytes and rows, sorted by place id and language (tr, az, ru).

    Refuses (``BuildError`` naming the line and the place) a row whose place is unknown, whose
    data name is not that place's, whose language is not one of ``LANGUAGES``, with no name or
    no source, with a date that is not ``YYYY-MM-DD``, or a place and language given twice.
    """
    rows: list[dict[str, str]] = []
    seen: dict[tuple[str, str], str] = {}
    for i, raw in enumerate(_read_csv(path), start=2):
        row = {c: (raw.get(c) or "").strip() for c in PLACE_NAMES_COLUMNS}
        pid, lang = row["place_id"], row["language"]
        where = f"{PLACE_NAMES_SOURCE} line {i} ({pid or '?'}, {lang or '?'})"
        if pid not in places:
            raise BuildError(f"{where}: unknown place {pid!r} (not in nodes.csv or places.csv)")
        if row["data_name"] not in places[pid]:
            raise BuildError(
                f"{where}: data name {row['data_name']!r} is not the data's name of {pid!r} "
                f"({', '.join(sorted(places[pid]))})"
            )
        if lang not in LANGUAGES:
            raise BuildError(f"{where}: language {lang!r} is not one of {', '.join(LANGUAGES)}")
        if not row["name"]:
            raise BuildError(f"{where}: no name")
        if not row["source"]:
            raise BuildError(f"{where}: no source (a name is only taken from a source)")
        if row["source_date"] and not _ISO_DATE.fullmatch(row["source_date"]):
            raise BuildError(f"{where}: source_date is not YYYY-MM-DD: {row['source_date']!r}")
        for key in ((pid, lang), (row["data_name"], lang)):
            if key in seen:
                raise BuildError(f"{where}: {key[0]} in {lang} given twice (also {seen[key]})")
            seen[key] = f"line {i}"
        rows.append(row)
    rows.sort(key=lambda r: (r["place_id"], LANGUAGES.index(r["language"])))
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(PLACE_NAMES_COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8"), rows
