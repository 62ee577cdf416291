"""The view a live map reports (streamlit-folium's center/zoom/bounds) as the app reads it:
the frame size it implies, and whether it is a move away from the view the page asked for."""

from __future__ import annotations

import math

import pytest

from corridormap import links, mapbuild


def report(lat: float, lon: float, zoom: float, width: int, height: int) -> dict[str, object]:
    """What Leaflet reports for a map of ``width`` x ``height`` px at this centre and zoom
    (computed here in Web Mercator, independently of the code under test)."""
    r = 6378137.0
    mpp = 2 * math.pi * r / (256 * 2**zoom)
    x = r * math.radians(lon)
    y = r * math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    def back(px: float, py: float) -> tuple[float, float]:
        return math.degrees(px / r), math.degrees(2 * math.atan(math.exp(py / r)) - math.pi / 2)

    west, south = back(x - width / 2 * mpp, y - height / 2 * mpp)
    east, north = back(x + width / 2 * mpp, y + height / 2 * mpp)
    return {
        "center": {"lat": lat, "lng": lon},
        "zoom": zoom,
        "bounds": {
            "_southWest": {"lat": south, "lng": west},
            "_northEast": {"lat": north, "lng": east},
        },
    }


def test_the_frame_size_comes_from_the_bounds_and_the_zoom() -> None:
    seen = mapbuild.seen_view(report(41.2, 52.7, 4.25, 692, 620))
    assert seen is not None
    assert seen.frame_px == (692, 620)
    assert (seen.lat, seen.lon, seen.zoom) == (41.2, 52.7, 4.25)
    west, south, east, north = seen.bounds
    assert west < 52.7 < east
    assert south < 41.2 < north
    assert seen.map_view().bounds == seen.bounds


@pytest.mark.parametrize(
    "value",
    [
        None,
        {},
        {"center": None, "zoom": 4, "bounds": {"_southWest": {"lat": None, "lng": None}}},
        {**report(40, 50, 4, 600, 400), "zoom": "4"},
        {**report(40, 50, 4, 600, 400), "zoom": float("nan")},
        {**report(40, 50, 4, 600, 400), "center": {"lat": 95, "lng": 50}},
        {**report(40, 50, 4, 600, 400), "bounds": {"_southWest": {}, "_northEast": {}}},
        {**report(40, 50, 4, 600, 400), "center": {"lat": True, "lng": 50}},
    ],
)
def test_a_missing_or_garbled_report_is_no_view(value: object) -> None:
    assert mapbuild.seen_view(value) is None  # type: ignore[arg-type]


def test_a_move_is_another_zoom_or_a_centre_a_few_pixels_away() -> None:
    seen = mapbuild.seen_view(report(40.0, 50.0, 5.0, 800, 600))
    assert seen is not None
    assert not mapbuild.moved_from(seen, (40.0, 50.0), 5.0)
    assert mapbuild.moved_from(seen, (40.0, 50.0), 4.75)
    px = 360 / (256 * 2**5)  # degrees of longitude per pixel at zoom 5
    assert not mapbuild.moved_from(seen, (40.0, 50.0 + 2 * px), 5.0)
    assert mapbuild.moved_from(seen, (40.0, 50.0 + 10 * px), 5.0)


@pytest.mark.parametrize("zoom", [2, 3.25, 5.5, 11.75, 12])
def test_the_link_keeps_a_quarter_step_zoom(zoom: float) -> None:
    state = links.ViewState(lat=40.0, lon=50.0, zoom=zoom)
    again, notices = links.parse(links.listed(links.to_params(state)), links.Vocabulary())
    assert notices == []
    assert again.zoom == zoom


def test_the_box_of_a_centre_and_zoom_is_what_a_reference_frame_shows() -> None:
    view = mapbuild.MapView((42.0, 58.0), 4.0)
    west, south, east, north = mapbuild.view_box(view, (1000.0, 720.0))
    degrees_per_px = 360 / (256 * 2**4)
    assert east - west == pytest.approx(1000 * degrees_per_px, abs=1e-3)
    assert (west + east) / 2 == pytest.approx(58.0, abs=1e-3)
    assert south < 42.0 < north
    boxed = mapbuild.MapView((42.0, 58.0), 4.0, (1.0, 2.0, 3.0, 4.0))
    assert mapbuild.view_box(boxed) == (1.0, 2.0, 3.0, 4.0)  # a seen box is kept as it is


def test_scene_3_keeps_both_ends_of_the_middle_corridor_in_its_box(frames, vocab) -> None:
    from corridormap import briefing, catalog, export  # noqa: PLC0415

    b = briefing.load_briefing(briefing.briefings_dir() / "gabala-2025.yaml", vocab)
    view = export.scene_view(frames, b, b.scenes[2], vocab)
    west, south, east, north = export.scene_box(view, frames)
    legs = view.shown[catalog.CORRIDOR_LEGS.key]
    lw, _, le, _ = legs.total_bounds
    assert west <= lw
    assert east >= le  # Xi'an, the corridor's eastern end
    nodes = frames[catalog.NODES.key]
    xian = nodes[nodes["name"].str.startswith("Xi")].geometry.iloc[0]
    assert west <= xian.x <= east
    assert south <= xian.y <= north


@pytest.mark.parametrize(
    ("box", "size"),
    [
        ((44.0, 38.0, 50.0, 42.0), (1000.0, 720.0)),  # wider than tall
        ((26.0, 35.0, 30.0, 48.0), (1000.0, 720.0)),  # taller than wide
        ((40.0, 36.0, 80.0, 56.0), (640.0, 360.0)),
    ],
)
def test_the_one_fit_holds_the_box_and_no_step_closer_would(box, size) -> None:
    """fit_bounds (the snapped fit) shows the whole box in a frame of that size; a quarter
    step closer cuts it. The box's size in px at box_fit's scale just fills the frame."""
    view = mapbuild.fit_bounds(box, size_px=size, padding_px=0)
    west, south, east, north = mapbuild.view_box(view, size)
    assert west <= box[0] + 1e-3
    assert east >= box[2] - 1e-3
    assert south <= box[1] + 1e-3
    assert north >= box[3] - 1e-3
    closer = mapbuild.MapView(view.center, view.zoom + mapbuild.ZOOM_SNAP)
    w2, s2, e2, n2 = mapbuild.view_box(closer, size)
    assert w2 > box[0] or e2 < box[2] or s2 > box[1] or n2 < box[3]
    (x0, y0, x1, y1), mpp = mapbuild.box_fit(box, size)
    filled = max((x1 - x0) / mpp / size[0], (y1 - y0) / mpp / size[1])
    assert math.isclose(filled, 1.0)
    assert math.isclose(mapbuild.metres_per_px(mapbuild.zoom_of(mpp)), mpp)
