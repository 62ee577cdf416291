"""The PNG export: one view as a picture (matplotlib, Agg), with title, legend and sources."""

from __future__ import annotations

import io
import textwrap
from collections.abc import Mapping, Sequence
from typing import Final
from urllib.parse import urlsplit

import geopandas as gpd

from corridormap.escape import is_web_url
from corridormap.export.static_map import _figure, _rc, draw_legend, draw_map
from corridormap.export.views import ExportView, made_text, newest_source, sources

#: PNG size in inches: 1500 x 900 px at 150 dpi, 3000 x 1800 px at 300 dpi.
PNG_SIZE_IN: Final = (10.0, 6.0)


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.fill(p, width) for p in text.split("\n"))


def _source_line(view: ExportView, limit: int = 8) -> str:
    refs = sources(view)
    hosts = list(
        dict.fromkeys(
            urlsplit(r.url).netloc.removeprefix("www.") for r in refs if is_web_url(r.url)
        )
    )
    shown = ", ".join(hosts[:limit]) + (
        f" and {len(hosts) - limit} more" if len(hosts) > limit else ""
    )
    return (
        f"Sources: {len(refs)} references ({shown or 'none'}); newest source date "
        f"{newest_source([view])}. Basemap: Natural Earth. Lines are schematic."
    )


def png_view(view: ExportView, frames: Mapping[str, gpd.GeoDataFrame], dpi: int = 150) -> bytes:
    """The view as a PNG of ``PNG_SIZE_IN`` inches at ``dpi``: map, title, legend, description,
    source line and date."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: PLC0415

    if not 30 <= dpi <= 600:
        raise ValueError(f"dpi must be between 30 and 600, got {dpi}")
    w, h = PNG_SIZE_IN
    with _rc():
        fig = _figure(PNG_SIZE_IN, dpi)
        FigureCanvasAgg(fig)
        fig.text(0.015, 0.965, view.title, fontsize=13, fontweight="bold", va="top",
                 parse_math=False)  # fmt: skip
        fig.text(0.015, 0.915, _wrap(view.description, 150), fontsize=8, va="top",
                 style="italic", color="#444444", parse_math=False)  # fmt: skip
        map_rect = (0.015, 0.09, 0.74, 0.79)
        ax = fig.add_axes(map_rect)
        draw_map(ax, view, frames, (w * map_rect[2], h * map_rect[3]))
        legend_ax = fig.add_axes((0.77, 0.09, 0.22, 0.79))
        draw_legend(legend_ax, view)
        footer = f"{_source_line(view)}\ncorridormap · {made_text()}"
        fig.text(0.015, 0.075, _wrap(footer, 180), fontsize=6.5, va="top",
                 color="#444444", parse_math=False, linespacing=1.5)  # fmt: skip
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi, facecolor="white")
    return buf.getvalue()


def png_briefing(
    views: Sequence[ExportView], frames: Mapping[str, gpd.GeoDataFrame], dpi: int = 150
) -> bytes:
    """The first scene of a briefing as a PNG (a PNG holds one picture)."""
    if not views:
        raise ValueError("the briefing has no scenes")
    return png_view(views[0], frames, dpi)
