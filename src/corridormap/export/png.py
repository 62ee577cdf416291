"""The PNG export: one view as a 16:9 picture (1920 x 1080 px at the default 144 dpi), with a
title block, the map, the legend and a one-line source credit (matplotlib, Agg)."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Final
from urllib.parse import urlsplit

import geopandas as gpd

from corridormap import i18n
from corridormap.escape import is_web_url
from corridormap.export.legend import draw_legend
from corridormap.export.static_map import (
    SLIDE_IN,
    Drawn,
    _figure,
    _rc,
    draw_map,
    map_axes,
)
from corridormap.export.text import fit_text, write_lines
from corridormap.export.views import ExportView, made_text, newest_source, sources
from corridormap.i18n import _, ngettext

if TYPE_CHECKING:
    from matplotlib.figure import Figure as MplFigure

#: PNG size in inches: 16:9, 1920 x 1080 px at 144 dpi (3840 x 2160 at 288).
PNG_SIZE_IN: Final = SLIDE_IN
PNG_DPI: Final = 144


def source_line(view: ExportView, limit: int = 8) -> str:
    """One line crediting the sources of what the view shows (hosts, count, newest date), in
    the language in force."""
    refs = sources(view)
    hosts = list(
        dict.fromkeys(
            urlsplit(r.url).netloc.removeprefix("www.") for r in refs if is_web_url(r.url)
        )
    )
    shown = ", ".join(hosts[:limit])
    if len(hosts) > limit:
        more = len(hosts) - limit
        shown = ngettext("{hosts} and {n} more", "{hosts} and {n} more", more).format(
            hosts=shown, n=i18n.number_text(more, 0)
        )
    return ngettext(
        "Sources: {n} reference ({hosts}); newest source date {date}. Basemap: Natural Earth. "
        "Lines are schematic.",
        "Sources: {n} references ({hosts}); newest source date {date}. Basemap: Natural Earth. "
        "Lines are schematic.",
        len(refs),
    ).format(
        n=i18n.number_text(len(refs), 0),
        hosts=shown or _("none"),
        date=newest_source([view]),
    )


_source_line = source_line  # the name older callers use


def view_figure(
    view: ExportView, frames: Mapping[str, gpd.GeoDataFrame], dpi: int = PNG_DPI
) -> tuple[MplFigure, Drawn]:
    """The view's picture: title block, map, legend, source credit; and what the map drew."""
    w, h = PNG_SIZE_IN
    fig = _figure(PNG_SIZE_IN, dpi)
    margin = 0.25 / w
    title, size = fit_text(view.title, w - 0.5, 20, max_lines=2, min_pt=12, weight="bold")
    y = write_lines(fig, margin, 1 - 0.18 / h, title, size, fontweight="bold")
    desc, dsize = fit_text(view.description, w - 0.5, 10, max_lines=2, min_pt=7)
    y = write_lines(fig, margin, y - 0.03 / h, desc, dsize, style="italic", color="#444444")
    footer_h = 0.5 / h
    top = y - 0.08 / h
    map_rect = (margin, footer_h, 0.78 - margin, top - footer_h)
    ax, frame = map_axes(fig, map_rect, view, frames)
    drawn = draw_map(ax, view, frames, frame)
    legend_ax = fig.add_axes((0.795, footer_h, 0.2, top - footer_h))
    draw_legend(legend_ax, view, fontsize=8)
    credit, csize = fit_text(source_line(view), w - 0.5, 8, max_lines=1, min_pt=5.5)
    made = f"corridormap · {made_text()}"
    y = write_lines(fig, margin, footer_h - 0.1 / h, credit, csize, color="#444444")
    write_lines(fig, margin, y, [made], 7, color="#666666")
    return fig, drawn


def render_png(
    view: ExportView, frames: Mapping[str, gpd.GeoDataFrame], dpi: int = PNG_DPI
) -> tuple[bytes, Drawn]:
    """The view as a PNG and what its map drew (the labels, their boxes, the frame)."""
    if not 30 <= dpi <= 600:
        raise ValueError(f"dpi must be between 30 and 600, got {dpi}")
    with _rc():
        fig, drawn = view_figure(view, frames, dpi)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi, facecolor="white")
    return buf.getvalue(), drawn


def png_view(view: ExportView, frames: Mapping[str, gpd.GeoDataFrame], dpi: int = PNG_DPI) -> bytes:
    """The view as a 16:9 PNG of ``PNG_SIZE_IN`` inches at ``dpi``: title, map with its
    labels, legend, source line and date."""
    return render_png(view, frames, dpi)[0]


def png_briefing(
    views: Sequence[ExportView], frames: Mapping[str, gpd.GeoDataFrame], dpi: int = PNG_DPI
) -> bytes:
    """The first scene of a briefing as a PNG (a PNG holds one picture)."""
    if not views:
        raise ValueError("the briefing has no scenes")
    return png_view(views[0], frames, dpi)
