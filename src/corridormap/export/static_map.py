"""Static maps with matplotlib, shared by the PNG, PDF and PowerPoint exports.

A view is drawn on an axes in Web Mercator exactly as the live map frames it: the box the user
was looking at (``MapView.bounds``), or the centre and zoom on a frame of the map's size in CSS
px (``CSS_PX_PER_IN`` of them per inch, so a 1920x1080 PNG shows what a 1920x1080 screen
shows). Land, overlays, highlights and routes take the colours, dashes and widths of the live
map's renderers (``mapbuild.renderer``); point markers and labels are laid out by the live
map's ranks and decluttering rules (``labels.layout``), with the same white halo, and no label
is drawn over another. ``draw_map`` returns what it drew (``Drawn``: the frame's bounds and
every label with its box), which the tests measure. Text is DejaVu Sans (Latin, Turkish,
Azerbaijani, Cyrillic), TrueType in PDFs (``_rc``). matplotlib is imported only when a map is
drawn.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import parse_qs

import geopandas as gpd
import shapely

from corridormap import catalog, mapbuild, style
from corridormap.catalog import LayerSpec
from corridormap.export import labels as lay
from corridormap.export import views as _views
from corridormap.export.legend import draw_legend, mpl_dashes, rgba
from corridormap.export.text import FONT, text_width
from corridormap.export.views import ExportView, named_places

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure as MplFigure


#: CSS pixels per inch of a static map: a 13.33 x 7.5 in (16:9) page at 144 dpi is 1920 x 1080
#: px, and its map shows at a zoom what a screen of that size shows.
CSS_PX_PER_IN: Final = 144.0
#: Points per CSS px (a 12 px label is 6 pt at ``CSS_PX_PER_IN``).
PT_PER_PX: Final = 72.0 / CSS_PX_PER_IN
#: Page sizes in inches: 16:9 slides (PowerPoint's widescreen) and A4 landscape.
SLIDE_IN: Final = (40 / 3, 7.5)
A4_IN: Final = (11.69, 8.27)


_PIN_COLOR = re.compile(r"background:\s*(#[0-9a-fA-F]{3,8})")


@dataclass(frozen=True, slots=True)
class Frame:
    """Where a static map looks: its Web Mercator extent, its size in CSS px and its zoom."""

    x0: float
    x1: float
    y0: float
    y1: float
    size_px: tuple[float, float]
    zoom: float

    @property
    def mpp(self) -> float:
        return (self.x1 - self.x0) / self.size_px[0]

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(west, south, east, north) in degrees."""
        west, south = mapbuild.unmercator(self.x0, self.y0)
        east, north = mapbuild.unmercator(self.x1, self.y1)
        return west, south, east, north

    def to_px(self, x: float, y: float) -> tuple[float, float]:
        """Web Mercator metres to frame px (origin top left)."""
        return (x - self.x0) / self.mpp, (self.y1 - y) / self.mpp

    def to_xy(self, px: float, py: float) -> tuple[float, float]:
        return self.x0 + px * self.mpp, self.y1 - py * self.mpp


def frame_of(view: mapbuild.MapView, room_px: tuple[float, float]) -> Frame:
    """The frame of ``view`` in a room of ``room_px`` CSS px.

    A view with the bounds a live map reported frames exactly that box, as large as the room
    allows (the frame then takes the box's shape); otherwise the centre and zoom fill the room,
    as Leaflet shows them on a map of that size.
    """
    bounds = getattr(view, "bounds", None)
    if bounds is not None:
        (x0, y0, x1, y1), mpp = mapbuild.box_fit(bounds, room_px)
        zoom = mapbuild.zoom_of(mpp)
        return Frame(x0, x1, y0, y1, ((x1 - x0) / mpp, (y1 - y0) / mpp), zoom)
    lat, lon = view.center
    x, y = mapbuild.mercator(lon, lat)
    mpp = mapbuild.metres_per_px(float(view.zoom))
    hw, hh = room_px[0] / 2 * mpp, room_px[1] / 2 * mpp
    return Frame(x - hw, x + hw, y - hh, y + hh, room_px, float(view.zoom))


@dataclass(frozen=True, slots=True)
class DrawnLabel:
    """A label as drawn: its text, kind, rank, box in frame CSS px, and box in the picture's
    pixels (matplotlib's measure of the text drawn, origin top left)."""

    text: str
    kind: str
    rank: int
    box: lay.Box
    image_box: lay.Box


@dataclass(frozen=True, slots=True)
class Drawn:
    """What ``draw_map`` drew: the frame and the labels (the tests measure these)."""

    frame: Frame
    labels: tuple[DrawnLabel, ...]
    #: The places that had to be named but found no room (none, on every shipped scene).
    unnamed: tuple[str, ...]
    #: The axes' box in the picture's pixels (origin top left).
    image_box: lay.Box


_WEIGHT: Final = {"place": "bold", "country": "normal"}


def _measure(text: str, font_px: float, kind: str) -> float:
    return text_width(text, font_px, _WEIGHT.get(kind, "normal"))


def _label_text(spec: LayerSpec, drawer: mapbuild.Renderer, row: Mapping[str, Any]) -> str:
    """The name a place is labelled with: the live map's (a summit as "Gabala 2025"), on the
    live map's lines (``style.map_label``)."""
    name = (drawer.label(row) if drawer.label else None) or row.get(spec.label_property)
    return style.map_label(str(name or row.get(spec.id_property) or ""))


def _rank(
    spec: LayerSpec,
    drawer: mapbuild.Renderer,
    row: Mapping[str, Any],
    highlighted: bool,
    named: frozenset[str],
) -> int:
    if highlighted:
        return int(style.HIGHLIGHT_RANK)
    if named and str(row.get(spec.label_property)) in named:
        return int(style.NAMED_RANK)
    return int(drawer.rank(row)) if drawer.rank else 1


@dataclass(slots=True)
class _Marker:
    place: lay.Place
    color: Any
    ring: bool
    pin: bool = True


def _pin_color(st: Mapping[str, Any]) -> str | None:
    match = _PIN_COLOR.search(str(st.get("html", "")))
    return match.group(1) if match else st.get("color")


def _anchor(geom: Any, frame: Frame) -> Any:
    """A point of a line or area inside the frame, where its name goes (None: not in it)."""
    clip = shapely.clip_by_rect(geom, frame.x0, frame.y0, frame.x1, frame.y1)
    if clip.is_empty:
        return None
    if clip.geom_type.endswith("LineString"):
        parts = [clip] if clip.geom_type == "LineString" else list(clip.geoms)
        longest = max(parts, key=lambda g: g.length)
        return longest.interpolate(0.5, normalized=True)
    return clip.representative_point()


def _places(
    view: ExportView, frames: Mapping[str, gpd.GeoDataFrame], frame: Frame
) -> list[_Marker]:
    """Every point marker of the view, and an anchor for each highlighted line or area, with
    the live map's label and rank."""
    named = named_places(view)
    wanted = set(view.highlights)
    out: list[_Marker] = []
    seen: set[tuple[str, str]] = set()
    specs = {s.key: s for s in view.specs}

    def add(spec: LayerSpec, gdf: gpd.GeoDataFrame, highlighted: bool, route: bool) -> None:
        drawer = mapbuild.renderer(spec.style_key)
        if not len(gdf):
            return
        fn = drawer.style_factory(gdf)
        rows = gdf.drop(columns="geometry").to_dict("records")
        merc = gdf.to_crs(3857).geometry
        for fid, row, geom in zip(gdf.index, rows, merc, strict=True):
            key = (spec.key, str(fid))
            hl = highlighted or key in wanted
            if key in seen or geom is None or geom.is_empty:
                continue
            if not drawer.points and not hl:
                continue
            seen.add(key)
            if geom.geom_type == "Point":
                point, pin = geom, True
            else:
                point, pin = _anchor(geom, frame), False
                if point is None:
                    continue
            x, y = frame.to_px(point.x, point.y)
            rank = _rank(spec, drawer, row, hl, named)
            place = lay.Place(
                _label_text(spec, drawer, row), rank, x, y, f"{spec.key}:{fid}",
                half=9.0 if pin else 0.0,
            )  # fmt: skip
            color = _pin_color(fn(row)) if not route else style.ROUTE_COLOR
            out.append(_Marker(place, color, hl and pin, pin))

    for _name, _legs, places in view.routes[:1]:
        add(catalog.NODES, places, True, True)
    for spec in view.specs:
        gdf = view.shown.get(spec.key)
        if gdf is not None:
            add(spec, gdf, False, False)
    for layer, fid in view.highlights:  # a highlight the filters leave out is still named
        frame_gdf = frames.get(layer)
        spec_h = specs.get(layer)
        if frame_gdf is not None and spec_h is not None and fid in frame_gdf.index:
            add(spec_h, frame_gdf.loc[[fid]], True, False)
    return out


def _draw_layer(ax: Axes, spec: LayerSpec, gdf: gpd.GeoDataFrame, z: int) -> None:
    """A layer's lines and areas (its points are markers, drawn with the labels)."""
    from matplotlib.lines import Line2D  # noqa: PLC0415

    drawer = mapbuild.renderer(spec.style_key)
    gdf = spec.drawn(gdf)
    if not len(gdf):
        return
    fn = drawer.style_factory(gdf)
    rows = gdf.drop(columns="geometry").to_dict("records")
    merc = gdf.to_crs(3857)
    for row, geom in zip(rows, merc.geometry, strict=True):
        if geom is not None and geom.geom_type != "Point":
            _draw_geom(ax, geom, fn(row), z, Line2D)


def _draw_geom(ax: Axes, geom: Any, st: Mapping[str, Any], z: int, line_cls: Any) -> None:
    gtype = geom.geom_type
    if gtype in ("Polygon", "MultiPolygon"):
        polys = [geom] if gtype == "Polygon" else list(geom.geoms)
        for poly in polys:
            xs, ys = poly.exterior.xy
            ax.fill(
                xs,
                ys,
                facecolor=rgba(st.get("fillColor"), float(st.get("fillOpacity", 0.5))),
                edgecolor=rgba(st.get("color"), float(st.get("opacity", 1.0))),
                linewidth=float(st.get("weight", 1.0)) * PT_PER_PX,
                zorder=z,
            )
    elif gtype in ("LineString", "MultiLineString"):
        lines = [geom] if gtype == "LineString" else list(geom.geoms)
        width = float(st.get("weight", 2.0)) * PT_PER_PX
        for line in lines:
            xs, ys = line.xy
            ax.add_line(
                line_cls(
                    xs,
                    ys,
                    color=rgba(st.get("color"), float(st.get("opacity", 1.0))),
                    linewidth=width,
                    linestyle=mpl_dashes(st.get("dashArray"), width),
                    dash_capstyle="round",
                    solid_capstyle="round",
                    zorder=z,
                )
            )


def _draw_highlights(ax: Axes, view: ExportView, frames: Mapping[str, gpd.GeoDataFrame]) -> None:
    """Highlighted lines and areas outlined as the live map does (points get a ring with
    their marker)."""
    from matplotlib.lines import Line2D  # noqa: PLC0415

    for layer, fid in view.highlights:
        gdf = frames.get(layer)
        if gdf is None or fid not in gdf.index:
            continue
        geom = gdf.loc[[fid]].to_crs(3857).geometry.iloc[0]
        if geom is None or geom.geom_type == "Point":
            continue
        if geom.geom_type.endswith("Polygon"):
            geom = geom.boundary
        st = {"color": style.HIGHLIGHT, "weight": 6, "opacity": 0.9}
        _draw_geom(ax, geom, st, 55, Line2D)


def _draw_routes(ax: Axes, view: ExportView) -> None:
    """A scene's route over everything, in the live map's route style; the alternatives under
    the route."""
    from matplotlib.lines import Line2D  # noqa: PLC0415

    for index in reversed(range(len(view.routes))):
        legs = view.routes[index][1]
        fn = mapbuild.route_style(index)
        rows = legs.drop(columns="geometry").to_dict("records")
        for row, geom in zip(rows, legs.to_crs(3857).geometry, strict=True):
            _draw_geom(ax, geom, fn(row), 58 - index, Line2D)


def _country_points(
    frames: Mapping[str, gpd.GeoDataFrame], frame: Frame
) -> list[tuple[str, float, float, bool]]:
    out = []
    for name, lat, lon, large in mapbuild.country_labels(frames.get(catalog.COUNTRIES.key)):
        x, y = frame.to_px(*mapbuild.mercator(lon, lat))
        out.append((name, x, y, large))
    return out


def _draw_markers(ax: Axes, markers: Sequence[_Marker], kept: set[int], frame: Frame) -> None:
    """The kept markers as the live map's pins (a white ring; a black ring when highlighted)
    and their "+N" counts."""
    pin_pt = 18 * PT_PER_PX
    for m in markers:
        p = m.place
        if id(p) not in kept or not m.pin:
            continue
        x, y = frame.to_xy(p.px, p.py)
        z = 70 + p.rank
        if m.ring:
            ax.plot([x], [y], marker="o", markersize=30 * PT_PER_PX, markerfacecolor="none",
                    markeredgecolor=style.HIGHLIGHT, markeredgewidth=4 * PT_PER_PX,
                    zorder=z, linestyle="none")  # fmt: skip
        ax.plot([x], [y], marker="o", markersize=pin_pt, markerfacecolor=rgba(m.color),
                markeredgecolor="white", markeredgewidth=2 * PT_PER_PX, zorder=z + 0.5,
                linestyle="none")  # fmt: skip
        if p.more:
            bx, by = frame.to_xy(p.px + 14, p.py - 8)
            ax.text(bx, by, f"+{p.more}", fontsize=9 * PT_PER_PX, fontweight="bold",
                    color=style.TEXT, ha="left", va="center", zorder=z + 0.6,
                    parse_math=False, clip_on=True,
                    bbox={"boxstyle": "round,pad=0.15", "facecolor": "white",
                          "edgecolor": "#999999", "linewidth": 0.4})  # fmt: skip


def _draw_labels(ax: Axes, placed: Sequence[lay.Label], frame: Frame) -> list[Any]:
    """The labels, each over its white halo. The halo is a stroke of its own (drawn as a path),
    the name plain text on top, so that a PDF keeps every name as text."""
    from matplotlib import patheffects  # noqa: PLC0415

    halo = [patheffects.Stroke(linewidth=4 * PT_PER_PX, foreground="white")]
    artists = []
    for label in placed:
        x, y = frame.to_xy(label.box.x1 + 2, (label.box.y1 + label.box.y2) / 2)
        country = label.kind == "country"
        z = 90 if not country else 80
        kw: dict[str, Any] = {
            "fontsize": label.font_px * PT_PER_PX,
            "fontweight": _WEIGHT["country" if country else "place"],
            "ha": "left",
            "va": "center",
            "linespacing": lay.LINE_SPACING,  # a name on several lines (style.map_label)
            "parse_math": False,
            "clip_on": True,
        }
        ax.text(x, y, label.text, color="white", zorder=z - 0.5, path_effects=halo, **kw)
        color = "#5a5a5a" if country else ("#000000" if label.strong else "#1f1f1f")
        artists.append(ax.text(x, y, label.text, color=color, zorder=z, **kw))
    return artists


def map_room(fig: MplFigure, rect: tuple[float, float, float, float]) -> tuple[float, float]:
    """A figure rectangle's size in CSS px."""
    w_in, h_in = fig.get_size_inches()
    return rect[2] * w_in * CSS_PX_PER_IN, rect[3] * h_in * CSS_PX_PER_IN


def view_frame(
    view: ExportView, frames: Mapping[str, gpd.GeoDataFrame], room_px: tuple[float, float]
) -> Frame:
    """The frame of an export view in a room of ``room_px`` CSS px: the box a live map
    reported, exactly; otherwise the box the scene must hold (``views.scene_box``: what its
    author saw and the story's ends) fitted to this room, as the live map fits it to its own;
    a view whose link sets a zoom (one the user framed) keeps its centre and zoom."""
    box_of = getattr(_views, "scene_box", None)
    framed = "zoom" in parse_qs(view.link.lstrip("?"))  # a view the user framed keeps it
    if getattr(view.view, "bounds", None) is None and box_of is not None and not framed:
        fitted = frame_of(mapbuild.fit_bounds(box_of(view, frames), size_px=room_px), room_px)
        land = frames.get(catalog.COUNTRIES.key)
        if not view.scene or land is None or not len(land):
            return fitted
        return within(fitted, land.total_bounds)  # a scene: fitted, the land's edge unseen
    return frame_of(view.view, room_px)


def within(frame: Frame, bounds: Sequence[float]) -> Frame:
    """The frame moved (not scaled) to stand inside ``bounds`` (lon/lat: the bundled land's,
    so that no straight edge of the land shows), as the live map's ``LandFrame`` keeps it;
    centred on them along a side where it is the larger."""
    lx0, ly0 = mapbuild.mercator(float(bounds[0]), float(bounds[1]))
    lx1, ly1 = mapbuild.mercator(float(bounds[2]), float(bounds[3]))

    def shift(a0: float, a1: float, b0: float, b1: float) -> float:
        if a1 - a0 >= b1 - b0:
            return (b0 + b1) / 2 - (a0 + a1) / 2
        return max(b0 - a0, 0.0) + min(b1 - a1, 0.0)

    dx, dy = shift(frame.x0, frame.x1, lx0, lx1), shift(frame.y0, frame.y1, ly0, ly1)
    return replace(frame, x0=frame.x0 + dx, x1=frame.x1 + dx, y0=frame.y0 + dy, y1=frame.y1 + dy)


def map_axes(
    fig: MplFigure,
    rect: tuple[float, float, float, float],
    view: ExportView,
    frames: Mapping[str, gpd.GeoDataFrame],
) -> tuple[Axes, Frame]:
    """An axes for ``view`` in the figure rectangle ``rect``: the whole rectangle, or (for a
    view with reported bounds) the largest box of their shape, centred at the top."""
    frame = view_frame(view, frames, map_room(fig, rect))
    w_in, h_in = fig.get_size_inches()
    fw, fh = frame.size_px[0] / CSS_PX_PER_IN / w_in, frame.size_px[1] / CSS_PX_PER_IN / h_in
    left = rect[0] + (rect[2] - fw) / 2
    bottom = rect[1] + rect[3] - fh
    return fig.add_axes((left, bottom, fw, fh)), frame


def draw_map(
    ax: Axes, view: ExportView, frames: Mapping[str, gpd.GeoDataFrame], frame: Frame
) -> Drawn:
    """The view on ``ax`` (from ``map_axes``): land, overlays, highlights, routes, then the
    markers and labels laid out as the live map lays them out; returns what it drew."""
    ax.set_facecolor(style.SEA)
    land = frames.get(catalog.COUNTRIES.key)
    if land is not None and len(land):
        pad = 50 * frame.mpp  # drawn a little past the frame, so no edge shows
        land_m = land.to_crs(3857).clip_by_rect(
            frame.x0 - pad, frame.y0 - pad, frame.x1 + pad, frame.y1 + pad
        )
        land_m = land_m[~land_m.is_empty]
        land_m.plot(
            ax=ax, facecolor=style.LAND, edgecolor=style.LAND_BORDER, linewidth=0.4, zorder=1
        )
    for z, spec in enumerate(view.specs, start=2):
        gdf = view.shown.get(spec.key)
        if gdf is not None:
            _draw_layer(ax, spec, gdf, z * 2)
    _draw_highlights(ax, view, frames)
    _draw_routes(ax, view)
    markers = _places(view, frames, frame)
    placed = lay.layout(
        [m.place for m in markers],
        frame.size_px,
        frame.zoom,
        _measure,
        _country_points(frames, frame),
    )
    _draw_markers(ax, markers, {id(p) for p in placed.kept}, frame)
    artists = _draw_labels(ax, placed.labels, frame)
    ax.set_xlim(frame.x0, frame.x1)
    ax.set_ylim(frame.y0, frame.y1)
    ax.set_aspect("auto")
    ax.set_autoscale_on(False)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    for side in ax.spines.values():
        side.set_edgecolor("#999999")
        side.set_linewidth(0.6)
    ax.apply_aspect()  # geopandas asked for "equal", which shrinks the axes until drawn
    fig = ax.get_figure()
    assert fig is not None
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    height = fig.bbox.height

    def flip(bb: Any) -> lay.Box:
        return lay.Box(bb.x0, height - bb.y1, bb.x1, height - bb.y0)

    drawn = tuple(
        DrawnLabel(
            label.text, label.kind, label.rank, label.box, flip(artist.get_window_extent(renderer))
        )
        for label, artist in zip(placed.labels, artists, strict=True)
    )
    return Drawn(
        frame,
        drawn,
        tuple(p.label for p in placed.unnamed),
        flip(ax.get_window_extent(renderer)),
    )


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
    """A figure with an Agg canvas (text is measured on it; PDFs are drawn by their own)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: PLC0415
    from matplotlib.figure import Figure as _MplFigure  # noqa: PLC0415

    fig = _MplFigure(figsize=size, dpi=dpi, facecolor="white")
    FigureCanvasAgg(fig)
    return fig


def map_picture(
    view: ExportView,
    frames: Mapping[str, gpd.GeoDataFrame],
    size_in: tuple[float, float],
    dpi: int = 144,
    legend_in: float = 2.3,
) -> tuple[bytes, Drawn]:
    """The map alone with its legend beside it, as a PNG (for slides): and what it drew."""
    import io  # noqa: PLC0415

    w = size_in[0]
    with _rc():
        fig = _figure(size_in, dpi)
        ax, frame = map_axes(fig, (0.0, 0.0, 1 - legend_in / w, 1.0), view, frames)
        drawn = draw_map(ax, view, frames, frame)
        legend_ax = fig.add_axes((1 - legend_in / w + 0.1 / w, 0.0, legend_in / w - 0.1 / w, 1.0))
        draw_legend(legend_ax, view, fontsize=7.5)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi, facecolor="white")
    return buf.getvalue(), drawn
