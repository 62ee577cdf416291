"""What a scene shows beside its map in a static pack (``show: table``, ``chart:...``), drawn
with matplotlib as the presentation page shows it with Altair: the same data, the same
colours (``style``). Names are set as plain text (``parse_math=False``)."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from typing import TYPE_CHECKING, Final

import geopandas as gpd

from corridormap import analysis, catalog, i18n, style
from corridormap.export.views import ExportView, layer_title
from corridormap.i18n import _

if TYPE_CHECKING:
    from matplotlib.axes import Axes

#: The most rows a scene's table shows on a slide (the rest are counted).
TABLE_ROWS: Final = 9


def has_extra(show: str | None) -> bool:
    return show in ("table", "chart:destinations", "chart:km_by_status")


def draw_extra(
    ax: Axes, show: str | None, view: ExportView, frames: Mapping[str, gpd.GeoDataFrame]
) -> bool:
    """The scene's chart or table on ``ax``; False (and nothing drawn) when it has none."""
    if show == "chart:destinations":
        gas = frames.get(catalog.GAS_DESTINATIONS.key)
        if gas is None or not len(gas):
            return False
        _destinations(ax, gas)
        return True
    if show == "chart:km_by_status":
        legs = view.shown.get(catalog.CORRIDOR_LEGS.key)
        countries = frames.get(catalog.COUNTRIES.key)
        if legs is None or not len(legs) or countries is None:
            return False
        _km_by_status(ax, legs, countries)
        return True
    if show == "table":
        _table(ax, view)
        return True
    return False


def _style_axes(ax: Axes, title: str, pad: float = 6.0) -> None:
    ax.set_title(title, fontsize=9, loc="left", fontweight="bold", pad=pad)
    ax.tick_params(labelsize=7)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _destinations(ax: Axes, gas: gpd.GeoDataFrame) -> None:
    import pandas as pd  # noqa: PLC0415

    series = analysis.destinations_over_time(gas)
    dates = pd.to_datetime(series["date"])
    ax.step(dates, series["count"], where="post", color=style.PIPELINE_COLOR, linewidth=1.8)
    ax.set_ylabel(_("countries"), fontsize=7)
    ax.set_ylim(0, max(series["count"].max() + 1, 1))
    _style_axes(ax, _("Countries receiving Azerbaijani gas"))


def _km_by_status(ax: Axes, legs: gpd.GeoDataFrame, countries: gpd.GeoDataFrame) -> None:
    from matplotlib.ticker import FuncFormatter  # noqa: PLC0415

    table = analysis.leg_table(legs, countries)
    sums = table.pivot_table(
        index=["corridor", "mode"],
        columns="status",
        values="computed_km",
        aggfunc="sum",
        fill_value=0.0,
    )
    colors = [style.corridor_color(str(corridor)) for corridor, _ in sums.index]
    bars = [_bar_name(style.label(style.CORRIDOR_STYLES, str(c)), str(m)) for c, m in sums.index]
    left = [0.0] * len(sums)
    looks = {"operational": (1.0, None), "under_construction": (0.6, "//"), "planned": (0.3, "..")}
    for entry in style.STATUS_STYLES:
        if entry.value not in sums.columns:
            continue
        alpha, hatch = looks.get(entry.value, (0.45, "xx"))
        values = [float(v) for v in sums[entry.value]]
        ax.barh(bars, values, left=left, color=colors, alpha=alpha,
                hatch=hatch, label=_(entry.label), edgecolor="white", linewidth=0.5)  # fmt: skip
        left = [a + b for a, b in zip(left, values, strict=True)]
    for label in ax.get_yticklabels():
        label.set_parse_math(False)
    ax.legend(fontsize=6.5, frameon=False, loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=3,
              borderaxespad=0.2)  # fmt: skip
    ax.set_xlabel(_("km, geodesic along the drawn (schematic) lines"), fontsize=6.5)
    _style_axes(ax, _("Corridor km by status"), pad=18)
    code = i18n.current()  # km in the language's digits (1 000, 1.000), whenever drawn
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: i18n.number_text(v, 0, code)))


def _bar_name(corridor: str, mode: str) -> str:
    """A bar's name: the corridor and the mode's word ("Middle Corridor (TITR) · Rail"), broken
    into lines that fit the room beside the bars (the names of other languages are longer)."""
    word = _(style.MODE_WORDS[mode]) if mode in style.MODE_WORDS else mode
    word = word[:1].upper() + word[1:]
    return textwrap.fill(f"{corridor} · {word}", 22, break_long_words=False)


def _table(ax: Axes, view: ExportView) -> None:
    rows: list[list[str]] = []
    for spec in view.specs:
        gdf = view.shown.get(spec.key)
        if spec.key == catalog.COUNTRIES.key or gdf is None or not len(gdf):
            continue
        status = gdf["status"] if "status" in gdf.columns else None
        for i, name in enumerate(gdf[spec.label_property].astype(str)):
            state = "" if status is None else style.label(style.STATUS_STYLES, str(status.iloc[i]))
            rows.append([layer_title(spec), name if len(name) <= 32 else name[:31] + "…", state])
    ax.axis("off")
    more = len(rows) - TABLE_ROWS
    shown = rows[:TABLE_ROWS] or [["–", _("No features shown"), ""]]
    table = ax.table(cellText=shown, colLabels=[_("Layer"), _("Feature"), _("Status")],
                     loc="upper left", cellLoc="left", colWidths=[0.3, 0.45, 0.25])  # fmt: skip
    table.auto_set_font_size(False)
    table.set_fontsize(6.5)
    for cell in table.get_celld().values():
        cell.set_linewidth(0.3)
        cell.get_text().set_parse_math(False)
    title = _("Features on the map")
    if more > 0:
        title = _("Features on the map (first {shown} of {total})").format(
            shown=i18n.number_text(TABLE_ROWS, 0), total=i18n.number_text(len(rows), 0)
        )
    ax.set_title(title, fontsize=9, loc="left", fontweight="bold")
