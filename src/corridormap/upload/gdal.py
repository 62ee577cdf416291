"""Uploads read through GDAL: a GeoPackage, a zipped Shapefile, KML. Each is checked for its
declared format first (``gdalread``: one layer, sizes, no external references; a zip's members,
sizes and compression before anything is extracted), written only to a private temporary
folder removed at once, and opened by that format's driver alone."""

from __future__ import annotations

import io
import math
import tempfile
import zipfile
from datetime import date, datetime
from pathlib import Path, PurePath
from typing import Any, Final

import numpy as np
import pandas as pd
from shapely.geometry.base import BaseGeometry

from corridormap import gdalread
from corridormap._errors import fixed, limit
from corridormap.i18n import _
from corridormap.upload._context import (
    _Context,
    _declare_crs,
    _decode,
    _parse_geometry,
    _short,
    _Table,
)

_SHP_PARTS: Final = (".shp", ".shx", ".dbf", ".prj", ".cpg")
_ARCHIVES: Final = frozenset({".zip", ".gz", ".tgz", ".tar", ".7z", ".rar", ".bz2", ".xz", ".kmz"})


def _read_gpkg(raw: bytes, ctx: _Context) -> _Table:
    with tempfile.TemporaryDirectory(prefix="corridormap-upload-") as tmp:
        path = Path(tmp) / "upload.gpkg"
        path.write_bytes(raw)
        return _read_with_gdal(path, ctx)


def _read_kml(raw: bytes, ctx: _Context) -> _Table:
    text = _decode(raw, ctx)
    try:
        gdalread.check_kml(text)
    except gdalread.GdalReadError as exc:
        raise ctx.fail(str(exc)) from None
    with tempfile.TemporaryDirectory(prefix="corridormap-upload-") as tmp:
        path = Path(tmp) / "upload.kml"
        path.write_bytes(raw)
        return _read_with_gdal(path, ctx)


def _read_zip(raw: bytes, ctx: _Context) -> _Table:
    s = ctx.settings
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise ctx.fail(_("not a readable zip archive")) from None
    with archive:
        members = [
            i
            for i in archive.infolist()
            if not i.is_dir()
            and not i.filename.startswith("__MACOSX/")
            and not PurePath(i.filename).name.startswith(".")
        ]
        if len(members) > s.max_zip_members:
            raise ctx.fail(
                _("{n} files in the archive; the limit is {limit}").format(
                    n=len(members), limit=s.max_zip_members
                )
            )
        total = sum(i.file_size for i in members)
        if total > s.max_unzipped_bytes:
            raise ctx.fail(
                _(
                    "the archive expands to {size} MB; the limit is {limit} MB (refused before "
                    "extracting)"
                ).format(
                    size=fixed(total / 1048576, 0, grouped=True), limit=limit(s.max_unzipped_mb)
                )
            )
        for i in members:
            if (i.external_attr >> 16) & 0o170000 == 0o120000:
                raise ctx.fail(
                    _("{name} is a symbolic link, not a file").format(name=_short(i.filename))
                )
            if PurePath(i.filename).suffix.lower() in _ARCHIVES:
                raise ctx.fail(
                    _(
                        "{name} is an archive inside the archive; zip the shapefile's own files"
                    ).format(name=_short(i.filename))
                )
            ratio = i.file_size / max(i.compress_size, 1)
            if i.file_size > 1_000_000 and ratio > s.max_zip_ratio:
                raise ctx.fail(
                    _(
                        "{name} is compressed {ratio}:1; the limit is {limit}:1 (a zip bomb?) "
                        "(refused before extracting)"
                    ).format(
                        name=_short(i.filename),
                        ratio=fixed(ratio, 0, grouped=True),
                        limit=limit(s.max_zip_ratio),
                    )
                )
        shps = [i for i in members if i.filename.lower().endswith(".shp")]
        if not shps:
            found = ", ".join(i.filename for i in members[:10]) or _("nothing")
            raise ctx.fail(
                _("no shapefile (.shp) in the archive (found: {names})").format(names=_short(found))
            )
        if len(shps) > 1:
            names = ", ".join(i.filename for i in shps[:10])
            raise ctx.fail(
                _("{n} layers in the archive ({names}); upload one layer per file").format(
                    n=len(shps), names=_short(names)
                )
            )
        stem = shps[0].filename[:-4].lower()
        parts = {
            i.filename[len(stem) :].lower(): i
            for i in members
            if i.filename.lower().startswith(stem) and i.filename[len(stem) :].lower() in _SHP_PARTS
        }
        missing = [p for p in (".shx", ".dbf") if p not in parts]
        if missing:
            raise ctx.fail(
                _("the shapefile lacks its {part} file").format(part=missing[0])
                if len(missing) == 1
                else _("the shapefile lacks its {first} and {second} file").format(
                    first=missing[0], second=missing[1]
                )
            )
        with tempfile.TemporaryDirectory(prefix="corridormap-upload-") as tmp:
            for ext, info in parts.items():
                # Our own file names (no path from the archive), and never more bytes than the
                # member declared: a lying header cannot expand past the checked total.
                _extract(archive, info, Path(tmp) / f"layer{ext}", ctx)
            return _read_with_gdal(Path(tmp) / "layer.shp", ctx)


def _extract(archive: zipfile.ZipFile, info: zipfile.ZipInfo, dest: Path, ctx: _Context) -> None:
    budget = info.file_size
    try:
        with archive.open(info) as src, dest.open("wb") as out:
            while chunk := src.read(1 << 16):
                budget -= len(chunk)
                if budget < 0:
                    raise ctx.fail(
                        _("{name} expands past its declared size").format(
                            name=_short(info.filename)
                        )
                    )
                out.write(chunk)
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError, EOFError) as exc:
        raise ctx.fail(
            _("cannot extract {name}: {error}").format(
                name=_short(info.filename), error=str(exc)[:120]
            )
        ) from None


def _read_with_gdal(path: Path, ctx: _Context) -> _Table:
    """Read the one layer of a GeoPackage, shapefile or KML: checked for its declared format
    first, then opened by that format's GDAL driver only (``gdalread``)."""
    s = ctx.settings
    limits = gdalread.Limits(s.max_features, s.max_vertices, s.max_columns)
    try:
        if ctx.format == "GeoPackage":
            gdalread.check_gpkg(path, limits)
        elif ctx.format == "zipped Shapefile":
            gdalread.check_shapefile(path.parent, limits)
        result = gdalread.read(path, ctx.format, limits)
    except gdalread.GdalReadError as exc:
        raise ctx.fail(str(exc)) from None
    if result.crs_wkt is not None:
        _declare_crs(result.crs_wkt, ctx)
    table = _Table([], [], [])
    for i, (props, geometry) in enumerate(zip(result.rows, result.geometries, strict=True)):
        label = f"#{i}"
        geom: BaseGeometry | None = None
        if geometry is not None:  # a missing one is named with the others in _finish
            geom, _ = _parse_geometry(geometry, label, ctx)
            if geom is None:
                continue
        table.rows.append({str(k): _plain(v) for k, v in props.items()})
        table.geoms.append(geom)
        table.labels.append(label)
    return table


def _plain(value: Any) -> Any:
    """A value from pandas/numpy as plain Python (None for missing)."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, pd.Timestamp | datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()]
    return value
