#!/usr/bin/env python3
"""Cold start and page weight of the app, measured on this machine in headless Chromium.

For each run: a fresh ``streamlit run app.py`` process and a fresh browser context (empty
cache); every non-loopback request is aborted and counted. Measures

* process start -> ``/_stcore/health`` answers ``ok``;
* process start -> first map paint, the page being opened as soon as the server is healthy:
  the first frame the browser draws with the map showing (streamlit-folium's frame has its
  height, Leaflet has taken it and drawn a path), marked in the page (``harness.PAINT_PROBE``);
  Chromium's own first contentful paint of the map's frame, which agrees; when the driver
  (Playwright, polling the frames) sees the map, which is later; and when it sees the whole
  page (what the first run holds back until the map is drawn: ``app_pages/_first.py``);
* bytes sent to the browser for the first page load: HTTP response bodies (decoded, and as
  transferred: encoded body + headers) and websocket frame payloads (the map script, GeoJSON
  inline, travels over Streamlit's websocket).

Writes ``bench/results/cold_start.{md,json}`` and prints the table. With ``--replicas N``
the app runs as ``make cluster`` runs it (``deploy/cluster.py``: warm-started replicas behind
HAProxy, which compresses and sets cache headers), "process start" is the cluster's start and
"healthy" is HAProxy answering once every replica is warm; the results go to
``cold_start_cluster.{md,json}``.

    python bench/cold_start.py --runs 5
    python bench/cold_start.py --runs 5 --replicas 1
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _common import REPO, RESULTS, machine  # also puts tests/browser on sys.path
from harness import (
    APP,
    PAINT_PROBE,
    PageProbe,
    browser_unavailable,
    launch_chromium,
    map_frame_fcp,
    painted_in_page,
    start_streamlit,
    wait_for_map,
    wait_for_whole_page,
)

sys.path.insert(0, str(REPO / "deploy"))
import cluster  # deploy/ is not a package

PYDECK_APP = "pydeck_app.py"
DECK_CANVAS = '[data-testid="stDeckGlJsonChart"] canvas'


def wait_for_deck(page: Any) -> None:
    """deck.gl's first frame: its canvas is attached and two animation frames have run (the
    peer ``bench/pydeck_app.py`` has no Leaflet map to wait for)."""
    page.wait_for_selector(DECK_CANVAS, state="attached", timeout=60_000)
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


@dataclass
class ProxiedApp:
    """``make cluster``'s topology, with what ``one_run`` reads of a server."""

    cluster: cluster.Cluster
    started: float  # time.perf_counter() before the cluster started
    healthy_after: float  # seconds until HAProxy answered with every replica warm

    @property
    def url(self) -> str:
        return self.cluster.url

    def stop(self) -> None:
        self.cluster.stop()


def start_cluster(replicas: int, base_path: str, log_dir: Path) -> ProxiedApp:
    c = cluster.Cluster(
        port=cluster.free_port(), replicas=replicas, base_path=base_path, log_dir=log_dir
    )
    started = time.perf_counter()
    c.start()
    return ProxiedApp(c, started, time.perf_counter() - started)


def one_run(
    browser: Any, app: Path, base_path: str, log_dir: Path, replicas: int = 0
) -> dict[str, Any]:
    """One cold load; ``replicas`` > 0: through ``make cluster``'s topology (app.py only)."""
    server: Any = (
        start_cluster(replicas, base_path, log_dir)
        if replicas
        else start_streamlit(app, cwd=REPO, base_path=base_path, log_dir=log_dir)
    )
    try:
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        context.add_init_script(PAINT_PROBE)
        try:
            page = context.new_page()
            probe = PageProbe(record_bodies=True).attach(context, page)
            nav_start = time.perf_counter()
            page.goto(server.url, wait_until="domcontentloaded")
            if app.name == PYDECK_APP:
                wait_for_deck(page)
            else:
                wait_for_map(page, timeout_ms=60_000, probe=probe, whole_page=False)
            painted = time.perf_counter()
            wait_for_whole_page(page, timeout_ms=60_000)
            whole = time.perf_counter()
            in_page = painted_in_page(page)
            if in_page is None:
                raise AssertionError("the page never marked a frame showing the map")
            fcp = map_frame_fcp(page)
            probe.wait_quiet(page, quiet_ms=1000)  # late fonts, images, websocket frames
            probe.collect_sizes()
        finally:
            context.close()
    finally:
        server.stop()

    responses = probe.responses
    return {
        "health_s": server.healthy_after,
        "first_paint_s": nav_start - server.started + in_page,
        "navigation_to_paint_s": in_page,
        "map_frame_fcp_s": fcp,
        "navigation_to_driver_s": painted - nav_start,
        "navigation_to_whole_page_s": whole - nav_start,
        "http_requests": len(responses),
        "http_body_bytes": sum(r.get("body_bytes", 0) for r in responses),
        "http_transfer_bytes": sum(r.get("transfer_bytes", 0) for r in responses),
        "ws_frames_received": probe.ws_frames_received,
        "ws_bytes_received": probe.ws_bytes_received,
        "ws_bytes_sent": probe.ws_bytes_sent,
        "blocked_requests": len(probe.blocked),
        "blocked": probe.blocked,
        "problems": {k: v for k, v in probe.problems().items() if v},
        "largest": sorted(
            (
                {
                    "url": r["url"].removeprefix(server.url),
                    "body_bytes": r.get("body_bytes", 0),
                    "transfer_bytes": r.get("transfer_bytes", 0),
                    "encoding": r.get("content_encoding", ""),
                }
                for r in responses
            ),
            key=lambda r: -r["body_bytes"],
        )[:12],
    }


def summary(values: list[float | None]) -> dict[str, float] | None:
    """Median, min and max; None where a metric does not apply (no map frame: pydeck)."""
    known = [float(v) for v in values if v is not None]
    if not known:
        return None
    return {"median": statistics.median(known), "min": min(known), "max": max(known)}


METRICS = (
    ("health_s", "process start → /_stcore/health ok", "s"),
    ("first_paint_s", "process start → first map paint", "s"),
    ("navigation_to_paint_s", "page open → first map paint", "s"),
    ("map_frame_fcp_s", "page open → the map frame's first contentful paint", "s"),
    ("navigation_to_driver_s", "page open → the driver sees the map", "s"),
    ("navigation_to_whole_page_s", "page open → the driver sees the whole page", "s"),
    ("http_requests", "HTTP requests", ""),
    ("http_body_bytes", "HTTP bodies, decoded", "B"),
    ("http_transfer_bytes", "HTTP as transferred (encoded body + headers)", "B"),
    ("ws_bytes_received", "websocket payload received", "B"),
    ("ws_frames_received", "websocket frames received", ""),
    ("blocked_requests", "off-machine requests (blocked)", ""),
)


def fmt(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value:.2f} s"
    if unit == "B":
        return f"{value / 1024:,.0f} KiB"
    return f"{value:,.0f}"


def markdown(result: dict[str, Any]) -> str:
    m = result["machine"]
    lines = [
        "# Cold start and page weight",
        "",
        f"Measured {result['date']} with `python bench/cold_start.py --runs {result['runs']}"
        + (f" --replicas {result['replicas']}`" if result.get("replicas") else "`")
        + (
            f" through `make cluster`'s topology ({result['replicas']} warm-started replica(s)"
            " behind HAProxy: gzip, cache headers; 'process start' is the cluster's start,"
            " 'healthy' is HAProxy answering with every replica warm)"
            if result.get("replicas")
            else ""
        )
        + f" (app `{result['app']}`, base path `/{result['base_path']}`), headless"
        f" {result['browser']}, every non-loopback request aborted. Each run: a new"
        " `streamlit run` process and a new browser context (empty cache); the OS file cache"
        " is warm.",
        "",
        "'First map paint' is the first frame the browser draws with the map showing (the"
        " map's frame has its height and Leaflet has drawn for it), marked in the page, and"
        " Chromium's own first contentful paint of the map's frame agrees; 'the driver"
        " sees the map' is when Playwright's polling of the frames notices it, later; 'the"
        " whole page' is when the filters, legend and tables a session's first run holds back"
        " until the map is drawn have come (app_pages/_first.py).",
        "",
        f"Machine: {m.get('cpu_count')} CPUs ({m.get('cpu_model', '?')}),"
        f" {m.get('memory_gib', '?')} GiB RAM; Python {m.get('python')}, streamlit"
        f" {m.get('streamlit')}, folium {m.get('folium')}, branca {m.get('branca')},"
        f" streamlit-folium {m.get('streamlit-folium')}, playwright {m.get('playwright')}.",
        "",
        *(
            [
                "Load average (1, 5, 15 min) before "
                + ", ".join(f"{x:.1f}" for x in result["loadavg_before"])
                + ", after "
                + ", ".join(f"{x:.1f}" for x in result["loadavg_after"])
                + ": other work on the machine shows up here.",
                "",
            ]
            if "loadavg_before" in result
            else []
        ),
        "| metric | median | min | max |",
        "| --- | ---: | ---: | ---: |",
    ]
    for key, label, unit in METRICS:
        s = result["summary"][key]
        if s is None:
            continue
        cells = [fmt(s[k], unit) for k in ("median", "min", "max")]
        lines.append(f"| {label} | {' | '.join(cells)} |")
    if "direct_summary" in result:
        lines += [
            "",
            "Paired with a plain `streamlit run app.py` (no warm start, no proxy): before each"
            " run above, one of those, in the same browser, so both see the same machine.",
            "",
            "| metric | plain, median | through the cluster, median |",
            "| --- | ---: | ---: |",
        ]
        for key, label, unit in METRICS:
            direct, proxied = result["direct_summary"][key], result["summary"][key]
            if direct is None or proxied is None:
                continue
            lines.append(
                f"| {label} | {fmt(direct['median'], unit)} | {fmt(proxied['median'], unit)} |"
            )
    lines += [
        "",
        "Websocket payloads are counted as the page receives them (after any permessage-deflate"
        " inflation); HTTP 'as transferred' is what the network carried (gzip where the server"
        " applied it).",
        "",
        "## Largest HTTP responses (first run)",
        "",
        "| path | decoded | transferred | encoding |",
        "| --- | ---: | ---: | --- |",
    ]
    for r in result["runs_detail"][0]["largest"]:
        lines.append(
            f"| `{r['url'][:90]}` | {fmt(r['body_bytes'], 'B')} | {fmt(r['transfer_bytes'], 'B')}"
            f" | {r['encoding'] or '-'} |"
        )
    blocked = sorted({u for run in result["runs_detail"] for u in run["blocked"]})
    lines += ["", f"Off-machine requests blocked: {len(blocked)}"]
    lines += [f"- {u}" for u in blocked]
    problems = [run["problems"] for run in result["runs_detail"] if run["problems"]]
    if problems:
        lines += ["", "Problems seen:", "```", json.dumps(problems, indent=2)[:4000], "```"]
    lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--app", type=Path, default=APP)
    parser.add_argument("--base-path", default="")
    parser.add_argument("--replicas", type=int, default=0, help="through make cluster's proxy")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--name", help="results file stem (default cold_start[_cluster])")
    parser.add_argument(
        "--paired",
        action="store_true",
        help="with --replicas: before each run, one of a plain `streamlit run` (same load)",
    )
    args = parser.parse_args(argv)
    name = args.name or ("cold_start_cluster" if args.replicas else "cold_start")

    why = browser_unavailable()
    if why:
        print(f"cannot run: {why}", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    runs: list[dict[str, Any]] = []
    direct: list[dict[str, Any]] = []
    load_before = os.getloadavg()
    with (
        sync_playwright() as pw,
        tempfile.TemporaryDirectory(prefix="cold-start-") as tmp,
    ):
        browser = launch_chromium(pw)
        version = f"Chromium {browser.version}"
        for i in range(args.runs):
            if args.paired and args.replicas:
                direct.append(one_run(browser, args.app, args.base_path, Path(tmp)))
            run = one_run(browser, args.app, args.base_path, Path(tmp), args.replicas)
            runs.append(run)
            print(
                f"run {i + 1}/{args.runs}: health {run['health_s']:.2f} s, "
                f"paint {run['first_paint_s']:.2f} s, "
                f"http {run['http_body_bytes'] / 1024:,.0f} KiB, "
                f"ws {run['ws_bytes_received'] / 1024:,.0f} KiB, blocked {run['blocked_requests']}",
                flush=True,
            )
        browser.close()

    result = {
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "runs": args.runs,
        "app": str(
            args.app.resolve().relative_to(REPO) if args.app.is_relative_to(REPO) else args.app
        ),
        "base_path": args.base_path,
        "replicas": args.replicas,
        "browser": version,
        "machine": machine(),
        "loadavg_before": load_before,
        "loadavg_after": os.getloadavg(),
        "summary": {key: summary([r[key] for r in runs]) for key, _, _ in METRICS},
        "runs_detail": runs,
    }
    if direct:
        result["direct_summary"] = {key: summary([r[key] for r in direct]) for key, _, _ in METRICS}
        result["direct_runs_detail"] = direct
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"{name}.json").write_text(json.dumps(result, indent=2) + "\n")
    md = markdown(result)
    (args.out / f"{name}.md").write_text(md)
    print()
    print(md)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
