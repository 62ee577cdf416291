"""A static map's legend, and the matplotlib forms of the live map's line and fill styles.

``draw_legend`` draws the legend of an export's view on its own axes (each shown layer's
section once, the routes and the highlighted features), smaller or in more columns until it
fits its room; ``mpl_dashes`` and ``rgba`` turn the live map's Leaflet dashes and colours into
matplotlib's, for the legend and the map (``static_map``) alike. matplotlib is imported only
when something is drawn.
"""

from __future__ import annotations

import re
import textwrap
from typing import TYPE_CHECKING, Any, Final, Literal

from corridormap import mapbuild, style
from corridormap.catalog import LayerSpec
from corridormap.export.views import ExportView
from corridormap.i18n import N_, _

if TYPE_CHECKING:
    from matplotlib.axes import Axes


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


_PIPELINE_LABEL: Final = N_("Gas pipeline (width: capacity)")  # the live legend's words
_GAS_EDGE: Final = "#7f2704"


def rgba(color: str | None, alpha: float = 1.0) -> tuple[float, float, float, float]:
    from matplotlib.colors import to_rgba  # noqa: PLC0415 - matplotlib only when exporting

    return to_rgba(color or style.TEXT, alpha)


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
        index = spec.style_key.partition(":")[2]
        color = style.user_color(int(index) if index.isdigit() else 0)
        return [(_("Your layers"), [(dot(color), spec.title)])]  # the user's own title
    status = (
        _("Status"),
        [(line(style.TEXT, e.dash, 1.5), _(e.label)) for e in style.STATUS_STYLES],
    )
    table: dict[str, list[tuple[str, list[tuple[Any, str]]]]] = {
        "countries": [
            (
                _("Organization of Turkic States"),
                [
                    (Patch(facecolor=rgba(e.color, style.OTS_FILL_OPACITY[e.value])), _(e.label))
                    for e in style.OTS_STYLES
                    if e.value != "none"
                ],
            )
        ],
        "corridors": [
            (_("Corridors"), [(line(e.color), _(e.label)) for e in style.CORRIDOR_STYLES]),
            status,
        ],
        "pipelines": [
            (
                _("Gas pipelines"),
                [(line(style.PIPELINE_COLOR, None, 3), _(_PIPELINE_LABEL))],
            ),
            status,
        ],
        "gas_destinations": [
            (
                _("Azerbaijani gas destinations"),
                [
                    (Patch(facecolor=e.color, edgecolor=_GAS_EDGE), _(e.label))
                    for e in style.GAS_PERIODS
                ],
            )
        ],
        "nodes": [(_("Nodes"), [(dot(e.color), _(e.label)) for e in style.NODE_STYLES])],
        "summits": [(_("OTS summits"), [(dot(e.color), _(e.label)) for e in style.SUMMIT_STYLES])],
        "annotations": [
            (_("Gabala 2025"), [(dot(e.color), _(e.label)) for e in style.TOPIC_STYLES])
        ],
    }
    return table.get(spec.style_key, [])


def draw_legend(ax: Axes, view: ExportView, fontsize: float = 7) -> None:
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
            elif title == _("Your layers"):  # one row per user layer
                sections[title].extend(rows)
    for title, rows in sections.items():
        headings.add(len(labels))
        handles.append(Line2D([], [], linestyle="none"))
        labels.append(title)
        for handle, label in rows:
            handles.append(handle)
            labels.append(label)
    if view.routes:
        headings.add(len(labels))
        handles.append(Line2D([], [], linestyle="none"))
        labels.append(_(style.ROUTE_LABEL))
        for index in range(len(view.routes)):  # the live map's names (the text has totals)
            handles.append(Line2D([], [], color=mapbuild.route_color(index), linewidth=3))
            labels.append(
                _(style.ROUTE_LABEL) if index == 0 else _(style.ROUTE_ALT_LABEL).format(n=index)
            )
    if view.highlights:
        headings.add(len(labels))
        handles.append(Line2D([], [], linestyle="none"))
        labels.append(_("Highlighted"))
        handles.append(Line2D([], [], color=style.HIGHLIGHT, linewidth=3, alpha=0.55))
        labels.append(_("Feature named in the text"))
    ax.axis("off")
    if handles:
        _fitted_legend(ax, handles, labels, headings, fontsize)


#: Where a legend too wide for its room breaks its labels (characters).
_WRAP_CHARS: Final = 24


def _fitted_legend(
    ax: Axes, handles: list[Any], labels: list[str], headings: set[int], fontsize: float
) -> None:
    """The legend at ``fontsize``, or smaller, or in two columns, so that it fits its axes
    (measured on the figure's canvas): it never runs into the text under it."""
    fig = ax.get_figure()
    assert fig is not None
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    room = ax.get_window_extent(renderer)
    size, ncol, wrapped = fontsize, 1, False
    while True:
        legend = ax.legend(
            handles,
            labels,
            loc="upper left",
            frameon=False,
            fontsize=size,
            handlelength=2.6,
            borderaxespad=0,
            labelspacing=0.45,
            ncol=ncol,
        )
        for i, text in enumerate(legend.get_texts()):
            text.set_parse_math(False)
            if i in headings:
                text.set_fontweight("bold")
        box = legend.get_window_extent(renderer)
        if box.height <= room.height and box.width <= room.width * 1.02:
            return
        if size <= 5 and ncol == 3:
            if wrapped or box.width <= room.width * 1.02:
                return
            # still too wide (a language's longer words): long labels on two lines, and again
            labels = [textwrap.fill(label, _WRAP_CHARS) for label in labels]
            size, ncol, wrapped = fontsize, 1, True
            legend.remove()
            continue
        if size <= fontsize - 1.5 and ncol < 3:
            ncol, size = ncol + 1, fontsize
        else:
            size -= 0.5
        legend.remove()
