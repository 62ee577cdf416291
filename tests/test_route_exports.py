"""The Routes page: today vs planned in words and on the map, lengths said how they are
measured, and the route's exports (HTML, PNG, one-page PDF)."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from appsession import app_test

from corridormap import catalog, filters, load, routing
from corridormap.export import html_view, png_view
from corridormap.export import route as route_export
from corridormap.filters import Filters
from corridormap.routing import PLANNED, Query

PAGE = "app_pages/routes.py"


def routes_page(params: dict[str, str]):
    at = app_test(120)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    return at.switch_page(PAGE).run()


def test_today_vs_planned_says_today_has_no_route_and_draws_the_planned_one() -> None:
    at = routes_page({"from": "baku", "to": "kars", "avoid": "GEO", "compare": "1"})
    assert not at.exception, [e.value for e in at.exception]
    infos = [i.value for i in at.info]
    today = [i for i in infos if i.startswith("**Today")]
    assert len(today) == 1
    assert "no route" in today[0]
    assert "ZNG_RAIL" not in today[0]  # in words, not leg codes
    # the map draws the planned route, named, though today has none
    (component,) = at.get("component_instance")
    args = json.loads(component.proto.json_args)
    drawn = (args.get("script") or "") + (args.get("feature_group") or "")
    assert "Planned: Baku \\u2192 Kars" in drawn or "Planned: Baku → Kars" in drawn
    assert "Today: Baku" not in drawn
    buttons = " ".join(b.proto.id for b in at.get("download_button"))
    for key in ("export_route_html", "export_route_png", "export_route_pdf"):
        assert key in buttons, key


def test_the_length_is_along_the_drawn_lines_and_says_so() -> None:
    at = routes_page({"from": "baku", "to": "kars", "when": "planned", "avoid": "GEO"})
    assert not at.exception
    (length,) = [m for m in at.metric if m.label == "Length along the drawn lines"]
    net = routing.build_network(load.load_all().frames)
    route = routing.plan(net, Query("baku", "kars", when=PLANNED, avoid=("GEO",))).route
    assert route is not None
    assert length.value == f"{route.km_line:,.0f} km"
    assert route.km_line == pytest.approx(sum(s.leg.km_line for s in route.steps))
    captions = " ".join(c.value for c in at.caption)
    assert "measured along the lines drawn on the map" in captions


def test_a_route_exports_as_html_png_and_a_pdf_page(tmp_path) -> None:
    frames = load.load_all().frames
    net = routing.build_network(frames)
    plan = routing.plan(net, Query("baku", "kars", when=PLANNED, avoid=("GEO",)))
    drawn = routing.map_routes(net, routing.plan_routes(plan))
    shown = filters.apply(
        frames, Filters(layers=(catalog.COUNTRIES.key, catalog.CORRIDOR_LEGS.key))
    )
    view = route_export.route_view(net, plan, drawn, shown, Filters(), link="?from=baku&to=kars")
    assert view.title == "Baku → Kars: " + plan.scenario
    assert "Avoiding Georgia (GEO)" in view.description
    page = html_view(view, frames)
    assert "Baku → Kars" in page
    png = png_view(view, frames)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pdf = route_export.pdf_view(view, frames)
    assert pdf[:5] == b"%PDF-"
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed")
    path = tmp_path / "route.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert "Baku" in text
    assert "Kars" in text


def test_a_route_exports_in_the_language_of_the_session(tmp_path) -> None:
    """The route's export in Azerbaijani: the countries it avoids, its modes, how its length
    is measured, the PDF's kicker and legend in the language (the place names as the data
    spells them)."""
    from corridormap import i18n, style  # noqa: PLC0415

    frames = load.load_all().frames
    net = routing.build_network(frames)
    query = Query("baku", "kars", when=PLANNED, avoid=("GEO",), modes=("rail", "sea"))
    plan = routing.plan(net, query)
    drawn = routing.map_routes(net, routing.plan_routes(plan))
    shown = filters.apply(
        frames, Filters(layers=(catalog.COUNTRIES.key, catalog.CORRIDOR_LEGS.key))
    )
    with i18n.language("az"):
        view = route_export.route_view(net, plan, drawn, shown, Filters())
        pdf = route_export.pdf_view(view, frames)
        said = [
            i18n.gettext("Avoiding {countries}").format(countries="Gürcüstan (GEO)"),
            i18n.gettext("Modes: {modes}").format(
                modes=", ".join(i18n.gettext(style.MODE_WORDS[m]) for m in ("rail", "sea"))
            ),
            i18n.gettext(routing.LENGTH_METHOD),
        ]
    for text in said:
        assert text in view.description, text
    assert "Avoiding" not in view.description
    assert "Modes:" not in view.description
    assert "border crossing" not in view.description  # the route's facts in Azerbaijani too
    assert "Nəqliyyat növü üzrə km: dəmir yolu" in view.description
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed")
    path = tmp_path / "route.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert "Marşrut" in text  # the kicker and the legend's heading
    assert "/Lang (az)" in pdf.decode("latin-1")  # the page says its language
    assert "Dəhlizlər" in text  # "Corridors"
    assert "Scene" not in text
