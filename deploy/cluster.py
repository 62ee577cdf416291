"""corridormap's replicas behind HAProxy on one machine, without containers.

    python deploy/cluster.py run --port 8500 --replicas 2     # what `make cluster` runs
    python deploy/cluster.py render --dns app:8501 --slots 8  # the config compose.yaml uses

``run`` starts ``--replicas`` copies of ``deploy/serve.py`` (each warms its caches, then
serves ``app.py``) on free loopback ports, renders ``deploy/haproxy.cfg.j2`` for them, starts
``haproxy`` in the foreground as the current user with its pid file and socket in a
temporary folder, and stays in the foreground: on Ctrl-C or SIGTERM it soft-stops HAProxy
(open connections may finish), stops the replicas and removes the folder. A replica that
exits (a crash, an out-of-memory kill, SIGKILL) is started again on its port while HAProxy and
the other replicas go on serving (HAProxy sends its sessions to another replica meanwhile, and
the app tells their users that their own uploaded layers are gone); a replica that keeps
exiting (``MAX_RESTARTS`` within ``RESTART_WINDOW`` seconds), or HAProxy exiting, stops
everything and the exit code says so.

Every replica uses ONE database, so a briefing saved through one is seen through all:
``CORRIDORMAP_DATABASE_URL`` if set; else a PostgreSQL server ``run`` starts itself (initdb
and pg_ctl, data kept in ``var/postgres``, as the ``postgres`` OS user when run as root) when
PostgreSQL's binaries are installed; else the one SQLite file ``var/corridormap.sqlite3``
(WAL, fine for a few replicas on one machine). The banner says which.

``render`` writes the same template for replicas found by DNS (one name that resolves to
every replica, as a compose service or a Kubernetes headless service does), with cookies
derived from each replica's address (HAProxy's dynamic cookies).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

import jinja2

REPO = Path(__file__).resolve().parents[1]
VAR = REPO / "var"
DATABASE_ENV = "CORRIDORMAP_DATABASE_URL"
TEMPLATE = Path(__file__).resolve().with_name("haproxy.cfg.j2")
SERVE = Path(__file__).resolve().with_name("serve.py")
COOKIE = "SERVERID"
GRACE_SECONDS = 30
#: A replica restarted this many times within RESTART_WINDOW seconds is given up on.
MAX_RESTARTS = 5
RESTART_WINDOW = 300.0


@dataclass(frozen=True)
class Server:
    name: str
    address: str  # host:port


@dataclass(frozen=True)
class Resolver:
    host: str
    port: int
    slots: int  # the most replicas HAProxy will take from DNS


def render(
    *,
    bind: str,
    servers: Sequence[Server] = (),
    resolver: Resolver | None = None,
    base_path: str = "",
    pidfile: str | None = None,
    stats_socket: str | None = None,
    log_stdout: bool = True,
    cookie_key: str = "corridormap",
    grace_seconds: int = GRACE_SECONDS,
) -> str:
    """The HAProxy configuration for these replicas (listed, or found by DNS)."""
    if not servers and resolver is None:
        raise ValueError("name the replicas, or a DNS name that finds them")
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE.parent),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,  # noqa: S701 - an HAProxy config, not HTML
    )
    prefix = "/" + base_path.strip("/") if base_path.strip("/") else ""
    return env.get_template(TEMPLATE.name).render(
        bind=bind,
        servers=list(servers),
        resolver=resolver,
        prefix=prefix,
        pidfile=pidfile,
        stats_socket=stats_socket,
        log_stdout=log_stdout,
        cookie=COOKIE,
        dynamic_cookies=cookie_key if resolver is not None else None,
        grace_seconds=grace_seconds,
    )


# -- one machine ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def haproxy_binary() -> str | None:
    """HAProxy on PATH (Debian installs it in /usr/sbin, which a user's PATH may lack)."""
    return shutil.which("haproxy") or shutil.which("haproxy", path="/usr/sbin:/usr/local/sbin")


def healthy(url: str) -> bool:
    with (
        contextlib.suppress(OSError, urllib.error.URLError),
        urllib.request.urlopen(url, timeout=1) as resp,
    ):
        return bool(resp.status == 200 and resp.read().strip() == b"ok")
    return False


@dataclass
class Cluster:
    """Replicas and HAProxy, started by ``start`` and stopped by ``stop``."""

    port: int
    replicas: int
    base_path: str = ""
    host: str = "127.0.0.1"
    streamlit_args: tuple[str, ...] = ()
    log_dir: Path | None = None
    #: the replicas' shared briefing database (None: CORRIDORMAP_DATABASE_URL as inherited)
    database_url: str | None = None
    workdir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="corridormap-")))
    servers: list[Server] = field(default_factory=list)
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    commands: dict[str, list[str]] = field(default_factory=dict)
    restarts: dict[str, list[float]] = field(default_factory=dict)

    @property
    def url(self) -> str:
        prefix = f"/{self.base_path.strip('/')}" if self.base_path.strip("/") else ""
        return f"http://{self.host}:{self.port}{prefix}/"

    def _log(self, name: str) -> Path:
        folder = self.log_dir or self.workdir
        folder.mkdir(parents=True, exist_ok=True)
        return folder / f"{name}.log"

    def _spawn(self, name: str, cmd: list[str], *, append: bool = False) -> None:
        # `make cluster` shows HAProxy's request log; the replicas' output goes to files
        to_terminal = self.log_dir is None and name == "haproxy"
        self.commands[name] = cmd
        with self._log(name).open("ab" if append else "wb") as log:
            self.procs[name] = subprocess.Popen(
                cmd,
                cwd=REPO,
                stdout=None if to_terminal else log,
                stderr=None if to_terminal else subprocess.STDOUT,
                env=self._env(),
                # its own session: a Ctrl-C reaches this runner, which stops them in order
                start_new_session=True,
            )

    def _env(self) -> dict[str, str]:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        if self.database_url is not None:
            env[DATABASE_ENV] = self.database_url
        return env

    def start(self, timeout: float = 120.0) -> None:
        binary = haproxy_binary()
        if binary is None:
            raise RuntimeError("haproxy is not installed (Debian: apt-get install -y haproxy)")
        base = self.base_path.strip("/")
        for i in range(1, self.replicas + 1):
            port = free_port()
            server = Server(f"app{i}", f"127.0.0.1:{port}")
            self.servers.append(server)
            self._spawn(
                server.name,
                [
                    sys.executable,
                    str(SERVE),
                    "--server.headless=true",
                    "--server.address=127.0.0.1",
                    f"--server.port={port}",
                    "--server.fileWatcherType=none",
                    "--browser.gatherUsageStats=false",
                    *([f"--server.baseUrlPath={base}"] if base else []),
                    *self.streamlit_args,
                ],
            )
        config = self.workdir / "haproxy.cfg"
        config.write_text(
            render(
                bind=f"{self.host}:{self.port}",
                servers=self.servers,
                base_path=base,
                pidfile=str(self.workdir / "haproxy.pid"),
                stats_socket=str(self.workdir / "haproxy.sock"),
            ),
            encoding="utf-8",
        )
        check = subprocess.run(
            [binary, "-c", "-q", "-dW", "-f", str(config)],
            capture_output=True,
            text=True,
            check=False,
        )
        if check.returncode != 0:
            self.stop()
            raise RuntimeError(f"haproxy rejected {config}:\n{check.stdout}{check.stderr}")
        self.wait_replicas(timeout)
        # -W: master-worker, so SIGUSR1 is a soft stop and SIGTERM a hard one
        self._spawn("haproxy", [binary, "-W", "-db", "-f", str(config)])
        self.wait_proxy(timeout=10)

    def wait_replicas(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        prefix = f"/{self.base_path.strip('/')}" if self.base_path.strip("/") else ""
        pending = list(self.servers)
        while pending:
            for server in list(pending):
                proc = self.procs[server.name]
                if proc.poll() is not None:
                    log = self._log(server.name).read_text(encoding="utf-8", errors="replace")
                    self.stop()
                    raise RuntimeError(f"{server.name} exited ({proc.returncode}):\n{log[-3000:]}")
                if healthy(f"http://{server.address}{prefix}/_stcore/health"):
                    pending.remove(server)
            if pending and time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"not healthy after {timeout:.0f} s: {pending}")
            time.sleep(0.1)

    def wait_proxy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        prefix = f"/{self.base_path.strip('/')}" if self.base_path.strip("/") else ""
        while not healthy(f"http://{self.host}:{self.port}{prefix}/_stcore/health"):
            if self.procs["haproxy"].poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"haproxy did not answer on port {self.port}")
            time.sleep(0.05)

    def exited(self) -> str | None:
        """The first process that exited, if any."""
        for name, proc in self.procs.items():
            if proc.poll() is not None:
                return f"{name} exited with code {proc.returncode}"
        return None

    def dead_replicas(self) -> list[str]:
        """The replicas whose process has exited."""
        return [n for n, p in self.procs.items() if n != "haproxy" and p.poll() is not None]

    def restart_replica(self, name: str) -> None:
        """Start a replica that exited again, with its command, port and log (appended)."""
        self.restarts.setdefault(name, []).append(time.monotonic())
        with self._log(name).open("ab") as log:
            code = self.procs[name].returncode
            log.write(f"\n--- corridormap: {name} exited ({code}); restarting ---\n".encode())
        self._spawn(name, self.commands[name], append=True)

    def too_many_restarts(self, name: str) -> bool:
        recent = [t for t in self.restarts.get(name, []) if time.monotonic() - t < RESTART_WINDOW]
        self.restarts[name] = recent
        return len(recent) >= MAX_RESTARTS

    def supervise_once(self) -> tuple[list[str], str | None]:
        """Restart the replicas that exited. Returns (the replicas restarted, why the cluster
        must stop: HAProxy exited, or a replica keeps exiting; None while it can serve)."""
        proxy = self.procs.get("haproxy")
        if proxy is not None and proxy.poll() is not None:
            return [], f"haproxy exited with code {proxy.returncode}"
        restarted: list[str] = []
        for name in self.dead_replicas():
            if self.too_many_restarts(name):
                return restarted, (
                    f"{name} exited {MAX_RESTARTS} times within {RESTART_WINDOW:.0f} s"
                )
            self.restart_replica(name)
            restarted.append(name)
        return restarted, None

    def stop(self) -> None:
        """Soft-stop HAProxy, then stop the replicas; remove the work folder."""
        proxy = self.procs.get("haproxy")
        if proxy is not None and proxy.poll() is None:
            # Again each second: HAProxy's master sometimes loses a SIGUSR1 that comes just
            # after it started (seen one time in three when a stop followed the first health
            # answer: it went on serving until killed 35 s later); a second one during a soft
            # stop changes nothing.
            deadline = time.monotonic() + GRACE_SECONDS + 5
            while proxy.poll() is None and time.monotonic() < deadline:
                proxy.send_signal(signal.SIGUSR1)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proxy.wait(timeout=1)
            if proxy.poll() is None:
                print(
                    f"corridormap: HAProxy did not stop in {GRACE_SECONDS + 5} s; killed it",
                    file=sys.stderr,
                    flush=True,
                )
                proxy.kill()
                proxy.wait()
        replicas = [p for n, p in self.procs.items() if n != "haproxy"]
        for proc in replicas:
            if proc.poll() is None:
                proc.terminate()
        for proc in replicas:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        shutil.rmtree(self.workdir, ignore_errors=True)

    def replica_pids(self) -> dict[str, int]:
        return {n: p.pid for n, p in self.procs.items() if n != "haproxy"}


@contextlib.contextmanager
def running(
    replicas: int,
    *,
    port: int | None = None,
    base_path: str = "",
    log_dir: Path | None = None,
    streamlit_args: tuple[str, ...] = (),
    database_url: str | None = None,
    supervise: bool = False,
) -> Iterator[Cluster]:
    """A started cluster for tests and benchmarks, stopped on leaving the block. Its replicas
    share ``database_url`` (default: ``CORRIDORMAP_DATABASE_URL`` as inherited); with
    ``supervise``, replicas that exit are restarted as ``run`` does."""
    cluster = Cluster(
        port=port or free_port(),
        replicas=replicas,
        base_path=base_path,
        log_dir=log_dir,
        streamlit_args=streamlit_args,
        database_url=database_url,
    )
    cluster.start()
    stop = threading.Event()
    watcher = threading.Thread(
        target=_supervise, args=(cluster, stop), name="cluster-supervisor", daemon=True
    )
    if supervise:
        watcher.start()
    try:
        yield cluster
    finally:
        stop.set()
        if supervise:
            watcher.join(10)
        cluster.stop()


def _supervise(cluster: Cluster, stop: threading.Event) -> None:
    """``supervise_once`` every half second until ``stop`` (``running(supervise=True)``)."""
    while not stop.wait(0.5):
        if cluster.supervise_once()[1] is not None:
            return


# -- the shared database ----------------------------------------------------------------------


def postgres_bin() -> Path | None:
    """PostgreSQL's server binaries (initdb, pg_ctl): Debian's layout, else PATH."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


@dataclass
class Postgres:
    """A PostgreSQL server for the cluster: data in ``root/data`` (kept between runs), a
    loopback port, trust authentication on 127.0.0.1 and a socket in ``root`` only."""

    bin: Path
    root: Path
    port: int = 0
    as_user: str | None = None  # "postgres" when started by root (initdb refuses root)
    started: bool = False

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/corridormap"

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        prefix = ["runuser", "-u", self.as_user, "--"] if self.as_user else []
        return subprocess.run(
            [*prefix, *args], capture_output=True, text=True, check=False, timeout=120
        )

    def _running_port(self) -> int | None:
        """The port of a server already running on this data folder (a previous run that
        was killed), from its postmaster.pid; None when none runs."""
        status = self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "status")
        pidfile = self.data / "postmaster.pid"
        if status.returncode != 0 or not pidfile.is_file():
            return None
        lines = pidfile.read_text(encoding="utf-8", errors="replace").splitlines()
        return int(lines[3]) if len(lines) > 3 and lines[3].strip().isdigit() else None

    def start(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        if self.as_user:
            import pwd  # noqa: PLC0415 - POSIX only, and only as root

            user = pwd.getpwnam(self.as_user)
            os.chown(self.root, user.pw_uid, user.pw_gid)
        if not (self.data / "PG_VERSION").is_file():
            init = self._run(
                str(self.bin / "initdb"),
                "-D",
                str(self.data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C",
            )
            if init.returncode != 0:
                raise RuntimeError(f"initdb failed:\n{init.stdout}{init.stderr}")
        running = self._running_port()
        if running is not None:
            self.port = running
        else:
            self.port = free_port()
            options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1"
            start = self._run(
                str(self.bin / "pg_ctl"),
                "-D",
                str(self.data),
                "-o",
                options,
                "-l",
                str(self.root / "server.log"),
                "-w",
                "-t",
                "60",
                "start",
            )
            if start.returncode != 0:
                raise RuntimeError(f"pg_ctl start failed:\n{start.stdout}{start.stderr}")
            self.started = True
        self._create_database()

    def _create_database(self) -> None:
        import psycopg  # noqa: PLC0415 - only when the cluster runs PostgreSQL

        dsn = f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres"
        try:
            with psycopg.connect(dsn, autocommit=True) as conn:
                found = conn.execute(
                    "SELECT 1 FROM pg_database WHERE datname = %s", ("corridormap",)
                ).fetchone()
                if found is None:
                    conn.execute("CREATE DATABASE corridormap")
        except psycopg.Error as exc:
            raise RuntimeError(f"PostgreSQL on port {self.port}: {exc}") from exc

    def stop(self) -> None:
        if self.started:
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "stop")
            self.started = False


@dataclass
class SharedDatabase:
    """The database every replica of ``make cluster`` uses, and what the banner says."""

    url: str
    description: str
    server: Postgres | None = None

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()


def shared_database(env: dict[str, str] | None = None, var: Path = VAR) -> SharedDatabase:
    """``CORRIDORMAP_DATABASE_URL`` if set; else PostgreSQL under ``var/postgres`` when its
    binaries are installed; else the SQLite file ``var/corridormap.sqlite3``."""
    env = dict(os.environ) if env is None else env
    given = env.get(DATABASE_ENV, "").strip()
    if given:
        return SharedDatabase(given, f"the database in {DATABASE_ENV}")
    binaries = postgres_bin()
    if binaries is not None:
        server = Postgres(
            binaries, var / "postgres", as_user="postgres" if os.geteuid() == 0 else None
        )
        server.start()
        return SharedDatabase(
            server.url, f"PostgreSQL on 127.0.0.1:{server.port} (data in {server.data})", server
        )
    path = var / "corridormap.sqlite3"
    return SharedDatabase(
        f"sqlite:///{path}",
        f"one SQLite file, {path} (PostgreSQL is not installed)",
    )


def migrate(url: str) -> None:
    """Create or upgrade the schema once before the replicas start (they would too)."""
    from corridormap import store  # noqa: PLC0415 - the app's package, installed with it

    try:
        store.open_store(url).close()
    except store.StoreError as exc:  # its message never shows a password
        raise RuntimeError(str(exc)) from exc


class _SignalledError(Exception):
    """SIGTERM or SIGINT arrived."""


def _raise_stop(signum: int, _frame: FrameType | None) -> None:
    raise _SignalledError(signal.Signals(signum).name)


def run(args: argparse.Namespace) -> int:
    cluster = Cluster(port=args.port, replicas=args.replicas, base_path=args.base_path)
    signal.signal(signal.SIGTERM, _raise_stop)
    signal.signal(signal.SIGINT, _raise_stop)
    database: SharedDatabase | None = None
    try:
        try:
            database = shared_database()
            migrate(database.url)
        except (RuntimeError, OSError) as exc:
            print(f"corridormap: no database for the briefings: {exc}", file=sys.stderr)
            return 1
        cluster.database_url = database.url
        print(f"corridormap: briefings in {database.description}", flush=True)
        cluster.start()
        names = ", ".join(f"{s.name} {s.address}" for s in cluster.servers)
        print(f"corridormap: {cluster.url} -> {names} (Ctrl-C stops)", flush=True)
        while True:
            restarted, fatal = cluster.supervise_once()
            for name in restarted:
                print(f"corridormap: {name} exited; restarted it", file=sys.stderr, flush=True)
            if fatal is not None:
                print(f"corridormap: {fatal}; stopping", file=sys.stderr, flush=True)
                return 1
            time.sleep(0.5)
    except _SignalledError as stop:
        print(f"corridormap: {stop}, stopping", flush=True)
        return 0
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        cluster.stop()
        if database is not None:
            database.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    sub = parser.add_subparsers(dest="command", required=True)
    p_run = sub.add_parser("run", help="replicas and HAProxy here, in the foreground")
    p_run.add_argument("--port", type=int, default=8500)
    p_run.add_argument("--replicas", type=int, default=2)
    p_run.add_argument("--base-path", default=os.environ.get("STREAMLIT_SERVER_BASE_URL_PATH", ""))
    p_render = sub.add_parser("render", help="print the config for replicas found by DNS")
    p_render.add_argument("--dns", required=True, help="HOST:PORT that resolves to the replicas")
    p_render.add_argument("--slots", type=int, default=8, help="the most replicas to take")
    p_render.add_argument("--bind", default=":8080")
    p_render.add_argument("--base-path", default="")
    p_render.add_argument("--cookie-key", default=os.environ.get("CORRIDORMAP_COOKIE_KEY", ""))
    p_render.add_argument("-o", "--output", type=Path)
    args = parser.parse_args(argv)
    if args.command == "run":
        return run(args)
    host, _, port = args.dns.rpartition(":")
    text = render(
        bind=args.bind,
        resolver=Resolver(host, int(port), args.slots),
        base_path=args.base_path,
        cookie_key=args.cookie_key or "corridormap",
    )
    if args.output is None:
        sys.stdout.write(text)
    else:
        args.output.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
