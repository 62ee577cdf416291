"""Reading a file a user names: a regular file, never more than a limit of bytes.

A FIFO would block, ``/dev/zero`` would never end and a sparse file of gigabytes would fill
memory; each is refused from its ``stat`` before a byte is read, and the read itself stops one
byte past the limit whatever the file claims.
"""

from __future__ import annotations

import stat
from pathlib import Path

from corridormap._errors import DataValidationError, Problem


def read_bounded(path: Path, limit: int, what: str = "the limit") -> bytes:
    """The bytes of the regular file ``path``, or ``DataValidationError`` naming the problem."""
    name = path.name or str(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        # the file's name only: the app shows these notices, and a server path is not theirs
        raise DataValidationError([Problem(name, "file not found")]) from None
    except OSError as exc:
        raise DataValidationError([Problem(name, f"cannot read file: {exc.strerror}")]) from None
    if not stat.S_ISREG(info.st_mode):
        kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        raise DataValidationError([Problem(name, f"{kind} (a file is needed)")])
    if info.st_size > limit:
        raise DataValidationError(
            [Problem(name, f"the file is {_mb(info.st_size)}; {what} is {_mb(limit)}")]
        )
    try:
        with path.open("rb") as fh:
            raw = fh.read(limit + 1)
    except OSError as exc:
        raise DataValidationError([Problem(name, f"cannot read file: {exc.strerror}")]) from None
    if len(raw) > limit:
        raise DataValidationError([Problem(name, f"the file is larger than {_mb(limit)}")])
    return raw


def _mb(size: int) -> str:
    return f"{size / 1048576:.1f} MB" if size >= 104858 else f"{size:,} bytes"
