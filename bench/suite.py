#!/usr/bin/env python3
"""The whole suite's wall time, serial and parallel, and the CPU it keeps the machine busy with.

Runs the README's test command two ways, one after the other, in this checkout and with CI's
settings (``.ci/run``'s environment: the browser, PostgreSQL and pdftotext required, the "ci"
hypothesis profile):

* **serial**: the static checks, then the suite in one process (``make -j1 lint typecheck js
  pytest WORKERS=0``), as ``make test`` ran before the suite was split across workers;
* **parallel**: ``make test`` as it is (the static checks beside the suite, one pytest-xdist
  worker per core).

The whole machine's busy CPU time is read from ``/proc/stat`` before and after each (every
process, those that exited included: the tests', the servers' and Chromium's). Reported per
mode: wall time, CPU time, the average number of busy cores and the share of the machine that
is. From the serial
run it also reports the most any schedule on this machine could gain with the same work: a
parallel run cannot take less than its CPU time divided by the cores, so with the serial run
keeping ``u`` cores busy on average, it can be at most ``1 - u / cores`` shorter.

Run it on an otherwise idle machine (about 30 minutes on two cores):

    python bench/suite.py

Writes ``bench/results/suite.{md,json}`` (each run's output: ``bench/results/tmp/``). To leave
this checkout free while it runs, run it in a clone with ``make .venv/.test-installed
node_modules/.installed`` done.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from typing import Any

from _common import REPO, RESULTS, machine, machine_cpu, machine_line

CI_ENV = {
    "CORRIDORMAP_REQUIRE_BROWSER": "1",
    "HYPOTHESIS_PROFILE": "ci",
    "CORRIDORMAP_REQUIRE_POSTGRES": "1",
    "CORRIDORMAP_REQUIRE_PDFTOTEXT": "1",
}
MODES: dict[str, list[str]] = {
    "serial": [
        *("make", "--no-print-directory", "-j1"),
        *("lint", "typecheck", "js", "pytest", "WORKERS=0"),
    ],
    "parallel": ["make", "--no-print-directory", "test"],
}
SUMMARY = re.compile(r"=+ (.*\b(?:passed|failed)\b.*) in [\d.]+s")
#: Removed before each mode, so that neither finds the other's work done (mypy's cache alone
#: saves about 30 s of CPU).
CACHES = (".mypy_cache", ".ruff_cache", ".pytest_cache")
LOGS = REPO / "bench" / "results" / "tmp"  # git-ignored


def run_mode(name: str) -> dict[str, Any]:
    """Runs one mode and measures it; its output goes to ``bench/results/tmp/suite-<mode>.log``."""
    cpus = os.cpu_count() or 1
    LOGS.mkdir(parents=True, exist_ok=True)
    log = LOGS / f"suite-{name}.log"
    for cache in CACHES:
        shutil.rmtree(REPO / cache, ignore_errors=True)
    before = machine_cpu()
    time.sleep(5)
    busy0, total0 = machine_cpu()
    idle_busy = (busy0 - before[0]) / max(1e-9, total0 - before[1])
    start = time.monotonic()
    with log.open("w", encoding="utf-8") as out:
        proc = subprocess.run(
            MODES[name],
            cwd=REPO,
            env={**os.environ, **CI_ENV},
            stdout=out,
            stderr=subprocess.STDOUT,
            check=False,
        )
    wall = time.monotonic() - start
    cpu = machine_cpu()[0] - busy0
    found = SUMMARY.findall(log.read_text(encoding="utf-8"))
    return {
        "command": " ".join(MODES[name]),
        "returncode": proc.returncode,
        "summary": found[-1] if found else None,
        "wall_s": round(wall, 1),
        "cpu_s": round(cpu, 1),
        "busy_cores": round(cpu / wall, 3),
        "machine_busy": round(cpu / wall / cpus, 3),
        "machine_busy_before": round(idle_busy, 3),
        "log": str(log.relative_to(REPO)),
    }


def report(results: dict[str, Any]) -> str:
    cpus = results["machine"]["cpu_count"]
    lines = [
        "# The whole suite, serial and parallel",
        "",
        machine_line(results["machine"]),
        "",
        "| mode | command | tests | wall (s) | CPU (s) | busy cores | machine busy |",
        "|---|---|---|---|---|---|---|",
    ]
    modes = results["modes"]
    for name, m in modes.items():
        lines.append(
            f"| {name} | `{m['command']}` | {m['summary']} | {m['wall_s']:.0f} | "
            f"{m['cpu_s']:.0f} | {m['busy_cores']:.2f} | {m['machine_busy']:.0%} |"
        )
    if "serial" in modes:
        s = modes["serial"]
        lines += [
            "",
            f"The serial run keeps {s['busy_cores']:.2f} of {cpus} cores busy on average, so a "
            f"run of the same work on {cpus} cores can be at most "
            f"{1 - s['busy_cores'] / cpus:.0%} shorter (its CPU time over {cpus} cores).",
        ]
        if "parallel" in modes:
            p = modes["parallel"]
            lines.append(
                f"The parallel run is {1 - p['wall_s'] / s['wall_s']:.0%} shorter, with the "
                f"machine {p['machine_busy']:.0%} busy."
            )
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--modes", nargs="+", choices=list(MODES), default=list(MODES))
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {"machine": machine(), "modes": {}}
    for name in args.modes:
        print(f"{name}: {' '.join(MODES[name])}", flush=True)
        results["modes"][name] = run_mode(name)
        print(json.dumps(results["modes"][name]), flush=True)
    text = report(results)
    (RESULTS / "suite.md").write_text(text, encoding="utf-8")
    (RESULTS / "suite.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(text)
    return 0 if all(m["returncode"] == 0 for m in results["modes"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
