"""The deployment's database wiring, checked offline: every replica of compose, Kubernetes
and ``make cluster`` points at ONE shared database, and ``make cluster`` starts (or finds)
its own PostgreSQL, else one SQLite file, and says which."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pgserver
import pytest
import yaml
from sqlalchemy.engine import make_url

from corridormap import store

REPO = Path(__file__).resolve().parents[1]
DEPLOY = REPO / "deploy"
sys.path.insert(0, str(DEPLOY))
import cluster  # noqa: E402 - deploy/ is not a package


def interpolate(value: str) -> str:
    """Compose's ``${NAME:-default}`` with every variable unset."""
    return re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", value)


def test_compose_replicas_share_the_postgres_service():
    services = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))["services"]
    app, db = services["app"], services["postgres"]
    raw = app["environment"]["CORRIDORMAP_DATABASE_URL"]
    assert "${POSTGRES_PASSWORD" in raw  # the password comes from the environment
    url = make_url(interpolate(raw))
    assert url.get_backend_name() == "postgresql"
    assert url.host == "postgres"  # the service's DNS name
    assert url.database == interpolate(db["environment"]["POSTGRES_DB"])
    assert url.username == interpolate(db["environment"]["POSTGRES_USER"])
    assert url.password == interpolate(db["environment"]["POSTGRES_PASSWORD"])
    assert store.database_url({"CORRIDORMAP_DATABASE_URL": interpolate(raw)})  # accepted
    assert app["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    volume = db["volumes"][0].split(":")
    assert volume[1] == "/var/lib/postgresql/data"
    assert volume[0] in yaml.safe_load((DEPLOY / "compose.yaml").read_text())["volumes"]
    # one app service scaled to replicas: the same URL for all of them
    assert "replicas" in app["deploy"]


def manifests() -> dict[str, dict[str, Any]]:
    docs = {}
    for path in sorted((DEPLOY / "k8s").glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            docs[doc["kind"]] = doc
    return docs


def test_kubernetes_replicas_read_the_url_from_the_secret():
    docs = manifests()
    (app,) = docs["Deployment"]["spec"]["template"]["spec"]["containers"]
    env = {e["name"]: e for e in app["env"]}
    ref = env["CORRIDORMAP_DATABASE_URL"]["valueFrom"]["secretKeyRef"]
    secret = docs["Secret"]
    assert ref["name"] == secret["metadata"]["name"]
    assert not ref.get("optional", False)  # no database, no replica
    url = secret["stringData"][ref["key"]]
    assert "REPLACE-ME" in url  # a template: no real password in the repository
    assert make_url(url).get_backend_name() == "postgresql"
    assert store.database_url({"CORRIDORMAP_DATABASE_URL": url}) == url


def test_the_image_installs_the_postgresql_driver():
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    deps = pyproject.split("dependencies = [", 1)[1].split("]\n", 1)[0]
    assert '"psycopg[binary]' in deps
    pins = (REPO / "constraints.txt").read_text(encoding="utf-8").lower().splitlines()
    for name in ("psycopg", "psycopg-binary", "sqlalchemy", "alembic"):
        assert any(line.startswith(f"{name}==") for line in pins), name


def test_make_cluster_uses_the_url_it_is_given(tmp_path):
    url = f"sqlite:///{tmp_path / 'given.sqlite3'}"
    db = cluster.shared_database({"CORRIDORMAP_DATABASE_URL": url}, var=tmp_path / "var")
    assert (db.url, db.server) == (url, None)
    assert "CORRIDORMAP_DATABASE_URL" in db.description
    assert not (tmp_path / "var").exists()


def test_make_cluster_without_postgresql_shares_one_sqlite_file(tmp_path, monkeypatch):
    monkeypatch.setattr(cluster, "postgres_bin", lambda: None)
    db = cluster.shared_database({}, var=tmp_path / "var")
    assert db.url == f"sqlite:///{tmp_path / 'var' / 'corridormap.sqlite3'}"
    assert "SQLite" in db.description
    assert "not installed" in db.description
    cluster.migrate(db.url)
    s = store.open_store(db.url)
    try:
        assert s.list(store.LOCAL) == []
    finally:
        s.close()


def test_make_cluster_starts_its_own_postgresql_and_finds_it_again():
    if cluster.postgres_bin() is None:
        if pgserver.required():
            pytest.fail("CORRIDORMAP_REQUIRE_POSTGRES=1 but there are no PostgreSQL binaries")
        pytest.skip("no PostgreSQL binaries (initdb, pg_ctl) on this machine")
    # a folder the postgres OS user can reach (pytest's tmp_path is private to root)
    var = Path(tempfile.mkdtemp(prefix="corridormap-var-"))
    var.chmod(0o755)
    first = cluster.shared_database({}, var=var)
    try:
        assert first.server is not None
        assert "PostgreSQL on 127.0.0.1:" in first.description
        assert make_url(first.url).database == "corridormap"
        cluster.migrate(first.url)
        s = store.open_store(first.url)
        made = s.create(store.LOCAL, {"title": "Kept", "scenes": []})
        s.close()
        # a runner killed without stopping its server: the next run finds it and its port
        again = cluster.shared_database({}, var=var)
        assert again.url == first.url
        assert again.server is not None
        assert not again.server.started  # it did not start a second server
        s = store.open_store(again.url)
        assert s.get(store.LOCAL, made.id).document["title"] == "Kept"
        s.close()
        # stopped and started again: the data is still there (var/postgres is kept)
        first.stop()
        third = cluster.shared_database({}, var=var)
        try:
            assert third.server is not None
            assert third.server.started
            s = store.open_store(third.url)
            assert [b.title for b in s.list(store.LOCAL)] == ["Kept"]
            s.close()
        finally:
            third.stop()
    finally:
        # whatever happened above: no server left running on the folder, no folder left
        server = first.server
        assert server is not None
        server._run(str(server.bin / "pg_ctl"), "-D", str(server.data), "-m", "fast", "stop")
        shutil.rmtree(var, ignore_errors=True)


def test_make_cluster_says_why_when_there_is_no_database(tmp_path):
    """An unreachable database stops `cluster.py run` before any replica, in words (the
    password never shown), exit 1."""
    env = {**os.environ, "CORRIDORMAP_DATABASE_URL": "postgresql://u:s3cretpw@127.0.0.1:1/x"}
    out = subprocess.run(
        [sys.executable, str(DEPLOY / "cluster.py"), "run", "--port", "1", "--replicas", "1"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert out.returncode == 1
    assert "no database for the briefings: cannot open the database at postgresql" in out.stderr
    assert "s3cretpw" not in out.stderr + out.stdout
    assert "Traceback" not in out.stderr
