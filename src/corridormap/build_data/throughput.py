"""``layers/throughput.csv``: how much moves on the corridors, by year, where published.

Read from ``data/sources/throughput.csv``: one row per corridor, series (what a source
measures: a whole route, one railway, one port) and year, with million tonnes (``mt``) and/or
twenty-foot equivalent units (``teu``), the sources, the newest source date (``as_of``), a
confidence and a note. Blank means not published. Series are not added together: they measure
different things (a route, one railway's containers, one port).
"""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path
from typing import Final

from corridormap import load, style
from corridormap.build_data.sources import BuildError, SourceDates, _read_csv

THROUGHPUT_SOURCE: Final = "throughput.csv"
THROUGHPUT_COLUMNS: Final = load.THROUGHPUT_COLUMNS
_CORRIDORS: Final = tuple(e.value for e in style.CORRIDOR_STYLES)
_CONFIDENCE: Final = ("", "medium", "low")


def _number(raw: str, where: str, column: str) -> str:
    text = raw.strip()
    if not text:
        return ""
    try:
        value = float(text)
    except ValueError:
        raise BuildError(
            f"{THROUGHPUT_SOURCE} {where}: {column} is not a number: {text!r}"
        ) from None
    if not math.isfinite(value) or value < 0:
        raise BuildError(f"{THROUGHPUT_SOURCE} {where}: {column} must be 0 or more: {text!r}")
    return text


def throughput_csv(path: Path, dates: SourceDates) -> tuple[bytes, list[dict[str, str]]]:
    """The table's bytes and rows, sorted by corridor (in the map's order), series and year."""
    rows: list[dict[str, str]] = []
    seen: set[tuple[str, str, str]] = set()
    for i, raw in enumerate(_read_csv(path), start=2):
        where = f"line {i}"
        corridor, series, year = (raw[k].strip() for k in ("corridor", "series", "year"))
        if corridor not in _CORRIDORS:
            raise BuildError(f"{THROUGHPUT_SOURCE} {where}: unknown corridor {corridor!r}")
        if not series:
            raise BuildError(f"{THROUGHPUT_SOURCE} {where}: no series")
        if not (len(year) == 4 and year.isdigit()):
            raise BuildError(f"{THROUGHPUT_SOURCE} {where}: year is not YYYY: {year!r}")
        if (corridor, series, year) in seen:
            raise BuildError(f"{THROUGHPUT_SOURCE} {where}: {series} {year} given twice")
        seen.add((corridor, series, year))
        mt, teu = _number(raw["mt"], where, "mt"), _number(raw["teu"], where, "teu")
        if not (mt or teu):
            raise BuildError(f"{THROUGHPUT_SOURCE} {where}: neither mt nor teu given")
        confidence = raw["confidence"].strip()
        if confidence not in _CONFIDENCE:
            raise BuildError(f"{THROUGHPUT_SOURCE} {where}: confidence {confidence!r}")
        urls = [u.strip() for u in raw["source_url"].split("|") if u.strip()]
        if not urls:
            raise BuildError(f"{THROUGHPUT_SOURCE} {where}: no source_url")
        as_of, note = dates.as_of_and_note(urls, raw["note"].strip() or None)
        rows.append(
            {
                "corridor": corridor,
                "series": series,
                "year": year,
                "mt": mt,
                "teu": teu,
                "source_url": json.dumps(urls, ensure_ascii=False),
                "as_of": as_of,
                "confidence": confidence,
                "note": note or "",
            }
        )
    if not rows:
        raise BuildError(f"{THROUGHPUT_SOURCE}: no rows")
    rows.sort(key=lambda r: (_CORRIDORS.index(r["corridor"]), r["series"], r["year"]))
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(THROUGHPUT_COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8"), rows
