"""``python -m corridormap.build_data [DATA_DIR]``: rebuild the layers, print the files."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from corridormap import catalog
from corridormap.build_data.build import build_all


def main(argv: Sequence[str] | None = None) -> int:  # pragma: no cover - thin wrapper
    """``python -m corridormap.build_data [DATA_DIR]``."""
    import sys  # noqa: PLC0415

    args = list(sys.argv[1:] if argv is None else argv)
    data_dir = Path(args[0]) if args else catalog.default_data_dir()
    for p in build_all(data_dir):
        sys.stdout.write(f"{p}\n")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
