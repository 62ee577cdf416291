"""Reading a file a user names: a regular file, never more than a limit of bytes.

A FIFO would block, ``/dev/zero`` would never end and a sparse file of gigabytes would fill
memory; each is refused from its ``stat`` before a byte is read, and the read itself stops one
byte past the limit whatever the file claims.
"""

from __future__ import annotations

import stat
from pathlib import Path

from corridormap._errors import DataValidationError, Problem, count, fixed
from corridormap.i18n import N_, _, gettext


def read_bounded(path: Path, limit: int, what: str = N_("the limit")) -> bytes:
    """The bytes of the regular file ``path``, or ``DataValidationError`` naming the problem
    (``what`` names the limit: a message, put in the language in force)."""
    name = path.name or str(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        # the file's name only: the app shows these notices, and a server path is not theirs
        raise DataValidationError([Problem(name, _("file not found"))]) from None
    except OSError as exc:
        raise DataValidationError([Problem(name, _unreadable(exc))]) from None
    if not stat.S_ISREG(info.st_mode):
        kind = (
            _("a folder (a file is needed)")
            if stat.S_ISDIR(info.st_mode)
            else _("not a regular file (a file is needed)")
        )
        raise DataValidationError([Problem(name, kind)])
    if info.st_size > limit:
        too_big = _("the file is {size}; {what} is {limit}").format(
            size=_mb(info.st_size), what=gettext(what), limit=_mb(limit)
        )
        raise DataValidationError([Problem(name, too_big)])
    try:
        with path.open("rb") as fh:
            raw = fh.read(limit + 1)
    except OSError as exc:
        raise DataValidationError([Problem(name, _unreadable(exc))]) from None
    if len(raw) > limit:
        larger = _("the file is larger than {size}").format(size=_mb(limit))
        raise DataValidationError([Problem(name, larger)])
    return raw


def _unreadable(exc: OSError) -> str:
    return _("cannot read file: {error}").format(error=exc.strerror)


def _mb(size: int) -> str:
    if size >= 104858:
        return _("{n} MB").format(n=fixed(size / 1048576))
    return _("{n} bytes").format(n=count(size))
