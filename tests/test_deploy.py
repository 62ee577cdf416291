"""The deployment files, checked offline: the Dockerfile's shape, the compose file against the
compose-spec schema, the Kubernetes manifests against Kubernetes' schemas, the HAProxy
configuration both ways it is rendered (HAProxy's own check, where HAProxy is installed), and
the warm start.

No container is built or run here (no Docker daemon in CI); ``make cluster`` and
``tests/browser/test_cluster.py`` run the same topology without containers.
"""

from __future__ import annotations

import json
import re
import shlex
import signal
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
DEPLOY = REPO / "deploy"
sys.path.insert(0, str(DEPLOY))
import cluster  # noqa: E402 - deploy/ is not a package

KUBERNETES_VERSION = "1.33.0"  # the oldest release with the preStop sleep action
COMPOSE_SCHEMA = Path(__file__).resolve().parent / "schemas" / "compose-spec.json"


# -- Dockerfile -------------------------------------------------------------------------------


def dockerfile() -> list[tuple[str, str]]:
    """(instruction, arguments) per instruction, continuation lines joined, comments dropped."""
    text = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    text = re.sub(r"\\\n", " ", text)
    out = []
    for raw in text.splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def stages() -> list[list[tuple[str, str]]]:
    found: list[list[tuple[str, str]]] = []
    for instr in dockerfile():
        if instr[0] == "FROM":
            found.append([])
        if found:
            found[-1].append(instr)
    return found


def test_the_image_is_built_in_stages_on_a_slim_python():
    froms = [args for instr, args in dockerfile() if instr == "FROM"]
    assert len(froms) >= 2
    args = dict(a.split("=", 1) for i, a in dockerfile() if i == "ARG" and "=" in a)
    assert "slim" in args["PYTHON_IMAGE"]
    assert all(f.startswith("${PYTHON_IMAGE}") for f in froms)
    final = stages()[-1]
    # the final stage takes the environment from the build stage; it installs nothing itself
    assert any(i == "COPY" and a.startswith("--from=build /opt/venv") for i, a in final)
    assert not [a for i, a in final if i == "RUN" and re.search(r"pip install|apt-get", a)]


def test_the_final_stage_runs_as_a_numeric_non_root_user():
    users = [a for i, a in stages()[-1] if i == "USER"]
    assert users
    assert users[-1].split(":")[0].isdigit()
    assert int(users[-1].split(":")[0]) != 0


def test_only_runtime_dependencies_are_installed():
    installs = " ".join(a for i, a in dockerfile() if i == "RUN" and "pip install" in a)
    assert "-c constraints.txt" in installs
    assert not re.search(r"\[(test|bench)", installs)
    for tool in ("pytest", "playwright", "hypothesis", "ruff", "mypy", "chromium", "py-spy"):
        assert tool not in installs.lower()


def test_data_and_vendored_assets_are_baked_in_and_the_server_warms_first():
    copies = [a for i, a in stages()[-1] if i == "COPY"]
    for folder in ("data", "static", "app_pages", ".streamlit"):
        assert any(a.split()[0] == folder for a in copies), folder
    cmd = json.loads(next(a for i, a in stages()[-1] if i == "CMD"))
    assert cmd == ["python", "deploy/serve.py"]


def test_the_healthcheck_asks_streamlits_health_endpoint():
    check = next(a for i, a in stages()[-1] if i == "HEALTHCHECK")
    assert "deploy/healthcheck.py" in check
    assert "/_stcore/health" in (DEPLOY / "healthcheck.py").read_text(encoding="utf-8")


def test_configuration_comes_from_environment_variables():
    env = " ".join(a for i, a in stages()[-1] if i == "ENV")
    for name in ("STREAMLIT_SERVER_PORT", "CORRIDORMAP_UPLOAD_MAX_MB", "MPLCONFIGDIR"):
        assert name in env


def test_the_build_context_leaves_out_what_the_image_does_not_need():
    ignored = set((REPO / ".dockerignore").read_text(encoding="utf-8").split())
    assert {".git", ".venv", "tests", "bench", "docs"} <= ignored
    for needed in ("src", "data", "static", "app_pages", "app.py", ".streamlit"):
        assert needed not in ignored


# -- compose ----------------------------------------------------------------------------------


def compose() -> dict[str, Any]:
    return dict(yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8")))


def test_the_compose_file_is_valid_against_the_compose_spec():
    schema = json.loads(COMPOSE_SCHEMA.read_text(encoding="utf-8"))
    errors = [
        f"{'/'.join(map(str, e.path))}: {e.message}"
        for e in jsonschema.Draft7Validator(schema).iter_errors(compose())
    ]
    assert errors == []


def test_the_schema_rejects_a_broken_compose_file():
    """The validation above can fail: a service with an unknown key does not pass."""
    schema = json.loads(COMPOSE_SCHEMA.read_text(encoding="utf-8"))
    broken = compose()
    broken["services"]["app"]["replica"] = 2
    assert not jsonschema.Draft7Validator(schema).is_valid(broken)


def test_compose_puts_replicas_behind_the_proxy_and_stops_it_gracefully():
    services = compose()["services"]
    app, proxy = services["app"], services["proxy"]
    assert "replicas" in app["deploy"]
    assert app["healthcheck"]["test"][-1] == "deploy/healthcheck.py"
    assert app["read_only"] is True
    assert proxy["stop_signal"] == "SIGUSR1"
    assert proxy["depends_on"]["app"]["condition"] == "service_healthy"
    assert proxy["depends_on"]["haproxy-config"]["condition"] == "service_completed_successfully"
    render = services["haproxy-config"]["command"]
    assert render[:3] == ["python", "deploy/cluster.py", "render"]


def interpolate(value: str) -> str:
    """Compose's ``${NAME:-default}`` with every variable unset."""
    return re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", value)


def haproxy_check(config: Path) -> subprocess.CompletedProcess[str]:
    binary = cluster.haproxy_binary()
    if binary is None:
        pytest.skip("haproxy not installed (apt-get install -y haproxy)")
    return subprocess.run(
        [binary, "-c", "-dW", "-f", str(config)], capture_output=True, text=True, check=False
    )


def test_the_config_compose_renders_passes_haproxys_check(tmp_path):
    render = [interpolate(str(a)) for a in compose()["services"]["haproxy-config"]["command"]]
    out = tmp_path / "haproxy.cfg"
    args = render[3:]
    args[args.index("--output") + 1] = str(out)
    assert cluster.main(["render", *args]) == 0
    text = out.read_text(encoding="utf-8")
    assert "server-template app 8 app:8501" in text
    assert "cookie SERVERID insert indirect nocache httponly dynamic" in text
    result = haproxy_check(out)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("base_path", ["", "corridormap"])
def test_the_config_make_cluster_renders_passes_haproxys_check(tmp_path, base_path):
    servers = [cluster.Server("app1", "127.0.0.1:9001"), cluster.Server("app2", "127.0.0.1:9002")]
    text = cluster.render(
        bind="127.0.0.1:9000",
        servers=servers,
        base_path=base_path,
        pidfile=str(tmp_path / "pid"),
        stats_socket=str(tmp_path / "sock"),
    )
    prefix = f"/{base_path}" if base_path else ""
    assert "server app1 127.0.0.1:9001 cookie app1 check" in text
    assert f"option httpchk GET {prefix}/_stcore/health" in text
    assert f"-m beg {prefix}/app/static/vendor/" in text
    assert re.search(r"compression type .*application/javascript", text)
    assert "timeout tunnel" in text
    # runs as whoever starts it: no chroot, no user switch, no daemon
    assert not re.search(r"^\s*(chroot|user|group|daemon)\b", text, re.MULTILINE)
    (tmp_path / "haproxy.cfg").write_text(text, encoding="utf-8")
    result = haproxy_check(tmp_path / "haproxy.cfg")
    assert result.returncode == 0, result.stdout + result.stderr


def test_render_needs_replicas():
    with pytest.raises(ValueError, match="replicas"):
        cluster.render(bind=":80")


# -- Kubernetes -------------------------------------------------------------------------------


def manifests() -> dict[str, dict[str, Any]]:
    docs = {}
    for path in sorted((DEPLOY / "k8s").glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            docs[doc["kind"]] = doc
    return docs


def test_every_manifest_is_valid_against_the_kubernetes_schema():
    docs = manifests()
    assert {"Deployment", "Service", "Ingress", "HorizontalPodAutoscaler"} <= set(docs)
    for doc in docs.values():
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


def test_the_schema_rejects_a_broken_manifest():
    broken = manifests()["Deployment"]
    broken["spec"]["replica"] = 2
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSION, strict=True)


def test_the_deployment_is_probed_and_locked_down():
    pod = manifests()["Deployment"]["spec"]["template"]["spec"]
    (app,) = pod["containers"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert app["securityContext"]["readOnlyRootFilesystem"] is True
    assert app["securityContext"]["allowPrivilegeEscalation"] is False
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert app[probe]["httpGet"]["path"] == "/_stcore/health"
    assert {"cpu", "memory"} <= set(app["resources"]["requests"])
    # the read-only root leaves /tmp writable (HOME and matplotlib's cache point there)
    assert [m["mountPath"] for m in app["volumeMounts"]] == ["/tmp"]  # noqa: S108


def test_service_ingress_and_autoscaler_point_at_the_deployment():
    docs = manifests()
    labels = docs["Deployment"]["spec"]["template"]["metadata"]["labels"]
    assert docs["Service"]["spec"]["selector"].items() <= labels.items()
    backend = docs["Ingress"]["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend["name"] == docs["Service"]["metadata"]["name"]
    notes = docs["Ingress"]["metadata"]["annotations"]
    assert notes["nginx.ingress.kubernetes.io/affinity"] == "cookie"
    assert int(notes["nginx.ingress.kubernetes.io/proxy-read-timeout"]) >= 3600
    target = docs["HorizontalPodAutoscaler"]["spec"]["scaleTargetRef"]
    assert target["name"] == docs["Deployment"]["metadata"]["name"]


# -- warm start -------------------------------------------------------------------------------


def test_warm_fills_the_caches_a_first_paint_reads():
    """After warm(), the default view's overlay JSON is a cache hit (serialising is not called
    again), and streamlit-folium is left for the first script run, which registers it."""
    code = textwrap.dedent(
        """
        import sys
        from unittest import mock
        sys.path.insert(0, {repo!r})
        from app_pages import _data, _warm
        from corridormap import links, mapbuild
        took = _warm.warm()
        state, _ = links.parse({{}}, _data.vocabulary())
        with mock.patch.object(mapbuild, "overlay_json", side_effect=AssertionError("miss")):
            _data.overlay_json(state.filters)
        print(sorted(took), "streamlit_folium" in sys.modules)
        """
    ).format(repo=str(REPO))
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd=REPO
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "['caches', 'imports', 'templates'] False"


def test_make_cluster_runs_the_cluster_runner():
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\ncluster:", 1)[1].splitlines()[1]
    assert shlex.split(recipe.strip())[1:3] == ["deploy/cluster.py", "run"]


def test_make_clusters_runner_stops_everything_on_sigterm():
    """`deploy/cluster.py run` in the foreground: SIGTERM stops HAProxy (its soft stop, not a
    kill once the grace period is out: its master sometimes lost the first signal) and the
    replicas."""
    if cluster.haproxy_binary() is None:
        pytest.skip("haproxy not installed (apt-get install -y haproxy)")
    port = cluster.free_port()
    proc = subprocess.Popen(
        [sys.executable, str(DEPLOY / "cluster.py"), "run", "--port", str(port), "--replicas", "1"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert proc.stdout is not None
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if "Ctrl-C stops" in line:
                break
        banner = lines[-1]
        assert f"http://127.0.0.1:{port}/ -> app1 127.0.0.1:" in banner, "".join(lines)[-3000:]
        replica = int(re.search(r"app1 127\.0\.0\.1:(\d+)", banner)[1])
        assert cluster.healthy(f"http://127.0.0.1:{port}/_stcore/health")
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
        rest = proc.stdout.read()
        assert "HAProxy did not stop" not in rest, rest[-3000:]
        assert "Exiting Master process" in rest, rest[-3000:]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert not cluster.healthy(f"http://127.0.0.1:{port}/_stcore/health")
    assert not cluster.healthy(f"http://127.0.0.1:{replica}/_stcore/health")
