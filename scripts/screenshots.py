"""Screenshots of every page and every briefing scene, as a briefer sees them.

Starts the app on a free loopback port, opens each view in headless Debian Chromium (every
off-machine request blocked) at 1440x900 and 390x844, waits for the map and its labels, and
writes JPEGs to docs/screenshots/ (the explorer at 1440x900 also as docs/screenshot.png, which
the README shows). Run from the repository root:

    .venv/bin/python scripts/screenshots.py [--only explorer] [--sizes 1440x900] [--lang tr]

With ``--lang``, each view opens in that language (``lang=`` in its link) and its screenshots
go to docs/screenshots/<lang>/.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "browser"))

from harness import APP, PageProbe, launch_chromium, start_streamlit, wait_for_map  # noqa: E402

from corridormap import briefing, export, i18n, load, store  # noqa: E402

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


#: Views without a map (the page is given a pause to settle instead).
NO_MAP = ("data", "briefings", "briefings-editor")


def seed_briefings(url: str) -> dict[str, str]:
    """A database with briefings a briefer might have made (from the shipped one's scenes),
    and the Briefings page's views of it: the list and one briefing in the editor."""
    s = store.open_store(url)
    try:
        shipped = briefing.read_document(briefing.briefings_dir() / "gabala-2025.yaml")
        scenes = shipped["scenes"]
        made = s.create(
            store.LOCAL,
            {
                "title": "Corridors after Gabala: three scenes for the minister",
                "description": "What the summit committed to, where the rail links stand.",
                "scenes": [scenes[1], scenes[2], scenes[3]],
            },
        )
        doc = dict(made.document)
        doc["scenes"] = [*doc["scenes"][1:], doc["scenes"][0]]
        s.save(store.LOCAL, made.id, doc, expected_version=made.version, message="reordered")
        s.create(store.LOCAL, {"title": "Gas to Europe, 2025", "scenes": [scenes[4]]})
        gone = s.create(store.LOCAL, {"title": "Draft: old routes", "scenes": [scenes[0]]})
        s.delete(store.LOCAL, gone.id)
    finally:
        s.close()
    return {"briefings": "briefings", "briefings-editor": f"briefings?saved={made.id}"}


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
    parser.add_argument("--lang", choices=[c for c in i18n.LANGUAGES if c != i18n.DEFAULT])
    args = parser.parse_args(argv)
    out = OUT / args.lang if args.lang else OUT
    sizes = [tuple(int(v) for v in s.split("x")) for s in args.sizes] if args.sizes else SIZES
    out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    blocked: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        database_url = f"sqlite:///{Path(tmp) / 'briefings.sqlite3'}"
        every = {**views(), **seed_briefings(database_url)}
        wanted = {k: v for k, v in every.items() if not args.only or k in args.only}
        if args.lang:
            wanted = {
                k: v + ("&" if "?" in v else "?") + f"lang={args.lang}" for k, v in wanted.items()
            }
        server = start_streamlit(APP, cwd=REPO, log_dir=Path(tmp), database_url=database_url)
        try:
            with sync_playwright() as pw:
                chromium = launch_chromium(pw)
                for width, height in sizes:
                    context = chromium.new_context(viewport={"width": width, "height": height})
                    page = context.new_page()
                    probe = PageProbe().attach(context, page)
                    for name, query in wanted.items():
                        page.goto(server.url + query, wait_until="domcontentloaded")
                        if name in NO_MAP:  # pages without a map: their heading, then a pause
                            page.locator("[data-testid='stMain'] h4").first.wait_for(timeout=60_000)
                            probe.wait_quiet(page)
                            page.wait_for_timeout(1500)
                        else:
                            wait_for_map(page, probe=probe)
                            probe.wait_quiet(page)
                            page.wait_for_timeout(800)  # labels are laid out after a pause
                        path = out / f"{name}-{width}x{height}.jpg"
                        page.screenshot(path=str(path), type="jpeg", quality=JPEG_QUALITY)
                        print(f"wrote {path.relative_to(REPO)}")
                        if (name, width, height) == ("explorer", *SIZES[0]) and not args.lang:
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
