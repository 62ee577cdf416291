"""The PDF briefing pack as slides: 16:9 pages (a cover, a page per scene, a sources appendix).

Each scene's page has a title block, the map (with the live map's labels), the scene's text, a
short legend and a one-line source credit; every source is listed in the appendix. Text is
measured (DejaVu Sans) and wrapped or shrunk to its room, so nothing runs off a page.
matplotlib's ``PdfPages`` with TrueType text, so every word can be searched and copied.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

import geopandas as gpd

from corridormap import briefing, i18n
from corridormap.escape import is_web_url
from corridormap.export.extras import draw_extra, has_extra
from corridormap.export.legend import draw_legend
from corridormap.export.png import source_line
from corridormap.export.static_map import (
    A4_IN,
    SLIDE_IN,
    Drawn,
    _figure,
    _rc,
    draw_map,
    map_axes,
)
from corridormap.export.text import fit_text, wrap_to_width, write_lines
from corridormap.export.views import (
    ExportView,
    SourceRef,
    _as_of_text,
    made_text,
    md_to_plain,
    newest_source,
    scene_counter,
    sources,
)
from corridormap.i18n import _, ngettext

if TYPE_CHECKING:
    from matplotlib.figure import Figure as MplFigure


PDF_PAGE_IN: Final = SLIDE_IN  # 16:9 slides
#: Page sizes by name: 16:9 slides (the default) and A4 landscape, for print.
PAGES: Final = {"16:9": SLIDE_IN, "a4": A4_IN}
_MARGIN_IN: Final = 0.4


def pdf_pages(buf: io.BytesIO, title: str) -> Any:
    """matplotlib's ``PdfPages`` writing to ``buf``, its catalog marked with the language in
    force (``/Lang``: for screen readers, spelling and search). matplotlib has no option for it
    and writes the catalog when the file opens, so the catalog is written again with it (the
    cross-reference table then names the new one); with a matplotlib whose insides differ, the
    file is written without it."""
    from matplotlib.backends.backend_pdf import Name, PdfPages  # noqa: PLC0415

    pages = PdfPages(buf, metadata={"Title": title, "Creator": "corridormap"})
    try:
        file = pages._ensure_file()  # type: ignore[no-untyped-call]
        root = Name("Catalog")  # type: ignore[no-untyped-call]
        catalog = {"Type": root, "Pages": file.pagesObject, "Lang": i18n.current()}
        file.writeObject(file.rootObject, catalog)
    except AttributeError:  # pragma: no cover - another matplotlib
        pass
    return pages


def _url_text(url: str) -> str:
    """A source URL as printed text (PDF): said plainly when it is not a web address."""
    return url if is_web_url(url) else _("{url} (not a web address)").format(url=url)


def _lines_in(height_in: float, size: float) -> int:
    return max(1, int(height_in * 72 / (size * 1.3)))


def _title_page(
    b: briefing.Briefing, views: Sequence[ExportView], page: tuple[float, float] = PDF_PAGE_IN
) -> MplFigure:
    w, h = page
    fig = _figure(page, 100)
    x, room = _MARGIN_IN / w, w - 2 * _MARGIN_IN
    lines, size = fit_text(b.title, room, 32, max_lines=3, min_pt=16, weight="bold")
    y = write_lines(fig, x, 1 - 0.9 / h, lines, size, fontweight="bold")
    if b.description:
        lines, size = fit_text(md_to_plain(b.description), room, 14, max_lines=5, min_pt=9)
        y = write_lines(fig, x, y - 0.15 / h, lines, size, color="#333333")
    y = write_lines(fig, x, y - 0.25 / h, [_("Scenes")], 15, fontweight="bold")
    left = max(1, _lines_in(y * h - 1.0, 12))
    titles = [f"{i}. {v.title}" for i, v in enumerate(views, start=1)]
    size = 12.0
    while len(titles) > left and size > 7:
        size -= 1
        left = max(1, _lines_in(y * h - 1.0, size))
    shown = [fit_text(t, room - 0.3, size, max_lines=1, min_pt=size)[0][0] for t in titles]
    if len(shown) > left:
        more = len(shown) - left + 1
        shown = [
            *shown[: left - 1],
            ngettext("… and {n} more scene", "… and {n} more scenes", more).format(
                n=i18n.number_text(more, 0)
            ),
        ]
    write_lines(fig, x + 0.2 / w, y - 0.05 / h, shown, size)
    foot = _(
        "Every feature carries dated sources: each slide credits those of its map; the appendix "
        "lists them all. corridormap briefing pack · newest source date {date} · {made}"
    ).format(date=newest_source(views), made=made_text())
    lines, size = fit_text(foot, room, 9, max_lines=2, min_pt=6)
    write_lines(fig, x, 0.6 / h, lines, size, color="#444444")
    return fig


def scene_figure(
    view: ExportView,
    number: int,
    total: int,
    frames: Mapping[str, gpd.GeoDataFrame],
    show: str | None = None,
    *,
    page: tuple[float, float] = PDF_PAGE_IN,
    kicker: str | None = None,
) -> tuple[MplFigure, Drawn]:
    """One scene as a 16:9 slide: title block, map, text, the scene's chart or table (``show``),
    short legend, source credit. ``kicker``: the line above the title (default "Scene N of
    M")."""
    w, h = page
    fig = _figure(page, 100)
    x, room = _MARGIN_IN / w, w - 2 * _MARGIN_IN
    above = kicker if kicker is not None else scene_counter(number, total)
    y = write_lines(fig, x, 1 - 0.25 / h, [above], 10, color="#666666")
    lines, size = fit_text(view.title, room, 22, max_lines=2, min_pt=13, weight="bold")
    y = write_lines(fig, x, y, lines, size, fontweight="bold")
    top = y - 0.1 / h
    footer = 0.55 / h
    map_w = 0.64
    ax, frame = map_axes(fig, (x, footer, map_w - x, top - footer), view, frames)
    drawn = draw_map(ax, view, frames, frame)
    cx = map_w + 0.02
    col_in = (1 - cx) * w - _MARGIN_IN
    avail = (top - footer) * h
    cy = top
    if view.text:
        lines, size = fit_text(
            md_to_plain(view.text),
            col_in,
            12,
            max_lines=_lines_in(avail * (0.32 if has_extra(show) else 0.45), 9),
            min_pt=7 if has_extra(show) else 8,
        )
        cy = write_lines(fig, cx, cy, lines, size)
    # the description whole where the column has room for it (a route's says how it is measured)
    said = 4 if view.text else max(4, _lines_in(avail * 0.3, 9))
    lines, size = fit_text(view.description, col_in, 9, max_lines=said, min_pt=7)
    cy = write_lines(fig, cx, cy - 0.08 / h, lines, size, style="italic", color="#444444")
    if has_extra(show) and cy - footer > 2.6 / h:  # the scene's chart or table goes first
        head = (0.3 if show == "table" else 0.6) / h  # its title (and the chart's legend)
        chart_h = min(2.0 / h, (cy - footer - head - 0.4 / h) * 0.55)
        left = 0.1 if show == "table" else 0.24  # room for the bars' names
        chart = fig.add_axes((cx + left * (1 - cx - x), cy - head - chart_h,
                              (1 - left) * (1 - cx - x), chart_h))  # fmt: skip
        if draw_extra(chart, show, view, frames):
            cy -= head + chart_h + 0.4 / h
        else:
            chart.remove()
    legend_ax = fig.add_axes((cx, footer, 1 - cx - x, max(0.05, cy - 0.1 / h - footer)))
    draw_legend(legend_ax, view, fontsize=8)
    credit, size = fit_text(source_line(view) + " " + _("Every source: see the appendix."),
                            room, 8, max_lines=1, min_pt=5.5)  # fmt: skip
    y = write_lines(fig, x, footer - 0.12 / h, credit, size, color="#444444")
    link = _("In the app: {link}").format(link=view.link) if view.link else "corridormap"
    lines, size = fit_text(link, room, 7, max_lines=1, min_pt=5.5)
    write_lines(fig, x, y, lines, size, color="#666666")
    return fig, drawn


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


_APPENDIX_PT: Final = 8.0


def source_entry(ref: SourceRef, scenes: Sequence[int]) -> str:
    """A source in the appendix, in the language in force: "https://... — as of 7 Oct 2025;
    scenes 1, 3" (the URL as it is)."""
    return ngettext(
        "{url} — as of {date}; scene {scenes}",
        "{url} — as of {date}; scenes {scenes}",
        len(scenes),
    ).format(
        url=_url_text(ref.url), date=_as_of_text(ref.as_of), scenes=", ".join(map(str, scenes))
    )


def _appendix_pages(
    views: Sequence[ExportView], page: tuple[float, float] = PDF_PAGE_IN
) -> list[MplFigure]:
    w, h = page
    col_in = (w - 2 * _MARGIN_IN - 0.3) / 2
    entries: list[list[str]] = []
    for ref, scenes in appendix_refs(views):
        text = "•\u00a0" + source_entry(ref, scenes)
        lines = wrap_to_width(text, col_in - 0.15, _APPENDIX_PT)
        entries.append([lines[0], *("   " + line for line in lines[1:])])
    per_col = _lines_in(h - 1.4, _APPENDIX_PT)
    # An entry's lines stay in one column, so no URL is cut in two by a page break.
    cols: list[list[str]] = []
    for lines in entries:
        if not cols or len(cols[-1]) + len(lines) > per_col:
            cols.append([])
        cols[-1].extend(lines)
    pages_cols = [cols[i : i + 2] for i in range(0, len(cols), 2)] or [[[_("No sources.")]]]
    pages = []
    for i, page_cols in enumerate(pages_cols, start=1):
        fig = _figure(page, 100)
        head = _("Sources appendix ({number} of {total})").format(
            number=i18n.number_text(i, 0), total=i18n.number_text(len(pages_cols), 0)
        )
        y = write_lines(fig, _MARGIN_IN / w, 1 - 0.35 / h, [head], 16, fontweight="bold")
        for c, col in enumerate(page_cols):
            cx = (_MARGIN_IN + c * (col_in + 0.3)) / w
            write_lines(fig, cx, y - 0.1 / h, col, _APPENDIX_PT, color="#222222")
        pages.append(fig)
    return pages


def pdf_briefing(
    b: briefing.Briefing,
    views: Sequence[ExportView],
    frames: Mapping[str, gpd.GeoDataFrame],
    page: str = "16:9",
) -> bytes:
    """The briefing pack as slides (``page``: "16:9", or "a4" landscape for print): a cover,
    a slide per scene, a sources appendix."""
    return render_pdf(b, views, frames, page)[0]


def render_pdf(
    b: briefing.Briefing,
    views: Sequence[ExportView],
    frames: Mapping[str, gpd.GeoDataFrame],
    page: str = "16:9",
) -> tuple[bytes, list[Drawn]]:
    """The pack and what each scene's map drew (the labels, their boxes, the frame)."""
    if page not in PAGES:
        raise ValueError(f"page must be one of {', '.join(PAGES)}, got {page!r}")
    size = PAGES[page]
    buf = io.BytesIO()
    drawn: list[Drawn] = []
    with _rc(), pdf_pages(buf, b.title) as pdf:
        pdf.savefig(_title_page(b, views, size))
        shows = [s.show for s in b.scenes] if len(b.scenes) == len(views) else []
        for number, view in enumerate(views, start=1):
            show = shows[number - 1] if shows else None
            fig, d = scene_figure(view, number, len(views), frames, show, page=size)
            drawn.append(d)
            pdf.savefig(fig)
        for fig in _appendix_pages(views, size):
            pdf.savefig(fig)
    return buf.getvalue(), drawn
