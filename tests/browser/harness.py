"""Drive the app in headless Debian Chromium with every off-machine request blocked.

Shared by ``tests/browser/conftest.py`` and ``bench/cold_start.py``: start ``streamlit run``
on a free loopback port, wait for ``/_stcore/health``, launch ``/usr/bin/chromium`` through
Playwright, record what a page asks for (``PageProbe``), and wait for the map to paint inside
streamlit-folium's iframe.

Off-machine requests are blocked by the browser's proxy: Chromium is told to send everything
that is not for a loopback address (which it never proxies) to ``ProxySink``, a loopback port
in this process that writes down each connection's first line (``CONNECT host:443``, ``GET
http://…``) and closes it unanswered. So nothing leaves the machine, whatever asks (a page, a
worker, a preconnect), and the probe counts each attempt twice: the page's request and the
sink's connection. (Blocking in Playwright's request routing instead made every request a
round trip through the test and turned the browser's cache off: each page load then cost
about a second more of CPU.)
"""

from __future__ import annotations

import contextlib
import os
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Frame, Page, Playwright

REPO = Path(__file__).resolve().parents[2]
APP = REPO / "app.py"
CHROMIUM = Path(os.environ.get("CORRIDORMAP_CHROMIUM", "/usr/bin/chromium"))
# Without the background-networking flags Chromium calls outside hosts at every start.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
#: The window the browser tests and benchmarks open pages in, unless a test says otherwise.
VIEWPORT = {"width": 1400, "height": 900}
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
LOCAL_SCHEMES = frozenset({"data", "blob", "about", "file"})
MAP_IFRAME = 'iframe[src*="/component/streamlit_folium.st_folium/"]'
#: What a session's first run shows where it holds something back until the map is drawn
#: (app_pages/_first.py); gone once the rerun the map's report causes has finished.
HELD_BACK = "appear once the map is drawn"
#: True once the page holds nothing back and no element waits for its code (a skeleton).
WHOLE_PAGE_JS = (
    "(text) => !document.body.innerText.includes(text)"
    " && !document.querySelector('[data-testid=\"stSkeleton\"]')"
)


# -- the server -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class StreamlitServer:
    """A ``streamlit run`` subprocess on 127.0.0.1."""

    proc: subprocess.Popen[bytes]
    port: int
    base_path: str  # "" or e.g. "corridormap" (no slashes)
    log_path: Path
    started: float  # time.perf_counter() just before the process was spawned
    healthy_after: float = float("nan")  # seconds from spawn to /_stcore/health == "ok"

    @property
    def url(self) -> str:
        """The app's root URL, with a trailing slash."""
        prefix = f"/{self.base_path}" if self.base_path else ""
        return f"http://127.0.0.1:{self.port}{prefix}/"

    def log(self, tail: int = 4000) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-tail:]
        except OSError:
            return ""

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


def start_streamlit(
    app: Path = APP,
    *,
    cwd: Path | None = None,
    base_path: str = "",
    timeout: float = 30.0,
    log_dir: Path | None = None,
    extra_args: tuple[str, ...] = (),
    launcher: bool = False,
    database_url: str | None = None,
) -> StreamlitServer:
    """Start ``streamlit run app`` and return once ``/_stcore/health`` answers ``ok``.

    ``launcher``: ``app`` is a script that starts Streamlit itself and passes the options on
    (``deploy/serve.py``), run as ``python app [options]``.

    ``database_url``: the briefing database (``CORRIDORMAP_DATABASE_URL``); by default each
    server gets its own new SQLite file beside its log, so servers never share briefings
    unless a test passes them the same URL.

    Raises ``RuntimeError`` with the server's output if it exits or is not healthy in time.
    """
    port = free_port()
    base_path = base_path.strip("/")
    log_dir = log_dir or Path(tempfile.gettempdir())
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"streamlit-{port}.log"
    cmd = [
        sys.executable,
        *([str(app)] if launcher else ["-m", "streamlit", "run", str(app)]),
        "--server.headless=true",
        "--server.address=127.0.0.1",
        f"--server.port={port}",
        "--server.fileWatcherType=none",
        "--browser.gatherUsageStats=false",
        *([f"--server.baseUrlPath={base_path}"] if base_path else []),
        *extra_args,
    ]
    if database_url is None:
        db_dir = Path(tempfile.mkdtemp(prefix=f"corridormap-db-{port}-", dir=log_dir))
        database_url = f"sqlite:///{db_dir / 'corridormap.sqlite3'}"
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "CORRIDORMAP_DATABASE_URL": database_url}
    with log_path.open("wb") as log:
        started = time.perf_counter()
        proc = subprocess.Popen(
            cmd, cwd=cwd or app.parent, stdout=log, stderr=subprocess.STDOUT, env=env
        )
    server = StreamlitServer(proc, port, base_path, log_path, started)
    health = f"{server.url}_stcore/health"
    deadline = started + timeout
    while True:
        if proc.poll() is not None:
            raise RuntimeError(
                f"streamlit exited with code {proc.returncode} before it was healthy.\n"
                f"command: {' '.join(cmd)}\n--- output ---\n{server.log()}"
            )
        with (
            contextlib.suppress(OSError, urllib.error.URLError),
            urllib.request.urlopen(health, timeout=1) as resp,
        ):
            if resp.status == 200 and resp.read().strip() == b"ok":
                server.healthy_after = time.perf_counter() - started
                return server
        if time.perf_counter() > deadline:
            server.stop()
            raise RuntimeError(
                f"streamlit was not healthy at {health} after {timeout:.0f} s.\n"
                f"command: {' '.join(cmd)}\n--- output ---\n{server.log()}"
            )
        time.sleep(0.05)


# -- the browser ------------------------------------------------------------------------------


def browser_required() -> bool:
    """Whether a missing browser (or HAProxy) fails the tests instead of skipping them."""
    return os.environ.get("CORRIDORMAP_REQUIRE_BROWSER", "") not in ("", "0", "false")


def browser_unavailable() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} not found (apt-get install -y chromium)"
    try:
        import playwright.sync_api  # noqa: F401, PLC0415
    except ImportError as exc:
        return f"playwright is not installed: {exc}"
    return None


class ProxySink:
    """The browser's proxy: a loopback port that records the first line of each connection
    made to it (what the browser tried to reach off the machine) and closes it unanswered."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        sink = self

        class Handler(socketserver.StreamRequestHandler):
            timeout = 5

            def handle(self) -> None:
                with contextlib.suppress(OSError):
                    line = self.rfile.readline(4096).decode("latin-1").strip()
                    sink.seen.append(line or "(a connection that said nothing)")

        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    @property
    def address(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"


_sink: ProxySink | None = None

#: Where Chromium itself calls, whatever the page (Debian's build ships Google's API keys:
#: sign-in, component and extension updates, network time, form autofill, and the downloads
#: of its on-device models, from gvt1.com, seen once typing into a text field); blocked like
#: everything else, but not a page's doing, so not in a probe's count. A page asking one of
#: these hosts is still counted: by its request (``PageProbe.requested_off_machine``).
BROWSER_OWN_HOSTS = frozenset(
    {
        "accounts.google.com",
        "update.googleapis.com",
        "clients2.google.com",
        "content-autofill.googleapis.com",
        "optimizationguide-pa.googleapis.com",
        "clientservices.googleapis.com",
        "safebrowsing.googleapis.com",
        "dl.google.com",
    }
)
#: ... and the domains whose every host is the browser's (Google's download redirector).
BROWSER_OWN_DOMAINS = ("gvt1.com", "gvt2.com")


def browser_own(line: str) -> bool:
    """Whether the sink's ``line`` (``CONNECT host:443 …`` or ``GET http://host/… …``) is one
    of the browser's own calls."""
    parts = line.split()
    if len(parts) < 2:
        return False
    target = parts[1]
    host = urlsplit(target).hostname if "://" in target else target.rsplit(":", 1)[0]
    host = (host or "").lower()
    return host in BROWSER_OWN_HOSTS or any(
        host == domain or host.endswith("." + domain) for domain in BROWSER_OWN_DOMAINS
    )


def proxy_sink() -> ProxySink:
    """This process's sink (started on first use; one serves every browser it launches)."""
    global _sink  # noqa: PLW0603 - one per process, shared by the browsers it launches
    if _sink is None:
        _sink = ProxySink()
    return _sink


def launch_chromium(pw: Playwright) -> Browser:
    """Chromium whose only way off the machine is the sink (``--proxy-server`` set directly:
    Playwright's own proxy option would send loopback requests through it too)."""
    args = [*CHROMIUM_ARGS, f"--proxy-server={proxy_sink().address}"]
    return pw.chromium.launch(executable_path=str(CHROMIUM), args=args, headless=True)


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in LOCAL_SCHEMES:
        return True
    host = (parts.hostname or "").lower()
    return host in LOOPBACK_HOSTS or f"[{host}]" in LOOPBACK_HOSTS


@dataclass
class PageProbe:
    """Everything a page did that a clean offline render must not do, and what it loaded."""

    requested_off_machine: list[str] = field(default_factory=list)  # blocked by the proxy
    failed: list[str] = field(default_factory=list)  # requestfailed, other than the blocked
    http_errors: list[str] = field(default_factory=list)  # responses with status >= 400
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    responses: list[dict[str, Any]] = field(default_factory=list)  # url, status, bytes
    ws_frames_received: int = 0
    ws_bytes_received: int = 0  # payload bytes, as the page sees them (after inflate)
    ws_bytes_sent: int = 0
    record_bodies: bool = False
    _inflight: int = 0
    _last_activity: float = field(default_factory=time.perf_counter)
    _sink_from: int | None = None
    _contexts: list[BrowserContext] = field(default_factory=list)

    def attach(self, context: BrowserContext, page: Page) -> PageProbe:
        """Note every off-machine request of ``context`` (the proxy blocks them); listen on
        ``page``. A probe may be attached to several pages (of one context or more): the
        count starts at its first attach, and each context is listened to once."""
        if self._sink_from is None:
            self._sink_from = len(proxy_sink().seen)
        if not any(known is context for known in self._contexts):
            self._contexts.append(context)
            context.on("request", self._on_any_request)
        page.on("request", self._on_request)
        page.on("requestfinished", self._on_done)
        page.on("requestfailed", self._on_failed)
        page.on("response", self._on_response)
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.page_errors.append(str(exc)))
        page.on("websocket", self._on_websocket)
        return self

    def detach(self) -> None:
        """Stop listening to the contexts (a context outlives the test when it is shared)."""
        for context in self._contexts:
            context.remove_listener("request", self._on_any_request)
        self._contexts.clear()

    @property
    def blocked(self) -> list[str]:
        """What was asked of another machine since ``attach``, and blocked: the requests the
        context's pages made, then the connections the sink received (a request the page
        made shows in both), but for the browser's own calls to its vendor's services."""
        seen = proxy_sink().seen[self._sink_from or 0 :]
        sink = [line for line in seen if not browser_own(line)]
        return [*self.requested_off_machine, *(f"proxy: {line}" for line in sink)]

    def _on_any_request(self, request: Any) -> None:
        if not is_local(request.url):
            self.requested_off_machine.append(request.url)

    def _on_request(self, _request: Any) -> None:
        self._inflight += 1
        self._last_activity = time.perf_counter()

    def _on_done(self, _request: Any) -> None:
        self._inflight -= 1
        self._last_activity = time.perf_counter()

    def wait_quiet(self, page: Page, quiet_ms: float = 1000, timeout_ms: float = 15_000) -> None:
        """Wait until no HTTP request is in flight and none started for ``quiet_ms``.

        (Playwright's "networkidle" proved unreliable with Streamlit under a base URL path.)
        """
        deadline = time.perf_counter() + timeout_ms / 1000
        while time.perf_counter() < deadline:
            idle = time.perf_counter() - self._last_activity
            if self._inflight <= 0 and idle * 1000 >= quiet_ms:
                return
            page.wait_for_timeout(100)
        raise AssertionError(
            f"network not quiet after {timeout_ms / 1000:.0f} s ({self._inflight} in flight)"
        )

    def _on_failed(self, request: Any) -> None:
        self._on_done(request)
        if not is_local(request.url):  # blocked by the proxy: counted in ``blocked``
            return
        self.failed.append(f"{request.url}: {request.failure}")

    def _on_response(self, response: Any) -> None:
        if response.status >= 400:
            self.http_errors.append(f"{response.status} {response.url}")
        entry: dict[str, Any] = {"url": response.url, "status": response.status}
        if self.record_bodies:
            entry["response"] = response  # sizes are read later, see collect_sizes()
        self.responses.append(entry)

    def _on_console(self, msg: Any) -> None:
        if msg.type == "error":
            loc = msg.location or {}
            self.console_errors.append(f"{msg.text} ({loc.get('url', '')}:{loc.get('lineNumber')})")

    def _on_websocket(self, ws: Any) -> None:
        def received(payload: str | bytes) -> None:
            self.ws_frames_received += 1
            self.ws_bytes_received += len(payload.encode() if isinstance(payload, str) else payload)

        def sent(payload: str | bytes) -> None:
            self.ws_bytes_sent += len(payload.encode() if isinstance(payload, str) else payload)

        ws.on("framereceived", received)
        ws.on("framesent", sent)

    def collect_sizes(self) -> None:
        """Fill in ``body_bytes`` (decoded) and ``transfer_bytes`` (encoded body + headers)."""
        for entry in self.responses:
            response = entry.pop("response", None)
            if response is None:
                continue
            try:
                entry["body_bytes"] = len(response.body())
            except Exception:  # noqa: BLE001 - redirects and aborted loads have no body
                entry["body_bytes"] = 0
            try:
                sizes = response.request.sizes()
                entry["transfer_bytes"] = sizes["responseBodySize"] + sizes["responseHeadersSize"]
                entry["encoded_body_bytes"] = sizes["responseBodySize"]
            except Exception:  # noqa: BLE001
                entry["transfer_bytes"] = entry["encoded_body_bytes"] = 0
            entry["content_encoding"] = (response.headers or {}).get("content-encoding", "")

    def problems(self) -> dict[str, list[str]]:
        return {
            "blocked (off-machine)": self.blocked,
            "failed requests": self.failed,
            "HTTP errors": self.http_errors,
            "console errors": self.console_errors,
            "page errors": self.page_errors,
        }

    def assert_clean(self) -> None:
        found = {k: v for k, v in self.problems().items() if v}
        if found:
            lines = [f"{k}:\n" + "\n".join(f"  - {x}" for x in v) for k, v in found.items()]
            raise AssertionError("the page was not clean offline:\n" + "\n".join(lines))


def wait_for_map(
    page: Page,
    timeout_ms: float = 30_000,
    probe: PageProbe | None = None,
    *,
    whole_page: bool = True,
) -> Frame:
    """Wait until Leaflet drew vector paths in streamlit-folium's iframe; return that frame.

    The iframe stays 0 px high until Leaflet renders, so it is awaited as "attached". With
    ``whole_page``, also wait for what a session's first run holds back until the map is drawn
    (the filters, the legend, the tables: ``wait_for_whole_page``). On a timeout the error
    carries what ``probe`` saw (blocked requests, console errors...).
    """
    from playwright.sync_api import Error as PlaywrightError  # noqa: PLC0415

    step = "the map iframe"
    try:
        handle = page.wait_for_selector(MAP_IFRAME, state="attached", timeout=timeout_ms)
        frame = handle.content_frame() if handle is not None else None
        if frame is None:
            raise AssertionError("the map iframe has no content frame")
        step = ".leaflet-container in the iframe"
        frame.wait_for_selector(".leaflet-container", state="attached", timeout=timeout_ms)
        step = "path.leaflet-interactive in the iframe"
        frame.wait_for_selector("path.leaflet-interactive", state="attached", timeout=timeout_ms)
        if whole_page:
            step = "what the first run held back"
            wait_for_whole_page(page, timeout_ms)
    except PlaywrightError as exc:
        seen = {k: v for k, v in probe.problems().items() if v} if probe is not None else {}
        raise AssertionError(f"waiting for {step}: {exc.message.splitlines()[0]}; {seen}") from exc
    return frame


def wait_for_whole_page(page: Page, timeout_ms: float = 30_000) -> None:
    """Wait until no "appear once the map is drawn" line is left (the run the map's report
    causes has finished) and no element waits for its code (Streamlit draws a skeleton in
    its place meanwhile). Call it once the map is drawn: the lines come with it."""
    page.wait_for_function(WHOLE_PAGE_JS, arg=HELD_BACK, timeout=timeout_ms)


#: Resolves true once Streamlit has shown no "running" status for ``quiet`` ms on end, or
#: false after ``timeout`` ms.
SETTLED_JS = """
([quiet, timeout]) => new Promise((resolve) => {
  const start = performance.now();
  let since = start;
  const tick = () => {
    const now = performance.now();
    if (document.querySelector('[data-testid="stStatusWidget"]')) { since = now; }
    if (now - since >= quiet) { resolve(true); return; }
    if (now - start >= timeout) { resolve(false); return; }
    setTimeout(tick, 100);
  };
  tick();
})
"""


def settle(page: Page, quiet_ms: float = 1500, timeout_ms: float = 60_000) -> None:
    """Wait until no script run has been under way for ``quiet_ms``.

    A button drawn by a run that a later run replaced is stale: Streamlit forgets a stale
    download button's file (its log says "Deferred file ... not found") and nothing is
    downloaded. So a test settles the page before it clicks one (``download``)."""
    if not page.evaluate(SETTLED_JS, [quiet_ms, timeout_ms]):
        raise AssertionError(f"the app was still running after {timeout_ms / 1000:.0f} s")


def download(page: Page, button: Any, timeout_ms: float = 240_000) -> Any:
    """Click ``button`` (a locator) on the settled page; return Playwright's ``Download``."""
    settle(page)
    with page.expect_download(timeout=timeout_ms) as info:
        button.click()
    return info.value


#: Marks, in the page, the first drawn frame that shows the map: in the map's frame, once the
#: frame has its height, Leaflet has taken that size (the map is drawn and fitted for it, not
#: for the 0 px frame it starts in: ``_size`` is read, as ``getSize()`` would refresh it) and
#: has drawn a path; or deck.gl's canvas in the page (the pydeck peer). Set in each frame as
#: ``window.__cmPainted`` (epoch ms), read after the driver saw the map. The driver's own wait
#: (Playwright polling each frame) notices it later, so both are reported.
PAINT_PROBE = """
(() => {
  const inFrame = window.top !== window;
  const sized = () => window.map && window.map._size && window.map._size.y > 0;
  const shown = () => inFrame
    ? window.innerHeight > 0 && sized() && document.querySelector('path.leaflet-interactive')
    : document.querySelector('[data-testid="stDeckGlJsonChart"] canvas');
  const check = () => {
    if (window.__cmPainted) { return; }
    if (shown()) { window.__cmPainted = performance.timeOrigin + performance.now(); return; }
    requestAnimationFrame(check);
  };
  // A frame's first document (about:blank) is replaced, with its animation callbacks.
  window.addEventListener('load', () => requestAnimationFrame(check));
  requestAnimationFrame(check);
})();
"""


def painted_in_page(page: Any) -> float | None:
    """Seconds from the page's navigation start to the first frame showing the map."""
    start = float(page.evaluate("performance.timeOrigin"))
    marks = []
    for frame in page.frames:
        mark = None
        with contextlib.suppress(Exception):  # a frame can go while it is asked
            mark = frame.evaluate("window.__cmPainted || null")
        if mark:
            marks.append(float(mark))
    return (min(marks) - start) / 1000 if marks else None


def map_frame_fcp(page: Any) -> float | None:
    """Seconds from the page's navigation start to the first contentful paint of the map's
    frame, as Chromium's Paint Timing records it (it agrees with ``PAINT_PROBE`` to a frame:
    the frame paints nothing while it is 0 px high)."""
    start = float(page.evaluate("performance.timeOrigin"))
    handle = page.query_selector(MAP_IFRAME)
    frame = handle.content_frame() if handle is not None else None
    if frame is None:
        return None
    stamp = frame.evaluate(
        "(() => { const e = performance.getEntriesByName('first-contentful-paint')[0];"
        " return e ? performance.timeOrigin + e.startTime : null; })()"
    )
    return (float(stamp) - start) / 1000 if stamp is not None else None
