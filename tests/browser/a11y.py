"""axe-core in the app's pages and in every map frame; what a keyboard reaches.

Shared by ``tests/browser/test_accessibility.py`` and run on its own to print the figures the
README quotes (every page, then every map frame inside it, serious and critical violations by
rule)::

    PYTHONPATH=src python tests/browser/a11y.py [--all-impacts]

axe-core is a test asset (``tests/browser/vendor``, written by ``scripts/vendor_assets.py``);
the app never loads it. It is injected into each document with a script tag and run with the
WCAG 2.0/2.1 A and AA rule sets and axe's best practices.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import APP, MAP_IFRAME, REPO, PageProbe, launch_chromium, start_streamlit

from corridormap import i18n

if TYPE_CHECKING:
    from playwright.sync_api import Frame, Page

AXE_VERSION = "4.14.1"
VENDOR = Path(__file__).resolve().parent / "vendor"
AXE_JS = VENDOR / f"axe-core-{AXE_VERSION}" / "axe.min.js"
RULE_SETS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
BLOCKING = frozenset({"serious", "critical"})

#: Every page of the app, by its navigation title, and the path that opens it.
PAGES = {
    "Map": "",
    "Corridors": "corridors",
    "Routes": "routes?from=baku&to=kars",
    "Gas exports": "gas",
    "Gabala summit": "summit",
    "Country profile": "country?country=AZE",
    "Data & sources": "data",
    "Present a briefing": "present",
    "Briefings": "briefings",
}
#: The pages audited in English by tests/browser/test_languages.py after their checks in
#: another language and a switch to English with the picker (a rerun: a new page load would
#: cost the browser several seconds more). tests/browser/test_accessibility.py audits the rest
#: (the presentation among them: it hides the sidebar, and the picker with it).
AUDITED_AFTER_A_SWITCH = frozenset(
    {
        "Corridors",
        "Routes",
        "Gas exports",
        "Gabala summit",
        "Country profile",
        "Briefings",
    }
)
#: How many maps each page draws (pages not named draw none).
MAPS = {
    "Map": 1,
    "Corridors": 1,
    "Routes": 1,
    "Gas exports": 1,
    "Gabala summit": 2,
    "Country profile": 1,
    "Present a briefing": 1,
}


@dataclass(frozen=True)
class Violation:
    rule: str
    impact: str
    nodes: int
    help: str
    targets: tuple[str, ...]


@functools.cache
def axe_source() -> str:
    """axe.min.js, checked against tests/browser/vendor/SHA256SUMS."""
    data = AXE_JS.read_bytes()
    rel = AXE_JS.relative_to(VENDOR).as_posix()
    sums = dict(
        reversed(line.split(None, 1)) for line in (VENDOR / "SHA256SUMS").read_text().splitlines()
    )
    if sums.get(rel) != hashlib.sha256(data).hexdigest():
        raise AssertionError(f"{AXE_JS} does not match SHA256SUMS: run scripts/vendor_assets.py")
    return data.decode("utf-8")


def run_axe(frame: Frame) -> list[Violation]:
    """axe-core's violations in ``frame``'s document (not in the frames inside it)."""
    if not frame.evaluate("() => typeof window.axe !== 'undefined'"):
        frame.add_script_tag(content=axe_source())
    raw: list[dict[str, Any]] = frame.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {
                runOnly: {type: 'tag', values: tags}, iframes: false, resultTypes: ['violations'],
            });
            return r.violations.map(v => ({
                id: v.id, impact: v.impact || '', help: v.help,
                targets: v.nodes.slice(0, 5).map(n => JSON.stringify(n.target)),
                nodes: v.nodes.length,
            }));
        }""",
        RULE_SETS,
    )
    return [
        Violation(v["id"], v["impact"], v["nodes"], v["help"], tuple(v["targets"])) for v in raw
    ]


def map_frames(page: Page) -> list[Frame]:
    """The documents of every map on the page (streamlit-folium's iframes), in page order."""
    frames = []
    for handle in page.query_selector_all(MAP_IFRAME):
        frame = handle.content_frame()
        if frame is not None:
            frames.append(frame)
    return frames


def wait_for_page(page: Page, probe: PageProbe, maps: int = 0) -> None:
    """Wait until the page has run and its ``maps`` maps (at least) drew their paths."""
    page.wait_for_selector('[data-testid="stMainBlockContainer"]', timeout=30_000)
    if maps:
        page.wait_for_function(
            "([sel, n]) => document.querySelectorAll(sel).length >= n",
            arg=[MAP_IFRAME, maps],
            timeout=30_000,
        )
    probe.wait_quiet(page, quiet_ms=1500, timeout_ms=45_000)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30_000
    )
    for frame in map_frames(page):
        frame.wait_for_selector("path.leaflet-interactive", state="attached", timeout=30_000)
    page.wait_for_timeout(800)  # labels are laid out after a pause


def choose_language(page: Page, probe: PageProbe, code: str, maps: int = 0) -> None:
    """Choose ``code`` in the sidebar's language picker (the sidebar's first select box) and
    wait until the page has run again in it: a rerun, where opening the page anew costs the
    browser several seconds more."""
    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
    page.get_by_role("option", name=i18n.LANGUAGES[code], exact=True).click()
    page.wait_for_function(f"document.documentElement.lang === {code!r}", timeout=30_000)
    wait_for_page(page, probe, maps)


def audit(page: Page) -> dict[str, list[Violation]]:
    """Violations in the page and in each of its map frames ("map 1", "map 2"...)."""
    out = {"page": run_axe(page.main_frame)}
    for n, frame in enumerate(map_frames(page), start=1):
        out[f"map {n}"] = run_axe(frame)
    return out


def blocking(violations: list[Violation]) -> list[Violation]:
    return [v for v in violations if v.impact in BLOCKING]


def summary(violations: list[Violation]) -> str:
    """'rule ×nodes (impact)' for each violation, or '0'."""
    return ", ".join(f"{v.rule} ×{v.nodes} ({v.impact})" for v in violations) or "0"


def tab_count_to(page: Page, selector: str, limit: int = 500) -> int | None:
    """How many Tab presses from the top of the page until ``selector`` has the focus."""
    page.locator("body").focus()
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    for n in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate(
            "(sel) => { const el = document.querySelector(sel);"
            " return !!el && el === document.activeElement; }",
            selector,
        ):
            return n
    return None


SEARCH_INPUT = ".st-key-search input"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--all-impacts", action="store_true", help="list minor/moderate too")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    totals: Counter[str] = Counter()
    with tempfile.TemporaryDirectory() as tmp:
        server = start_streamlit(APP, cwd=REPO, log_dir=Path(tmp))
        try:
            with sync_playwright() as pw:
                chromium = launch_chromium(pw)
                context = chromium.new_context(viewport={"width": 1400, "height": 900})
                which = "all" if args.all_impacts else "serious + critical"
                print(f"| page | document | {which} violations (rule ×nodes) |")
                print("|---|---|---|")
                for title, path in PAGES.items():
                    page = context.new_page()
                    probe = PageProbe().attach(context, page)
                    page.goto(server.url + path, wait_until="domcontentloaded")
                    wait_for_page(page, probe, MAPS.get(title, 0))
                    for doc, found in audit(page).items():
                        shown = found if args.all_impacts else blocking(found)
                        totals.update({v.rule: v.nodes for v in blocking(found)})
                        print(f"| {title} | {doc} | {summary(shown)} |")
                    if title == "Map":
                        n = tab_count_to(page, SEARCH_INPUT)
                        print(f"| {title} | Tab presses to the search box | {n} |")
                    page.close()
                context.close()
                chromium.close()
        finally:
            server.stop()
    print("\ntotal serious + critical nodes by rule:", dict(totals) or 0)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
