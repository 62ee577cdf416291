"""The OTS summits and the Gabala 2025 annotations: points at the places they name."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shapely.geometry import Point

from corridormap import catalog
from corridormap.build_data.geojson import _feature, _r
from corridormap.build_data.sources import Sources, _unique


def _place_point(src: Sources, place_id: str) -> tuple[Point, Mapping[str, str]]:
    p = src.places[place_id]
    return Point(_r(float(p["lon"])), _r(float(p["lat"]))), p


def build_summits(src: Sources) -> list[dict[str, Any]]:
    feats: list[dict[str, Any]] = []
    for s in src.curated["summits"]:
        pt, place = _place_point(src, s["place"])
        coord_url = place["coord_source"]
        urls = _unique([*s["source_url"], *([coord_url] if coord_url.startswith("http") else [])])
        props = {
            "summit_id": s["summit_id"],
            "title": s["title"],
            "kind": s["kind"],
            "number": s["number"],
            "city": place["name"],
            "iso3": place["iso3"],
            "date": s["date"],
            "date_text": s["date_text"],
            "held": bool(s["held"]),
            "virtual": bool(s["virtual"]),
            "theme": s["theme"],
            "outcomes": s["outcomes"],
            "source_url": urls,
            "as_of": "",
            "confidence": s["confidence"],
            "note": s["note"],
        }
        props["as_of"], props["note"] = src.dates.as_of_and_note(s["source_url"], s["note"])
        feats.append(_feature(catalog.SUMMITS, props, pt))
    feats.sort(key=lambda f: (f["properties"]["date"] or "9999", f["properties"]["summit_id"]))
    return feats


def build_annotations(src: Sources) -> list[dict[str, Any]]:
    feats: list[dict[str, Any]] = []
    for a in src.annotations:
        pt, place = _place_point(src, a["place"])
        props = {
            "annotation_id": a["annotation_id"],
            "title": a["title"],
            "body": " ".join(str(a["body"]).split()),
            "topic": a["topic"],
            "date": a["date"],
            "place": place["name"],
            "source_url": list(a["source_url"]),
            "as_of": "",
            "confidence": a["confidence"],
            "note": a["note"],
        }
        props["as_of"], props["note"] = src.dates.as_of_and_note(a["source_url"], a["note"])
        feats.append(_feature(catalog.ANNOTATIONS, props, pt))
    feats.sort(key=lambda f: f["properties"]["annotation_id"])
    return feats
