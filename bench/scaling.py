#!/usr/bin/env python3
"""How many concurrent sessions 1, 2 and 4 replicas behind HAProxy hold, and the map peers.

For each configuration, a ramp: sessions are added in steps (``LEVELS``); every session
changes a filter (unticks or ticks a corridor in the legend) after a think time of 0.5–1.5 s,
again and again. A step passes when the filter change → end-of-rerun p95 is at most 1.5 s
with no error; a configuration holds the sessions of its last passing step. The ramp stops at
the first failing step or after ``--max-seconds``.

Sessions are protocol-level clients (``wsclient.py``: Streamlit's own websocket protocol, one
asyncio process for all of them), not browsers: with two CPUs, a Chromium per session would
take the CPU the servers need and the figure would be the browsers'. The latency is therefore
the server's part of a repaint (queueing, the script run, the bytes); the browser's drawing
comes on top (Chromium, one session: ``drive.py``, ``summary.md``).

Configurations:

* corridormap: ``deploy/cluster.py`` (the ``make cluster`` topology: warm-started replicas
  behind HAProxy with cookie affinity), with 1, 2 and 4 replicas;
* the peers, one ``streamlit run`` each, no proxy: ``bench/baseline_app.py`` (naive folium)
  and ``bench/pydeck_app.py`` (``st.pydeck_chart``).

Errors: a rerun that fails or does not finish within 30 s, a closed websocket, a /media/ file
that does not load, and a session whose page, websocket or media came from more than one
replica. Writes ``bench/results/scaling.{md,json}``.

    python bench/scaling.py                       # everything (about 5 minutes)
    python bench/scaling.py --replicas 1,2 --peers ''
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from _common import APPS, REPO, RESULTS, cpu_seconds, dist, machine, machine_line, rss_bytes
from harness import start_streamlit
from wsclient import Session, SessionError

sys.path.insert(0, str(REPO / "deploy"))
import cluster  # deploy/ is not a package

from corridormap import style

PEERS = {**APPS, "pydeck": REPO / "bench" / "pydeck_app.py"}
LEVELS = (1, 2, 4, 8, 12, 16, 20, 24, 32, 40, 48, 64)
P95_BUDGET_S = 1.5
KEYS = [f"lg_corridor_{e.value}" for e in style.CORRIDOR_STYLES]


@dataclass
class Load:
    """Every session's changes: (start, seconds) and errors, for the windows of the ramp."""

    url: str
    think: tuple[float, float]
    changes: list[tuple[float, float]] = field(default_factory=list)
    errors: list[tuple[float, str]] = field(default_factory=list)
    opens: list[float] = field(default_factory=list)
    sessions: list[Session] = field(default_factory=list)
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    stop: asyncio.Event = field(default_factory=asyncio.Event)

    async def add(self, n: int, seed: int) -> None:
        new = [Session(self.url) for _ in range(n)]
        results = await asyncio.gather(*(s.open() for s in new), return_exceptions=True)
        for i, (s, r) in enumerate(zip(new, results, strict=True)):
            if isinstance(r, BaseException):
                self.errors.append((time.perf_counter(), f"open: {r!r}"))
                await s.close()
                continue
            self.opens.append(r)
            self.sessions.append(s)
            rng = random.Random(seed + i)  # noqa: S311 - think times, not secrets
            self.tasks.append(asyncio.create_task(self.drive(s, rng)))

    async def drive(self, s: Session, rng: random.Random) -> None:
        # untick a corridor, tick it again, then the next one: the legend never empties
        keys = itertools.chain.from_iterable((k, k) for k in itertools.cycle(KEYS))
        first = rng.randrange(len(KEYS))
        for _ in range(first * 2):
            next(keys)
        while not self.stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.stop.wait(), rng.uniform(*self.think))
                return
            start = time.perf_counter()
            try:
                took = await s.toggle(next(keys))
            except SessionError as exc:
                self.errors.append((start, str(exc)[:300]))
                return  # a broken session stops, as a user's tab would show an error
            self.changes.append((start, took))
            if len(s.replicas_seen) > 1:
                self.errors.append((start, f"session answered by {sorted(s.replicas_seen)}"))
                return

    async def close(self) -> None:
        self.stop.set()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        await asyncio.gather(*(s.close() for s in self.sessions))


async def ramp(
    url: str,
    pids: Callable[[], list[int]],
    *,
    step_s: float,
    max_s: float,
    think: tuple[float, float],
    levels: tuple[int, ...] = LEVELS,
) -> dict[str, Any]:
    load = Load(url, think)
    steps: list[dict[str, Any]] = []
    began = time.perf_counter()
    held = 0
    stopped_by = "levels"
    try:
        for level in levels:
            if time.perf_counter() - began + step_s > max_s:
                stopped_by = "time"
                break
            errors_before = len(load.errors)
            await load.add(level - len(load.sessions), seed=level * 1000)
            t0 = time.perf_counter()
            cpu0 = sum(cpu_seconds(p) for p in pids())
            client0 = time.process_time()
            await asyncio.sleep(step_s)
            t1 = time.perf_counter()
            cpu = sum(cpu_seconds(p) for p in pids()) - cpu0
            client = time.process_time() - client0
            window = [took for start, took in load.changes if start >= t0 and start + took <= t1]
            errors = list(load.errors[errors_before:])
            lat = dist(window)
            ok = bool(window) and not errors and lat["p95"] <= P95_BUDGET_S
            steps.append(
                {
                    "sessions": level,
                    "live_sessions": len(load.sessions),
                    "seconds": t1 - t0,
                    "changes": len(window),
                    "changes_per_s": len(window) / (t1 - t0),
                    "latency_s": lat,
                    "errors": len(errors),
                    "error_samples": [e for _, e in errors[:5]],
                    "server_cpu_s": cpu,
                    "server_cores_busy": cpu / (t1 - t0),
                    "server_cpu_ms_per_change": 1000 * cpu / len(window) if window else None,
                    "client_cores_busy": client / (t1 - t0),
                    "server_rss_bytes": sum(rss_bytes(p) for p in pids()),
                    "passed": ok,
                }
            )
            s = steps[-1]
            print(
                f"  {level:3d} sessions: {len(window):4d} changes, p50"
                f" {lat['p50']:.2f} s, p95 {lat['p95']:.2f} s, {len(errors)} errors, server"
                f" {s['server_cores_busy']:.2f} cores, client {s['client_cores_busy']:.2f},"
                f" rss {s['server_rss_bytes'] / 1e6:.0f} MB",
                flush=True,
            )
            if not ok:
                stopped_by = "budget"
                break
            held = level
    finally:
        await load.close()
    misrouted = [s for s in load.sessions if len(s.replicas_seen) > 1]
    per_replica: dict[str, int] = {}
    for s in load.sessions:
        for r in s.replicas_seen:
            per_replica[r] = per_replica.get(r, 0) + 1
    return {
        "held": held,
        "stopped_by": stopped_by,  # budget: a step failed; time, levels: none did
        "steps": steps,
        "open_s": dist(load.opens),
        "sessions_opened": len(load.sessions),
        "misrouted_sessions": len(misrouted),
        "sessions_per_replica": per_replica,
        "media_checked": sum(s.media_checked for s in load.sessions),
        "errors_total": len(load.errors),
        "error_samples": [e for _, e in load.errors[:10]],
    }


def idle_rss(pids: list[int]) -> int:
    return sum(rss_bytes(p) for p in pids)


def measure_cluster(replicas: int, args: argparse.Namespace, log_dir: Path) -> dict[str, Any]:
    print(f"corridormap, {replicas} replica(s) behind HAProxy", flush=True)
    with cluster.running(replicas, log_dir=log_dir / f"cluster-{replicas}") as c:
        pids = list(c.replica_pids().values())
        rss0 = idle_rss(pids)
        result = asyncio.run(
            ramp(
                c.url,
                lambda: pids,
                step_s=args.step,
                max_s=args.max_seconds,
                think=args.think,
                levels=args.levels,
            )
        )
    result |= {"config": f"corridormap × {replicas}", "replicas": replicas, "idle_rss": rss0}
    return result


def measure_peer(name: str, args: argparse.Namespace, log_dir: Path) -> dict[str, Any]:
    print(f"{name}: one streamlit run, no proxy", flush=True)
    server = start_streamlit(PEERS[name], cwd=REPO, log_dir=log_dir)
    try:
        pid = server.proc.pid
        rss0 = idle_rss([pid])
        result = asyncio.run(
            ramp(
                server.url,
                lambda: [pid],
                step_s=args.step,
                max_s=args.max_seconds,
                think=args.think,
                levels=args.levels,
            )
        )
    finally:
        server.stop()
    result |= {"config": f"{name} × 1 (direct)", "replicas": 1, "idle_rss": rss0}
    return result


def memory_per_session(result: dict[str, Any]) -> float | None:
    """Resident memory added per open session, over the passing steps (MB)."""
    steps = [s for s in result["steps"] if s["errors"] == 0]
    if len(steps) < 2 or steps[-1]["live_sessions"] == steps[0]["live_sessions"]:
        return None
    added = steps[-1]["server_rss_bytes"] - steps[0]["server_rss_bytes"]
    return added / (steps[-1]["live_sessions"] - steps[0]["live_sessions"]) / 1e6


def at_held(result: dict[str, Any]) -> dict[str, Any] | None:
    passing = [s for s in result["steps"] if s["passed"]]
    return passing[-1] if passing else None


def markdown(out: dict[str, Any]) -> str:
    lines = [
        "# Scale-out: sessions held by 1, 2 and 4 replicas, and the map peers",
        "",
        f"Measured {out['date']} with `{out.get('command', 'python bench/scaling.py')}`"
        f" (steps of {out['step_s']:.0f} s"
        f" with {', '.join(map(str, out.get('levels', LEVELS)))} sessions,"
        f" at most {out['max_seconds']:.0f} s per configuration, think time"
        f" {out['think'][0]}–{out['think'][1]} s between changes).",
        "",
        machine_line(out["machine"]) + f" HAProxy {out.get('haproxy', '?')}.",
        "",
        f"Load average (1, 5, 15 min) before {out['load_before']}, after {out['load_after']}:"
        " anything else running on the machine's two CPUs shows up here.",
        "",
        "| configuration | sessions held (p95 ≤ 1.5 s, 0 errors) | change → rerun done p50 / p95"
        " at that load | server CPU per change | server cores busy | server CPU per session |"
        " memory per session | idle RSS (all replicas) | errors / misrouted sessions |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in out["results"]:
        s = at_held(r)
        mem = memory_per_session(r)
        if s is None:
            first = r["steps"][0] if r["steps"] else None
            if first and first["changes"]:
                lat = (
                    f"(1 session: {first['latency_s']['p50']:.2f} /"
                    f" {first['latency_s']['p95']:.2f} s)"
                )
            elif first:
                lat = f"(1 session: no change finished within the {first['seconds']:.0f} s step)"
            else:
                lat = "-"
            cpu = (
                f"{first['server_cpu_ms_per_change']:.0f} ms"
                if first and first["server_cpu_ms_per_change"]
                else "-"
            )
            cells = ["0", lat, cpu, "-", "-"]
        else:
            cells = [
                str(r["held"]) if r.get("stopped_by") == "budget" else f"≥ {r['held']}",
                f"{s['latency_s']['p50']:.2f} / {s['latency_s']['p95']:.2f} s",
                f"{s['server_cpu_ms_per_change']:.0f} ms",
                f"{s['server_cores_busy']:.2f}",
                f"{s['server_cores_busy'] / s['live_sessions'] * 1000:.0f} m-cores",
            ]
        cells += [
            f"{mem:.1f} MB" if mem is not None else "-",
            f"{r['idle_rss'] / 1e6:.0f} MB",
            f"{r['errors_total']} / {r['misrouted_sessions']}",
        ]
        lines.append(f"| {r['config']} | " + " | ".join(cells) + " |")
    one = next((r for r in out["results"] if r["config"] == "corridormap × 1"), None)
    two = next((r for r in out["results"] if r["config"] == "corridormap × 2"), None)
    if one and two and one["held"]:
        ratio = two["held"] / one["held"]
        at_least = "at least " if two.get("stopped_by") != "budget" else ""
        lines += ["", f"2 replicas / 1 replica: {at_least}{ratio:.2f}× the sessions."]
    lines += [
        "",
        "'Change → rerun done' is from sending the checkbox's new state to the run's"
        " `script_finished`, through the proxy: the server's share of a repaint. 'Server CPU per"
        " session' is the replicas' CPU time (user + system) over the step, per open session, in"
        " thousandths of a core. 'Memory per session' is the replicas' resident memory added per"
        " session opened over the ramp. 'Misrouted': a session whose page, websocket or"
        " /media/ file came from more than one replica.",
        "",
        "## Every step",
        "",
    ]
    for r in out["results"]:
        lines += [
            f"### {r['config']}",
            "",
            f"Sessions per replica: {r['sessions_per_replica'] or '-'}; /media/ files checked"
            f" through the proxy: {r['media_checked']}; open (GET and the page's runs) p50"
            f" {r['open_s']['p50']:.2f} s, p95 {r['open_s']['p95']:.2f} s.",
            "",
            "| sessions | changes/s | p50 | p95 | max | errors | server cores | client cores"
            " | RSS |",
            "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for s in r["steps"]:
            lat = s["latency_s"]
            lines.append(
                f"| {s['sessions']} | {s['changes_per_s']:.1f} | {lat['p50']:.2f} s |"
                f" {lat['p95']:.2f} s | {lat['max']:.2f} s | {s['errors']} |"
                f" {s['server_cores_busy']:.2f} | {s['client_cores_busy']:.2f} |"
                f" {s['server_rss_bytes'] / 1e6:.0f} MB |"
            )
        if r["error_samples"]:
            lines += ["", "Errors: " + "; ".join(f"`{e}`" for e in r["error_samples"][:3])]
        lines.append("")
    return "\n".join(lines)


def loadavg() -> str:
    with contextlib.suppress(OSError):
        return ", ".join(Path("/proc/loadavg").read_text().split()[:3])
    return "?"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--replicas", default="1,2,4")
    parser.add_argument("--peers", default="baseline,pydeck")
    parser.add_argument("--step", type=float, default=8.0)
    parser.add_argument("--max-seconds", type=float, default=60.0)
    parser.add_argument("--think", type=float, nargs=2, default=(0.5, 1.5))
    parser.add_argument(
        "--levels",
        type=lambda v: tuple(int(x) for x in v.split(",")),
        default=LEVELS,
        help="the sessions of each step, e.g. 6,8,10,12 (a finer ramp around a known capacity)",
    )
    parser.add_argument("--name", default="scaling", help="results file stem")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if cluster.haproxy_binary() is None:
        print("cannot run: haproxy is not installed", file=sys.stderr)
        return 2
    import subprocess  # noqa: PLC0415

    version = subprocess.run(
        [str(cluster.haproxy_binary()), "-v"], capture_output=True, text=True, check=False
    ).stdout.split()[2]
    out: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "command": " ".join(["python bench/scaling.py", *(sys.argv[1:] if argv is None else argv)]),
        "machine": machine(),
        "haproxy": version,
        "step_s": args.step,
        "max_seconds": args.max_seconds,
        "think": list(args.think),
        "load_before": loadavg(),
        "results": [],
    }
    with tempfile.TemporaryDirectory(prefix="bench-scaling-") as tmp:
        for n in [int(x) for x in args.replicas.split(",") if x]:
            out["results"].append(measure_cluster(n, args, Path(tmp)))
        for name in [x for x in args.peers.split(",") if x]:
            out["results"].append(measure_peer(name, args, Path(tmp)))
    out["load_after"] = loadavg()
    args.out.mkdir(parents=True, exist_ok=True)
    out["levels"] = list(args.levels)
    (args.out / f"{args.name}.json").write_text(json.dumps(out, indent=2) + "\n")
    md = markdown(out)
    (args.out / f"{args.name}.md").write_text(md)
    print()
    print(md)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    raise SystemExit(main())
