"""What the benchmark scripts share: paths, the machine description, statistics, timing lines,
server memory, and the apps under test (corridormap and the naive baseline).

The browser harness (start_streamlit, launch_chromium, PageProbe...) lives in
``tests/browser/harness.py``; importing this module puts it on ``sys.path``.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import json
import math
import os
import platform
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results"
if str(REPO / "tests" / "browser") not in sys.path:
    sys.path.insert(0, str(REPO / "tests" / "browser"))

APPS: dict[str, Path] = {
    "corridormap": REPO / "app.py",
    "baseline": REPO / "bench" / "baseline_app.py",
}
TIMINGS_ENV = "CORRIDORMAP_TIMINGS"


def machine() -> dict[str, Any]:
    info: dict[str, Any] = {"cpu_count": os.cpu_count(), "platform": platform.platform()}
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu_model"] = line.split(":", 1)[1].strip()
                break
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["memory_gib"] = round(int(line.split()[1]) / 2**20, 1)
                break
    info["python"] = platform.python_version()
    for dist in ("streamlit", "folium", "branca", "streamlit-folium", "playwright"):
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            info[dist] = importlib.metadata.version(dist)
    return info


def machine_line(m: dict[str, Any]) -> str:
    return (
        f"Machine: {m.get('cpu_count')} CPUs ({m.get('cpu_model', '?')}),"
        f" {m.get('memory_gib', '?')} GiB RAM; Python {m.get('python')}, streamlit"
        f" {m.get('streamlit')}, folium {m.get('folium')}, branca {m.get('branca')},"
        f" streamlit-folium {m.get('streamlit-folium')}, playwright {m.get('playwright')}."
    )


def app_label(app: Path) -> str:
    return str(app.resolve().relative_to(REPO) if app.resolve().is_relative_to(REPO) else app)


# -- statistics -------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    """Linear-interpolated percentile (q in 0..100); NaN for no values."""
    if not values:
        return math.nan
    xs = sorted(values)
    k = (len(xs) - 1) * q / 100
    lo, hi = math.floor(k), math.ceil(k)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def dist(values: list[float]) -> dict[str, float]:
    """n, p50, p95, min, max, mean of ``values`` (NaN when empty)."""
    n = len(values)
    return {
        "n": n,
        "p50": percentile(values, 50),
        "p95": percentile(values, 95),
        "min": min(values) if n else math.nan,
        "max": max(values) if n else math.nan,
        "mean": sum(values) / n if n else math.nan,
    }


# -- server time per run (the CORRIDORMAP_TIMINGS lines app.py writes) -------------------------


@dataclass
class TimingLog:
    """The file the app appends a JSON line to at the end of every completed run."""

    path: Path

    def lines(self) -> list[dict[str, Any]]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except OSError:
            return []
        out = []
        for raw in text.splitlines():
            with contextlib.suppress(ValueError):
                out.append(json.loads(raw))
        return out

    def count(self) -> int:
        return len(self.lines())

    def since(self, start: int) -> list[dict[str, Any]]:
        """Lines appended after the first ``start`` lines."""
        return self.lines()[start:]


# -- server memory ----------------------------------------------------------------------------


def _status(pid: int) -> dict[str, int]:
    out: dict[str, int] = {}
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0]) * 1024
    return out


def descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        for task in Path(f"/proc/{p}/task").glob("*/children"):
            with contextlib.suppress(OSError):
                todo += [int(c) for c in task.read_text().split()]
    return found


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of ``pid`` and its children, in seconds."""
    total = 0
    for p in descendants(pid):
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (clock ticks)
    return total / os.sysconf("SC_CLK_TCK")


def machine_cpu() -> tuple[float, float]:
    """The whole machine's CPU time since boot, in seconds: (busy, total), busy being all but
    idle and I/O wait (``/proc/stat``). Unlike ``cpu_seconds`` it keeps the time of processes
    that have exited (a closed browser context's renderers, a finished test run's)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    ticks = os.sysconf("SC_CLK_TCK")
    return (sum(fields) - fields[3] - fields[4]) / ticks, sum(fields) / ticks


def rss_bytes(pid: int) -> int:
    """VmRSS of ``pid`` and its children, now."""
    return sum(_status(p).get("VmRSS", 0) for p in descendants(pid))


def hwm_bytes(pid: int) -> int:
    """VmHWM (peak resident set since start) of ``pid`` and its children."""
    return sum(_status(p).get("VmHWM", 0) for p in descendants(pid))


@dataclass
class RssSampler:
    """Samples the resident set of a process tree in a thread; ``peak`` is the window's maximum."""

    pid: int
    interval: float = 0.1
    peak: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __enter__(self) -> RssSampler:
        self.peak = rss_bytes(self.pid)

        def run() -> None:
            while not self._stop.wait(self.interval):
                self.peak = max(self.peak, rss_bytes(self.pid))

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.peak = max(self.peak, rss_bytes(self.pid))


def now() -> float:
    return time.perf_counter()
