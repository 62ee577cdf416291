"""The hostile-input corpus (tests/fixtures/hostile): through the upload reader and ``validate``.

Every file the corpus marks *refuse* raises ``DataValidationError`` naming the file and nothing
else; every *accept* file is read with its strings verbatim. ``corridormap validate`` exits 2
on each refused file without a traceback. A canary file outside the repository is in place
while they run: its secret, ``/etc/passwd`` and the process environment never appear in any
output, and no temporary upload path leaks into a message.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from clirun import run

from corridormap import upload
from corridormap._errors import DataValidationError

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = ROOT / "tests" / "fixtures" / "hostile"
EXPECTED: dict[str, dict[str, str]] = json.loads(
    (HOSTILE / "expected.json").read_text(encoding="utf-8")
)
CANARY_DIR = Path("/tmp/corridormap-canary")  # noqa: S108 - the path the corpus names
SECRET = "CANARY-7f3a9c"  # noqa: S105 - a marker, not a password
#: Text that appears only if a server file was read: the canary, /etc/passwd, the environment.
LEAKS = (SECRET, "root:x:0:0", "root:*:0:0", "PATH=/", "enableStaticServing")


@pytest.fixture(scope="module", autouse=True)
def canary():
    CANARY_DIR.mkdir(exist_ok=True)
    path = CANARY_DIR / "canary.csv"
    path.write_text(f"lon,lat,secret\n45,40,{SECRET}\n", encoding="utf-8")
    yield path
    path.unlink(missing_ok=True)


def test_the_corpus_is_large_and_every_file_has_an_expectation():
    files = {p.name for p in HOSTILE.iterdir()} - {
        "expected.json",
        "generate.py",
        "README.md",
        "ssti_payloads.txt",
    }
    assert len(files) >= 60
    assert files == set(EXPECTED)


def _leaks(text: str) -> list[str]:
    return [leak for leak in LEAKS if leak in text]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_reader_refuses_or_accepts_as_the_corpus_says(name, monkeypatch):
    monkeypatch.chdir(ROOT)  # relative paths in a file would reach the app's own config
    expected = EXPECTED[name]
    try:
        layer = upload.read_user_file(HOSTILE / name)
    except DataValidationError as exc:
        message = str(exc)
        assert expected["outcome"] == "refuse", f"{name} refused: {message}"
        assert name in message or upload._display_name(name) in message
        assert "corridormap-upload-" not in message, "a temporary path leaked"
        assert not _leaks(message)
        return
    assert expected["outcome"] == "accept", f"{name} accepted ({expected['why']})"
    dump = layer.gdf.drop(columns="geometry").to_json(default_handler=str)
    assert not _leaks(dump), name


def test_validate_exits_2_on_every_refused_file_without_a_traceback():
    refused = [str(HOSTILE / n) for n, e in sorted(EXPECTED.items()) if e["outcome"] == "refuse"]
    result = run("validate", *refused)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert not _leaks(result.stdout + result.stderr)
    failed = [line for line in result.stderr.splitlines() if line.startswith("FAIL ")]
    assert len(failed) == len(refused), result.stdout
    assert not [line for line in result.stdout.splitlines() if line.startswith("ok ")]


def _read(name: str) -> tuple[upload.UserLayer | None, str]:
    """The layer (None when refused) and all the text the reader gives back for a file."""
    try:
        layer = upload.read_user_file(HOSTILE / name)
    except DataValidationError as exc:
        return None, str(exc)
    dump = layer.gdf.drop(columns="geometry").to_json(default_handler=str)
    return layer, dump + "\n".join(layer.report.changes()) + str(layer.report.dropped)


def test_validate_reads_every_accepted_file():
    """ok, or (when the reader dropped rows it could not read) exit 2 naming each of them."""
    for name, e in sorted(EXPECTED.items()):
        if e["outcome"] != "accept":
            continue
        layer, _ = _read(name)
        assert layer is not None, name
        result = run("validate", str(HOSTILE / name))
        assert "Traceback" not in result.stderr, name
        assert not _leaks(result.stdout + result.stderr), name
        if layer.report.dropped:
            assert result.returncode == 2, name
            assert all(str(p.feature) in result.stderr for p in layer.report.dropped), name
        else:
            assert result.returncode == 0, (name, result.stderr)
            assert result.stdout.startswith("ok "), name


def test_environment_is_not_readable_through_any_file(monkeypatch):
    """A file that reaches /proc/self/environ would show this variable's value."""
    monkeypatch.setenv("CORRIDORMAP_SECRET_PROBE", SECRET)
    assert os.environ["CORRIDORMAP_SECRET_PROBE"] == SECRET
    for name in sorted(EXPECTED):
        _, text = _read(name)
        assert SECRET not in text, name
