"""Run the command line as a user does, for the CLI and export tests."""

from __future__ import annotations

import subprocess
import sys


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """``corridormap ARGS`` in a fresh interpreter, output captured, never raising."""
    return subprocess.run(
        [sys.executable, "-m", "corridormap.cli", *args],
        capture_output=True,
        text=True,
        check=False,
    )
