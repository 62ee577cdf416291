"""Static maps with matplotlib, shared by the PNG and PDF exports.

A view is drawn on an axes in Web Mercator like the live map (land, overlays, highlights), with
the colours, dashes and widths of the same renderers (``mapbuild.renderer``), and a legend
beside it. Text is DejaVu Sans, and TrueType in PDFs (``_rc``). matplotlib is imported only
when a map is drawn.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final, Literal

import geopandas as gpd

from corridormap import catalog, mapbuild, style
from corridormap.catalog import LayerSpec
from corridormap.export.views import ExportView, _highlighted
from corridormap.mapbuild import MapView

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure as MplFigure


FONT: Final = "DejaVu Sans"
#: CSS pixels per inch of the PNG's map, so that a zoom level shows about what the app shows.
_PX_PER_IN: Final = 120.0


def mpl_dashes(
    dash: str | None, linewidth: float
) -> tuple[float, tuple[float, ...]] | Literal["solid"]:
    """A Leaflet ``dashArray`` ("10 7", in CSS px) as a matplotlib line style.

    matplotlib scales dash lengths by the line width (``lines.scale_dashes``), Leaflet does
    not; the pattern is converted to points (0.75 pt per px) and divided by the width.
    """
    if not dash:
        return "solid"
    try:
        values = [float(v) for v in re.split(r"[\s,]+", dash.strip()) if v]
    except ValueError:
        return "solid"
    if not values or any(v < 0 for v in values) or not any(values):
        return "solid"
    if len(values) % 2:
        values = values * 2
    width = max(linewidth, 0.1)
    return (0.0, tuple(v * 0.75 / width for v in values))


_PIPELINE_LABEL: Final = "Pipeline (width: capacity)"
_GAS_EDGE: Final = "#7f2704"
_PIN_COLOR = re.compile(r"background:\s*(#[0-9a-fA-F]{3,8})")


def _rgba(color: str | None, alpha: float = 1.0) -> tuple[float, float, float, float]:
    from matplotlib.colors import to_rgba  # noqa: PLC0415 - matplotlib only when exporting

    return to_rgba(color or style.TEXT, alpha)


def _view_extent(view: MapView, width_in: float, height_in: float) -> tuple[float, ...]:
    lat, lon = view.center
    x, y = mapbuild.mercator(lon, lat)
    mpp = mapbuild.EARTH_M / (256 * 2**view.zoom)
    half_w = width_in * _PX_PER_IN / 2 * mpp
    half_h = height_in * _PX_PER_IN / 2 * mpp
    return x - half_w, x + half_w, y - half_h, y + half_h


def _draw_layer(ax: Axes, spec: LayerSpec, gdf: gpd.GeoDataFrame, z: int) -> None:
    from matplotlib.lines import Line2D  # noqa: PLC0415

    drawer = mapbuild.renderer(spec.style_key)
    if drawer.draws is not None:
        gdf = drawer.draws(gdf)
    if not len(gdf):
        return
    fn = drawer.style_factory(gdf)
    rows = gdf.drop(columns="geometry").to_dict("records")
    merc = gdf.to_crs(3857)
    points: list[tuple[float, float, tuple[float, float, float, float]]] = []
    for row, geom in zip(rows, merc.geometry, strict=True):
        st = fn(row)
        if geom.geom_type == "Point":  # drawn together below
            points.append((geom.x, geom.y, _rgba(_point_color(st))))
        else:
            _draw_geom(ax, geom, st, z, Line2D)
    if points:
        # one scatter for the layer's points: one per point made 5,000 points take 32 s
        xs, ys, colors = zip(*points, strict=True)
        ax.scatter(xs, ys, s=26, color=colors, edgecolors="white", linewidths=1.0, zorder=z + 20)


def _point_color(st: Mapping[str, Any]) -> str | None:
    match = _PIN_COLOR.search(str(st.get("html", "")))
    return match.group(1) if match else st.get("color")


def _draw_geom(ax: Axes, geom: Any, st: Mapping[str, Any], z: int, line_cls: Any) -> None:
    gtype = geom.geom_type
    if gtype in ("Polygon", "MultiPolygon"):
        polys = [geom] if gtype == "Polygon" else list(geom.geoms)
        for poly in polys:
            xs, ys = poly.exterior.xy
            ax.fill(
                xs,
                ys,
                facecolor=_rgba(st.get("fillColor"), float(st.get("fillOpacity", 0.5))),
                edgecolor=_rgba(st.get("color"), float(st.get("opacity", 1.0))),
                linewidth=float(st.get("weight", 1.0)) * 0.75,
                zorder=z,
            )
    elif gtype in ("LineString", "MultiLineString"):
        lines = [geom] if gtype == "LineString" else list(geom.geoms)
        width = float(st.get("weight", 2.0)) * 0.75
        for line in lines:
            xs, ys = line.xy
            ax.add_line(
                line_cls(
                    xs,
                    ys,
                    color=_rgba(st.get("color"), float(st.get("opacity", 1.0))),
                    linewidth=width,
                    linestyle=mpl_dashes(st.get("dashArray"), width),
                    dash_capstyle="round",
                    solid_capstyle="round",
                    zorder=z,
                )
            )
    elif gtype == "Point":
        color = _point_color(st)
        ax.scatter(
            [geom.x],
            [geom.y],
            s=26,
            color=_rgba(color),
            edgecolors="white",
            linewidths=1.0,
            zorder=z + 20,
        )


def _draw_highlights(ax: Axes, view: ExportView, frames: Mapping[str, gpd.GeoDataFrame]) -> None:
    for gdf in _highlighted(frames, view.highlights):
        merc = gdf.to_crs(3857)
        for geom in merc.geometry:
            if geom.geom_type == "Point":
                ax.scatter(
                    [geom.x],
                    [geom.y],
                    s=150,
                    facecolors="none",
                    edgecolors=style.HIGHLIGHT,
                    linewidths=2.0,
                    zorder=60,
                )
            elif geom.geom_type.endswith("Polygon"):
                gpd.GeoSeries([geom]).boundary.plot(
                    ax=ax, color=style.HIGHLIGHT, linewidth=2.2, zorder=55
                )
            else:
                gpd.GeoSeries([geom]).plot(
                    ax=ax, color=style.HIGHLIGHT, linewidth=3.0, zorder=55, alpha=0.55
                )


def _draw_routes(ax: Axes, view: ExportView) -> None:
    """A scene's route over everything, in the live map's route style; the alternatives under
    the route."""
    from matplotlib.lines import Line2D  # noqa: PLC0415

    for index in reversed(range(len(view.routes))):
        _, legs, _ = view.routes[index]
        fn = mapbuild.route_style(index)
        rows = legs.drop(columns="geometry").to_dict("records")
        for row, geom in zip(rows, legs.to_crs(3857).geometry, strict=True):
            _draw_geom(ax, geom, fn(row), 58, Line2D)


def draw_map(
    ax: Axes, view: ExportView, frames: Mapping[str, gpd.GeoDataFrame], size_in: tuple[float, float]
) -> None:
    """The view on a matplotlib axes in Web Mercator: land, overlays, highlights."""
    ax.set_facecolor(style.SEA)
    x0, x1, y0, y1 = _view_extent(view.view, *size_in)
    land = frames.get(catalog.COUNTRIES.key)
    if land is not None and len(land):
        land_m = land.to_crs(3857)
        land_m.plot(
            ax=ax, facecolor=style.LAND, edgecolor=style.LAND_BORDER, linewidth=0.4, zorder=1
        )
    for z, spec in enumerate(view.specs, start=2):
        gdf = view.shown.get(spec.key)
        if gdf is not None:
            _draw_layer(ax, spec, gdf, z * 2)
    _draw_highlights(ax, view, frames)
    _draw_routes(ax, view)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    for side in ax.spines.values():
        side.set_edgecolor("#999999")
        side.set_linewidth(0.6)


def _legend_items(spec: LayerSpec) -> list[tuple[str, list[tuple[Any, str]]]]:
    from matplotlib.lines import Line2D  # noqa: PLC0415
    from matplotlib.patches import Patch  # noqa: PLC0415

    def line(color: str, dash: str | None = None, width: float = 2.2) -> Line2D:
        return Line2D([], [], color=color, linewidth=width, linestyle=mpl_dashes(dash, width))

    def dot(color: str) -> Line2D:
        return Line2D(
            [], [], marker="o", linestyle="none", markersize=6, color=color, markeredgecolor="w"
        )

    if spec.style_key.startswith(mapbuild.USER_STYLE_PREFIX):
        _, _, index = spec.style_key.partition(":")
        color = style.user_color(int(index) if index.isdigit() else 0)
        return [("Your layers", [(dot(color), spec.title)])]
    status = ("Status", [(line(style.TEXT, e.dash, 1.5), e.label) for e in style.STATUS_STYLES])
    table: dict[str, list[tuple[str, list[tuple[Any, str]]]]] = {
        "countries": [
            (
                "Organization of Turkic States",
                [
                    (Patch(facecolor=_rgba(e.color, style.OTS_FILL_OPACITY[e.value])), e.label)
                    for e in style.OTS_STYLES
                    if e.value != "none"
                ],
            )
        ],
        "corridors": [
            ("Corridors", [(line(e.color), e.label) for e in style.CORRIDOR_STYLES]),
            status,
        ],
        "pipelines": [
            (
                "Gas pipelines",
                [(line(style.PIPELINE_COLOR, None, 3), _PIPELINE_LABEL)],
            ),
            status,
        ],
        "gas_destinations": [
            (
                "Azerbaijani gas destinations",
                [
                    (Patch(facecolor=e.color, edgecolor=_GAS_EDGE), e.label)
                    for e in style.GAS_PERIODS
                ],
            )
        ],
        "nodes": [("Nodes", [(dot(e.color), e.label) for e in style.NODE_STYLES])],
        "summits": [("OTS summits", [(dot(e.color), e.label) for e in style.SUMMIT_STYLES])],
        "annotations": [("Gabala 2025", [(dot(e.color), e.label) for e in style.TOPIC_STYLES])],
    }
    return table.get(spec.style_key, [])


def draw_legend(ax: Axes, view: ExportView) -> None:
    from matplotlib.lines import Line2D  # noqa: PLC0415

    handles: list[Any] = []
    labels: list[str] = []
    headings: set[int] = set()
    sections: dict[str, list[tuple[Any, str]]] = {}  # a section shared by layers once
    for spec in view.specs:
        if spec.key not in view.shown:
            continue
        for title, rows in _legend_items(spec):
            if title not in sections:
                sections[title] = list(rows)
            elif title == "Your layers":  # one row per user layer
                sections[title].extend(rows)
    for title, rows in sections.items():
        headings.add(len(labels))
        handles.append(Line2D([], [], linestyle="none"))
        labels.append(title)
        for handle, label in rows:
            handles.append(handle)
            labels.append(label)
    if view.highlights:
        headings.add(len(labels))
        handles.append(Line2D([], [], linestyle="none"))
        labels.append("Highlighted")
        handles.append(Line2D([], [], color=style.HIGHLIGHT, linewidth=3, alpha=0.55))
        labels.append("Feature named in the text")
    ax.axis("off")
    if not handles:
        return
    legend = ax.legend(
        handles,
        labels,
        loc="upper left",
        frameon=False,
        fontsize=7,
        handlelength=2.6,
        borderaxespad=0,
        labelspacing=0.45,
    )
    for i, text in enumerate(legend.get_texts()):
        text.set_parse_math(False)
        if i in headings:
            text.set_fontweight("bold")


def _rc() -> Any:
    import matplotlib as mpl  # noqa: PLC0415

    return mpl.rc_context(
        {
            "font.family": FONT,
            "pdf.fonttype": 42,  # TrueType: text stays text, extractable
            "ps.fonttype": 42,
            "svg.fonttype": "none",
            "path.simplify": True,
        }
    )


def _figure(size: tuple[float, float], dpi: int) -> MplFigure:
    from matplotlib.figure import Figure as _MplFigure  # noqa: PLC0415

    return _MplFigure(figsize=size, dpi=dpi, facecolor="white")
