"""An upload's property columns: names made unique (``geometry`` and ``_id`` renamed), a kind
for each (integer, float or text), the common properties (``source_url``, ``as_of``,
``confidence``, ``note``) in the shapes cards expect, the id column and the label column."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Final

from corridormap import catalog, load
from corridormap.catalog import Kind, PropertySpec
from corridormap.escape import is_web_url
from corridormap.i18n import _
from corridormap.upload._context import _Context, _Table, _text

ID_PROPERTY: Final = "_id"
LABEL_NAMES: Final = ("name", "title", "label")
_COMMON: Final = {p.name for p in catalog.COMMON_PROPERTIES}
_INT64: Final = (-(2**63), 2**63 - 1)


def _column_names(rows: Sequence[dict[str, Any]], ctx: _Context) -> dict[str, str]:
    """Each property name in the file -> its column name (``geometry`` and the id renamed)."""
    seen: dict[str, str] = {}
    for row in rows:
        for name in row:
            if name not in seen:
                seen[name] = str(name)
                if len(seen) > ctx.settings.max_columns:
                    raise ctx.fail(
                        _("more than {limit} properties; the limit is {limit}").format(
                            limit=ctx.settings.max_columns
                        )
                    )
    used: set[str] = set()
    out: dict[str, str] = {}
    for original, name in seen.items():
        col = name
        if col in ("geometry", ID_PROPERTY):
            col = f"{name} (from file)"
        while col in used:
            col += "'"
        used.add(col)
        out[original] = col
    return out


def _kind_and_values(values: list[Any]) -> tuple[Kind, list[Any]]:
    present = [v for v in values if v is not None]
    if any(
        isinstance(v, int) and not isinstance(v, bool) and not _INT64[0] <= v <= _INT64[1]
        for v in present
    ):
        return Kind.STR, [_text(v) for v in values]  # no number type holds it: kept as written
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return Kind.INT, values
    if present and all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        return Kind.FLOAT, [None if v is None or not math.isfinite(v) else float(v) for v in values]
    return Kind.STR, [_text(v) for v in values]


def _common_values(name: str, values: list[Any], ctx: _Context) -> list[Any]:
    """The file's ``source_url``/``as_of``/``confidence``/``note`` in the shapes cards expect.

    Values that do not fit become null and are counted in the report's notes.
    """
    out: list[Any] = []
    bad = 0
    for v in values:
        if v is None:
            out.append(None)
        elif name == "source_url":  # the one URL policy: http(s) links only
            items = v if isinstance(v, list) else [v]
            urls = [u.strip() for u in items if isinstance(u, str) and is_web_url(u.strip())]
            bad += len(items) - len(urls)
            out.append(urls or None)
        elif name == "as_of":
            ok = isinstance(v, str) and load._is_iso_date(v)
            out.append(v if ok else None)
            bad += not ok
        elif name == "confidence":
            ok = isinstance(v, str) and v in catalog.CONFIDENCE
            out.append(v if ok else None)
            bad += not ok
        else:
            out.append(_text(v))
    if bad:
        message = (
            _("{n} value(s) of {name} are not http(s) web addresses and were left out")
            if name == "source_url"
            else _("{n} value(s) of {name} did not fit and were left empty")
        )
        ctx.notes.append(message.format(n=bad, name=repr(name)))
    return out


def _id_column(
    columns: dict[str, list[Any]], specs: list[PropertySpec], table: _Table, keep: list[int]
) -> str:
    """An existing unique ``id`` property, the GeoJSON feature ids, or a new ``_id``."""
    for p in specs:
        if p.name.lower() in ("id", "fid") and p.kind in (Kind.STR, Kind.INT):
            values = columns[p.name]
            texts = [str(v) for v in values if v is not None and str(v)]
            if len(texts) == len(values) and len(set(texts)) == len(texts):
                return p.name
    if table.ids is not None:
        ids: list[Any] = [table.ids[i] for i in keep]
    else:
        ids = [str(n + 1) for n in range(len(keep))]
    columns[ID_PROPERTY] = ids
    specs.insert(0, PropertySpec(ID_PROPERTY, Kind.STR, "Feature"))
    return ID_PROPERTY


def _label_column(specs: list[PropertySpec], id_prop: str) -> str:
    strings = [p for p in specs if p.kind is Kind.STR and p.name != id_prop]
    for wanted in LABEL_NAMES:
        for p in strings:
            if p.name.strip().lower() == wanted:
                return p.name
    return strings[0].name if strings else id_prop
