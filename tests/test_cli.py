"""``corridormap`` command line: exit codes and messages, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from corridormap import cli


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "corridormap.cli", *args],
        capture_output=True,
        text=True,
        check=False,
    )


def test_validate_a_broken_file_exits_2_with_a_named_message(tmp_path):
    path = tmp_path / "summits.geojson"
    path.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    out = run("validate", str(path))
    assert out.returncode == 2
    assert "summits.geojson: 1 problem found" in out.stderr
    assert "invalid JSON at line 1" in out.stderr
    assert "Traceback" not in out.stderr


def test_validate_names_an_unknown_file(tmp_path):
    path = tmp_path / "mine.geojson"
    path.write_text("{}", encoding="utf-8")
    out = run("validate", str(path))
    assert out.returncode == 2
    assert "no layer spec matches this file name" in out.stderr


def test_validate_reports_every_problem_of_a_feature(tmp_path, capsys):
    path = tmp_path / "annotations.geojson"
    feature = {
        "type": "Feature",
        "properties": {"annotation_id": "x", "topic": "sport"},
        "geometry": {"type": "Point", "coordinates": [47.8, 40.9]},
    }
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    assert cli.main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "annotations.geojson, feature x, topic: value not allowed" in err
    assert "annotations.geojson, feature x, title: missing property" in err


def test_version():
    out = run("--version")
    assert out.returncode == 0
    assert out.stdout.startswith("corridormap ")


def test_missing_data_dir_fails_cleanly(tmp_path):
    out = run("--data-dir", str(Path(tmp_path) / "nowhere"), "validate")
    assert out.returncode == 2
    assert "file not found" in out.stderr
    assert "Traceback" not in out.stderr
