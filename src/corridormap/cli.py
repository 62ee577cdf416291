"""The ``corridormap`` command line: validate data, rebuild the layers.

Exit codes: 0 success, 2 invalid input (with a message naming the file, feature and problem),
never a traceback for bad input.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from corridormap import __version__, catalog, load
from corridormap._errors import DataValidationError, Problem

EXIT_OK = 0
EXIT_INVALID = 2


def _validate(paths: Sequence[Path], data_dir: Path) -> int:
    """Validate the shipped layers (no paths) or the named files against the matching spec."""
    targets: list[tuple[catalog.LayerSpec | None, Path]]
    if paths:
        targets = [(load.spec_for_file(p), p) for p in paths]
    else:
        targets = [(spec, spec.path(data_dir)) for spec in catalog.LAYERS]
    failed = 0
    for spec, path in targets:
        if spec is None:
            known = ", ".join(s.file for s in catalog.LAYERS)
            err = DataValidationError(
                [Problem(path.name, f"no layer spec matches this file name (known: {known})")]
            )
        else:
            try:
                gdf = load.load_layer(spec, path)
            except DataValidationError as exc:
                err = exc
            else:
                print(f"ok   {path}: {len(gdf)} features ({spec.title})")
                continue
        failed += 1
        print(f"FAIL {path}: {err}", file=sys.stderr)
    return EXIT_INVALID if failed else EXIT_OK


def _build_data(data_dir: Path) -> int:
    from corridormap import build_data  # heavy imports only for this command

    try:
        written = build_data.build_all(data_dir)
    except DataValidationError as exc:
        print(f"build-data failed: {exc}", file=sys.stderr)
        return EXIT_INVALID
    for path in written:
        print(f"wrote {path}")
    return EXIT_OK


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="corridormap",
        description="Offline map dashboard for Eurasian connectivity: data tools.",
    )
    p.add_argument("--version", action="version", version=f"corridormap {__version__}")
    p.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="the data folder (default: the repository's data/ or $CORRIDORMAP_DATA_DIR)",
    )
    sub = p.add_subparsers(dest="command", required=True)
    v = sub.add_parser("validate", help="validate the shipped layers, or the files named")
    v.add_argument("paths", nargs="*", type=Path, help="GeoJSON files named like a layer")
    sub.add_parser("build-data", help="rebuild data/layers and the manifest from data/sources")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    data_dir: Path = args.data_dir or catalog.default_data_dir()
    if args.command == "validate":
        return _validate(args.paths, data_dir)
    if args.command == "build-data":
        return _build_data(data_dir)
    raise AssertionError(f"unhandled command {args.command}")  # pragma: no cover


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
