"""The review queue: which facts fall due on which day, and why (``corridormap.review``)."""

from __future__ import annotations

import math
from datetime import date

import pytest

from corridormap import review

LEG = {
    "segment_id": "R-01",
    "name": "A – B",
    "status": "under_construction",
    "expected": 2026,
    "as_of": "2026-02-27",
    "source_url": ["https://a.example/leg"],
}
SUMMIT = {
    "summit_id": "s-13",
    "title": "13th summit",
    "held": False,
    "date": "2026-09-10",
    "date_text": "10 Sep 2026",
    "as_of": "2026-03-07",
    "source_url": ["https://a.example/summit"],
}
NO_AGE = review.Policy(dict.fromkeys(review.KINDS))


def _queue(features, today, expectations=(), policy=NO_AGE):
    return review.review_queue(features, list(expectations), date.fromisoformat(today), policy)


@pytest.mark.parametrize(
    ("props", "today", "due"),
    [
        # an expected year falls due on its first day
        ({}, "2025-12-31", None),
        ({}, "2026-01-01", "2026-01-01"),
        ({}, "2026-11-29", "2026-01-01"),
        ({"status": "planned", "expected": 2029}, "2026-11-29", None),
        ({"status": "planned", "expected": 2029}, "2029-01-01", "2029-01-01"),
        # an operational leg has met its expectation; no expected year, nothing to check
        ({"status": "operational"}, "2030-01-01", None),
        ({"expected": None}, "2030-01-01", None),
        ({"expected": math.nan}, "2030-01-01", None),  # as pandas reads a missing integer
    ],
)
def test_expected_year_of_a_leg(props, today, due):
    items = _queue({"corridors": [{**LEG, **props}]}, today)
    assert [i.due.isoformat() for i in items] == ([] if due is None else [due])
    for i in items:
        assert (i.id, i.reason, i.kind) == ("corridors:R-01", review.EXPECTED, "in_progress")
        assert "expected" in i.what


@pytest.mark.parametrize(
    ("props", "today", "due"),
    [
        ({}, "2026-09-09", None),  # the day before
        ({}, "2026-09-10", "2026-09-10"),  # planned for today, not marked held
        ({}, "2026-11-29", "2026-09-10"),
        ({"held": True}, "2026-11-29", None),  # held: a record, nothing expected
        ({"date": None}, "2026-11-29", None),  # no date: only an expectation entry can say
    ],
)
def test_planned_summits(props, today, due):
    items = _queue({"summits": [{**SUMMIT, **props}]}, today)
    assert [i.due.isoformat() for i in items] == ([] if due is None else [due])
    assert all("not marked held" in i.what for i in items)


@pytest.mark.parametrize(
    ("due", "today", "listed"),
    [
        ("2026-07-01", "2026-06-30", False),
        ("2026-07-01", "2026-07-01", True),
        ("2026-07-01", "2026-11-29", True),
    ],
)
def test_expectation_entries(due, today, listed):
    e = review.Expectation(
        "summits",
        "s-13",
        "the 13th summit",
        "second half of 2026",
        date.fromisoformat(due),
        ("https://a.example/e",),
        "2026-03-07",
    )
    items = _queue({"summits": [{**SUMMIT, "date": None}]}, today, [e])
    assert bool(items) is listed
    for i in items:
        assert i.as_json() == {
            "id": "summits:s-13",
            "layer": "summits",
            "feature_id": "s-13",
            "title": "13th summit",
            "reason": review.EXPECTED,
            "kind": "in_progress",
            "what": "the 13th summit (expected second half of 2026)",
            "due": due,
            "as_of": "2026-03-07",
            "sources": ["https://a.example/e"],
        }


@pytest.mark.parametrize(
    ("layer", "props", "as_of", "today", "due"),
    [
        # works in progress: a year
        ("corridors", {"expected": None}, "2025-01-01", "2025-12-31", None),
        ("corridors", {"expected": None}, "2025-01-01", "2026-01-01", "2026-01-01"),
        # standing facts: five years
        ("corridors", {"status": "operational"}, "2020-01-01", "2024-12-29", None),
        ("corridors", {"status": "operational"}, "2020-01-01", "2024-12-30", "2024-12-30"),
        ("nodes", {"status": None}, "2020-01-01", "2026-11-29", "2024-12-30"),
        # records of past events never age
        ("summits", {"held": True}, "2011-10-21", "2026-11-29", None),
        ("annotations", {}, "2025-10-07", "2040-01-01", None),
    ],
)
def test_sources_older_than_their_kind_allows(layer, props, as_of, today, due):
    ids = {"corridors": "segment_id", "nodes": "node_id", "summits": "summit_id"}
    feature = {**LEG, **SUMMIT, **props, "as_of": as_of, ids.get(layer, "annotation_id"): "x"}
    items = [
        i
        for i in _queue({layer: [feature]}, today, policy=review.Policy())
        if i.reason == review.STALE
    ]
    assert [i.due.isoformat() for i in items] == ([] if due is None else [due])


def test_queue_is_sorted_and_one_feature_can_be_due_twice():
    old = {**LEG, "as_of": "2024-01-01"}
    items = _queue({"corridors": [old]}, "2026-11-29", policy=review.Policy())
    assert [(i.reason, i.due.isoformat()) for i in items] == [
        (review.STALE, "2024-12-31"),
        (review.EXPECTED, "2026-01-01"),
    ]
    assert review.items_for(items, "corridors", "R-01") == items
    assert review.items_for(items, "corridors", "other") == []


def test_policy_from_defaults_file_environment_and_command_line(tmp_path):
    toml = tmp_path / "corridormap.toml"
    toml.write_text('[review]\nin_progress_days = 180\ncurrent_days = "soon"\n', "utf-8")
    policy = review.load_policy(toml, env={"CORRIDORMAP_REVIEW_RECORD_DAYS": "3650"})
    assert policy.max_age("in_progress") == 180
    assert policy.max_age("record") == 3650
    assert policy.max_age("current") == review.DEFAULT_MAX_AGE_DAYS["current"]
    assert "ignored" in policy.source("current")  # the typo is named, not fatal
    off = review.load_policy(toml, env={}, overrides={"current": "off", "in_progress": "30"})
    assert (off.max_age("current"), off.max_age("in_progress")) == (None, 30)
    defaults = review.load_policy(tmp_path / "missing.toml", env={})
    assert dict(defaults.max_age_days) == dict(review.DEFAULT_MAX_AGE_DAYS)
    rows = review.describe_policy(defaults)
    assert [r["kind"] for r in rows] == list(review.KINDS)


@pytest.mark.parametrize(
    ("raw", "parsed"),
    [("365", 365), (90, 90), ("0", None), ("off", None), ("-3", "error"), (True, "error")],
)
def test_parse_age(raw, parsed):
    value = review.parse_age(raw)
    assert (isinstance(value, str) and parsed == "error") or value == parsed


def test_expectations_from_rows_skips_rows_without_a_due_date():
    rows = [
        {"layer": "summits", "feature_id": "s", "what": "w", "expected": "2026", "due": "x"},
        {
            "layer": "summits",
            "feature_id": "s",
            "what": "w",
            "expected": "2026",
            "due": "2026-01-01",
            "source_url": ["https://a.example/"],
            "as_of": "2025-10-07",
        },
    ]
    (e,) = review.expectations_from_rows(rows)
    assert (e.due, e.sources, e.as_of) == (date(2026, 1, 1), ("https://a.example/",), "2025-10-07")


def test_table_text():
    assert review.table_text([]) == "nothing is due for review"
    items = _queue({"corridors": [LEG]}, "2026-11-29")
    text = review.table_text(items)
    assert "corridors:R-01" in text
    assert text.endswith("1 item(s) due for review")
