"""Timing hook for bench/: each run's server time, off unless CORRIDORMAP_TIMINGS names a file."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path


def record_run(started: float, page: str = "") -> None:
    """Append one JSON line (end time, page, seconds since ``started``) to $CORRIDORMAP_TIMINGS."""
    path = os.environ.get("CORRIDORMAP_TIMINGS")
    if path:
        line = {"t": time.time(), "page": page, "seconds": time.perf_counter() - started}
        with Path(path).open("a", encoding="utf-8") as out:
            out.write(json.dumps(line) + "\n")
