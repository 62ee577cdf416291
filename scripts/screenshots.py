"""Screenshots of every page and every briefing scene, as a briefer sees them.

Starts the app on a free loopback port, opens each view in headless Debian Chromium (every
off-machine request blocked) at 1440x900 and 390x844, waits for the map and its labels, and
writes JPEGs to docs/screenshots/ (the explorer at 1440x900 also as docs/screenshot.png, which
the README shows). Run from the repository root:

    .venv/bin/python scripts/screenshots.py [--only explorer] [--sizes 1440x900]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "browser"))

from harness import APP, PageProbe, launch_chromium, start_streamlit, wait_for_map  # noqa: E402

from corridormap import briefing, export, load  # noqa: E402

OUT = REPO / "docs" / "screenshots"
README_SHOT = REPO / "docs" / "screenshot.png"
#: The screenshots are committed: JPEG keeps the set near 3 MB (PNG would be 5).
JPEG_QUALITY = 82
SIZES = ((1440, 900), (390, 844))
PAGES = {
    "explorer": "",
    "corridors": "corridors",
    "routes": "routes?from=baku&to=kars&when=planned&avoid=GEO&alt=1&compare=1",
    "gas": "gas",
    "summit": "summit",
    "country": "country?country=AZE",
    "data": "data",
}


def views() -> dict[str, str]:
    frames = load.load_all().frames
    out = dict(PAGES)
    for path in briefing.list_briefings(briefing.briefings_dir()).values():
        b = briefing.load_briefing(path, export.vocabulary(frames))
        for scene in b.scenes:
            out[f"{b.key}-scene{scene.number}"] = f"present?briefing={b.key}&scene={scene.number}"
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="view names (default: all)")
    parser.add_argument("--sizes", nargs="*", help="WxH (default: 1440x900 390x844)")
    args = parser.parse_args(argv)
    sizes = [tuple(int(v) for v in s.split("x")) for s in args.sizes] if args.sizes else SIZES
    wanted = {k: v for k, v in views().items() if not args.only or k in args.only}
    OUT.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    blocked: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        server = start_streamlit(APP, cwd=REPO, log_dir=Path(tmp))
        try:
            with sync_playwright() as pw:
                chromium = launch_chromium(pw)
                for width, height in sizes:
                    context = chromium.new_context(viewport={"width": width, "height": height})
                    page = context.new_page()
                    probe = PageProbe().attach(context, page)
                    for name, query in wanted.items():
                        page.goto(server.url + query, wait_until="domcontentloaded")
                        if name == "data":
                            page.wait_for_timeout(3000)  # pages without a map
                        else:
                            wait_for_map(page, probe=probe)
                            probe.wait_quiet(page)
                            page.wait_for_timeout(800)  # labels are laid out after a pause
                        path = OUT / f"{name}-{width}x{height}.jpg"
                        page.screenshot(path=str(path), type="jpeg", quality=JPEG_QUALITY)
                        print(f"wrote {path.relative_to(REPO)}")
                        if (name, width, height) == ("explorer", *SIZES[0]):
                            page.screenshot(path=str(README_SHOT))  # lossless, for the README
                    blocked += probe.blocked
                    context.close()
                chromium.close()
        finally:
            server.stop()
    if blocked:
        print(f"blocked off-machine requests: {blocked}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
