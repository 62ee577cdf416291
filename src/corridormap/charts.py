"""Altair chart specifications for the analysis pages, coloured from the style module; every
title, legend and value label in the language in force (``corridormap.i18n``)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from corridormap import style
from corridormap.i18n import gettext as _


def _scale(entries: tuple[style.Entry, ...]) -> alt.Scale:
    """Each entry's colour for its label in the language in force (as the data's labels are)."""
    domain = [style.label(entries, e.value) for e in entries]
    return alt.Scale(domain=domain, range=[e.color for e in entries])


def _short_mode(mode: str) -> str:
    """A mode's one-word name ("Rail", "Sea") where a bar's label has little room."""
    names = {"rail": _("Rail"), "road": _("Road"), "sea": _("Sea")}
    return names.get(mode, mode.capitalize())


def km_by_status(table: pd.DataFrame) -> alt.Chart:
    """Computed km per corridor and mode ("Middle Corridor (TITR) · Rail"), stacked by status.

    One chart, not a facet per mode, so that it takes the width it is given (a phone's too).
    """
    frame = table.assign(
        corridor_label=table["corridor"].map(lambda c: style.label(style.CORRIDOR_STYLES, c)),
        status_label=table["status"].map(lambda s: style.label(style.STATUS_STYLES, s)),
        mode_label=table["mode"].map(lambda m: style.code_label("mode", m)),
        bar_label=lambda f: f["corridor_label"] + " · " + f["mode"].map(_short_mode),
        status_order=table["status"].map({e.value: i for i, e in enumerate(style.STATUS_STYLES)}),
    )
    chart: alt.Chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y("bar_label:N", title=None, axis=alt.Axis(labelLimit=220)),
            x=alt.X("sum(computed_km):Q", title=_("km (geodesic, schematic lines)")),
            color=alt.Color(
                "status_label:N",
                title=_("Status"),
                scale=_scale(style.STATUS_STYLES),
                sort=[style.label(style.STATUS_STYLES, e.value) for e in style.STATUS_STYLES],
                # one to a row: the legend starts where the bars do, and three (or two) in
                # a row overran the right edge of a half-width column and of a phone
                legend=alt.Legend(orient="top", direction="vertical", title=None),
            ),
            order=alt.Order("status_order:Q"),
            tooltip=[
                alt.Tooltip("corridor_label:N", title=_("Corridor")),
                alt.Tooltip("mode_label:N", title=_("Mode")),
                alt.Tooltip("status_label:N", title=_("Status")),
                alt.Tooltip("sum(computed_km):Q", format=",.0f", title=_("km")),
            ],
        )
        .properties(height=alt.Step(22))
    )
    return chart


def timeline(table: pd.DataFrame) -> alt.Chart:
    """Openings (dated) and expected completions (year) per leg, coloured by corridor."""
    opened = table.dropna(subset=["opened"]).assign(
        when=lambda f: pd.to_datetime(f["opened"]), kind=_("opened")
    )
    expected = table.dropna(subset=["expected"]).assign(
        when=lambda f: pd.to_datetime(f["expected"].astype(int).astype(str) + "-07-01"),
        kind=_("expected"),
    )
    frame = pd.concat([opened, expected], ignore_index=True)
    frame["corridor_label"] = frame["corridor"].map(lambda c: style.label(style.CORRIDOR_STYLES, c))
    frame["status_label"] = frame["status"].map(lambda s: style.label(style.STATUS_STYLES, s))
    chart: alt.Chart = (
        alt.Chart(frame)
        .mark_point(size=90, filled=True)
        .encode(
            x=alt.X("when:T", title=None),
            y=alt.Y("corridor_label:N", title=None, axis=alt.Axis(labelLimit=260)),
            color=alt.Color(
                "corridor_label:N",
                title=_("Corridor"),
                scale=_scale(style.CORRIDOR_STYLES),
                legend=alt.Legend(labelLimit=260),  # the corridors' names whole
            ),
            shape=alt.Shape(
                "kind:N",
                title=None,
                scale=alt.Scale(
                    domain=[_("opened"), _("expected")], range=["circle", "triangle-right"]
                ),
            ),
            tooltip=[
                alt.Tooltip("name:N", title=_("Leg")),
                alt.Tooltip("kind:N", title=_("Event")),
                alt.Tooltip("when:T", format="%Y-%m-%d", title=_("Date")),
                alt.Tooltip("status_label:N", title=_("Status")),
            ],
        )
        .properties(height=160)
    )
    return chart


def cumulative_destinations(series: pd.DataFrame) -> alt.LayerChart:
    """Step line of the number of countries receiving Azerbaijani gas."""
    frame = series.assign(date=pd.to_datetime(series["date"]))
    line = (
        alt.Chart(frame)
        .mark_line(interpolate="step-after", color=style.OKABE_ITO["vermillion"])
        .encode(x=alt.X("date:T", title=None), y=alt.Y("count:Q", title=_("Destination countries")))
    )
    dots = line.mark_point(filled=True, color=style.OKABE_ITO["vermillion"]).encode(
        tooltip=["country", alt.Tooltip("date:T", format="%b %Y"), "count"]
    )
    layered: alt.LayerChart = (line + dots).properties(height=260)
    return layered


def volumes(frame: pd.DataFrame) -> alt.LayerChart:
    """Published volumes by year, one bar per destination side by side (not stacked: a stack
    whose total falls when one buyer's figure is missing reads as a drop). ``frame`` is
    ``analysis.volume_gaps``: a destination and year without a published figure is marked
    "not published" where its bar would be, never drawn as zero."""
    base = alt.Chart(frame).encode(
        x=alt.X("year:O", title=None),
        xOffset=alt.XOffset("country:N"),
        color=alt.Color("country:N", title=_("Destination")),
    )
    bars = (
        base.transform_filter("datum.published")
        .mark_bar()
        .encode(
            y=alt.Y("bcm:Q", title=_("bcm")),
            tooltip=["country:N", "year:O", alt.Tooltip("bcm:Q", format=".1f", title=_("bcm"))],
        )
    )
    gaps = (
        base.transform_filter("!datum.published")
        .mark_text(angle=270, align="left", baseline="middle", dx=4, fontStyle="italic")
        .encode(
            y=alt.datum(0),
            text=alt.value(_("not published")),
            tooltip=["country:N", "year:O", alt.Tooltip("published:N", title=_("Published"))],
        )
    )
    layered: alt.LayerChart = (bars + gaps).properties(height=260)
    return layered


def summit_timeline(summits: pd.DataFrame) -> alt.Chart:
    """Every held summit on a time axis, by kind."""
    frame = summits.dropna(subset=["date"]).assign(
        when=lambda f: pd.to_datetime(f["date"]),
        kind_label=lambda f: f["kind"].map(lambda k: style.label(style.SUMMIT_STYLES, k)),
    )
    chart: alt.Chart = (
        alt.Chart(frame)
        .mark_point(size=120, filled=True)
        .encode(
            x=alt.X("when:T", title=None),
            y=alt.Y("kind_label:N", title=None),
            color=alt.Color("kind_label:N", title=None, scale=_scale(style.SUMMIT_STYLES)),
            tooltip=["title", "city", "date_text", "theme"],
        )
        .properties(height=150)
    )
    return chart


def membership(timeline: pd.DataFrame) -> alt.Chart:
    """Members and observers of the OTS (and the Turkic Council before it) over time."""
    frame = timeline.melt(
        id_vars=["ots_joined", "name"],
        value_vars=["members", "observers"],
        var_name="status",
        value_name="count",
    )
    shown = {"members": _("Members"), "observers": _("Observers")}
    frame["status"] = frame["status"].map(shown)
    chart: alt.Chart = (
        alt.Chart(frame)
        .mark_line(interpolate="step-after", point=True)
        .encode(
            x=alt.X("ots_joined:T", title=None),
            y=alt.Y("count:Q", title=_("States and organisations")),
            color=alt.Color(
                "status:N",
                title=None,
                scale=alt.Scale(
                    domain=list(shown.values()), range=[e.color for e in style.OTS_STYLES[:2]]
                ),
            ),
            tooltip=["name", "status", alt.Tooltip("ots_joined:T", format="%d %b %Y")],
        )
        .properties(height=200)
    )
    return chart


def export_totals(frame: pd.DataFrame) -> alt.LayerChart:
    """Total exports by year with Europe's part, and Europe's share as a label."""
    long = frame.assign(
        rest=frame["total_bcm"] - frame["europe_bcm"],
        share=(frame["europe_share"] * 100).round(0).astype(int).astype(str) + " %",
    )
    parts = long.melt(
        id_vars=["year", "share"],
        value_vars=["europe_bcm", "rest"],
        var_name="part",
        value_name="bcm",
    ).replace({"part": {"europe_bcm": _("Europe"), "rest": _("Türkiye, Georgia and others")}})
    bars = (
        alt.Chart(parts)
        .mark_bar()
        .encode(
            x=alt.X("year:O", title=None),
            y=alt.Y("sum(bcm):Q", title=_("bcm")),
            color=alt.Color(
                "part:N",
                title=None,
                scale=alt.Scale(
                    domain=[_("Europe"), _("Türkiye, Georgia and others")],
                    range=[style.OKABE_ITO["blue"], style.OKABE_ITO["orange"]],
                ),
            ),
            tooltip=["year", "part", alt.Tooltip("bcm:Q", format=".1f")],
        )
    )
    labels = alt.Chart(long).mark_text(dy=-8).encode(x="year:O", y="total_bcm:Q", text="share:N")
    chart: alt.LayerChart = (bars + labels).properties(height=260)
    return chart


def throughput(long: pd.DataFrame, measure: str) -> alt.LayerChart:
    """One measure (``mt`` or ``teu``) by year, a line and dots per series, coloured by
    series. Only published values are drawn: a year with no figure is no point (never a zero)
    and a line joins only consecutive published years. A series keeps its colour in both
    measures' charts: the colours follow the series of ``long`` (all measures), in order."""
    series = list(dict.fromkeys(long["series"]))
    colors = [style.THROUGHPUT_COLORS[i % len(style.THROUGHPUT_COLORS)] for i in range(len(series))]
    part = long[long["measure"] == measure].assign(
        year_date=lambda f: pd.to_datetime(f["year"].astype(str) + "-07-01"),
        gap=lambda f: (f.groupby("series")["year"].diff().fillna(1) != 1).cumsum(),
    )
    part = part.assign(segment=part["series"] + "#" + part["gap"].astype(str))
    unit = str(part["unit"].iloc[0]) if len(part) else measure
    fmt = ",.3f" if measure == "mt" else ",.0f"
    shown = [s for s in series if s in set(part["series"])]
    base = alt.Chart(part).encode(
        x=alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value:Q", title=unit),
        color=alt.Color(
            "series:N",
            title=None,
            scale=alt.Scale(domain=series, range=colors),
            legend=alt.Legend(orient="top", direction="vertical", labelLimit=320, values=shown),
        ),
    )
    line = base.mark_line().encode(detail="segment:N")
    dots = base.mark_point(filled=True, size=60).encode(
        tooltip=[
            alt.Tooltip("corridor_label:N", title=_("Corridor")),
            alt.Tooltip("series:N", title=_("Series")),
            alt.Tooltip("year:O", title=_("Year")),
            alt.Tooltip("value:Q", title=unit, format=fmt),
            alt.Tooltip("confidence:N", title=_("Confidence")),
            alt.Tooltip("as_of:N", title=_("Source dated")),
        ]
    )
    title = _("Million tonnes by year") if measure == "mt" else _("Containers (TEU) by year")
    chart: alt.LayerChart = (line + dots).properties(
        height=240, title=alt.TitleParams(title, anchor="start", fontSize=14)
    )
    return chart
