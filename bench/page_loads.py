#!/usr/bin/env python3
"""What one explorer load costs the machine, in a new browser context and in a used one.

The browser tests open most pages in one context per worker (``tests/browser/conftest.py``'s
``_worker_context``): its HTTP cache keeps Streamlit's scripts, styles and fonts, and
Chromium the scripts' compiled code, from one test to the next. This measures what that
saves: one warm server, one Chromium; each load opens the explorer in a new page, waits for
the map and the whole page and for no run to be under way (``harness.settle``), then closes
the page (and, in a new context, the context). Reported per load: wall time, and the whole
machine's busy CPU time (``/proc/stat``: every process, the server's and Chromium's alike,
so run it on an otherwise idle machine). The first load of each kind is left out (the
server's and the browser's first).

    python bench/page_loads.py --loads 8

Writes ``bench/results/page_loads.{md,json}``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import (  # also puts tests/browser on sys.path
    RESULTS,
    machine,
    machine_cpu,
    machine_line,
)
from harness import (
    APP,
    REPO,
    VIEWPORT,
    browser_unavailable,
    launch_chromium,
    proxy_sink,
    settle,
    start_streamlit,
    wait_for_map,
)


def loads(browser: Any, url: str, n: int, shared: bool) -> list[tuple[float, float]]:
    """Each load's wall time and the machine's busy CPU time over it (``machine_cpu``, not
    ``cpu_seconds``: a closed context's renderers are gone, with their CPU time, before a
    count of live processes could read them)."""
    used = browser.new_context(viewport=VIEWPORT) if shared else None
    out = []
    for _ in range(n + 1):
        start, cpu = time.perf_counter(), machine_cpu()[0]
        context = used if used is not None else browser.new_context(viewport=VIEWPORT)
        page = context.new_page()
        page.goto(url)
        wait_for_map(page)
        settle(page)
        page.close()
        if used is None:
            context.close()
        out.append((time.perf_counter() - start, machine_cpu()[0] - cpu))
    if used is not None:
        used.close()
    return out[1:]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--loads", type=int, default=8, help="loads of each kind (and one more)")
    args = parser.parse_args()
    if (why := browser_unavailable()) is not None:
        print(f"no browser: {why}", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - may be absent

    proxy_sink()  # the browser sends every off-machine request here, and it is refused
    results: dict[str, Any] = {"machine": machine(), "loads": args.loads, "kinds": {}}
    with tempfile.TemporaryDirectory() as logs:
        server = start_streamlit(APP, cwd=REPO, log_dir=Path(logs))
        try:
            with sync_playwright() as pw:
                browser = launch_chromium(pw)
                loads(browser, server.url, 1, shared=False)  # the server's first page
                # alternate the kinds, so that a change in the machine's load hits both
                runs: dict[str, list[tuple[float, float]]] = {"new context": [], "used": []}
                for _ in range(2):
                    for kind in runs:
                        runs[kind] += loads(browser, server.url, args.loads // 2, kind == "used")
                browser.close()
        finally:
            server.stop()
    lines = [
        "# One explorer load in a new browser context and in a used one",
        "",
        machine_line(results["machine"]),
        "",
        "| context | loads | wall, median (s) | machine CPU, median (s) |",
        "|---|---|---|---|",
    ]
    for kind, measured in runs.items():
        wall = statistics.median(w for w, _ in measured)
        cpu = statistics.median(c for _, c in measured)
        results["kinds"][kind] = {
            "wall_s": [w for w, _ in measured],
            "cpu_s": [c for _, c in measured],
        }
        lines.append(f"| {kind} | {len(measured)} | {wall:.2f} | {cpu:.2f} |")
    text = "\n".join(lines) + "\n"
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "page_loads.md").write_text(text, encoding="utf-8")
    (RESULTS / "page_loads.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
