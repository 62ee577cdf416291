"""Repairing invalid geometries (``make_valid``) within a time budget, in a worker process.

``make_valid`` has no bound on its work: a self-intersecting star polygon of 151 vertices
(3.7 KB of GeoJSON) takes 20-30 s, one of 401 vertices minutes, and the call cannot be
interrupted. A vertex cap would refuse legitimate outlines of thousands of vertices that
repair in milliseconds while letting through stars of a hundred; the cost follows the number
of self-intersections, which only the repair itself finds out. So the repair runs in a worker
process (a new interpreter, never a fork of the threaded server) with a time budget for
the whole file and a CPU and memory limit of its own: the feature being repaired when the
budget runs out is named and dropped, and so is every feature not reached. The server's own
process does none of the work.
"""

from __future__ import annotations

import logging
import multiprocessing.connection
import os
import resource
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import shapely
from shapely.geometry.base import BaseGeometry

logger = logging.getLogger(__name__)

#: Seconds of repair for one file (wall clock, all its invalid features together).
BUDGET_SECONDS: Final = 5.0
#: Seconds a worker may take to start (not counted in the budget).
STARTUP_SECONDS: Final = 60.0
#: Memory the worker may map beyond what it starts with, so a repair cannot take the
#: machine's memory.
WORKER_BYTES: Final = 2 * 1024**3


@dataclass(frozen=True, slots=True)
class Repaired:
    """What became of each geometry: its ``make_valid`` result, or why there is none."""

    geometries: list[BaseGeometry | None]
    problems: list[str | None]


class _Duplex:
    """Two one-way connections (the child's pipes) as one."""

    def __init__(
        self,
        inbox: multiprocessing.connection.Connection,
        outbox: multiprocessing.connection.Connection,
    ) -> None:
        self.inbox, self.outbox = inbox, outbox

    def poll(self, timeout: float) -> bool:
        return self.inbox.poll(timeout)

    def recv(self) -> Any:
        return self.inbox.recv()

    def send(self, value: Any) -> None:
        self.outbox.send(value)

    def close(self) -> None:
        self.inbox.close()
        self.outbox.close()


def _worker(conn: Any, cpu_seconds: int) -> None:
    # below the server's priority: the server's sessions rerun first while a repair runs
    os.nice(10)
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    # the worker may grow by WORKER_BYTES over what it maps already (its libraries)
    mapped = _mapped_bytes()
    if mapped is not None:
        resource.setrlimit(resource.RLIMIT_AS, (mapped + WORKER_BYTES, mapped + WORKER_BYTES))
    conn.send(("ready", b""))
    wkbs: list[bytes] = conn.recv()
    for wkb in wkbs:
        try:
            fixed = shapely.make_valid(shapely.from_wkb(wkb))
            conn.send(("ok", shapely.to_wkb(fixed)))
        except (shapely.errors.ShapelyError, MemoryError, ValueError) as exc:
            conn.send(("error", str(exc)[:120]))
    conn.close()


def _mapped_bytes() -> int | None:
    """This process's virtual memory size (``VmSize``), or None where /proc does not say."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def make_valid_all(geoms: Sequence[BaseGeometry], budget: float | None = None) -> Repaired:
    """``shapely.make_valid`` of each geometry, in a worker process, within ``budget`` seconds
    (default :data:`BUDGET_SECONDS`)."""
    budget = BUDGET_SECONDS if budget is None else budget
    out: list[BaseGeometry | None] = [None] * len(geoms)
    problems: list[str | None] = [None] * len(geoms)
    if not geoms:
        return Repaired(out, problems)
    cpu = str(int(budget) + 1)
    # A new interpreter (``python -m corridormap.repair``), not a fork of the threaded server,
    # and not multiprocessing's spawn, which would run the app's script again in the child.
    child_in, to_child = os.pipe()  # (read end, write end)
    from_child, child_out = os.pipe()
    proc = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "corridormap.repair", str(child_in), str(child_out), cpu],
        pass_fds=(child_in, child_out),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    os.close(child_in)
    os.close(child_out)
    parent = _Duplex(
        multiprocessing.connection.Connection(from_child, writable=False),
        multiprocessing.connection.Connection(to_child, readable=False),
    )
    done = 0
    started = False
    try:
        # the budget is for repairs: it starts once the worker is up (a loaded machine may
        # take seconds to start a process; that is not the file's doing)
        try:
            started = parent.poll(STARTUP_SECONDS) and parent.recv()[0] == "ready"
        except (EOFError, OSError):  # the worker died as it started
            logger.warning("the repair worker died as it started", exc_info=True)
            started = False
        deadline = time.monotonic() + budget
        if started:
            parent.send([shapely.to_wkb(g) for g in geoms])
        while started and done < len(geoms):
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not parent.poll(remaining):
                break
            try:
                status, value = parent.recv()
            except (EOFError, OSError):  # the worker died: over its CPU or memory limit
                logger.warning("the repair worker died after %d repairs", done, exc_info=True)
                break
            if status == "ok":
                out[done] = shapely.from_wkb(value)
            else:
                problems[done] = f"the repair failed ({value})"
            done += 1
    finally:
        parent.close()
        if proc.poll() is None:
            proc.kill()
        proc.wait(5)
    _unfinished(problems, done, started, budget)
    return Repaired(out, problems)


def _unfinished(problems: list[str | None], done: int, started: bool, budget: float) -> None:
    """Why each geometry from ``done`` on has no repair."""
    if not started:
        for i in range(len(problems)):
            problems[i] = "not repaired: the repair worker could not be started"
    elif done < len(problems):
        problems[done] = (
            f"the repair of this feature did not finish within the {budget:g} s allowed for "
            "repairs: fix it in the file"
        )
        for i in range(done + 1, len(problems)):
            problems[i] = "not repaired: the time allowed for repairs ran out at an earlier feature"


def main(argv: Sequence[str]) -> None:
    """The worker: ``python -m corridormap.repair <fd to read> <fd to write> [cpu seconds]``."""
    inbox = multiprocessing.connection.Connection(int(argv[0]), writable=False)
    outbox = multiprocessing.connection.Connection(int(argv[1]), readable=False)
    _worker(_Duplex(inbox, outbox), int(argv[2]) if len(argv) > 2 else int(BUDGET_SECONDS) + 1)


if __name__ == "__main__":
    main(sys.argv[1:])
