"""Reading ``data/sources``: the parsed inputs, the dated source URLs, and ``BuildError``."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

#: the date the reference material was copied into this repository (retrieval/compilation).
#: It is the manifest's retrieval date, never a feature's ``as_of``: a page gives the date it
#: carries, and an undated page gives none.
REFERENCE_COMPILED = "2026-11-28"


class BuildError(ValueError):
    """Raised when the sources are inconsistent (missing dates, unknown nodes, ...)."""


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _read_yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as f:
        return yaml.safe_load(f)


@dataclass(frozen=True, slots=True)
class SourceDates:
    """URL -> ISO date (None for undated pages), from source_dates.csv."""

    dates: Mapping[str, str | None]

    @classmethod
    def load(cls, path: Path) -> SourceDates:
        out: dict[str, str | None] = {}
        for row in _read_csv(path):
            url = row["url"].strip()
            out[url] = row["date"].strip() or None
        return cls(out)

    def as_of(self, urls: Iterable[str]) -> str:
        """The newest date among ``urls``; every URL must be listed in source_dates.csv."""
        urls = list(urls)
        found: list[str] = []
        for url in urls:
            if url not in self.dates:
                raise BuildError(f"source URL not in source_dates.csv: {url}")
            d = self.dates[url]
            if d is not None:
                found.append(d)
        if found:
            return max(found)
        raise BuildError(
            f"no dated source among {list(urls)}: every feature needs one (an undated page "
            "gives no date); add a dated source or the page's date to source_dates.csv"
        )

    def as_of_and_note(self, urls: Sequence[str], note: str | None) -> tuple[str, str | None]:
        """as_of (the newest dated source) and the note, unchanged.

        Every feature needs at least one dated source: an undated page gives no date, and no
        other date (the day the sources were copied, the build day) stands in for one.
        """
        return self.as_of(urls), note


def _unique(items: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for i in items:
        if i:
            seen.setdefault(i, None)
    return list(seen)


def _urls(text: str) -> list[str]:
    """The http(s) URLs in a reference-CSV cell (which may list several, with remarks)."""
    return [u.rstrip(".,;)") for u in re.findall(r"https?://[^\s;,]+", text)]


def _join_note(*parts: str | None) -> str | None:
    text = "; ".join(p for p in parts if p)
    return text or None


@dataclass(frozen=True, slots=True)
class Sources:
    """Everything the build reads, parsed once."""

    dir: Path
    dates: SourceDates
    curated: Mapping[str, Any]
    annotations: Sequence[Mapping[str, Any]]
    waypoints: Sequence[Mapping[str, str]]
    coord_quality: Mapping[tuple[str, str], Mapping[str, str]]
    nodes: Sequence[Mapping[str, str]]
    places: Mapping[str, Mapping[str, str]]

    @classmethod
    def load(cls, sources_dir: Path) -> Sources:
        ref = sources_dir / "reference"
        quality = {
            (r["feature_id"], r["seq"]): r for r in _read_csv(ref / "waypoints_coord_quality.csv")
        }
        curated = _read_yaml(sources_dir / "curated.yaml")
        nodes = _read_csv(sources_dir / "nodes.csv")
        reference = _apply_waypoint_overrides(
            _read_csv(ref / "waypoints.csv"), curated.get("waypoint_overrides") or {}
        )
        return cls(
            dir=sources_dir,
            dates=SourceDates.load(sources_dir / "source_dates.csv"),
            curated=curated,
            annotations=_read_yaml(sources_dir / "annotations.yaml")["annotations"],
            waypoints=[
                *reference,
                *_connecting_rows(curated.get("connecting_lines") or {}, nodes),
            ],
            coord_quality=quality,
            nodes=nodes,
            places={r["place_id"]: r for r in _read_csv(sources_dir / "places.csv")},
        )


def _connecting_rows(
    lines: Mapping[str, Mapping[str, Any]], nodes: Sequence[Mapping[str, str]]
) -> list[dict[str, str]]:
    """curated.yaml's ``connecting_lines`` as waypoint rows (the columns of waypoints.csv), so
    that their legs and nodes are built like the reference routes'.

    A line names its nodes by node id and carries, per leg (the seq of the node it leaves), the
    mode, status, expected year and sources. An unknown node or a leg without sources is an
    error.
    """
    by_id = {n["node_id"]: n for n in nodes}
    out: list[dict[str, str]] = []
    for route, line in lines.items():
        legs: Mapping[int, Mapping[str, Any]] = line["legs"]
        ids: Sequence[str] = line["nodes"]
        if set(legs) != set(range(1, len(ids))):
            raise BuildError(f"connecting_lines {route}: legs must be numbered 1..{len(ids) - 1}")
        for seq, node_id in enumerate(ids, start=1):
            node = by_id.get(node_id)
            if node is None:
                raise BuildError(f"connecting_lines {route}: unknown node {node_id!r}")
            leg = legs.get(seq, {})
            if seq < len(ids) and not leg.get("sources"):
                raise BuildError(f"connecting_lines {route} leg {seq}: no sources")
            lat, lon = node["waypoint"].split(",")
            expected = leg.get("expected_year")
            out.append(
                {
                    "layer": str(line["layer"]),
                    "feature_id": route,
                    "seq": str(seq),
                    "name": node["name"],
                    "country_iso3": node["iso3"],
                    "lat": lat,
                    "lon": lon,
                    "mode_to_next": str(leg.get("mode", "")),
                    "status_to_next": str(leg.get("status", "")),
                    "expected_year": "" if expected is None else str(expected),
                    "source_url": " ; ".join(leg.get("sources", [])),
                }
            )
    return out


#: The waypoints.csv columns curated.yaml's ``waypoint_overrides`` may replace.
WAYPOINT_OVERRIDABLE = ("status_to_next", "expected_year", "source_url")


def _apply_waypoint_overrides(
    rows: Sequence[Mapping[str, str]], overrides: Mapping[str, Mapping[int, Mapping[str, Any]]]
) -> list[dict[str, str]]:
    """The reference waypoints with curated corrections applied (the copy stays unchanged).

    ``overrides`` is ``{route: {seq: {column: value}}}``; ``source_url`` is a list of URLs that
    replaces the row's sources, ``expected_year`` may be null. An override naming a row or a
    column that does not exist is an error, so a correction can never silently miss.
    """
    out: list[dict[str, str]] = [dict(r) for r in rows]
    index = {(r["feature_id"], int(r["seq"])): r for r in out}
    for route, by_seq in overrides.items():
        for seq, fields in by_seq.items():
            row = index.get((route, int(seq)))
            if row is None:
                raise BuildError(f"waypoint_overrides: no waypoint {route} {seq}")
            for key, value in fields.items():
                if key not in WAYPOINT_OVERRIDABLE:
                    raise BuildError(f"waypoint_overrides {route} {seq}: cannot override {key}")
                if key == "source_url":
                    row[key] = " ; ".join(value)
                else:
                    row[key] = "" if value is None else str(value)
    return out


def _routes(src: Sources, pipelines: bool) -> dict[str, list[Mapping[str, str]]]:
    out: dict[str, list[Mapping[str, str]]] = {}
    for row in src.waypoints:
        if (row["layer"] == "gas_pipeline") != pipelines:
            continue
        out.setdefault(row["feature_id"], []).append(row)
    for rows in out.values():
        rows.sort(key=lambda r: int(r["seq"]))
    return out


def _num(v: Any) -> float | None:
    return None if v is None else float(v)
