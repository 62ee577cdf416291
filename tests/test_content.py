"""Content a briefer reads off the map and the pages: which Gabala summit a label names, ..."""

from __future__ import annotations

import json

import pytest

from corridormap import catalog, i18n, load, mapbuild


@pytest.fixture(scope="module")
def frames() -> dict:
    return load.load_all().frames


def test_the_two_gabala_summits_are_labelled_by_year_and_number_newest_first(frames) -> None:
    spec = catalog.SUMMITS
    payload = json.loads(mapbuild.overlay_json(spec, frames[spec.key]))
    gabala = [
        f["properties"]["label"]
        for f in payload["features"]
        if str(f["properties"].get("label", "")).startswith("Gabala")
    ]
    # newest first: of places of equal rank at one point the map labels the first
    assert gabala == ["Gabala 2025 (12th)", "Gabala 2013 (3rd)"]


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (1, "1st"),
        (2, "2nd"),
        (3, "3rd"),
        (4, "4th"),
        (11, "11th"),
        (12, "12th"),
        (13, "13th"),
        (21, "21st"),
        (22, "22nd"),
        (111, "111th"),
    ],
)
def test_ordinal(n: int, text: str) -> None:
    assert i18n.ordinal(n) == text  # (English: the language in force in tests)


def test_next_and_previous_show_one_arrow_each() -> None:
    """The buttons' shortcut is shown as an arrow beside the label, so they carry no icon
    ("Next → →" was an icon and the shortcut's arrow)."""
    from appsession import app_test  # noqa: PLC0415 - AppTest is slow to import

    at = app_test(90)
    at.query_params["briefing"] = "gabala-2025"
    at.run()
    at = at.switch_page("app_pages/present.py").run()
    for key, label, shortcut in (
        ("present_next", "Next", "Right"),
        ("present_prev", "Previous", "Left"),
    ):
        proto = at.button(key=key).proto
        assert proto.label == label
        assert proto.icon == ""
        assert proto.shortcut.lower() == shortcut.lower()


def test_a_missing_volume_is_a_gap_not_a_drop(frames) -> None:
    from corridormap import analysis, charts  # noqa: PLC0415

    gas = frames[catalog.GAS_DESTINATIONS.key]
    vols = analysis.volumes(gas)
    since = analysis.supply_start_years(gas)
    gaps = analysis.volume_gaps(vols, since)
    # a row for every year from a destination's first year of supply; only published figures
    # carry a number
    assert gaps["published"].sum() == len(vols)
    published = {
        (c, y): b for c, y, b in zip(vols["country"], vols["year"], vols["bcm"], strict=True)
    }
    for c, y, b, p in zip(
        gaps["country"], gaps["year"], gaps["bcm"], gaps["published"], strict=True
    ):
        assert p == ((c, y) in published)
        if p:
            assert b == published[(c, y)]
    missing = analysis.unpublished(gaps)
    expected = [
        f"{c} {y}"
        for c in dict.fromkeys(vols["country"])
        for y in sorted(vols["year"].unique())
        if (c, y) not in published and y >= since[vols.set_index("country").loc[c, "iso3"]]
    ]
    assert missing == expected
    assert not any(m.startswith("Syria") for m in missing)  # its supply began in 2025

    spec = charts.volumes(gaps).to_dict()
    bars, marks = spec["layer"]
    # bars side by side, each its own figure: nothing summed into a total that can "drop"
    assert "aggregate" not in str(bars["encoding"]["y"])
    assert bars["encoding"]["xOffset"]["field"] == "country"
    assert bars["transform"] == [{"filter": "datum.published"}]
    assert marks["transform"] == [{"filter": "!datum.published"}]
    assert marks["mark"]["type"] == "text"
    assert marks["encoding"]["text"] == {"value": "not published"}


def test_the_volume_gaps_of_a_made_up_table() -> None:
    import pandas as pd  # noqa: PLC0415

    from corridormap import analysis  # noqa: PLC0415

    vols = pd.DataFrame(
        [("Italy", "ITA", 2023, 10.0), ("Italy", "ITA", 2025, 9.0), ("Georgia", "GEO", 2024, 2.0)],
        columns=["country", "iso3", "year", "bcm"],
    )
    gaps = analysis.volume_gaps(vols)
    assert analysis.unpublished(gaps) == ["Italy 2024", "Georgia 2023", "Georgia 2025"]
    later = analysis.volume_gaps(vols, {"GEO": 2024})  # Georgia's supply began in 2024
    assert analysis.unpublished(later) == ["Italy 2024", "Georgia 2025"]
    assert analysis.volume_gaps(vols.iloc[:0]).empty


def test_today_is_a_date_a_link_may_ask_for(frames) -> None:
    from datetime import date, timedelta  # noqa: PLC0415

    from corridormap import filters, links  # noqa: PLC0415

    newest = filters.latest_date(frames)
    today = newest + timedelta(days=200)  # a day after the newest data
    vocab = links.Vocabulary.from_frames(frames, ("bundled",), newest, today=today)
    state, notices = links.parse({"asof": [today.isoformat()]}, vocab)
    assert notices == []
    assert state.filters.asof == today
    later = today + timedelta(days=1)
    _, notices = links.parse({"asof": [later.isoformat()]}, vocab)
    assert [n.param for n in notices] == ["asof"]
    # data newer than today: the data's date is the limit
    assert links.asof_limit(newest, newest - timedelta(days=3)) == newest
    assert links.asof_limit(date(2020, 1, 1)) == date.today()


def test_the_sidebar_takes_today_and_says_the_newest_data_date() -> None:
    from datetime import date  # noqa: PLC0415

    from appsession import app_test  # noqa: PLC0415

    from corridormap import filters, formatting  # noqa: PLC0415

    today = date.today()
    at = app_test(90)
    at.query_params["asof"] = today.isoformat()
    at.run()
    assert not at.exception
    assert at.query_params["asof"] == today.isoformat()  # kept, not dropped
    assert not [w.value for w in at.warning if "asof" in w.value]
    (picker,) = [d for d in at.sidebar.date_input if d.label == "As of"]
    assert picker.value == today
    newest = filters.latest_date(load.load_all().frames)
    notes = [c.value for c in at.sidebar.caption]
    assert any(f"Newest data: {formatting.date_text(newest)}" in n for n in notes), notes
