"""Repairing invalid geometries (``make_valid``) within a time budget, in a worker process.

``make_valid`` has no bound on its work: a self-intersecting star polygon of 151 vertices
(3.7 KB of GeoJSON) takes 20-30 s, one of 401 vertices minutes, and the call cannot be
interrupted. A vertex cap would refuse legitimate outlines of thousands of vertices that
repair in milliseconds while letting through stars of a hundred; the cost follows the number
of self-intersections, which only the repair itself finds out. So the repair runs in a worker
process (started by a fork server, never by forking the threaded server) with a time budget for
the whole file and a CPU and memory limit of its own: the feature being repaired when the
budget runs out is named and dropped, and so is every feature not reached. The server's own
process does none of the work.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import resource
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import shapely
from shapely.geometry.base import BaseGeometry

#: Seconds of repair for one file (wall clock, all its invalid features together).
BUDGET_SECONDS: Final = 5.0
#: Seconds a worker may take to start (not counted in the budget).
STARTUP_SECONDS: Final = 60.0
#: Memory the worker may use (address space), so a repair cannot take the machine's memory.
WORKER_BYTES: Final = 2 * 1024**3


@dataclass(frozen=True, slots=True)
class Repaired:
    """What became of each geometry: its ``make_valid`` result, or why there is none."""

    geometries: list[BaseGeometry | None]
    problems: list[str | None]


def _worker(conn: multiprocessing.connection.Connection, cpu_seconds: int) -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_AS, (WORKER_BYTES, WORKER_BYTES))
    conn.send(("ready", b""))
    wkbs: list[bytes] = conn.recv()
    for wkb in wkbs:
        try:
            fixed = shapely.make_valid(shapely.from_wkb(wkb))
            conn.send(("ok", shapely.to_wkb(fixed)))
        except (shapely.errors.ShapelyError, MemoryError, ValueError) as exc:
            conn.send(("error", str(exc)[:120]))
    conn.close()


def make_valid_all(geoms: Sequence[BaseGeometry], budget: float | None = None) -> Repaired:
    """``shapely.make_valid`` of each geometry, in a worker process, within ``budget`` seconds
    (default :data:`BUDGET_SECONDS`)."""
    budget = BUDGET_SECONDS if budget is None else budget
    out: list[BaseGeometry | None] = [None] * len(geoms)
    problems: list[str | None] = [None] * len(geoms)
    if not geoms:
        return Repaired(out, problems)
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload([__name__])  # later workers start without importing shapely
    parent, child = ctx.Pipe()
    proc = ctx.Process(
        target=_worker, args=(child, int(budget) + 1), name="corridormap-repair", daemon=True
    )
    proc.start()
    child.close()
    done = 0
    started = False
    try:
        # the budget is for repairs: it starts once the worker is up (a loaded machine may
        # take seconds to start a process; that is not the file's doing)
        started = parent.poll(STARTUP_SECONDS) and parent.recv()[0] == "ready"
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
                break
            if status == "ok":
                out[done] = shapely.from_wkb(value)
            else:
                problems[done] = f"the repair failed ({value})"
            done += 1
    finally:
        parent.close()
        if proc.is_alive():
            proc.kill()
        proc.join(5)
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
