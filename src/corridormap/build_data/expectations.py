"""``layers/expectations.csv``: what the sources expect for a feature and when it falls due.

Read from ``data/sources/expectations.yaml``; each entry names the features it is about
(``layer:id``), what is expected, the period as the sources give it and ``due``, the first day
of that period. ``corridormap review`` lists an expectation once its due day has come.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from corridormap import catalog, review
from corridormap.build_data.sources import BuildError, Sources, _read_yaml

EXPECTATIONS_SOURCE = "expectations.yaml"


def build_expectations(
    src: Sources, layers: Mapping[str, Sequence[Mapping[str, Any]]]
) -> list[dict[str, str]]:
    """The rows of ``layers/expectations.csv``, one per entry and feature, sorted by id."""
    path = src.dir / EXPECTATIONS_SOURCE
    entries = _read_yaml(path)["expectations"]
    ids = {
        (spec.key, str(f["properties"][spec.id_property]))
        for spec in catalog.LAYERS
        for f in layers.get(spec.key, ())
    }
    rows: list[dict[str, str]] = []
    for e in entries:
        slug = str(e["id"])
        try:
            date.fromisoformat(str(e["due"]))
        except ValueError:
            raise BuildError(f"{EXPECTATIONS_SOURCE} {slug}: due is not YYYY-MM-DD") from None
        urls = list(e["source_url"])
        as_of = src.dates.as_of(urls)
        for target in e["targets"]:
            layer, _, fid = str(target).partition(":")
            if (layer, fid) not in ids:
                raise BuildError(f"{EXPECTATIONS_SOURCE} {slug}: no feature {target}")
            rows.append(
                {
                    "id": f"{layer}:{fid}/{slug}",
                    "layer": layer,
                    "feature_id": fid,
                    "what": str(e["what"]),
                    "expected": str(e["expected"]),
                    "due": str(e["due"]),
                    "source_url": json.dumps(urls, ensure_ascii=False),
                    "as_of": as_of,
                }
            )
    rows.sort(key=lambda r: r["id"])
    return rows


def expectations_csv(rows: Sequence[Mapping[str, str]]) -> bytes:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(review.EXPECTATION_COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")
