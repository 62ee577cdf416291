"""Throughput by year per corridor (issue #24): the table is built from its source file, every
figure keeps its sources and date, unpublished years are never drawn, and the Corridors page
shows the chart with its sources under it."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest
from appsession import app_test

from corridormap import analysis, charts, formatting, load
from corridormap.build_data.sources import BuildError, SourceDates
from corridormap.build_data.throughput import throughput_csv

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "data" / "sources" / "throughput.csv"
TITR = "Trans-Caspian route (TITR), all cargo"
REPORT = (
    "https://report.az/en/infrastructure/"
    "container-traffic-on-trans-caucasian-int-l-transport-route-to-grow-to-300-000-teu-by-2029"
)


def _source_rows() -> list[dict[str, str]]:
    with SOURCE.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_the_shipped_table_holds_every_source_row_with_its_date() -> None:
    table = load.load_throughput()
    rows = _source_rows()
    assert len(table) == len(rows)
    shipped = {(r.series, int(r.year)): r for r in table.itertuples()}
    for raw in rows:
        row = shipped[(raw["series"], int(raw["year"]))]
        for column in ("mt", "teu"):
            want = float(raw[column]) if raw[column] else None
            got = getattr(row, column)
            assert pd.isna(got) if want is None else got == want, (raw, column)
        assert row.source_url == raw["source_url"].split("|")
    titr = table[table["series"] == TITR].set_index("year")
    # Kazakhstan's transport ministry via Report, 10 Mar 2026: 4.484 Mt in 2024, 4.119 in 2025
    assert (titr.loc[2024, "mt"], titr.loc[2025, "mt"], titr.loc[2025, "teu"]) == (
        4.484,
        4.119,
        77000,
    )
    assert set(titr["as_of"]) == {"2026-03-10"}
    assert set(titr["source_url"].map(tuple)) == {(REPORT,)}


def _dates(tmp_path: Path) -> SourceDates:
    path = tmp_path / "source_dates.csv"
    path.write_text(
        "url,date,date_precision,note\nhttps://example.org/a,2026-03-10,day,\n", encoding="utf-8"
    )
    return SourceDates.load(path)


HEADER = "corridor,series,year,mt,teu,confidence,note,source_url\n"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("atlantis,S,2025,1,,,,https://example.org/a", "unknown corridor 'atlantis'"),
        ("north_south,S,25,1,,,,https://example.org/a", "year is not YYYY"),
        ("north_south,S,2025,lots,,,,https://example.org/a", "mt is not a number"),
        ("north_south,S,2025,-1,,,,https://example.org/a", "mt must be 0 or more"),
        ("north_south,S,2025,,,,,https://example.org/a", "neither mt nor teu"),
        ("north_south,S,2025,1,,,,", "no source_url"),
        ("north_south,S,2025,1,,sure,,https://example.org/a", "confidence 'sure'"),
        ("north_south,S,2025,1,,,,https://example.org/undated", "not in source_dates.csv"),
    ],
)
def test_the_build_refuses_a_bad_row_naming_it(tmp_path, line, message) -> None:
    path = tmp_path / "throughput.csv"
    path.write_text(HEADER + line + "\n", encoding="utf-8")
    with pytest.raises(BuildError, match=message):
        throughput_csv(path, _dates(tmp_path))


def test_the_build_refuses_a_year_given_twice(tmp_path) -> None:
    path = tmp_path / "throughput.csv"
    row = "north_south,S,2025,1,,,,https://example.org/a\n"
    path.write_text(HEADER + row + row, encoding="utf-8")
    with pytest.raises(BuildError, match="S 2025 given twice"):
        throughput_csv(path, _dates(tmp_path))


def test_a_broken_table_is_named_field_by_field(tmp_path) -> None:
    (tmp_path / "layers").mkdir()
    (tmp_path / "layers" / "throughput.csv").write_text(
        "corridor,series,year,mt,teu,source_url,as_of,confidence,note\n"
        'north_south,S,20x5,many,,"[""javascript:alert(1)""]",soon,,\n',
        encoding="utf-8",
    )
    with pytest.raises(load.DataValidationError) as err:
        load.load_throughput(tmp_path)
    fields = {p.field for p in err.value.problems}
    assert {"year", "mt", "source_url", "as_of"} <= fields


def test_long_form_leaves_out_what_is_not_published_and_follows_the_corridor_filter() -> None:
    table = load.load_throughput()
    long = analysis.throughput_long(table)
    published = sum(bool(r[c]) for r in _source_rows() for c in ("mt", "teu"))
    assert len(long) == published  # no row for an unpublished figure, so nothing drawn at 0
    assert long["value"].notna().all()
    only = analysis.throughput_long(table, ("north_south",))
    assert set(only["corridor"]) == {"north_south"}
    assert analysis.throughput_long(table, ("zangezur",)).empty
    want = dict.fromkeys(
        u
        for r in _source_rows()
        if r["corridor"] == "north_south"
        for u in r["source_url"].split("|")
    )
    assert analysis.throughput_sources(table, ("north_south",)) == list(want)


def _synthetic() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "corridor": ["middle_corridor"] * 3,
            "series": ["A route"] * 3,
            "year": [2019, 2021, 2022],  # 2020 not published
            "mt": [1.0, 2.0, 3.0],
            "teu": [float("nan")] * 3,
            "source_url": [["https://example.org/a"]] * 3,
            "as_of": ["2026-03-10"] * 3,
            "confidence": [""] * 3,
            "note": [""] * 3,
        }
    )


def test_the_chart_draws_no_point_for_a_missing_year_and_breaks_the_line() -> None:
    long = analysis.throughput_long(_synthetic())
    spec = charts.throughput(long, "mt").to_dict()
    (values,) = spec["datasets"].values()
    years = sorted(v["year"] for v in values)
    assert years == [2019, 2021, 2022]
    segments = {v["year"]: v["segment"] for v in values}
    assert segments[2019] != segments[2021] == segments[2022]  # the line skips 2020
    assert all(v["value"] > 0 for v in values)


def test_rows_as_people_read_them() -> None:
    rows = formatting.throughput_rows(load.load_throughput())
    titr = rows[rows["Series"] == TITR].set_index("Year")
    assert titr.loc[2025, "Corridor"] == "Middle Corridor (TITR)"
    assert titr.loc[2025, "As of"] == "10 Mar 2026"
    assert titr.loc[2025, "TEU"] == 77000
    assert pd.isna(titr.loc[2024, "TEU"])  # not published: shown as "–", not 0


def test_corridors_page_shows_the_throughput_chart_with_its_sources() -> None:
    at = app_test(60)
    at.run()
    at.switch_page("app_pages/corridors.py").run()
    assert not at.exception, [e.value for e in at.exception]
    text = "\n".join(m.value for m in at.markdown)
    assert "##### Throughput: how much moves" in text
    sources = next(m.value for m in at.markdown if m.value.startswith("**Sources:**"))
    for url in analysis.throughput_sources(load.load_throughput()):
        host_path = url.split("://", 1)[1]
        assert f"]({url})" in sources, host_path
    assert "(10 Mar 2026)" in sources  # each source with its date


def test_corridor_filter_without_published_throughput_says_so() -> None:
    at = app_test(60)
    at.query_params["corridor"] = "zangezur"
    at.run()
    at.switch_page("app_pages/corridors.py").run()
    assert not at.exception, [e.value for e in at.exception]
    captions = " ".join(c.value for c in at.caption)
    assert "No throughput is published for the corridors shown." in captions


def test_sources_are_json_lists_in_the_shipped_table() -> None:
    with (ROOT / "data" / "layers" / "throughput.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            assert all(u.startswith("https://") for u in json.loads(row["source_url"]))


def test_a_series_keeps_its_colour_in_both_charts() -> None:
    long = analysis.throughput_long(load.load_throughput())
    both = set(long.loc[long["measure"] == "mt", "series"]) & set(
        long.loc[long["measure"] == "teu", "series"]
    )
    assert both  # the TITR series has Mt and TEU
    scales = []
    for measure in ("mt", "teu"):
        spec = charts.throughput(long, measure).to_dict()
        scales.append(spec["layer"][0]["encoding"]["color"]["scale"])
    mt, teu = scales
    for series in both:
        assert mt["range"][mt["domain"].index(series)] == teu["range"][teu["domain"].index(series)]
    assert len(set(mt["range"])) == len(mt["domain"])  # no two series share a colour


def test_validate_checks_the_throughput_table(tmp_path, capsys) -> None:
    import shutil  # noqa: PLC0415

    from corridormap import cli  # noqa: PLC0415

    assert cli.main(["validate"]) == 0
    assert f"throughput.csv: {len(_source_rows())} rows" in capsys.readouterr().out
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data" / "layers", data / "layers")
    (data / "layers" / "throughput.csv").write_text(
        "corridor,series,year,mt,teu,source_url,as_of,confidence,note\n"
        'north_south,S,2025,lots,,"[""https://example.org/a""]",2026-03-10,,\n',
        encoding="utf-8",
    )
    assert cli.main(["--data-dir", str(data), "validate"]) == 2
    err = capsys.readouterr().err
    assert "FAIL" in err
    assert "throughput.csv" in err
    assert "mt" in err
