"""CSV uploads: points from latitude/longitude columns (``,``, ``;`` or tab separated), the
header's and each row's width checked before pandas parses the text, cells read as integers,
floats or text."""

from __future__ import annotations

import csv
import io
import math
import re
from typing import Any, Final

import pandas as pd
import shapely

from corridormap._errors import count
from corridormap.geojson_geometry import finite
from corridormap.i18n import _
from corridormap.upload._context import _check_count, _Context, _decode, _short, _Table

LAT_NAMES: Final = ("latitude", "lat", "y")
LON_NAMES: Final = ("longitude", "lon", "lng", "long", "x")
_INT_RE: Final = re.compile(r"-?(0|[1-9]\d{0,17})")
_FLOAT_RE: Final = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?")


def _read_csv(raw: bytes, ctx: _Context) -> _Table:
    text = _decode(raw, ctx)
    first = text.split("\n", 1)[0]
    sep = max((",", ";", "\t"), key=first.count)
    _check_csv_shape(text, first, sep, ctx)
    try:
        frame = pd.read_csv(
            io.StringIO(text), dtype=str, keep_default_na=False, sep=sep, skipinitialspace=True
        )
    except (ValueError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise ctx.fail(_("cannot read CSV: {error}").format(error=str(exc).strip()[:200])) from None
    columns = [str(c) for c in frame.columns]
    frame.columns = pd.Index(columns)
    try:
        header = next(csv.reader([first.rstrip("\r")], delimiter=sep), [])
    except csv.Error as exc:
        raise ctx.fail(_("cannot read the CSV header: {error}").format(error=exc)) from None
    too_many = (
        _(
            "{n} latitude columns ({names}); keep one, so that no position is read from the "
            "wrong column"
        ),
        _(
            "{n} longitude columns ({names}); keep one, so that no position is read from the "
            "wrong column"
        ),
    )
    for names, message in zip((LAT_NAMES, LON_NAMES), too_many, strict=True):
        found = [h.strip() for h in header if h.strip().lower() in names]
        if len(found) > 1:
            raise ctx.fail(message.format(n=len(found), names=", ".join(found)))
    lookup = {c.strip().lower(): c for c in columns}
    lat = next((lookup[n] for n in LAT_NAMES if n in lookup), None)
    lon = next((lookup[n] for n in LON_NAMES if n in lookup), None)
    if lat is None or lon is None:
        raise ctx.fail(
            _("no latitude/longitude columns"),
            expected=_("columns named {lat} and {lon}").format(
                lat="/".join(LAT_NAMES), lon="/".join(LON_NAMES)
            ),
            got=_short(", ".join(columns)),
        )
    _check_count(len(frame), ctx)
    others = [c for c in columns if c not in (lat, lon)]
    converted = {c: _csv_column(list(frame[c])) for c in others}
    table = _Table([], [], [])
    for i, (y_raw, x_raw) in enumerate(zip(frame[lat], frame[lon], strict=True)):
        label = _("row {n}").format(n=i + 2)
        y, x = _number(y_raw), _number(x_raw)
        if y is None or x is None:
            which = lat if y is None else lon
            bad = y_raw if y is None else x_raw
            ctx.drop(
                label,
                _("{column} {value} is not a number").format(column=which, value=_short(bad)),
                which,
            )
            continue
        table.rows.append({c: converted[c][i] for c in others})
        table.geoms.append(shapely.Point(x, y))
        table.labels.append(label)
    return table


def _check_csv_shape(text: str, first: str, sep: str, ctx: _Context) -> None:
    """The header's column count (counted, not parsed), then each row's field count, before
    the full parse: pandas took 70 s and 2.5 GB on a CSV of a million columns."""
    limit = ctx.settings.max_columns + 2  # the properties, and latitude and longitude
    fields = first.count(sep) + 1  # a separator inside a quoted name counts too: an upper bound
    if fields > limit:
        raise ctx.fail(
            _(
                "the header has {n} columns; the limit is {limit} properties plus latitude and "
                "longitude"
            ).format(n=count(fields), limit=ctx.settings.max_columns)
        )
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
        width = len(next(reader, []))
        for row in reader:
            if len(row) > max(width, limit):
                raise ctx.fail(
                    _("row {row} has {n} fields; the header has {width}").format(
                        row=reader.line_num, n=count(len(row)), width=width
                    )
                )
    except csv.Error as exc:
        raise ctx.fail(_("cannot read CSV: {error}").format(error=str(exc)[:200])) from None


def _number(text: Any) -> float | None:
    try:
        value = float(str(text).strip())
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _csv_column(values: list[str]) -> list[Any]:
    """CSV text as ints, floats or strings (empty cells as None)."""
    present = [v.strip() for v in values if v.strip()]
    if present and all(_INT_RE.fullmatch(v) for v in present):
        return [int(v) if v.strip() else None for v in values]
    if present and all(_FLOAT_RE.fullmatch(v) and finite(float(v)) for v in present):
        return [float(v) if v.strip() else None for v in values]
    return [v if v.strip() else None for v in values]
