#!/usr/bin/env python3
"""Where a filter-change rerun spends its time: py-spy on the streamlit process.

Starts ``streamlit run`` for the app, opens one browser session, attaches ``py-spy record``
(``--format raw --function``: collapsed stacks, frames by function) and unticks/ticks corridors
in the legend ``--changes`` times, waiting for each repaint. Only the samples of the script
thread (stacks through Streamlit's ``code_to_exec``) are kept: the functions' inclusive share
of that time is the table. Writes ``bench/results/profile.{md,json}``.

Needs py-spy (``pip install py-spy``; it ptraces the server, so it runs as the same user).

    python bench/profile_rerun.py --changes 20
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import APPS, REPO, RESULTS, machine, machine_line
from drive import CORRIDORS, Session, corridor_counts
from harness import CHROMIUM, CHROMIUM_ARGS, start_streamlit

# Frames every script-thread stack passes through: Streamlit's runner and threading.
_WRAPPERS = (
    "_bootstrap",
    "_bootstrap_inner",
    "run (threading.py)",
    "_run_script_thread",
    "_run_script",
    "exec_func_with_error_handling",
    "code_to_exec",
    "_run_with_profiler",
)
SCRIPT_MARK = "code_to_exec"
_SKIP_PREFIXES = ("process ", "Thread.run ", "<module> (app.py")


def py_spy() -> str | None:
    found = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    return found if Path(found).exists() else None


def parse_raw(text: str) -> tuple[collections.Counter[str], int, int]:
    """Inclusive samples per frame over script-thread stacks; (counter, script, all samples)."""
    inclusive: collections.Counter[str] = collections.Counter()
    script = total = 0
    for line in text.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        total += n
        frames = stack.split(";")
        if not any(SCRIPT_MARK in f for f in frames):
            continue
        script += n
        for frame in set(frames):
            inclusive[frame] += n
    return inclusive, script, total


def top(inclusive: collections.Counter[str], script: int, k: int = 15) -> list[dict[str, Any]]:
    rows = []
    for frame, n in inclusive.most_common():
        if any(w in frame for w in _WRAPPERS) or frame.startswith(_SKIP_PREFIXES):
            continue
        rows.append({"function": frame, "samples": n, "share": n / script if script else 0.0})
        if len(rows) == k:
            break
    return rows


async def _drive(server: Any, changes: int, spy_cmd: list[str], raw: Path) -> float:
    from playwright.async_api import async_playwright  # noqa: PLC0415

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS), headless=True
        )
        s = Session(browser, server, corridor_counts(), gzip_frames=False)
        await s.open()
        await s.quiet(1.0)
        spy = subprocess.Popen([*spy_cmd, "-o", str(raw)], stderr=subprocess.PIPE)
        await asyncio.sleep(1.0)  # py-spy attaches
        start = time.perf_counter()
        cycle = [c for c in CORRIDORS for _ in (0, 1)]
        for i in range(changes):
            await s.toggle(cycle[i % len(cycle)])
            await s.quiet(0.3)
        elapsed = time.perf_counter() - start
        spy.send_signal(signal.SIGINT)
        _, err = spy.communicate(timeout=60)
        if not raw.exists():
            raise RuntimeError(f"py-spy wrote nothing: {err.decode(errors='replace')[-2000:]}")
        await s.close()
        await browser.close()
    return elapsed


def profile_app(app: Path, changes: int, rate: int, log_dir: Path) -> dict[str, Any]:
    spy = py_spy()
    if spy is None:
        raise RuntimeError("py-spy is not installed (pip install py-spy)")
    server = start_streamlit(app, cwd=REPO, log_dir=log_dir)
    raw = log_dir / f"pyspy-{app.stem}.txt"
    cmd = [spy, "record", "--pid", str(server.proc.pid), "--format", "raw", "--function"]
    cmd += ["--rate", str(rate), "--subprocesses"]
    try:
        elapsed = asyncio.run(_drive(server, changes, cmd, raw))
    finally:
        server.stop()
    inclusive, script, total = parse_raw(raw.read_text())
    return {
        "app": str(app.relative_to(REPO)),
        "changes": changes,
        "rate_hz": rate,
        "elapsed_s": elapsed,
        "script_samples": script,
        "all_samples": total,
        "script_seconds": script / rate,
        "top": top(inclusive, script),
    }


def markdown(results: list[dict[str, Any]], m: dict[str, Any], date: str) -> str:
    lines = [
        "# Where a filter-change rerun spends its time",
        "",
        f"Measured {date} with `python bench/profile_rerun.py`: py-spy"
        " (`record --format raw --function`) on the `streamlit run` process while one headless"
        " Chromium session unticks and ticks corridors in the legend, waiting for each repaint."
        " Only the script thread's samples are kept (stacks through Streamlit's `code_to_exec`);"
        " a function's share is the fraction of those samples with it on the stack (inclusive"
        " time). Streamlit's runner and threading frames, on every stack, are left out.",
        "",
        machine_line(m),
    ]
    for r in results:
        lines += [
            "",
            f"## `{r['app']}`: {r['changes']} filter changes",
            "",
            f"{r['script_samples']} script-thread samples at {r['rate_hz']} Hz"
            f" ({r['script_seconds']:.1f} s of script time,"
            f" {r['script_seconds'] / r['changes']:.2f} s per change;"
            f" {r['all_samples']} samples in all threads)"
            f" over {r['elapsed_s']:.1f} s of driving.",
            "",
            "| # | function (file:line of its definition) | inclusive | samples |",
            "| ---: | --- | ---: | ---: |",
        ]
        for i, row in enumerate(r["top"], 1):
            fn = row["function"].replace("|", "\\|")
            lines.append(f"| {i} | `{fn}` | {row['share']:.0%} | {row['samples']} |")
    lines.append("")
    return "\n".join(lines)


def write(results: list[dict[str, Any]], out: Path) -> str:
    m = machine()
    date = time.strftime("%Y-%m-%d %H:%M %Z")
    out.mkdir(parents=True, exist_ok=True)
    payload = {"date": date, "machine": m, "profiles": results}
    (out / "profile.json").write_text(json.dumps(payload, indent=2) + "\n")
    md = markdown(results, m, date)
    (out / "profile.md").write_text(md)
    return md


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--rate", type=int, default=200)
    parser.add_argument("--apps", nargs="+", choices=sorted(APPS), default=["corridormap"])
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-profile-") as tmp:
        results = [profile_app(APPS[a], args.changes, args.rate, Path(tmp)) for a in args.apps]
    print(write(results, args.out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
