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

    def as_of(self, urls: Iterable[str], fallback: str | None = None) -> str:
        """The newest date among ``urls``; every URL must be listed in source_dates.csv."""
        found: list[str] = []
        for url in urls:
            if url not in self.dates:
                raise BuildError(f"source URL not in source_dates.csv: {url}")
            d = self.dates[url]
            if d is not None:
                found.append(d)
        if found:
            return max(found)
        if fallback is not None:
            return fallback
        raise BuildError(f"no dated source among {list(urls)}")

    def as_of_and_note(self, urls: Sequence[str], note: str | None) -> tuple[str, str | None]:
        """as_of, falling back (with a note saying so) when every source is undated."""
        if any(self.dates.get(u) for u in urls):
            return self.as_of(urls), note
        self.as_of(urls, fallback=REFERENCE_COMPILED)  # checks that every URL is listed
        extra = f"sources undated; as_of is the date of the reference copy ({REFERENCE_COMPILED})"
        return REFERENCE_COMPILED, _join_note(note, extra)


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
        return cls(
            dir=sources_dir,
            dates=SourceDates.load(sources_dir / "source_dates.csv"),
            curated=_read_yaml(sources_dir / "curated.yaml"),
            annotations=_read_yaml(sources_dir / "annotations.yaml")["annotations"],
            waypoints=_read_csv(ref / "waypoints.csv"),
            coord_quality=quality,
            nodes=_read_csv(sources_dir / "nodes.csv"),
            places={r["place_id"]: r for r in _read_csv(sources_dir / "places.csv")},
        )


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
