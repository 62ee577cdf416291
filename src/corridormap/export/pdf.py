"""The PDF briefing pack: a title page, a page per scene, a sources appendix.

matplotlib's ``PdfPages`` with TrueType text, so every word can be searched and copied.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

import geopandas as gpd

from corridormap import briefing
from corridormap.escape import is_web_url
from corridormap.export.static_map import _figure, _rc, draw_legend, draw_map
from corridormap.export.views import (
    ExportView,
    SourceRef,
    _as_of_text,
    made_text,
    md_to_plain,
    newest_source,
    sources,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure as MplFigure


PDF_PAGE_IN: Final = (11.69, 8.27)  # A4 landscape


def _url_text(url: str) -> str:
    """A source URL as printed text (PDF): said plainly when it is not a web address."""
    return url if is_web_url(url) else f"{url} (not a web address)"


def _text_lines(fig: MplFigure, x: float, y: float, lines: Sequence[str], size: float,
                **kw: Any) -> float:  # fmt: skip
    """Write lines top-down from ``y`` (figure fraction); return the y below the last."""
    step = size * 1.35 / 72 / PDF_PAGE_IN[1]
    for line in lines:
        fig.text(x, y, line, fontsize=size, va="top", parse_math=False, **kw)
        y -= step
    return y


def _source_lines(refs: Sequence[SourceRef], width: int) -> list[str]:
    out = []
    for r in refs:
        out.extend(
            textwrap.wrap(
                f"• {_url_text(r.url)} — as of {_as_of_text(r.as_of)} ({', '.join(r.layers)})",
                width,
                subsequent_indent="   ",
                break_long_words=True,
                break_on_hyphens=False,  # a URL breaks only where it must
            )
        )
    return out


def _title_page(b: briefing.Briefing, views: Sequence[ExportView]) -> MplFigure:
    fig = _figure(PDF_PAGE_IN, 100)
    y = _text_lines(fig, 0.08, 0.82, textwrap.wrap(b.title, 60), 24, fontweight="bold")
    if b.description:
        y = _text_lines(fig, 0.08, y - 0.03, textwrap.wrap(md_to_plain(b.description), 100), 12)
    y = _text_lines(fig, 0.08, y - 0.04, ["Scenes"], 13, fontweight="bold")
    lines = [f"{i}. {v.title}" for i, v in enumerate(views, start=1)]
    y = _text_lines(fig, 0.1, y - 0.01, lines, 11)
    _text_lines(
        fig,
        0.08,
        0.1,
        [
            f"corridormap briefing pack · newest source date {newest_source(views)} · "
            f"{made_text()}",
            "Every feature carries dated sources: each page lists those of its map; "
            "the appendix lists them all.",
        ],
        9,
        color="#444444",
    )
    return fig


_SOURCE_ROWS: Final = 17  # lines per column of the sources band under a scene's map


def _scene_page(
    view: ExportView, number: int, total: int, frames: Mapping[str, gpd.GeoDataFrame]
) -> MplFigure:
    w, h = PDF_PAGE_IN
    fig = _figure(PDF_PAGE_IN, 100)
    _text_lines(fig, 0.03, 0.97, [f"Scene {number} of {total}"], 9, color="#666666")
    _text_lines(fig, 0.03, 0.945, textwrap.wrap(view.title, 90)[:2], 16, fontweight="bold")
    map_rect = (0.03, 0.3, 0.58, 0.58)
    ax = fig.add_axes(map_rect)
    draw_map(ax, view, frames, (w * map_rect[2], h * map_rect[3]))
    x = 0.635
    y = _text_lines(fig, x, 0.88, textwrap.wrap(md_to_plain(view.text), 58), 9.5)
    y = _text_lines(
        fig, x, y - 0.01, textwrap.wrap(view.description, 68), 8, style="italic", color="#444444"
    )
    legend_ax = fig.add_axes((x, 0.3, 0.34, max(0.05, y - 0.32)))
    draw_legend(legend_ax, view)
    refs = sources(view)
    columns: list[list[str]] = [[], []]
    included = 0
    for ref in refs:
        ref_lines = _source_lines([ref], 118)
        col = columns[0] if len(columns[0]) + len(ref_lines) <= _SOURCE_ROWS else columns[1]
        if len(col) + len(ref_lines) > _SOURCE_ROWS:
            break
        col.extend(ref_lines)
        included += 1
    sy = _text_lines(
        fig, 0.03, 0.27, [f"Sources of the features on this map ({len(refs)})"], 8,
        fontweight="bold",
    )  # fmt: skip
    for cx, col in zip((0.03, 0.5), columns, strict=True):
        _text_lines(fig, cx, sy, col, 5.5, color="#333333")
    footer = f"{view.link} · basemap: Natural Earth · corridor and pipeline lines are schematic"
    if included < len(refs):
        footer = f"… and {len(refs) - included} more sources: see the appendix. " + footer
    _text_lines(fig, 0.03, 0.03, [footer], 7, color="#666666")
    return fig


_APPENDIX_LINES: Final = 64


def appendix_refs(views: Sequence[ExportView]) -> list[tuple[SourceRef, tuple[int, ...]]]:
    """Every source of every scene, once, with the scenes that cite it."""
    merged: dict[str, tuple[SourceRef, list[int]]] = {}
    for number, view in enumerate(views, start=1):
        for ref in sources(view):
            if ref.url in merged:
                old, scenes = merged[ref.url]
                layers = tuple(dict.fromkeys(old.layers + ref.layers))
                merged[ref.url] = (
                    SourceRef(ref.url, max(old.as_of, ref.as_of), layers, old.features),
                    scenes if number in scenes else [*scenes, number],
                )
            else:
                merged[ref.url] = (ref, [number])
    return [(ref, tuple(scenes)) for ref, scenes in merged.values()]


def _appendix_pages(views: Sequence[ExportView]) -> list[MplFigure]:
    entries: list[list[str]] = []
    for ref, scenes in appendix_refs(views):
        label = "scene" if len(scenes) == 1 else "scenes"
        entries.append(
            textwrap.wrap(
                f"• {_url_text(ref.url)} — as of {_as_of_text(ref.as_of)}; {label} "
                f"{', '.join(map(str, scenes))}",
                150,
                subsequent_indent="   ",
                break_long_words=True,
                break_on_hyphens=False,  # a URL breaks only where it must
            )
        )
    # An entry's lines stay on one page, so no URL is cut in two by a page break.
    chunks: list[list[str]] = []
    for lines in entries:
        if not chunks or len(chunks[-1]) + len(lines) > _APPENDIX_LINES:
            chunks.append([])
        chunks[-1].extend(lines)
    pages = []
    for i, chunk in enumerate(chunks or [["No sources."]], start=1):
        fig = _figure(PDF_PAGE_IN, 100)
        head = f"Sources appendix ({i} of {max(1, len(chunks))})"
        y = _text_lines(fig, 0.05, 0.95, [head], 14, fontweight="bold")
        _text_lines(fig, 0.05, y - 0.01, chunk, 6, color="#222222")
        pages.append(fig)
    return pages


def pdf_briefing(
    b: briefing.Briefing,
    views: Sequence[ExportView],
    frames: Mapping[str, gpd.GeoDataFrame],
) -> bytes:
    """The briefing pack: a title page, a page per scene, a sources appendix (real text)."""
    from matplotlib.backends.backend_pdf import PdfPages  # noqa: PLC0415

    buf = io.BytesIO()
    with _rc(), PdfPages(buf, metadata={"Title": b.title, "Creator": "corridormap"}) as pdf:
        pdf.savefig(_title_page(b, views))
        for number, view in enumerate(views, start=1):
            pdf.savefig(_scene_page(view, number, len(views), frames))
        for page in _appendix_pages(views):
            pdf.savefig(page)
    return buf.getvalue()
