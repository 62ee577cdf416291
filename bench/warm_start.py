#!/usr/bin/env python3
"""What the warm start saves the first visitor of a replica: server time of a new process's
first run (the map first) and of the rerun the map's report causes, and the time from opening
the page to the end of both.

Alternately, a plain ``streamlit run app.py`` and ``deploy/serve.py`` (warm the caches, then
the same server), each a new process with ``CORRIDORMAP_TIMINGS`` set; one protocol-level
session (``wsclient.py``) opens the page once it is healthy. Writes
``bench/results/warm_start.{md,json}``.

    python bench/warm_start.py --runs 5
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import REPO, RESULTS, TimingLog, dist, machine, machine_line
from harness import APP, start_streamlit
from wsclient import Session

SERVE = REPO / "deploy" / "serve.py"


def one(warm: bool, log_dir: Path) -> dict[str, float]:
    timings = log_dir / f"timings-{time.monotonic_ns()}.jsonl"
    os.environ["CORRIDORMAP_TIMINGS"] = str(timings)
    try:
        server = start_streamlit(
            SERVE if warm else APP, cwd=REPO, log_dir=log_dir, timeout=120, launcher=warm
        )
    finally:
        del os.environ["CORRIDORMAP_TIMINGS"]
    try:
        session = Session(server.url)
        opened = asyncio.run(_open(session))
        runs = TimingLog(timings).lines()
    finally:
        server.stop()
    return {
        "healthy_s": server.healthy_after,
        "open_s": opened,
        "first_run_server_s": runs[0]["seconds"] if runs else float("nan"),
        # the rerun the map's report causes (app_pages/_first.py): the rest of the page
        "report_run_server_s": runs[1]["seconds"] if len(runs) > 1 else float("nan"),
    }


async def _open(session: Session) -> float:
    try:
        return await session.open()
    finally:
        await session.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    results: dict[str, list[dict[str, float]]] = {"plain": [], "warm": []}
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="bench-warm-") as tmp:
        for i in range(args.runs):
            for name in ("plain", "warm"):
                r = one(name == "warm", Path(tmp))
                results[name].append(r)
                print(f"run {i + 1} {name}: " + json.dumps({k: round(v, 3) for k, v in r.items()}))
    out: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "machine": machine(),
        "loadavg_before": load_before,
        "loadavg_after": os.getloadavg(),
        "runs": results,
        "summary": {
            name: {k: dist([r[k] for r in rs]) for k in rs[0]} for name, rs in results.items()
        },
    }
    s = out["summary"]
    lines = [
        "# Warm start: a new replica's first visitor",
        "",
        f"Measured {out['date']} with `python bench/warm_start.py --runs {args.runs}`: runs"
        " alternate between a plain `streamlit run app.py` and `deploy/serve.py` (the caches"
        " warmed before the server listens), a new process each, one protocol-level session"
        " (`wsclient.py`) opening the page as soon as the server is healthy.",
        "",
        machine_line(out["machine"]),
        "",
        "Load average (1, 5, 15 min) before "
        + ", ".join(f"{x:.1f}" for x in load_before)
        + ", after "
        + ", ".join(f"{x:.1f}" for x in out["loadavg_after"])
        + ": anything else running on the machine shows up here.",
        "",
        "| median (min–max) | plain `streamlit run` | `deploy/serve.py` |",
        "| --- | ---: | ---: |",
    ]
    labels = {
        "healthy_s": "process start → `/_stcore/health` ok",
        "first_run_server_s": "server time of the first run (the map first)",
        "report_run_server_s": "server time of the rerun the map's report causes",
        "open_s": "page GET → both runs finished (protocol client)",
    }
    for key, label in labels.items():
        cells = [
            f"{s[n][key]['p50']:.2f} s ({s[n][key]['min']:.2f}–{s[n][key]['max']:.2f})"
            for n in ("plain", "warm")
        ]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines.append("")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "warm_start.json").write_text(json.dumps(out, indent=2) + "\n")
    (args.out / "warm_start.md").write_text("\n".join(lines))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
