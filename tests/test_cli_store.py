"""``corridormap briefings list|import|export`` and ``corridormap db upgrade``: the saved
briefings from the command line, in a temporary database (CORRIDORMAP_DATABASE_URL)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
import yaml
from clirun import run

from corridormap import briefing

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "data" / "briefings" / "gabala-2025.yaml"


@pytest.fixture(autouse=True)
def database(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("CORRIDORMAP_DATABASE_URL", url)
    return url


def listed(*args: str) -> list[dict]:
    out = run("briefings", "list", "--format", "json", *args)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_db_upgrade_creates_the_schema_and_is_idempotent(tmp_path):
    for _ in range(2):
        out = run("db", "upgrade")
        assert out.returncode == 0, out.stderr
        assert "schema revision 0001 (head)" in out.stdout
        assert "0 saved briefings" in out.stdout
    assert (tmp_path / "cli.sqlite3").is_file()


def test_import_list_export_round_trip(tmp_path):
    shipped = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    assert listed() == []
    out = run("briefings", "import", str(SHIPPED))
    assert out.returncode == 0, out.stderr
    [item] = listed()
    assert item["title"] == shipped["title"]
    assert item["scenes"] == len(shipped["scenes"])
    assert datetime.fromisoformat(item["updated"]).tzinfo is not None
    assert item["id"] in out.stdout
    table = run("briefings", "list")
    assert table.returncode == 0
    assert item["id"] in table.stdout
    assert shipped["title"] in table.stdout

    target = tmp_path / "again.yaml"
    out = run("briefings", "export", item["id"], "-o", str(target))
    assert out.returncode == 0, out.stderr
    assert briefing.read_document(target) == briefing.read_document(SHIPPED)
    # what `briefings export` writes, `export --briefing` reads
    html = tmp_path / "again.html"
    out = run("export", "--briefing", str(target), "--format", "html", "-o", str(html))
    assert out.returncode == 0, out.stderr
    assert shipped["scenes"][1]["title"] in html.read_text(encoding="utf-8")


def test_import_of_a_broken_briefing_names_file_scene_and_field(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "title: Bad\nscenes:\n"
        "  - title: First\n    text: ok\n    view: {center: [99, 0], zoom: 4}\n"
        "  - title: Second\n    filters: {corridor: nowhere}\n",
        encoding="utf-8",
    )
    out = run("briefings", "import", str(bad))
    assert out.returncode == 2
    assert "Traceback" not in out.stderr
    assert 'bad.yaml, scene 1 "First", view.center' in out.stderr
    assert 'bad.yaml, scene 2 "Second", text: missing' in out.stderr
    assert 'bad.yaml, scene 2 "Second", filters.corridor' in out.stderr
    assert listed() == []


def test_import_of_something_that_is_not_yaml(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: [unclosed\n", encoding="utf-8")
    out = run("briefings", "import", str(bad))
    assert out.returncode == 2
    assert "bad.yaml: 1 problem found" in out.stderr
    assert "invalid YAML" in out.stderr
    assert listed() == []


def test_owner_acts_for_a_signed_in_user_and_sees_only_theirs(tmp_path):
    alice = "https://idp.example|alice"
    out = run("briefings", "import", str(SHIPPED), "--owner", alice)
    assert out.returncode == 0, out.stderr
    assert listed() == []  # the local user's list
    [item] = listed("--owner", alice)
    out = run(
        "briefings", "export", item["id"], "-o", str(tmp_path / "x.yaml"), "--owner", "iss|bob"
    )
    assert out.returncode == 2
    assert "No such briefing" in out.stderr
    assert not (tmp_path / "x.yaml").exists()


def test_hostile_titles_are_shown_as_text_in_the_terminal(tmp_path):
    evil = "Evil \x1b[31mred\x1b[0m \u202eright-to-left"
    doc = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    doc["title"] = evil
    path = tmp_path / "evil.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    out = run("briefings", "import", str(path))
    assert out.returncode == 0, out.stderr
    table = run("briefings", "list")
    assert "\x1b" not in table.stdout
    assert "\u202e" not in table.stdout
    assert "Evil \\u001b[31mred\\u001b[0m \\u202eright-to-left" in table.stdout
    [item] = listed()
    assert item["title"] == evil  # JSON keeps the value itself (escaped by json)
    out = run("briefings", "export", item["id"], "-o", str(tmp_path / "back.yaml"))
    assert briefing.read_document(tmp_path / "back.yaml")["title"] == evil


def test_unsupported_database_url_is_refused_without_the_password(monkeypatch):
    monkeypatch.setenv("CORRIDORMAP_DATABASE_URL", "mysql://admin:s3cretpw@db/x")
    for args in (("db", "upgrade"), ("briefings", "list")):
        out = run(*args)
        assert out.returncode == 1
        assert "'mysql' is not supported" in out.stderr
        assert "s3cretpw" not in out.stderr + out.stdout
        assert "Traceback" not in out.stderr


def test_an_unreachable_database_is_named_without_the_password(monkeypatch):
    monkeypatch.setenv("CORRIDORMAP_DATABASE_URL", "postgresql://admin:s3cretpw@127.0.0.1:1/x")
    out = run("db", "upgrade")
    assert out.returncode == 1
    assert "cannot open the database at postgresql" in out.stderr
    assert "://admin:***@127.0.0.1:1/x" in out.stderr
    assert "s3cretpw" not in out.stderr
