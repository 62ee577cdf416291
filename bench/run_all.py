#!/usr/bin/env python3
"""The whole benchmark suite, corridormap and the naive baseline side by side, in one run.

1. cold start (``cold_start.one_run``): process start -> first map paint, page weight;
2-5. one browser session (``drive.single_session``): filter change -> repaint, server time
   per run (first load, filter change, feature selection, pan), bytes per first map and per
   change, peak server RSS;
6. a load run (``drive.load_run``): ``--sessions`` concurrent sessions changing filters for
   ``--seconds``: change -> repaint latency, errors, peak server RSS;
7. a py-spy profile of filter-change reruns (``profile_rerun``), unless ``--no-profile``.

Writes ``bench/results/summary.{md,json}`` (every figure, the ratio baseline / corridormap,
the budget and whether it is met) and ``bench/results/profile.{md,json}``.

    python bench/run_all.py            # 3 cold starts, 24 changes, 20 sessions × 60 s
    python bench/run_all.py --quick    # 1 cold start, 20 changes, 5 sessions × 20 s
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cold_start
import profile_rerun
from _common import APPS, RESULTS, dist, machine, machine_line
from drive import Plan, measure_app
from harness import browser_unavailable, launch_chromium

KB, MB = 1000, 1000**2


# -- figures ----------------------------------------------------------------------------------


def _runs(entries: list[dict[str, Any]]) -> list[float]:
    return [x for e in entries for x in e["runs"]]


def _payload(e: dict[str, Any]) -> float:
    return e["ws_bytes"] + e["media_bytes"]


def _payload_compressed(e: dict[str, Any]) -> float:
    return e["ws_gzip_bytes"] + e["media_transfer_bytes"]


def figures(cold: list[dict[str, Any]], drive: dict[str, Any]) -> dict[str, float]:
    """Every figure of one app, by key (seconds, bytes, counts)."""
    single = drive["single"]
    loads, changes = single["first_loads"], single["changes"]
    sel, pans = single["selections"], single["pans"]
    f: dict[str, float] = {
        "paint_after_healthy_s": dist([r["first_paint_s"] - r["health_s"] for r in cold])["p50"],
        "process_to_paint_s": dist([r["first_paint_s"] for r in cold])["p50"],
        "change_p50_s": dist([c["latency_s"] for c in changes])["p50"],
        "change_p95_s": dist([c["latency_s"] for c in changes])["p95"],
        "cold_first_run_s": single["cold_first_run_s"] or math.nan,
        "run_first_load_p50_s": dist(_runs(loads))["p50"],
        "run_first_load_p95_s": dist(_runs(loads))["p95"],
        "run_change_p50_s": dist(_runs(changes))["p50"],
        "run_change_p95_s": dist(_runs(changes))["p95"],
        "run_select_p50_s": dist(_runs(sel))["p50"],
        "run_select_p95_s": dist(_runs(sel))["p95"],
        "runs_per_pan": len(_runs(pans)) / len(pans) if pans else math.nan,
        "run_pan_p95_s": dist(_runs(pans))["p95"] if _runs(pans) else 0.0,
        "first_map_bytes": dist([_payload(e) for e in loads])["p50"],
        "first_map_compressed_bytes": dist([_payload_compressed(e) for e in loads])["p50"],
        "first_ws_bytes": dist([e["ws_bytes"] for e in loads])["p50"],
        "first_ws_largest_frame": dist([e["ws_largest_frame"] for e in loads])["p50"],
        "first_media_bytes": dist([e["media_bytes"] for e in loads])["p50"],
        "change_bytes_p50": dist([_payload(c) for c in changes])["p50"],
        "change_bytes_max": max((_payload(c) for c in changes), default=math.nan),
        "rss_1_session_bytes": drive["rss_1_session_peak_bytes"],
    }
    load = drive.get("load")
    if load:
        f |= {
            "rss_n_sessions_bytes": drive["rss_n_sessions_peak_bytes"],
            "load_p50_s": load.get("latency_with_timeouts_s", load["latency_s"])["p50"],
            "load_p95_s": load.get("latency_with_timeouts_s", load["latency_s"])["p95"],
            "load_timed_out": load.get("timed_out_changes", 0),
            "load_changes": load["changes"],
            "load_errors": load["errors"],
            "load_run_p95_s": load["server_run_s"]["p95"],
            "load_server_cpu_share": load.get("server_cpu_share", math.nan),
        }
    return f


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    unit: str  # "s", "ms", "B", "n"
    budget: float | None = None  # an upper bound


def rows(sessions: int) -> list[Row]:
    return [
        Row("paint_after_healthy_s", "Cold start: server healthy → first map paint", "s", 2.5),
        Row("process_to_paint_s", "Cold start: process start → first map paint", "s"),
        Row("change_p50_s", "Filter change → map repainted, p50", "ms", 0.300),
        Row("change_p95_s", "Filter change → map repainted, p95", "ms", 0.600),
        Row("cold_first_run_s", "Server time, a new process's first run (cold caches)", "ms"),
        Row("run_first_load_p50_s", "Server time per run, first load, p50", "ms"),
        Row("run_first_load_p95_s", "Server time per run, first load, p95", "ms", 0.120),
        Row("run_change_p50_s", "Server time per run, filter change, p50", "ms"),
        Row("run_change_p95_s", "Server time per run, filter change, p95", "ms", 0.120),
        Row("run_select_p50_s", "Server time per run, feature selection, p50", "ms"),
        Row("run_select_p95_s", "Server time per run, feature selection, p95", "ms", 0.120),
        Row("runs_per_pan", "Reruns per pan (mouse drag on the map)", "n"),
        Row("run_pan_p95_s", "Server time per run, pan, p95 (0: no rerun)", "ms", 0.120),
        Row("first_map_bytes", "First map payload (websocket + /media/)", "B", 400 * KB),
        Row(
            "first_map_compressed_bytes",
            "First map payload, compressed (gzip)",
            "B",
            120 * KB,
        ),
        Row("first_ws_bytes", "… of which websocket payload", "B"),
        Row("first_ws_largest_frame", "… of which the largest websocket message (the map)", "B"),
        Row("first_media_bytes", "… of which /media/ files (fetched by the page)", "B"),
        Row("change_bytes_p50", "Bytes per filter change, p50", "B"),
        Row("change_bytes_max", "Bytes per filter change, max", "B", 150 * KB),
        Row("rss_1_session_bytes", "Peak server RSS, 1 session", "MB"),
        Row("rss_n_sessions_bytes", f"Peak server RSS, {sessions} sessions", "MB", 300 * MB),
        Row("load_p50_s", f"{sessions} concurrent sessions: change → repaint p50", "ms"),
        Row("load_p95_s", f"{sessions} concurrent sessions: change → repaint p95", "ms", 1.5),
        Row("load_errors", f"{sessions} concurrent sessions: errors", "n", 0),
        Row("load_changes", f"{sessions} concurrent sessions: changes repainted", "n"),
        Row("load_timed_out", f"{sessions} concurrent sessions: changes timed out", "n"),
        Row("load_run_p95_s", f"{sessions} concurrent sessions: server time per run, p95", "ms"),
        Row("load_server_cpu_share", f"{sessions} concurrent sessions: server's CPU share", "%"),
    ]


def fmt(value: float | None, unit: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if unit == "s":
        return f"{value:.2f} s"
    if unit == "ms":
        return f"{value * 1000:,.0f} ms"
    if unit == "B":
        return f"{value / KB:,.0f} KB"
    if unit == "MB":
        return f"{value / MB:,.0f} MB"
    if unit == "%":
        return f"{value:.0%}"
    return f"{value:,.1f}" if value % 1 else f"{value:,.0f}"


def verdict(value: float | None, row: Row) -> tuple[str, str]:
    if row.budget is None:
        return "", ""
    if value is None or math.isnan(value):
        return "not measured", ""
    unit = "MB" if row.unit == "MB" else row.unit
    if value <= row.budget:
        room = row.budget - value
        return "met", f"{fmt(room, unit)} to spare" if room else "at the budget"
    return "**not met**", f"{fmt(value - row.budget, unit)} over ({value / row.budget:.1f}×)" if (
        row.budget
    ) else f"{fmt(value, unit)} over"


def ratio(base: float | None, ours: float | None) -> str:
    if base is None or ours is None or math.isnan(base) or math.isnan(ours):
        return "–"
    if ours == 0:
        return "∞" if base else "–"
    return f"{base / ours:,.1f}×"


def summary_table(figs: dict[str, dict[str, float]], sessions: int) -> list[dict[str, Any]]:
    out = []
    for row in rows(sessions):
        ours = figs["corridormap"].get(row.key)
        base = figs["baseline"].get(row.key) if "baseline" in figs else None
        met, gap = verdict(ours, row)
        out.append(
            {
                "key": row.key,
                "metric": row.label,
                "unit": row.unit,
                "corridormap": ours,
                "baseline": base,
                "ratio": ratio(base, ours),
                "budget": row.budget,
                "budget_text": ""
                if row.budget is None
                else ("0" if row.budget == 0 else f"≤ {fmt(row.budget, row.unit)}"),
                "met": met,
                "gap": gap,
            }
        )
    return out


def markdown(result: dict[str, Any]) -> str:
    m = result["machine"]
    plan = result["plan"]
    lines = [
        "# corridormap against a naive baseline",
        "",
        f"Measured {result['date']} with `{result['command']}` on this machine, headless"
        f" {result['browser']}, every non-loopback request aborted. corridormap is `app.py`;"
        " the baseline is `bench/baseline_app.py` (the same layers, plain folium + `st_folium`,"
        " no caching, unsimplified Natural Earth 1:10m countries, default tooltips, a full map"
        " rebuild per change, default `returned_objects`). Both apps run one after the other on"
        " a fresh `streamlit run` each, driven by the same script (`bench/drive.py`).",
        "",
        machine_line(m),
        "",
        "| metric | corridormap | baseline | baseline / corridormap | budget | met? | gap |",
        "| --- | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for r in result["table"]:
        lines.append(
            f"| {r['metric']} | {fmt(r['corridormap'], r['unit'])}"
            f" | {fmt(r['baseline'], r['unit'])} | {r['ratio']} | {r['budget_text']}"
            f" | {r['met']} | {r['gap']} |"
        )
    lines += [
        "",
        "## How each figure is taken",
        "",
        f"- **Cold start**: {plan['cold_runs']} run(s) per app of `cold_start.one_run` (a new"
        " process and a new browser context each; medians). 'Server healthy' is"
        " `/_stcore/health` answering `ok`; first paint is the first frame the browser draws"
        " with the map showing (streamlit-folium's frame has its height and Leaflet has drawn"
        " for it: `harness.PAINT_PROBE`, marked in the page; Chromium's first contentful paint"
        " of the frame agrees). corridormap's first run draws the map before the filters and"
        " tables (`app_pages/_first.py`); the sessions below start once the whole page is"
        " there.",
        f"- **Filter change → repaint**: {plan['changes']} legend clicks in one session"
        " (untick, tick each corridor in turn, `.st-key-lg_corridor_<value> label`), from the"
        " click to the moment the map iframe holds exactly the expected number of"
        " corridor-coloured `path.leaflet-interactive` (`page.wait_for_function`, polled every"
        " animation frame; it reads the same-origin iframe's document, so it also works when a"
        " rebuild replaces the iframe).",
        "- **Server time per run**: each completed script run appends its duration to"
        " `$CORRIDORMAP_TIMINGS` (`_timing.record_run` at the end of `app.py`; the baseline"
        " does the same); the lines that land during an action are that action's runs. A run"
        " cut short by `st.rerun()` (corridormap's click handling) writes no line."
        f" First load: {plan['loads']} new browser contexts on a warm server (the first run of"
        f" a new process, with empty caches, is reported on its own). Feature selection:"
        f" {plan['selections']} clicks on Middle Corridor legs (`dispatch_event('click')` in"
        f" the iframe). Pan: {plan['pans']} mouse drags of 140 × 70 px on the map; the runs"
        " that follow within 2.5 s are counted.",
        "- **Bytes**: websocket payload received by the page (Streamlit's websocket is not"
        " compressed, so that is also what travels) plus `/media/` response bodies fetched"
        " (app-generated files). 'Compressed' = each websocket frame gzip-compressed"
        " (level 6) + `/media/` as transferred: what a compressing proxy would send."
        " Framework assets (Streamlit's JS, the component, Leaflet) are the same for both and"
        " cacheable; see `cold_start.md` for them. KB = 1,000 bytes, MB = 1,000,000 bytes.",
        "- **Peak server RSS**: VmRSS of the `streamlit run` process and its children, sampled"
        " every 100 ms during the single-session measurements (1 session; previous sessions of"
        " the first-load measurements are closed) and during the load run.",
        f"- **Concurrent sessions**: {plan['sessions']} browser contexts in one Chromium, each"
        f" unticking/ticking corridors for {plan['seconds']:.0f} s with a think time of"
        f" {plan['think'][0]}–{plan['think'][1]} s between changes; latency as above, a"
        " change that times out counted at the timeout (a lower bound)."
        " After a timeout the session re-reads the legend and waits for its map. Errors:"
        " changes not repainted within"
        f" {plan['change_timeout_s']:.0f} s, pages not painted within"
        f" {plan['open_timeout_s']:.0f} s, failed requests, HTTP errors ≥ 400, console and"
        " page errors, off-machine requests.",
        "",
        f"Load average (1, 5, 15 min) before the run {_loadavg(result['loadavg_before'])},"
        f" after {_loadavg(result['loadavg_after'])}: anything else running on the machine"
        " (other test suites) slows both apps alike and shows up here.",
        "",
        "**Caveat.** Chromium, the Playwright driver and the server share this machine's"
        f" {m.get('cpu_count')} CPUs. With many sessions the browser's own rendering competes"
        " with the server for CPU, so concurrent latencies measure the machine as much as the"
        " app; use `--sessions`/`--seconds` to vary the load.",
        "",
    ]
    for name, d in result["apps"].items():
        load = d.get("load") or {}
        lines.append(
            f"- {name}: load run {load.get('sessions_painted', 0)}/{load.get('sessions', 0)}"
            f" sessions painted ({load.get('all_painted_after_s', math.nan):.0f} s to open all),"
            f" {load.get('changes', 0)} changes, errors {load.get('error_counts', {})}."
        )
    for name, d in result["apps"].items():
        media = d["single"]["first_loads"][0].get("media") or []
        if media:
            lines.append(
                f"- {name}: /media/ files on first load: "
                + ", ".join(f"`{path[:40]}` {size / KB:,.0f} KB" for path, size in media)
                + "."
            )
    lines.append("")
    return "\n".join(lines)


def _loadavg(values: Any) -> str:
    return ", ".join(f"{v:.1f}" for v in values)


def cold_starts(apps: list[str], runs: int, log_dir: Path) -> dict[str, list[dict[str, Any]]]:
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    out: dict[str, list[dict[str, Any]]] = {}
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        for name in apps:
            out[name] = []
            for i in range(runs):
                run = cold_start.one_run(browser, APPS[name], "", log_dir)
                out[name].append(run)
                print(
                    f"{name}: cold start {i + 1}/{runs}: health {run['health_s']:.2f} s,"
                    f" paint {run['first_paint_s']:.2f} s",
                    flush=True,
                )
        browser.close()
    return out


def step(label: str, fn: Callable[[], Any]) -> Any:
    t = time.perf_counter()
    value = fn()
    print(f"[{label}: {time.perf_counter() - t:.0f} s]", flush=True)
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short run (a few minutes)")
    parser.add_argument("--cold-runs", type=int)
    parser.add_argument("--changes", type=int)
    parser.add_argument("--sessions", type=int)
    parser.add_argument("--seconds", type=float)
    parser.add_argument("--apps", nargs="+", choices=sorted(APPS), default=sorted(APPS)[::-1])
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    why = browser_unavailable()
    if why:
        print(f"cannot run: {why}", file=sys.stderr)
        return 2
    quick = args.quick
    plan = Plan(
        loads=3 if quick else 5,
        changes=args.changes or (20 if quick else 24),
        selections=3 if quick else 6,
        pans=2 if quick else 3,
        sessions=args.sessions if args.sessions is not None else (5 if quick else 20),
        seconds=args.seconds if args.seconds is not None else (20 if quick else 60),
    )
    cold_runs = args.cold_runs or (1 if quick else 3)
    apps = args.apps
    started = time.perf_counter()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="bench-all-") as tmp:
        log_dir = Path(tmp)
        cold = step("cold starts", lambda: cold_starts(apps, cold_runs, log_dir))
        driven = {
            name: step(
                name, lambda name=name: asyncio.run(measure_app(name, APPS[name], plan, log_dir))
            )
            for name in apps
        }
        profile = None
        if not args.no_profile and profile_rerun.py_spy() is None:
            print("py-spy not found (pip install -e '.[bench]'): no profile", file=sys.stderr)
        elif not args.no_profile:
            profile = step(
                "profile",
                lambda: [
                    profile_rerun.profile_app(APPS[a], 10 if quick else 20, 200, log_dir)
                    for a in apps
                ],
            )
    figs = {name: figures(cold[name], driven[name]) for name in apps}
    command = "python bench/run_all.py" + (" --quick" if quick else "")
    if argv or len(sys.argv) > 1:
        command = "python bench/run_all.py " + " ".join(argv if argv is not None else sys.argv[1:])
    result = {
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "command": command,
        "browser": next(iter(driven.values())).get("browser", "?"),
        "machine": machine(),
        "plan": {**plan.__dict__, "think": list(plan.think), "cold_runs": cold_runs},
        "table": summary_table(figs, plan.sessions) if "corridormap" in figs else [],
        "figures": figs,
        "apps": {
            name: {k: v for k, v in d.items() if k != "server_log_tail"}
            for name, d in driven.items()
        },
        "cold_start": cold,
        "elapsed_s": time.perf_counter() - started,
        "loadavg_before": load_before,
        "loadavg_after": os.getloadavg(),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "summary.json").write_text(json.dumps(result, indent=2, default=str) + "\n")
    md = markdown(result)
    (args.out / "summary.md").write_text(md)
    if profile is not None:
        profile_rerun.write(profile, args.out)
    print()
    print(md)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
