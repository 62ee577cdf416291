"""Exports of a route (the Routes page's): the route as an ``ExportView``, and the view as
one PDF page (a 16:9 slide and its sources). HTML and PNG come from ``html_view`` and
``png_view`` like every other view.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

import geopandas as gpd

from corridormap import mapbuild, routing
from corridormap.export.views import ExportView, avoiding_and_modes, plan_line
from corridormap.filters import Filters
from corridormap.i18n import _
from corridormap.mapbuild import MapView

#: A route's map in an export is fitted to a 16:9 frame.
ROUTE_EXPORT_PX = (1600.0, 900.0)


def route_view(
    network: routing.Network,
    plan: routing.Plan,
    drawn: Sequence[tuple[str, gpd.GeoDataFrame, gpd.GeoDataFrame]],
    shown: Mapping[str, gpd.GeoDataFrame],
    filters: Filters,
    *,
    link: str = "",
    view: MapView | None = None,
    register: Mapping[str, str] | None = None,
) -> ExportView:
    """The route (and its alternatives, or today's and the planned one: ``drawn``) over the
    legs and places in service (``shown``), framed to the routes unless ``view`` is given (the
    user's own view of the page's map), described in words with how its length is measured,
    in the language in force."""
    q = plan.query
    a, b = network.places[q.origin].name, network.places[q.destination].name
    lines = [plan_line(network, plan)]
    if q.avoid or q.modes:
        lines.append(avoiding_and_modes(network, q.avoid, q.modes))
    lines.append(_(routing.LENGTH_METHOD))
    return ExportView(
        title=f"{a} → {b}: {plan.scenario}",
        description=" ".join(line if line.endswith(".") else f"{line}." for line in lines),
        filters=filters,
        shown=shown,
        view=view or mapbuild.route_view(drawn, size_px=ROUTE_EXPORT_PX),
        link=link,
        register=register,
        routes=tuple(drawn),
    )


def pdf_view(view: ExportView, frames: Mapping[str, gpd.GeoDataFrame]) -> bytes:
    """One view as a PDF: its slide (as a briefing pack draws a scene) and its sources."""
    # the pack's own slide and appendix (one package: its private parts are shared)
    from corridormap.export.pdf import _appendix_pages, pdf_pages, scene_figure  # noqa: PLC0415
    from corridormap.export.static_map import _rc  # noqa: PLC0415

    buf = io.BytesIO()
    with _rc(), pdf_pages(buf, view.title) as out:
        fig, _drawn = scene_figure(view, 1, 1, frames, kicker=_("Route"))
        out.savefig(fig)
        for page in _appendix_pages([view]):
            out.savefig(page)
    return buf.getvalue()
