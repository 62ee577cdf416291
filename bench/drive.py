#!/usr/bin/env python3
"""Drive one app in headless Chromium and measure what a user waits for, and what it costs.

For one app (corridormap's ``app.py`` or ``bench/baseline_app.py``) on a fresh
``streamlit run`` process with ``CORRIDORMAP_TIMINGS`` set (each completed run appends its
server time), measures, with one browser session:

* first load (new browser context each): page open -> first map paint, the runs it triggers
  and their server time, websocket payload and ``/media/`` bytes received;
* filter changes: untick / tick a corridor in the legend (``.st-key-lg_corridor_<value>``),
  click -> the map iframe shows exactly the expected number of corridor-coloured
  ``path.leaflet-interactive`` (polled with ``page.wait_for_function``), server time per run,
  bytes per change;
* feature selection: a click on a corridor leg in the iframe, server time of the runs it causes;
* pan: a mouse drag on the map, and how many runs it causes;
* peak server RSS (the streamlit process and its children) during all of that;

then a load run: ``--sessions`` browser contexts in the same Chromium, each changing filters
for ``--seconds`` (with a short think time), change -> repaint latency, errors (timeouts,
failed requests, HTTP errors, console and page errors), peak server RSS.

Used by ``bench/run_all.py``; alone it writes ``bench/results/drive_<app>.json``:

    python bench/drive.py --app baseline --changes 20 --sessions 20 --seconds 60
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import sys
import tempfile
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from _common import (
    APPS,
    RESULTS,
    TIMINGS_ENV,
    RssSampler,
    TimingLog,
    cpu_seconds,
    dist,
    hwm_bytes,
    machine,
)
from harness import (
    CHROMIUM,
    CHROMIUM_ARGS,
    HELD_BACK,
    MAP_IFRAME,
    REPO,
    WHOLE_PAGE_JS,
    StreamlitServer,
    browser_unavailable,
    is_local,
    start_streamlit,
)

from corridormap import load, style

CORRIDOR_COLORS = [e.color.lower() for e in style.CORRIDOR_STYLES]
CORRIDORS = [e.value for e in style.CORRIDOR_STYLES]
VIEWPORT = {"width": 1400, "height": 900}

# Resolves when some map iframe holds exactly n corridor-coloured Leaflet paths. It runs in the
# page and looks into the (same-origin) iframe, so it survives the iframe being replaced, which
# is what a full map rebuild does.
_COUNT_JS = """([sel, colors, n]) => {
  for (const f of document.querySelectorAll(sel)) {
    const d = f.contentDocument;
    if (!d) continue;
    let c = 0;
    for (const p of d.querySelectorAll('path.leaflet-interactive')) {
      if (colors.includes((p.getAttribute('stroke') || '').toLowerCase())) c++;
    }
    if (c === n) return true;
  }
  return false;
}"""


def corridor_counts() -> dict[str, int]:
    """Legs per corridor in the shipped data (the map shows all with the default filters)."""
    legs = load.load_all().frames["corridors"]
    counts = legs["corridor"].value_counts()
    return {c: int(counts.get(c, 0)) for c in CORRIDORS}


# -- a page's traffic and problems ------------------------------------------------------------


@dataclass
class Probe:
    """Per page: off-machine requests (aborted), failures, console errors, bytes received."""

    gzip_frames: bool = True
    blocked: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    http_errors: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    ws_frames: int = 0
    ws_bytes: int = 0  # payload bytes received (Streamlit does not compress its websocket)
    ws_gzip_bytes: int = 0  # the same frames gzip-compressed (level 6), one by one
    media_bytes: int = 0  # /media/ response bodies (decoded)
    media_transfer_bytes: int = 0  # the same as transferred (encoded body)
    ws_largest_frame: int = 0
    media: list[tuple[str, int]] = field(default_factory=list)  # (path, decoded bytes)
    last_frame: float = field(default_factory=time.perf_counter)
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

    async def attach(self, context: Any, page: Any) -> Probe:
        await context.route("**/*", self._route)
        page.on("requestfailed", self._on_failed)
        page.on("response", self._on_response)
        page.on("requestfinished", self._on_finished)
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.page_errors.append(str(exc)))
        page.on("websocket", self._on_websocket)
        return self

    async def _route(self, route: Any) -> None:
        url = route.request.url
        if is_local(url):
            await route.continue_()
        else:
            self.blocked.append(url)
            await route.abort("blockedbyclient")

    def _on_failed(self, request: Any) -> None:
        if request.url not in self.blocked:
            self.failed.append(f"{request.url}: {request.failure}")

    def _on_response(self, response: Any) -> None:
        if response.status >= 400:
            self.http_errors.append(f"{response.status} {response.url}")

    def _on_finished(self, request: Any) -> None:
        # files the app serves (st.image, downloads...), not Streamlit's own /static/media/
        if "/media/" in request.url and "/static/media/" not in request.url:
            task = asyncio.ensure_future(self._media_size(request))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _media_size(self, request: Any) -> None:
        with contextlib.suppress(Exception):
            response = await request.response()
            body = await response.body() if response is not None else b""
            sizes = await request.sizes()
            self.media_bytes += len(body)
            self.media_transfer_bytes += int(sizes["responseBodySize"])
            self.media.append((request.url.split("/media/", 1)[1], len(body)))

    def _on_console(self, msg: Any) -> None:
        if msg.type == "error":
            self.console_errors.append(msg.text)

    def _on_websocket(self, ws: Any) -> None:
        def received(payload: str | bytes) -> None:
            data = payload.encode() if isinstance(payload, str) else payload
            self.ws_frames += 1
            self.ws_bytes += len(data)
            self.ws_largest_frame = max(self.ws_largest_frame, len(data))
            if self.gzip_frames:
                self.ws_gzip_bytes += len(zlib.compress(data, 6))
            self.last_frame = time.perf_counter()

        ws.on("framereceived", received)

    async def drain(self) -> None:
        if self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def counters(self) -> dict[str, int]:
        return {
            "ws_bytes": self.ws_bytes,
            "ws_gzip_bytes": self.ws_gzip_bytes,
            "ws_frames": self.ws_frames,
            "media_bytes": self.media_bytes,
            "media_transfer_bytes": self.media_transfer_bytes,
        }

    def problems(self) -> dict[str, list[str]]:
        return {
            "blocked (off-machine)": self.blocked,
            "failed requests": self.failed,
            "HTTP errors": self.http_errors,
            "console errors": self.console_errors,
            "page errors": self.page_errors,
        }

    def error_count(self) -> int:
        return sum(len(v) for v in self.problems().values())


def delta(after: dict[str, int], before: dict[str, int]) -> dict[str, int]:
    return {k: after[k] - before[k] for k in after}


# -- one browser session ----------------------------------------------------------------------


@dataclass
class Session:
    browser: Any
    server: StreamlitServer
    counts: dict[str, int]
    gzip_frames: bool = True
    context: Any = None
    page: Any = None
    probe: Probe = field(default_factory=Probe)
    ticked: dict[str, bool] = field(default_factory=lambda: dict.fromkeys(CORRIDORS, True))

    async def open(self, timeout_ms: float = 60_000) -> float:
        """A new context and page, opened on the app; seconds from navigation to map paint.
        Returns once the whole page is there (what a session's first run holds back until
        the map is drawn, app_pages/_first.py), as a user can only then change a filter."""
        self.context = await self.browser.new_context(viewport=VIEWPORT)
        self.page = await self.context.new_page()
        self.probe = Probe(gzip_frames=self.gzip_frames)
        await self.probe.attach(self.context, self.page)
        start = time.perf_counter()
        await self.page.goto(self.server.url, wait_until="domcontentloaded", timeout=timeout_ms)
        await self.wait_corridors(timeout_ms)
        painted = time.perf_counter() - start
        await self.page.wait_for_function(WHOLE_PAGE_JS, arg=HELD_BACK, timeout=timeout_ms)
        return painted

    async def close(self) -> None:
        if self.context is not None:
            with contextlib.suppress(Exception):
                await self.context.close()

    def expected(self) -> int:
        return sum(n for c, n in self.counts.items() if self.ticked[c])

    async def wait_corridors(self, timeout_ms: float) -> None:
        await self.page.wait_for_function(
            _COUNT_JS, arg=[MAP_IFRAME, CORRIDOR_COLORS, self.expected()], timeout=timeout_ms
        )

    async def quiet(self, quiet_s: float = 0.5, timeout_s: float = 20) -> None:
        """Until no websocket frame arrived for ``quiet_s`` (the run's last messages are in)."""
        deadline = time.perf_counter() + timeout_s
        while time.perf_counter() < deadline:
            if time.perf_counter() - self.probe.last_frame >= quiet_s:
                break
            await asyncio.sleep(0.05)
        await self.probe.drain()

    async def toggle(self, corridor: str, timeout_ms: float = 30_000) -> float:
        """Untick or tick ``corridor`` in the legend; seconds from click to repainted map."""
        self.ticked[corridor] = not self.ticked[corridor]
        box = self.page.locator(f".st-key-lg_corridor_{corridor} label").first
        start = time.perf_counter()
        await box.click(timeout=timeout_ms)
        await self.wait_corridors(timeout_ms)
        return time.perf_counter() - start

    async def resync(self, timeout_ms: float) -> None:
        """After a change that never repainted: take the legend's state, wait for that map."""
        for c in CORRIDORS:
            box = self.page.locator(f".st-key-lg_corridor_{c} input").first
            self.ticked[c] = await box.is_checked(timeout=timeout_ms)
        await self.wait_corridors(timeout_ms)

    async def click_leg(self, index: int) -> None:
        color = style.corridor_color("middle_corridor")
        legs = self.page.frame_locator(MAP_IFRAME).first.locator(
            f'path.leaflet-interactive[stroke="{color}" i]'
        )
        await legs.nth(index).dispatch_event("click")

    async def map_offset(self) -> str:
        pane = self.page.frame_locator(MAP_IFRAME).first.locator(".leaflet-map-pane")
        return str(await pane.evaluate("e => e.style.transform"))

    async def pan(self) -> bool:
        """Drag the map 140 × 70 px with the mouse; whether Leaflet moved it."""
        iframe = self.page.locator(MAP_IFRAME).first
        await iframe.scroll_into_view_if_needed()
        before = await self.map_offset()
        box = await iframe.bounding_box()
        x, y = box["x"] + box["width"] * 0.45, box["y"] + box["height"] * 0.6
        mouse = self.page.mouse
        await mouse.move(x, y)
        await mouse.down()
        await mouse.move(x + 140, y + 70, steps=10)
        await mouse.up()
        return await self.map_offset() != before


# -- single-session measurements --------------------------------------------------------------


async def wait_runs(
    log: TimingLog, start: int, want: int, timeout_s: float
) -> list[dict[str, Any]]:
    """The timing lines after ``start``, once there are ``want`` of them (or on timeout)."""
    deadline = time.perf_counter() + timeout_s
    while time.perf_counter() < deadline:
        if log.count() - start >= want:
            break
        await asyncio.sleep(0.05)
    return log.since(start)


async def single_session(
    browser: Any,
    server: StreamlitServer,
    log: TimingLog,
    counts: dict[str, int],
    *,
    loads: int,
    changes: int,
    selections: int,
    pans: int,
) -> dict[str, Any]:
    out: dict[str, Any] = {"cold_first_run_s": None}
    # first loads, each in a new context (a new Streamlit session)
    first: list[dict[str, Any]] = []
    for i in range(loads):
        s = Session(browser, server, counts)
        before = log.count()
        paint = await s.open()
        await s.quiet(1.0)
        runs = await wait_runs(log, before, 1, 10)
        await asyncio.sleep(1.0)  # a late rerun (the component's first value) counts too
        await s.quiet(0.5)
        runs = log.since(before)
        if i == 0 and before == 0 and runs:
            out["cold_first_run_s"] = runs[0]["seconds"]
        first.append(
            {
                "paint_s": paint,
                "runs": [r["seconds"] for r in runs],
                **s.probe.counters(),
                "ws_largest_frame": s.probe.ws_largest_frame,
                "media": s.probe.media,
                "problems": {k: v for k, v in s.probe.problems().items() if v},
            }
        )
        if i < loads - 1:
            await s.close()
    out["first_loads"] = first
    print(f"  first loads: paint {[round(f['paint_s'], 2) for f in first]} s", flush=True)

    # filter changes in the last session
    cycle = [c for c in CORRIDORS for _ in (0, 1)]  # untick, tick, next corridor...
    changes_out: list[dict[str, Any]] = []
    for i in range(changes):
        corridor = cycle[i % len(cycle)]
        before_n, before_b = log.count(), s.probe.counters()
        latency = await s.toggle(corridor)
        runs = await wait_runs(log, before_n, 1, 15)
        await s.quiet(0.5)
        runs = log.since(before_n)
        changes_out.append(
            {
                "corridor": corridor,
                "shown": s.ticked[corridor],
                "latency_s": latency,
                "runs": [r["seconds"] for r in runs],
                **delta(s.probe.counters(), before_b),
            }
        )
    if not all(s.ticked.values()):  # leave every corridor shown
        for c in [c for c, on in s.ticked.items() if not on]:
            await s.toggle(c)
            await s.quiet(0.5)
    out["changes"] = changes_out
    print(f"  filter changes: {[round(c['latency_s'] * 1000) for c in changes_out]} ms", flush=True)

    out["selections"] = await selections_of(s, log, selections)
    print(f"  selections: runs {[len(x['runs']) for x in out['selections']]}", flush=True)
    out["pans"] = await pans_of(s, log, pans)
    print(f"  pans: runs {[(len(p['runs']), p['moved']) for p in out['pans']]}", flush=True)
    out["problems"] = {k: v for k, v in s.probe.problems().items() if v}
    await s.close()
    return out


async def selections_of(s: Session, log: TimingLog, selections: int) -> list[dict[str, Any]]:
    """Clicks on different Middle Corridor legs, and the runs each causes."""
    selects: list[dict[str, Any]] = []
    for i in range(selections):
        before_n, before_b = log.count(), s.probe.counters()
        start = time.perf_counter()
        await s.click_leg(i * 3)
        await wait_runs(log, before_n, 1, 20)
        done = time.perf_counter() - start
        await asyncio.sleep(0.5)
        await s.quiet(0.5)
        selects.append(
            {
                "click_to_run_end_s": done,
                "runs": [r["seconds"] for r in log.since(before_n)],
                **delta(s.probe.counters(), before_b),
            }
        )
    return selects


async def pans_of(s: Session, log: TimingLog, pans: int) -> list[dict[str, Any]]:
    """Mouse drags on the map, and the runs each causes (started within 2.5 s)."""
    out: list[dict[str, Any]] = []
    for _ in range(pans):
        before_n, before_b = log.count(), s.probe.counters()
        moved = await s.pan()
        await asyncio.sleep(2.5)
        if s.probe.ws_frames > before_b["ws_frames"]:  # a rerun started: wait for its end
            await wait_runs(log, before_n, 1, 60)
        await s.quiet(0.5)
        runs = log.since(before_n)
        out.append(
            {
                "moved": moved,
                "runs": [r["seconds"] for r in runs],
                **delta(s.probe.counters(), before_b),
            }
        )
    return out


# -- the load run -----------------------------------------------------------------------------


async def load_run(
    browser: Any,
    server: StreamlitServer,
    log: TimingLog,
    counts: dict[str, int],
    *,
    sessions: int,
    seconds: float,
    think: tuple[float, float],
    change_timeout_s: float,
    open_timeout_s: float,
) -> dict[str, Any]:
    rng = random.Random(8)  # noqa: S311 - think times, not secrets
    all_sessions = [Session(browser, server, counts, gzip_frames=False) for _ in range(sessions)]
    timeouts: list[str] = []
    open_times: list[float] = []

    async def opener(s: Session) -> None:
        try:
            open_times.append(await s.open(open_timeout_s * 1000))
        except Exception as exc:  # noqa: BLE001 - any failure to open is an error to count
            timeouts.append(f"open: {type(exc).__name__}: {str(exc).splitlines()[0][:160]}")

    t0 = time.perf_counter()
    await asyncio.gather(*(opener(s) for s in all_sessions))
    opened_after = time.perf_counter() - t0
    print(
        f"  load: {len(open_times)}/{sessions} sessions painted after {opened_after:.1f} s",
        flush=True,
    )

    latencies: list[float] = []
    censored: list[float] = []  # changes that timed out, counted at the timeout
    before_runs = log.count()
    end = time.perf_counter() + seconds

    async def user(k: int, s: Session) -> None:
        if s.page is None:
            return
        order = CORRIDORS[k % 3 :] + CORRIDORS[: k % 3]
        i = 0
        await asyncio.sleep(rng.uniform(0, think[1]))
        while time.perf_counter() < end:
            corridor = order[(i // 2) % len(order)]
            i += 1
            try:
                latencies.append(await s.toggle(corridor, change_timeout_s * 1000))
            except Exception as exc:  # noqa: BLE001 - a change that never repaints is an error
                timeouts.append(f"change: {type(exc).__name__}: {str(exc).splitlines()[0][:160]}")
                censored.append(change_timeout_s)  # at least this long
                try:  # the legend and the map may now disagree with ``ticked``: re-read them
                    await s.resync(change_timeout_s * 2000)
                except Exception as exc2:  # noqa: BLE001
                    timeouts.append(f"resync: {type(exc2).__name__}")
            await asyncio.sleep(rng.uniform(*think))

    t1 = time.perf_counter()
    await asyncio.gather(*(user(k, s) for k, s in enumerate(all_sessions)))
    ran = time.perf_counter() - t1
    runs = log.since(before_runs)
    for s in all_sessions:
        await s.probe.drain()
    problems: dict[str, list[str]] = {"timeouts": timeouts}
    for s in all_sessions:
        for k, v in s.probe.problems().items():
            problems.setdefault(k, []).extend(v)
    for s in all_sessions:
        await s.close()
    errors = sum(len(v) for v in problems.values())
    print(
        f"  load: {len(latencies)} changes in {ran:.0f} s, {errors} errors, "
        f"p50 {dist(latencies)['p50']:.2f} s, p95 {dist(latencies)['p95']:.2f} s",
        flush=True,
    )
    return {
        "sessions": sessions,
        "seconds": seconds,
        "think_s": list(think),
        "sessions_painted": len(open_times),
        "all_painted_after_s": opened_after,
        "open_s": dist(open_times),
        "changes": len(latencies),
        "latency_s": dist(latencies),
        # timed-out changes counted at the timeout (a lower bound): what users waited
        "latency_with_timeouts_s": dist(latencies + censored),
        "timed_out_changes": len(censored),
        "latencies": latencies,
        "server_runs": len(runs),
        "server_run_s": dist([r["seconds"] for r in runs]),
        "errors": errors,
        "error_counts": {k: len(v) for k, v in problems.items()},
        "problems": {k: v[:20] for k, v in problems.items() if v},
    }


# -- one app, start to finish -----------------------------------------------------------------


@dataclass
class Plan:
    loads: int = 5
    changes: int = 24
    selections: int = 6
    pans: int = 3
    sessions: int = 20
    seconds: float = 60
    think: tuple[float, float] = (0.5, 1.5)
    change_timeout_s: float = 30
    open_timeout_s: float = 180


async def measure_app(name: str, app: Path, plan: Plan, log_dir: Path) -> dict[str, Any]:
    from playwright.async_api import async_playwright  # noqa: PLC0415

    counts = corridor_counts()
    timings = log_dir / f"timings-{name}.jsonl"
    timings.unlink(missing_ok=True)
    log = TimingLog(timings)
    old = os.environ.get(TIMINGS_ENV)
    os.environ[TIMINGS_ENV] = str(timings)
    try:
        server = start_streamlit(app, cwd=REPO, log_dir=log_dir)
    finally:
        if old is None:
            os.environ.pop(TIMINGS_ENV, None)
        else:
            os.environ[TIMINGS_ENV] = old
    result: dict[str, Any] = {"app": name, "path": str(app.relative_to(REPO))}
    try:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(
                executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS), headless=True
            )
            result["browser"] = f"Chromium {browser.version}"
            print(f"{name}: single session", flush=True)
            with RssSampler(server.proc.pid) as rss1:
                result["single"] = await single_session(
                    browser,
                    server,
                    log,
                    counts,
                    loads=plan.loads,
                    changes=plan.changes,
                    selections=plan.selections,
                    pans=plan.pans,
                )
            result["rss_1_session_peak_bytes"] = rss1.peak
            result["hwm_after_single_bytes"] = hwm_bytes(server.proc.pid)
            if plan.sessions > 0 and plan.seconds > 0:
                print(f"{name}: {plan.sessions} sessions × {plan.seconds:.0f} s", flush=True)
                cpu0, wall0 = cpu_seconds(server.proc.pid), time.perf_counter()
                with RssSampler(server.proc.pid) as rss_n:
                    result["load"] = await load_run(
                        browser,
                        server,
                        log,
                        counts,
                        sessions=plan.sessions,
                        seconds=plan.seconds,
                        think=plan.think,
                        change_timeout_s=plan.change_timeout_s,
                        open_timeout_s=plan.open_timeout_s,
                    )
                result["rss_n_sessions_peak_bytes"] = rss_n.peak
                # the server's share of the machine's CPU during the load run (the rest:
                # Chromium, the driver, anything else running)
                result["load"]["server_cpu_share"] = (cpu_seconds(server.proc.pid) - cpu0) / (
                    (time.perf_counter() - wall0) * (os.cpu_count() or 1)
                )
                result["hwm_after_load_bytes"] = hwm_bytes(server.proc.pid)
            await browser.close()
    finally:
        server.stop()
    result["server_log_tail"] = server.log(2000)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--app", choices=sorted(APPS), default="corridormap")
    parser.add_argument("--loads", type=int, default=5)
    parser.add_argument("--changes", type=int, default=24)
    parser.add_argument("--selections", type=int, default=6)
    parser.add_argument("--pans", type=int, default=3)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    why = browser_unavailable()
    if why:
        print(f"cannot run: {why}", file=sys.stderr)
        return 2
    plan = Plan(args.loads, args.changes, args.selections, args.pans, args.sessions, args.seconds)
    with tempfile.TemporaryDirectory(prefix="bench-drive-") as tmp:
        result = asyncio.run(measure_app(args.app, APPS[args.app], plan, Path(tmp)))
    result["machine"] = machine()
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"drive_{args.app}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
