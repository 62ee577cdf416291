#!/usr/bin/env python3
"""Refresh ``static/vendor`` from the npm registry.

What to fetch is listed once, in ``corridormap.assets.ASSETS``: for each CDN URL folium uses,
the npm package and version, the path inside the package tarball, and the path under
``static/vendor``. This script runs ``npm pack <package>@<version>`` for each package into a
temporary folder, extracts it, copies the listed files, removes
files under ``static/vendor`` that the table no longer lists, and writes
``static/vendor/README.md``. Deterministic and idempotent: a second run changes nothing.

Assets the tests alone use (:data:`TEST_ASSETS`: axe-core, for the accessibility checks) go
the same way to ``tests/browser/vendor``, with their own README.md and SHA256SUMS; the app
never serves them.

    python scripts/vendor_assets.py            # refresh
    python scripts/vendor_assets.py --check    # exit 1 if anything would change
"""

from __future__ import annotations

import argparse
import hashlib
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from corridormap.assets import ASSETS, Asset, VendorFile, vendor_root  # noqa: E402

README = "README.md"
#: sha256 of every vendored file (``sha256sum -c`` format): the app checks the map's files
#: against it, so a corrupted or truncated asset is named instead of leaving maps blank.
SUMS = "SHA256SUMS"
#: Where the tests' own browser assets live.
TEST_VENDOR = REPO / "tests" / "browser" / "vendor"
_AXE = "axe-core-4.14.1"
#: Browser assets for the tests only (never served by the app): axe-core, injected into each
#: page and map frame by tests/browser/a11y.py.
TEST_ASSETS: tuple[Asset, ...] = (
    Asset(
        name="axe-core",
        cdn_url="",
        npm="axe-core@4.14.1",
        version="4.14.1",
        licence="MPL-2.0",
        main=VendorFile("package/axe.min.js", f"{_AXE}/axe.min.js"),
        extras=(VendorFile("package/LICENSE", f"{_AXE}/LICENSE"),),
        note="accessibility checks in tests/browser/test_accessibility.py",
    ),
)
_INTROS = {
    "static": (
        "Served by Streamlit's static file serving at `/app/static/vendor/...`, so the map renders",
        "with no request leaving the machine. `corridormap.assets.use_offline_assets()` points",
        "folium at these files; `scripts/vendor_assets.py` refreshes them from the npm registry",
        "(it also writes this file: do not edit by hand). The table that drives both is",
        "`corridormap.assets.ASSETS`.",
    ),
    "tests": (
        "Browser assets the tests alone use; the app never serves or loads them.",
        "`scripts/vendor_assets.py` refreshes them from the npm registry (it also writes this",
        "file and SHA256SUMS: do not edit by hand). The table is `TEST_ASSETS` in that script.",
    ),
}


def npm_pack(spec: str, workdir: Path) -> Path:
    """Download ``spec`` with ``npm pack`` and extract it; return the extracted folder."""
    out = subprocess.run(
        ["npm", "pack", spec, "--silent", "--pack-destination", str(workdir)],
        check=True,
        capture_output=True,
        text=True,
    )
    tgz = workdir / out.stdout.strip().splitlines()[-1]
    dest = workdir / re.sub(r"[^A-Za-z0-9._-]+", "_", spec)
    dest.mkdir()
    with tarfile.open(tgz) as tar:
        tar.extractall(dest, filter="data")
    return dest


RECIPES: dict[str, Callable[[bytes], bytes]] = {
    "copy": lambda b: b,
}


def build(workdir: Path, table: tuple[Asset, ...] = ASSETS) -> dict[str, bytes]:
    """Every file of the table, path under its vendor folder -> content."""
    packages: dict[str, Path] = {}
    out: dict[str, bytes] = {}
    for asset in table:
        for vf in asset.files:
            if vf.dest in out:
                continue
            source = b""
            if vf.source:
                if asset.npm is None:
                    raise SystemExit(f"{asset.name}: {vf.source} needs an npm package")
                if asset.npm not in packages:
                    print(f"npm pack {asset.npm}")
                    packages[asset.npm] = npm_pack(asset.npm, workdir)
                source = (packages[asset.npm] / vf.source).read_bytes()
            out[vf.dest] = RECIPES[vf.recipe](source)
    return out


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def readme(
    files: dict[str, bytes], table: tuple[Asset, ...] = ASSETS, intro: str = "static"
) -> bytes:
    total = sum(len(b) for b in files.values())
    rows = [
        "# Vendored browser assets" + (" for the tests" if intro == "tests" else ""),
        "",
        *_INTROS[intro],
        "",
        "| asset | version | npm package | licence | local file | CDN URL it replaces | note |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for a in table:
        rows.append(
            "| "
            + " | ".join(
                _cell(c)
                for c in (
                    f"`{a.name}`",
                    a.version,
                    f"`{a.npm}`" if a.npm else "(written by the script)",
                    a.licence,
                    f"`{a.local_path}`",
                    a.cdn_url or "(none: a test asset)",
                    a.note,
                )
            )
            + " |"
        )
    rows += ["", "## Files", "", "| file | bytes |", "| --- | ---: |"]
    rows += [f"| `{path}` | {len(files[path]):,} |" for path in sorted(files)]
    rows += ["", f"Total: {len(files)} files, {total:,} bytes ({total / 1e6:.2f} MB).", ""]
    return "\n".join(rows).encode("utf-8")


def sha256sums(files: dict[str, bytes]) -> bytes:
    lines = [
        f"{hashlib.sha256(files[path]).hexdigest()}  {path}\n"
        for path in sorted(files)
        if path not in (README, SUMS)
    ]
    return "".join(lines).encode("ascii")


def sync(files: dict[str, bytes], dest: Path, *, check: bool) -> list[str]:
    """Write ``files`` under ``dest`` and remove what is not among them; what changed."""
    changed: list[str] = []
    for rel, content in sorted(files.items()):
        target = dest / rel
        if target.is_file() and target.read_bytes() == content:
            continue
        changed.append(f"write {rel}")
        if not check:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
    if dest.is_dir():
        for path in sorted(dest.rglob("*"), reverse=True):
            rel = path.relative_to(dest).as_posix()
            if path.is_file() and rel not in files:
                changed.append(f"remove {rel}")
                if not check:
                    path.unlink()
            elif path.is_dir() and not check and not any(path.iterdir()):
                shutil.rmtree(path)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if stale")
    parser.add_argument("--dest", type=Path, default=vendor_root(), help="static/vendor folder")
    parser.add_argument(
        "--test-dest", type=Path, default=TEST_VENDOR, help="tests/browser/vendor folder"
    )
    args = parser.parse_args(argv)

    changed: list[str] = []
    with tempfile.TemporaryDirectory(prefix="vendor-assets-") as tmp:
        for table, dest, intro in (
            (ASSETS, args.dest, "static"),
            (TEST_ASSETS, args.test_dest, "tests"),
        ):
            files = build(Path(tmp), table)
            files[README] = readme(files, table, intro)
            files[SUMS] = sha256sums(files)
            changed += [f"{line} ({dest.name})" for line in sync(files, dest, check=args.check)]
            total = sum(len(b) for b in files.values())
            print(f"{dest}: {len(files)} files, {total:,} bytes")

    for line in changed:
        print(line)
    print(f"{len(changed)} change(s)")
    return 1 if args.check and changed else 0


if __name__ == "__main__":
    raise SystemExit(main())
