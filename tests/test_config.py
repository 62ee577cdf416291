"""The one settings helper: defaults < file < environment < overrides, each value's origin."""

from __future__ import annotations

import logging

import pytest

from corridormap import config, review, settings


def _positive(_name, raw):
    value = int(raw)
    if value <= 0:
        raise ValueError(f"not positive: {raw!r}")
    return value


def test_each_layer_overrides_the_one_before_and_says_so(tmp_path):
    toml = tmp_path / "c.toml"
    toml.write_text("[s]\na_key = 1\nb_key = 2\nc_key = 3\n", encoding="utf-8")
    got = config.read_layered(
        "s",
        {"a": "a_key", "b": "b_key", "c": "c_key", "d": "d_key"},
        _positive,
        env_prefix="P_",
        toml_path=toml,
        env={"P_B_KEY": "20", "P_C_KEY": "30"},
        overrides={"c": "300"},
        overrides_from="--flag",
    )
    assert got.values == {"a": 1, "b": 20, "c": 300}
    assert got.sources == {
        "a": f"{toml} [s] a_key",
        "b": "env P_B_KEY",
        "c": "--flag c",
    }


def test_an_unusable_value_is_ignored_named_and_logged(tmp_path, caplog):
    toml = tmp_path / "c.toml"
    toml.write_text("[s]\na = -1\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="corridormap.config"):
        got = config.read_layered(
            "s", {"a": "a"}, _positive, env_prefix="P_", toml_path=toml, env={}
        )
    assert got.values == {}
    assert got.sources["a"] == f"default; {toml} [s] a ignored (not positive: -1)"
    assert any("ignored" in r.getMessage() for r in caplog.records)


def test_an_unreadable_file_is_named_not_fatal(tmp_path, caplog):
    toml = tmp_path / "c.toml"
    toml.write_text("[s\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="corridormap.config"):
        got = config.read_layered(
            "s", {"a": "a"}, _positive, env_prefix="P_", toml_path=toml, env={"P_A": "4"}
        )
    assert got.values == {"a": 4}
    assert got.sources[config.FILE_PROBLEM].startswith(f"{toml} ignored: ")
    assert caplog.records


@pytest.mark.parametrize("section", ["upload", "review"])
def test_both_sections_read_the_same_file_through_the_helper(tmp_path, section):
    toml = tmp_path / "corridormap.toml"
    toml.write_text("[upload]\nmax_mb = 3\n[review]\nrecord_days = 9\n", encoding="utf-8")
    if section == "upload":
        s = settings.load_settings(toml, env={})
        assert (s.max_mb, s.source("max_mb")) == (3, f"{toml} [upload] max_mb")
    else:
        p = review.load_policy(toml, env={})
        assert (p.max_age("record"), p.source("record")) == (9, f"{toml} [review] record_days")
