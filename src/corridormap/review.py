"""The review queue: facts that need checking before anyone presents them as current.

A fact is **due for review** on a given day (``today``) when

- an **expectation** has fallen due: a corridor leg that is not operational has an expected
  year and that year has begun; a summit not marked held has a date on or before today; or an
  entry of ``layers/expectations.csv`` (what the sources expect for a feature: the start of
  construction, a summit in "the second half of 2026", a proposed exercise "in 2026") has a due
  date on or before today. A period falls due on its first day (a year on 1 January, "the
  second half" on 1 July), because from then on the expectation may have been met or missed;
- or the feature's **newest source is older** than the maximum age for its kind of fact: works
  in progress (planned or under construction, an announced summit) age fast, standing facts
  (operational lines, nodes, gas destinations, membership) slowly, records of past events
  (summits held, the Gabala annotations) never. The ages are ``DEFAULT_MAX_AGE_DAYS``, changed in
  ``.streamlit/corridormap.toml`` (``[review] in_progress_days = 180``) or by environment
  variables (``CORRIDORMAP_REVIEW_IN_PROGRESS_DAYS``); ``0`` or ``off`` turns a kind off.

Everything here is pure: features come in as property mappings (the shipped layers, read by
``load``), nothing is read or written, and ``today`` is always passed in.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Final

from corridormap import catalog, config

#: Kinds of fact, each with its own maximum source age.
IN_PROGRESS: Final = "in_progress"
CURRENT: Final = "current"
RECORD: Final = "record"
KINDS: Final = (IN_PROGRESS, CURRENT, RECORD)

#: Days after its newest source that a fact of each kind falls due (None: never).
DEFAULT_MAX_AGE_DAYS: Final[Mapping[str, int | None]] = {
    IN_PROGRESS: 365,
    CURRENT: 5 * 365,
    RECORD: None,
}

KIND_HELP: Final[Mapping[str, str]] = {
    IN_PROGRESS: "planned or under construction; summits not yet held",
    CURRENT: "operational lines and pipelines, nodes, gas destinations, OTS membership",
    RECORD: "summits held and the Gabala 2025 annotations: records of past events",
}

#: How a kind is named in a sentence ("older than the 1825 days allowed for standing facts").
KIND_NAMES: Final[Mapping[str, str]] = {
    IN_PROGRESS: "work in progress",
    CURRENT: "standing facts",
    RECORD: "records",
}

ENV_PREFIX: Final = "CORRIDORMAP_REVIEW_"
TOML_FILE: Final = config.TOML_FILE
TOML_SECTION: Final = "review"

EXPECTED: Final = "expected"
STALE: Final = "stale"


@dataclass(frozen=True, slots=True)
class Policy:
    """The maximum source age per kind of fact; ``sources`` says where each value came from."""

    max_age_days: Mapping[str, int | None] = field(
        default_factory=lambda: dict(DEFAULT_MAX_AGE_DAYS)
    )
    sources: Mapping[str, str] = field(default_factory=dict, compare=False)

    def max_age(self, kind: str) -> int | None:
        return self.max_age_days.get(kind)

    def source(self, kind: str) -> str:
        return self.sources.get(kind, "default")


def parse_age(raw: Any) -> int | str | None:
    """Days (a positive whole number), None for ``0``/``off``/``none``, else an error text."""
    if isinstance(raw, bool):
        return f"not a number of days: {raw!r}"
    text = str(raw).strip().lower()
    if text in ("0", "off", "none", "never"):
        return None
    try:
        value = int(text)
    except ValueError:
        return f"not a number of days: {str(raw)[:40]!r}"
    if value < 0:
        return f"not a number of days: {value}"
    return value


def load_policy(
    toml_path: Path | None = None,
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, str] | None = None,
) -> Policy:
    """Defaults, then ``[review]`` in the TOML file, then environment variables, then
    ``overrides`` (the command line's ``--max-age KIND=DAYS``). A value that cannot be used is
    ignored and ``sources`` says why, so a typo never stops a run."""
    layered = config.read_layered(
        TOML_SECTION,
        {kind: f"{kind}_days" for kind in KINDS},
        _days,
        env_prefix=ENV_PREFIX,
        toml_path=toml_path,
        env=env,
        overrides=overrides,
        overrides_from="--max-age",
    )
    return Policy({**DEFAULT_MAX_AGE_DAYS, **layered.values}, layered.sources)


def _days(_kind: str, raw: Any) -> int | None:
    """``parse_age`` for ``config.read_layered``: an unusable value raises ``ValueError``."""
    value = parse_age(raw)
    if isinstance(value, str):
        raise ValueError(value)  # noqa: TRY004 - read_layered: ValueError says why
    return value


def describe_policy(policy: Policy) -> list[dict[str, str]]:
    """One row per kind: the maximum age, where it came from, what the kind covers."""
    return [
        {
            "kind": kind,
            "max age (days)": "never"
            if policy.max_age(kind) is None
            else str(policy.max_age(kind)),
            "from": policy.source(kind),
            "env variable": f"{ENV_PREFIX}{kind.upper()}_DAYS",
            "covers": KIND_HELP[kind],
        }
        for kind in KINDS
    ]


@dataclass(frozen=True, slots=True)
class Expectation:
    """What the sources expect for one feature, and the day that expectation falls due."""

    layer: str
    feature_id: str
    what: str
    expected: str  # as the sources put it: "2026", "second half of 2026"
    due: date
    sources: tuple[str, ...] = ()
    as_of: str | None = None


@dataclass(frozen=True, slots=True)
class ReviewItem:
    """One fact due for review: which feature, why, since when, and what it rests on."""

    layer: str
    feature_id: str
    title: str
    reason: str  # EXPECTED or STALE
    kind: str
    what: str
    due: date
    as_of: str | None
    sources: tuple[str, ...]

    @property
    def id(self) -> str:
        return f"{self.layer}:{self.feature_id}"

    def as_json(self) -> dict[str, Any]:
        """The item as the CLI prints it (keys stable: id, layer, what, due, as_of, sources)."""
        return {
            "id": self.id,
            "layer": self.layer,
            "feature_id": self.feature_id,
            "title": self.title,
            "reason": self.reason,
            "kind": self.kind,
            "what": self.what,
            "due": self.due.isoformat(),
            "as_of": self.as_of,
            "sources": list(self.sources),
        }


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _iso(value: Any) -> date | None:
    if _missing(value):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _urls(value: Any) -> tuple[str, ...]:
    if _missing(value) or isinstance(value, str):
        return () if _missing(value) else (value,)
    return tuple(str(u) for u in value)


def fact_kind(layer: str, props: Mapping[str, Any]) -> str:
    """Which maximum age applies to a feature's facts."""
    if layer == catalog.ANNOTATIONS.key:
        return RECORD
    if layer == catalog.SUMMITS.key:
        return RECORD if props.get("held") else IN_PROGRESS
    if props.get("status") in ("planned", "under_construction"):
        return IN_PROGRESS
    return CURRENT


def _title(spec: catalog.LayerSpec, props: Mapping[str, Any], fid: str) -> str:
    label = props.get(spec.label_property)
    return fid if _missing(label) else str(label)


def _feature_items(
    spec: catalog.LayerSpec, props: Mapping[str, Any], today: date, policy: Policy
) -> list[ReviewItem]:
    fid = str(props[spec.id_property])
    title = _title(spec, props, fid)
    as_of = _iso(props.get("as_of"))
    sources = _urls(props.get("source_url"))
    kind = fact_kind(spec.key, props)

    def item(reason: str, what: str, due: date) -> ReviewItem:
        shown = None if as_of is None else as_of.isoformat()
        return ReviewItem(spec.key, fid, title, reason, kind, what, due, shown, sources)

    out: list[ReviewItem] = []
    expected = props.get("expected")
    if expected is not None and not _missing(expected) and props.get("status") != "operational":
        year = int(expected)
        due = date(year, 1, 1)
        if due <= today:
            status = str(props.get("status") or "").replace("_", " ")
            out.append(item(EXPECTED, f"expected {year}, still {status}", due))
    if spec.key == catalog.SUMMITS.key and not props.get("held"):
        when = _iso(props.get("date"))
        if when is not None and when <= today:
            out.append(
                item(EXPECTED, f"planned for {props.get('date_text')}, not marked held", when)
            )
    age = policy.max_age(kind)
    if age is not None and as_of is not None:
        due = as_of + timedelta(days=age)
        if due <= today:
            what = (
                f"newest source {as_of.day} {as_of.strftime('%b')} {as_of.year}, older than the "
                f"{age} days allowed for {KIND_NAMES[kind]}"
            )
            out.append(item(STALE, what, due))
    return out


def review_queue(
    features: Mapping[str, Iterable[Mapping[str, Any]]],
    expectations: Iterable[Expectation],
    today: date,
    policy: Policy | None = None,
) -> list[ReviewItem]:
    """Every fact due for review on ``today``, oldest due date first.

    ``features`` maps a layer key to its features' properties (layers not given are skipped);
    ``expectations`` are the rows of ``layers/expectations.csv``.
    """
    policy = policy or Policy()
    out: list[ReviewItem] = []
    found: dict[tuple[str, str], Mapping[str, Any]] = {}
    for spec in catalog.LAYERS:
        for props in features.get(spec.key, ()):
            found[(spec.key, str(props[spec.id_property]))] = props
            out.extend(_feature_items(spec, props, today, policy))
    for e in expectations:
        if e.due > today:
            continue
        props = found.get((e.layer, e.feature_id), {})
        spec = catalog.get(e.layer)
        kind = fact_kind(e.layer, props) if props else IN_PROGRESS
        what = f"{e.what} (expected {e.expected})"
        title = _title(spec, props, e.feature_id) if props else e.feature_id
        out.append(
            ReviewItem(
                e.layer, e.feature_id, title, EXPECTED, kind, what, e.due, e.as_of, e.sources
            )
        )
    out.sort(key=lambda i: (i.due, i.id, i.reason, i.what))
    return out


def items_for(items: Sequence[ReviewItem], layer: str, feature_id: str) -> list[ReviewItem]:
    """The review items of one feature (for its card)."""
    return [i for i in items if i.layer == layer and i.feature_id == feature_id]


def feature_rows(frames: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The properties of loaded layers (GeoDataFrames) as plain rows, NaN read as None."""
    out: dict[str, list[dict[str, Any]]] = {}
    for key, frame in frames.items():
        columns = [c for c in frame.columns if c != frame.geometry.name]
        out[key] = [
            {c: (None if _missing(v) else v) for c, v in zip(columns, row, strict=True)}
            for row in frame[columns].itertuples(index=False, name=None)
        ]
    return out


#: The columns of ``layers/expectations.csv`` (the build writes them, ``load`` checks them).
EXPECTATION_COLUMNS: Final = (
    "id",
    "layer",
    "feature_id",
    "what",
    "expected",
    "due",
    "source_url",
    "as_of",
)


def expectations_from_rows(rows: Iterable[Mapping[str, Any]]) -> list[Expectation]:
    """Expectations from the rows of ``layers/expectations.csv`` (``source_url`` a list)."""
    out = []
    for r in rows:
        due = _iso(r.get("due"))
        if due is None:
            continue
        as_of = _iso(r.get("as_of"))
        out.append(
            Expectation(
                layer=str(r["layer"]),
                feature_id=str(r["feature_id"]),
                what=str(r["what"]),
                expected=str(r["expected"]),
                due=due,
                sources=_urls(r.get("source_url")),
                as_of=None if as_of is None else as_of.isoformat(),
            )
        )
    return out


def table_text(items: Sequence[ReviewItem]) -> str:
    """The queue as a plain-text table for the terminal."""
    if not items:
        return "nothing is due for review"
    lines = [f"{'due':10}  {'id':40}  {'as of':10}  what"]
    for i in items:
        lines.append(f"{i.due.isoformat():10}  {i.id[:40]:40}  {i.as_of or '–':10}  {i.what}")
    lines.append(f"{len(items)} item(s) due for review")
    return "\n".join(lines)
