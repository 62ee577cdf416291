"""Run the command line as a user does, for the CLI and export tests.

``run`` calls ``corridormap.cli.main`` in this interpreter (a new interpreter per call cost
about a second of imports each); ``run_subprocess`` runs ``python -m corridormap.cli`` as a
user's shell does, for the one smoke test that the installed entry point works
(tests/test_cli.py).
"""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys
import traceback

from corridormap import cli


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """``corridormap ARGS`` in process, output captured, never raising.

    The exit code is ``main``'s return value, or ``SystemExit``'s code (argparse's 2 for bad
    arguments, 0 for ``--version``). An uncaught exception becomes exit code 1 with its
    traceback on stderr, as the interpreter would print it, so that a test asserting "no
    traceback" sees it.
    """
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main(list(args))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            if isinstance(exc.code, str):
                print(exc.code, file=sys.stderr)
        except Exception:  # noqa: BLE001 - reported as the interpreter would, exit code 1
            traceback.print_exc()
            code = 1
    return subprocess.CompletedProcess(
        ["corridormap", *args], code, stdout=out.getvalue(), stderr=err.getvalue()
    )


def run_subprocess(*args: str) -> subprocess.CompletedProcess[str]:
    """``corridormap ARGS`` in a fresh interpreter, output captured, never raising."""
    return subprocess.run(
        [sys.executable, "-m", "corridormap.cli", *args],
        capture_output=True,
        text=True,
        check=False,
    )
