"""GeoJSON uploads: a FeatureCollection, a Feature or a bare geometry, parsed by the same
reader as the shipped layers (``load.parse_geojson_bytes``: UTF-8, nesting, duplicate keys),
its ``crs`` member honoured, each geometry checked by ``geojson_geometry``."""

from __future__ import annotations

import json
from typing import Any

from corridormap import load
from corridormap._errors import count
from corridormap.geojson_geometry import GEOMETRY_TYPES
from corridormap.i18n import _
from corridormap.upload._context import (
    _check_count,
    _Context,
    _declare_crs,
    _parse_geometry,
    _short,
    _Table,
)


def _read_geojson(raw: bytes, ctx: _Context) -> _Table:
    limit = ctx.settings.max_nesting
    if limit < load.MAX_NESTING:
        try:
            depth = load.nesting_depth(raw.decode("utf-8-sig"))
        except UnicodeDecodeError:
            depth = 0  # parse_geojson_bytes names the bad byte
        if depth > limit:
            raise ctx.fail(
                _("JSON nested {depth} levels deep (limit {limit})").format(
                    depth=depth, limit=limit
                )
            )
    doc = load.parse_geojson_bytes(raw, ctx.source)
    try:  # "\ud800" is valid JSON but not Unicode text: nothing could show or save it
        json.dumps(doc, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        bad = exc.object[exc.start : exc.end].encode("unicode_escape").decode()
        raise ctx.fail(
            _("a string holds a lone UTF-16 surrogate ({bad}): not Unicode text").format(bad=bad)
        ) from None
    features = _features_of(doc, ctx)
    _geojson_crs(doc.get("crs"), ctx)
    _check_count(len(features), ctx)
    table = _Table([], [], [])
    ids: list[str] = []
    vertices = 0
    for i, feature in enumerate(features):
        label = _feature_label(feature, i)
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            ctx.drop(label, _("not a GeoJSON Feature"), None)
            continue
        props = feature.get("properties")
        if props is None:
            props = {}
        if not isinstance(props, dict):
            ctx.drop(
                label,
                _("properties is not an object (got {type})").format(type=type(props).__name__),
                None,
            )
            continue
        geom, n = _parse_geometry(feature.get("geometry"), label, ctx)
        vertices += n
        if vertices > ctx.settings.max_vertices:
            raise ctx.fail(
                _(
                    "more than {limit} vertices (at feature {feature}); simplify the file or "
                    "raise the limit"
                ).format(limit=count(ctx.settings.max_vertices), feature=label),
            )
        if geom is None:
            continue
        fid = feature.get("id")
        ids.append(str(fid) if isinstance(fid, str | int) and not isinstance(fid, bool) else "")
        table.rows.append(props)
        table.geoms.append(geom)
        table.labels.append(label)
    if ids and all(ids) and len(set(ids)) == len(ids):
        table.ids = ids
    return table


def _features_of(doc: dict[str, Any], ctx: _Context) -> list[Any]:
    gtype = doc.get("type")
    if gtype == "FeatureCollection":
        features = doc.get("features")
        if not isinstance(features, list):
            raise ctx.fail(_("'features' is not a list"))
        return features
    if gtype == "Feature":
        return [doc]
    if gtype in GEOMETRY_TYPES:
        return [{"type": "Feature", "properties": {}, "geometry": doc}]
    raise ctx.fail(
        _("not GeoJSON"),
        expected=_("FeatureCollection, Feature or geometry"),
        got=_short(gtype),
    )


def _feature_label(feature: Any, index: int) -> str:
    fid = feature.get("id") if isinstance(feature, dict) else None
    if isinstance(fid, str | int) and not isinstance(fid, bool) and str(fid):
        return _("#{index} (id {id})").format(index=index, id=_short(fid))
    return f"#{index}"


def _geojson_crs(crs: Any, ctx: _Context) -> None:
    if crs is None:
        return
    props = crs.get("properties") if isinstance(crs, dict) else None
    name = props.get("name") if isinstance(props, dict) else None
    if not isinstance(name, str):
        raise ctx.fail(_("unreadable 'crs' member"), field="crs", got=_short(crs))
    _declare_crs(name, ctx)
