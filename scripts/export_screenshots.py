"""Pictures of the exports for docs/screenshots/exports: the shipped briefing's and the "Middle
Corridor after Gabala" slides as PDF pages (16:9 and A4), a scene and a zoomed view as PNG, a
route's PDF page, and the PowerPoint slides' map pictures. Run from the repository's root:

    python scripts/export_screenshots.py [--prefix after] [--out docs/screenshots/exports]
    python scripts/export_screenshots.py --lang az   # in a language: docs/screenshots/exports/az

Needs pdftoppm (poppler-utils). Writes JPEG (quality 82) and, with ``--png``, PNG as well.
"""

from __future__ import annotations

import argparse
import io
import subprocess
import tempfile
import zipfile
from pathlib import Path

from PIL import Image

from corridormap import briefing, catalog, export, filters, i18n, links, load, routing
from corridormap.export import route as route_export
from corridormap.filters import Filters

ROOT = Path(__file__).resolve().parents[1]
PACKS = {
    "gabala": ROOT / "data" / "briefings" / "gabala-2025.yaml",
    "middle-corridor": ROOT / "tests" / "fixtures" / "middle-corridor-after-gabala.yaml",
}


def save(image: Image.Image, out: Path, name: str, png: bool) -> None:
    image = image.convert("RGB")
    image.save(out / f"{name}.jpg", quality=82)
    if png:
        image.save(out / f"{name}.png")
    print(out / f"{name}.jpg")


def pdf_pages(data: bytes, width: int = 1600) -> list[Image.Image]:
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "pack.pdf"
        pdf.write_bytes(data)
        subprocess.run(
            ["pdftoppm", "-png", "-scale-to-x", str(width), "-scale-to-y", "-1", str(pdf),
             str(Path(tmp) / "p")],
            check=True,
        )  # fmt: skip
        return [Image.open(p).copy() for p in sorted(Path(tmp).glob("p-*.png"))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prefix", default="after")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots" / "exports")
    parser.add_argument("--png", action="store_true")
    parser.add_argument(
        "--lang",
        default=i18n.DEFAULT,
        choices=tuple(i18n.LANGUAGES),
        help="the exports' language (not English: written under OUT/LANG)",
    )
    args = parser.parse_args()
    if args.lang != i18n.DEFAULT:
        args.out = args.out / args.lang
    args.out.mkdir(parents=True, exist_ok=True)
    with i18n.language(args.lang):
        pictures(args)


def pictures(args: argparse.Namespace) -> None:
    """Every picture, in the language in force."""
    frames = load.load_all(ROOT / "data").frames
    vocab = export.vocabulary(frames)
    for key, path in PACKS.items():
        b = briefing.load_briefing(path, vocab)
        views = export.briefing_views(frames, b, vocab)
        for i, page in enumerate(pdf_pages(export.pdf_briefing(b, views, frames)), start=1):
            save(page, args.out, f"{args.prefix}-pdf-{key}-{i:02d}", args.png)
        if key == "middle-corridor":
            a4 = pdf_pages(export.pdf_briefing(b, views, frames, "a4"))
            save(a4[1], args.out, f"{args.prefix}-pdf-a4-{key}-02", args.png)
            deck = export.pptx_briefing(b, views, frames)
            with zipfile.ZipFile(io.BytesIO(deck)) as z:
                media = sorted(n for n in z.namelist() if n.startswith("ppt/media/"))
                for i, name in enumerate(media, start=1):
                    picture = Image.open(io.BytesIO(z.read(name)))
                    save(picture, args.out, f"{args.prefix}-pptx-{key}-map-{i:02d}", args.png)
        else:
            scene = Image.open(io.BytesIO(export.png_view(views[0], frames)))
            save(scene, args.out, f"{args.prefix}-png-scene1", args.png)
    state, _ = links.parse({"lat": ["40.5"], "lon": ["47.5"], "zoom": ["6.5"]}, vocab)
    zoomed = Image.open(io.BytesIO(export.png_view(export.state_view(frames, state), frames)))
    save(zoomed, args.out, f"{args.prefix}-png-view-zoomed", args.png)
    network = routing.build_network(frames)
    query = routing.Query(origin="baku", destination="kars", avoid=("GEO",), when=links.PLANNED)
    plan = routing.plan(network, query)
    drawn = routing.map_routes(network, routing.plan_routes(plan))
    on_map = (catalog.COUNTRIES.key, catalog.CORRIDOR_LEGS.key, catalog.NODES.key)
    shown = filters.apply(frames, Filters(asof=plan.asof, layers=on_map))  # as the page draws
    view = route_export.route_view(network, plan, drawn, shown, Filters(asof=plan.asof))
    page = pdf_pages(route_export.pdf_view(view, frames))[0]
    save(page, args.out, f"{args.prefix}-pdf-route-baku-kars-no-georgia", args.png)


if __name__ == "__main__":
    main()
