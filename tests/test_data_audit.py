"""The corrections of the data audit (issue #24): each value as shipped and the date of the
source that settles it, read from the shipped layers and the source register."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from corridormap import catalog

DATA = Path(__file__).resolve().parents[1] / "data"


def _props(key: str) -> list[dict[str, Any]]:
    doc = json.loads(catalog.get(key).path(DATA).read_text(encoding="utf-8"))
    return [f["properties"] for f in doc["features"]]


def _source_dates() -> dict[str, str]:
    with (DATA / "sources" / "source_dates.csv").open(encoding="utf-8", newline="") as fh:
        return {r["url"]: r["date"] for r in csv.DictReader(fh)}


def _expectations() -> list[dict[str, str]]:
    with (DATA / "layers" / "expectations.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _cited_on(props: dict[str, Any], day: str) -> list[str]:
    """The feature's sources dated ``day`` in the register."""
    dates = _source_dates()
    return [u for u in props["source_url"] if dates.get(u) == day]


def test_tap_capacity_includes_the_first_expansion_stage() -> None:
    tap = next(p for p in _props("pipelines") if p["pipeline_id"] == "TAP")
    assert tap["capacity_bcm_y"] == 11.2
    assert _cited_on(tap, "2026-03-02") == ["https://www.trend.az/business/energy/4159560.html"]
    assert tap["as_of"] == "2026-03-02"
    # the expansion expectation is met, so it is no longer in the review queue
    assert not [e for e in _expectations() if e["feature_id"] == "TAP"]


def test_kars_dilucu_has_five_stations() -> None:
    kars = [p for p in _props("corridors") if (p["section"] or "").startswith("Kars–Iğdır")]
    assert len(kars) == 5
    for leg in kars:
        assert "5 stations (Digor, Tuzluca, Iğdır, Aralık, Dilucu)" in leg["note"]
        assert "6 stations," not in leg["note"]
        assert _cited_on(leg, "2025-08-22")  # Sabah: Erdoğan's message at the groundbreaking
        assert _cited_on(leg, "2026-03-05")  # Report: the stations named


def test_zhanaozen_bereket_opened_in_2013_and_the_line_to_iran_in_2014() -> None:
    legs = {p["segment_id"]: p for p in _props("corridors")}
    north = legs["INSTC_EAST-04"]
    assert (north["name"], north["opened"]) == ("Zhanaozen (Uzen) – Bereket", "2013-05-11")
    assert _cited_on(north, "2013-05-11") == ["http://inform.kz/eng/article/2557206"]
    # the southern legs opened with the inauguration of the whole line to Iran
    assert {legs[s]["opened"] for s in ("INSTC_EAST-05", "INSTC_EAST-06")} == {"2014-12-03"}


def test_mumbai_node_is_at_nhava_sheva() -> None:
    doc = json.loads(catalog.get("nodes").path(DATA).read_text(encoding="utf-8"))
    node = next(f for f in doc["features"] if f["properties"]["node_id"] == "mumbai-jnpa")
    lon, lat = node["geometry"]["coordinates"]
    assert (round(lat, 3), round(lon, 3)) == (18.95, 72.95)
    assert node["properties"]["coord_quality"] == "approximate"
    # the sea leg from Bandar Abbas ends at the port, not at the city point 12 km inland
    leg = next(
        f
        for f in json.loads(catalog.get("corridors").path(DATA).read_text("utf-8"))["features"]
        if f["properties"]["to_node"] == "mumbai-jnpa"
    )
    assert leg["geometry"]["coordinates"][-1] == [lon, lat]


def test_nakhchivan_railway_length_gives_both_figures() -> None:
    legs = [p for p in _props("corridors") if (p["section"] or "").startswith("Nakhchivan railway")]
    assert [p["segment_id"] for p in legs] == ["ZNG_RAIL-04", "ZNG_RAIL-05", "ZNG_RAIL-06"]
    for leg in legs:
        assert leg["section_length_km"] == 194.1  # Azerbaijan Railways, 14 Jan 2026
        assert "188 km" in leg["note"]
        assert "194.1 km" in leg["note"]
        assert leg["confidence"] == "medium"
        assert _cited_on(leg, "2026-01-14")  # 194.1 km
        assert _cited_on(leg, "2025-12-05")  # 188 km


def test_astara_link_stores_its_commissioning_day() -> None:
    leg = next(p for p in _props("corridors") if p["segment_id"] == "INSTC_WEST-10")
    assert leg["name"].startswith("Astara (Azerbaijan) – Astara (Iran)")
    assert leg["opened"] == "2018-03-27"  # not 1 Jan 2018 standing in for the year
    assert _cited_on(leg, "2018-03-28") == ["http://abc.az/ru/news/7580"]


def test_anaklia_source_is_dated_by_its_press_conference() -> None:
    url = (
        "https://georgiatoday.ge/kobakhidze-anaklia-port-deal-model-to-be-decided-in-coming-months/"
    )
    assert _source_dates()[url] == "2026-05-25"
    node = next(p for p in _props("nodes") if p["node_id"] == "anaklia")
    leg = next(p for p in _props("corridors") if p["segment_id"] == "MC_BLACKSEA_ANAKLIA-01")
    assert node["as_of"] == leg["as_of"] == "2026-05-25"
    assert "25 May 2026" in node["note"]
    assert "25 May 2026" in leg["note"]


def test_rasht_astara_completion_about_2029_with_its_uncertainty() -> None:
    leg = next(p for p in _props("corridors") if p["segment_id"] == "INSTC_WEST-11")
    assert (leg["status"], leg["expected"], leg["confidence"]) == ("planned", 2029, "low")
    assert _cited_on(leg, "2026-01-18")  # Mehr: under three years after contract and land
    assert _cited_on(leg, "2026-02-18")  # TASS: implementation from 1 Apr 2026
    assert "No start of construction" in leg["note"]
    (exp,) = [e for e in _expectations() if e["feature_id"] == "INSTC_WEST-11"]
    assert exp["due"] == "2026-04-01"
    assert "no start of construction found" in exp["what"]
    assert "https://tass.com/economy/2088389" in json.loads(exp["source_url"])
    brief = (DATA / "briefings" / "gabala-2025.yaml").read_text(encoding="utf-8")
    scene = brief.split("- title: The North–South corridor")[1].split("- title:")[0]
    assert "**about 2029** at the earliest" in scene
    assert "Uncertain:" in scene
    assert "about 2028" not in scene


def test_tripp_start_in_the_second_half_of_2026_is_marked_unlikely() -> None:
    legs = [p for p in _props("corridors") if p["segment_id"] in ("ZNG_RAIL-02", "ZNG_RAIL-03")]
    assert len(legs) == 2
    for leg in legs:
        assert leg["status"] == "planned"
        assert _cited_on(leg, "2026-03-12") == ["https://www.azatutyun.am/a/33702926.html"]
        assert "is unlikely" in leg["note"]
    rows = [e for e in _expectations() if e["id"].endswith("/tripp-construction")]
    assert len(rows) == 2
    assert all(e["expected"] == "second half of 2026, unlikely" for e in rows)
    assert all(e["as_of"] == "2026-03-12" for e in rows)


def test_ots_summit_and_exercise_carry_their_newest_sources() -> None:
    summit = next(p for p in _props("summits") if p["summit_id"] == "ots-13-turkiye-2026")
    assert summit["held"] is False
    assert summit["date"] is None  # venue and date still open
    assert summit["date_text"].endswith("most likely the end of the year")
    assert _cited_on(summit, "2025-10-30")  # TÜRKPA: most likely at the end of 2026
    by_id = {e["id"].split("/")[1]: e for e in _expectations()}
    assert by_id["ots-joint-exercise"]["as_of"] == "2025-12-26"  # Bayramov: hoped for in 2026
    for slug in ("ots-13-summit", "ots-joint-exercise", "ots-intelligence-chiefs"):
        assert "up to 4 Dec 2026" in by_id[slug]["what"], slug


def test_italy_2025_volume_with_its_source_and_confidence() -> None:
    ita = next(p for p in _props("gas_destinations") if p["iso3"] == "ITA")
    volumes = ita["volume_bcm"]
    volumes = json.loads(volumes) if isinstance(volumes, str) else volumes
    assert volumes == {"2024": 10.3, "2025": 9.5}
    assert ita["confidence"] == "medium"
    assert _cited_on(ita, "2026-01-13") == ["https://ru.trend.az/business/4140968.html"]


def _review_ids(today: str) -> set[str]:
    from datetime import date  # noqa: PLC0415

    from corridormap import load, review  # noqa: PLC0415

    frames = load.load_all(DATA).frames
    expectations = review.expectations_from_rows(load.load_expectations(DATA))
    items = review.review_queue(
        review.feature_rows(frames), expectations, date.fromisoformat(today), review.Policy()
    )
    return {f"{i.layer}:{i.feature_id}" for i in items}


def test_review_lists_nothing_a_source_in_the_data_settles() -> None:
    """Facts re-checked for issue #24 against sources now in the data leave the queue of
    4 Dec 2026; those still open say what the newest source shows (the tests above)."""
    due = _review_ids("2026-12-04")
    settled = {
        "pipelines:TAP",  # first expansion stage in service (Trend, 2 Mar 2026)
        "corridors:ZNG_RAIL-07",  # Kars–Nakhchivan link still planned (AzerNews, 14 Jan 2026)
        "nodes:sadarak",
        "nodes:qazvin",  # the Rasht–Qazvin line in service (Trend, Jun 2025)
        "nodes:kuryk",  # Kuryk and Aktau volumes for 2023 (Trend, 23 Jan 2024)
        "corridors:MC_KURYK-01",
        "corridors:MC_KURYK-02",
    }
    assert not settled & due, sorted(settled & due)
    legs = {p["segment_id"]: p for p in _props("corridors")}
    assert _cited_on(legs["ZNG_RAIL-07"], "2026-01-14")
    for seq in ("12", "13", "14"):  # BTK's 5 Mt/y, confirmed on 7 Aug 2025
        assert _cited_on(legs[f"MC_NORTH-{seq}"], "2025-08-07")
        assert "not confirmed by a later source" not in legs[f"MC_NORTH-{seq}"]["note"]


def test_every_fact_still_due_says_what_the_newest_source_shows() -> None:
    """What the re-check of 4 Dec 2026 could not settle stays in the queue, and its review
    entry or the feature's note says so, with the newest source's date."""
    from datetime import date  # noqa: PLC0415

    from corridormap import load, review  # noqa: PLC0415

    frames = load.load_all(DATA).frames
    rows = review.feature_rows(frames)
    notes = {
        (layer, str(r.get(catalog.get(layer).id_property))): r.get("note") or ""
        for layer, feats in rows.items()
        for r in feats
    }
    expectations = review.expectations_from_rows(load.load_expectations(DATA))
    items = review.review_queue(rows, expectations, date(2026, 12, 4), review.Policy())
    assert items
    for item in items:
        said = item.what + " " + notes[(item.layer, item.feature_id)]
        assert "4 Dec 2026" in said, item.id


def test_jalal_abad_is_named_manas_since_its_renaming_in_september_2025() -> None:
    """Kyrgyzstan renamed the city of Jalal-Abad to Manas (law signed 17 Sep 2025) and kept the
    name in Feb 2026: the node, and the legs named after it, carry the new name first."""
    node = next(p for p in _props("nodes") if p["node_id"] == "jalal-abad")
    assert node["name"] == "Manas (Jalal-Abad)"
    assert "renamed Manas by a law signed on 17 Sep 2025" in node["note"]
    assert _cited_on(node, "2025-09-18") == [
        "https://qazinform.com/news/kyrgyzstan-renames-its-jalal-abad-city-to-manas-d2785c"
    ]
    assert _cited_on(node, "2026-02-24")  # the president's press secretary: the name stays
    assert node["as_of"] >= "2026-02-24"
    legs = {p["segment_id"]: p["name"] for p in _props("corridors")}
    assert legs["MC_SOUTH-03"] == "Kazarman – Manas (Jalal-Abad)"
    assert legs["MC_SOUTH-04"] == "Manas (Jalal-Abad) – Andijan"
    assert not [n for n in legs.values() if "Jalal-Abad" in n and "Manas (Jalal-Abad)" not in n]
