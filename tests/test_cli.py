"""``corridormap`` command line: exit codes and messages, never a traceback."""

from __future__ import annotations

import json
import os
from pathlib import Path

from clirun import run, run_subprocess

from corridormap import cli


def test_validate_a_broken_file_exits_2_with_a_named_message(tmp_path):
    path = tmp_path / "summits.geojson"
    path.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    out = run("validate", str(path))
    assert out.returncode == 2
    assert "summits.geojson: 1 problem found" in out.stderr
    assert "invalid JSON at line 1" in out.stderr
    assert "Traceback" not in out.stderr


def test_validate_checks_any_other_file_as_a_user_layer(tmp_path):
    path = tmp_path / "mine.geojson"
    path.write_text("{}", encoding="utf-8")
    out = run("validate", str(path))
    assert out.returncode == 2
    assert "mine.geojson: not GeoJSON (expected FeatureCollection" in out.stderr
    assert "Traceback" not in out.stderr


def test_validate_a_good_user_file(tmp_path, capsys):
    path = tmp_path / "hubs.csv"
    path.write_text("name,lat,lon\nBaku,40.4,49.8\n", encoding="utf-8")
    assert cli.main(["validate", str(path)]) == 0
    assert "1 feature, 1 vertices, from CSV in EPSG:4326" in capsys.readouterr().out


def test_validate_names_every_dropped_feature_of_a_user_file(tmp_path, capsys):
    path = tmp_path / "hubs.csv"
    path.write_text("name,lat,lon\nBaku,40.4,49.8\nX,95,1\nY,a,1\n", encoding="utf-8")
    assert cli.main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "hubs.csv, feature row 3, geometry: coordinate (1, 95) is outside lon/lat range" in err
    assert "hubs.csv, feature row 4, lat: lat 'a' is not a number" in err


def test_validate_a_zip_bomb_without_a_traceback(tmp_path):
    import zipfile  # noqa: PLC0415

    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("bomb.shp", b"\0" * 30_000_000)
    out = run("validate", str(path))
    assert out.returncode == 2
    assert "zip bomb" in out.stderr
    assert "Traceback" not in out.stderr


def test_validate_reports_every_problem_of_a_feature(tmp_path, capsys):
    path = tmp_path / "annotations.geojson"
    feature = {
        "type": "Feature",
        "properties": {"annotation_id": "x", "topic": "sport"},
        "geometry": {"type": "Point", "coordinates": [47.8, 40.9]},
    }
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    assert cli.main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "annotations.geojson, feature x, topic: value not allowed" in err
    assert "annotations.geojson, feature x, title: missing property" in err


def test_the_command_runs_in_a_fresh_interpreter(tmp_path):
    """The one test through ``python -m corridormap.cli`` (the others call ``cli.main`` in
    process): the module runs as a script, its exit code and message reach the shell."""
    path = tmp_path / "summits.geojson"
    path.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    out = run_subprocess("validate", str(path))
    assert out.returncode == 2
    assert "summits.geojson: 1 problem found" in out.stderr
    assert "Traceback" not in out.stderr
    assert run_subprocess("--version").stdout.startswith("corridormap ")


def test_version():
    out = run("--version")
    assert out.returncode == 0
    assert out.stdout.startswith("corridormap ")


def test_missing_data_dir_fails_cleanly(tmp_path):
    out = run("--data-dir", str(Path(tmp_path) / "nowhere"), "validate")
    assert out.returncode == 2
    assert "file not found" in out.stderr
    assert "Traceback" not in out.stderr


def test_stats_json_is_stable_and_parseable():
    out = run("stats", "--format", "json")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["schema"] == "corridormap.stats/1"
    corridors = {c["corridor"]: c for c in doc["corridors"]}
    assert set(corridors) == {"zangezur", "middle_corridor", "north_south"}
    west = next(r for r in corridors["north_south"]["routes"] if r["route"] == "INSTC_WEST")
    assert {"AZE", "IRN", "RUS"} <= set(west["km_by_country"])
    assert west["km_by_status"]["planned"] > 100  # the Rasht-Astara gap


def test_stats_table():
    out = run("stats")
    assert out.returncode == 0, out.stderr
    assert "Zangezur corridor" in out.stdout
    assert "published: Horadiz – Aghband 110.4 km" in out.stdout


def test_validate_refuses_devices_fifos_and_huge_sparse_files_without_reading(tmp_path):
    fifo = tmp_path / "corridors.geojson"  # named like a shipped layer, and a FIFO
    os.mkfifo(fifo)
    sparse = tmp_path / "big.geojson"
    with sparse.open("wb") as fh:
        fh.truncate(3 * 1024**3)  # 3 GB of nothing: refused from its size, never read
    result = run("validate", "/dev/zero", str(fifo), str(sparse))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "zero: not a regular file" in result.stderr
    assert "corridors.geojson: not a regular file" in result.stderr
    assert "big.geojson: the file is 3072.0 MB; the upload limit is 20.0 MB" in result.stderr


def test_validate_prints_every_change_and_strict_makes_them_errors(tmp_path):
    bowtie = {"type": "Polygon", "coordinates": [[[0, 0], [2, 2], [2, 0], [0, 2], [0, 0]]]}
    doc = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "id": "b1", "properties": {}, "geometry": bowtie}],
    }
    path = tmp_path / "bowtie.geojson"
    path.write_text(json.dumps(doc), encoding="utf-8")
    plain = run("validate", str(path))
    assert plain.returncode == 2  # dropped, and named, without --repair
    assert "repair" in plain.stderr
    repaired = run("validate", "--repair", str(path))
    assert repaired.returncode == 0, repaired.stderr
    assert "changed: bowtie.geojson, feature #0 (id 'b1'): invalid geometry repaired" in (
        repaired.stdout
    )
    strict = run("validate", "--repair", "--strict", str(path))
    assert strict.returncode == 2
    assert "--strict: bowtie.geojson, feature #0 (id 'b1'): invalid geometry repaired" in (
        strict.stderr
    )


def test_review_json_lists_what_fell_due():
    out = run("review", "--today", "2026-11-29", "--format", "json")
    assert out.returncode == 0, out.stderr
    items = json.loads(out.stdout)
    assert items
    for item in items:
        assert {"id", "layer", "what", "due", "as_of", "sources"} <= set(item)
        assert item["id"].startswith(item["layer"] + ":")
        assert item["due"] <= "2026-11-29"
    ids = {i["id"] for i in items}
    # the expectations the audit found overdue on that day
    assert {
        "corridors:ZNG_RAIL-01",  # Horadiz–Aghband, expected 2026
        "corridors:INSTC_WEST-11",  # Rasht–Astara construction start, 2026
        "corridors:ZNG_RAIL-02",  # TRIPP construction, second half of 2026
        "summits:ots-13-turkiye-2026",  # the 13th summit, second half of 2026
        "annotations:gabala-2025-joint-exercise",  # the OTS exercise, 2026
    } <= ids


def test_review_before_and_options():
    early = json.loads(run("review", "--today", "2025-10-07", "--format", "json").stdout)
    assert "summits:ots-13-turkiye-2026" not in {i["id"] for i in early}
    off = run(
        "review",
        "--today",
        "2026-11-29",
        "--max-age",
        "current=off",
        "--max-age",
        "in_progress=off",
    )
    assert off.returncode == 0, off.stderr
    assert "older than" not in off.stdout
    assert "item(s) due for review" in off.stdout


def test_review_refuses_a_bad_date_or_age_without_a_traceback():
    for args in (("--today", "29.11.2026"), ("--max-age", "soon=3")):
        out = run("review", *args)
        assert out.returncode == 2
        assert "Traceback" not in out.stderr


# --- route ---------------------------------------------------------------------------------


def test_route_json_today(capsys):
    assert cli.main(["route", "xian", "Istanbul", "--format", "json", "--alternatives", "1"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["found"] is True
    assert (doc["from"], doc["to"]) == ("xian", "istanbul")
    assert doc["legs"][0]["segment_id"] == "MC_NORTH-01"
    assert doc["legs"][-1]["segment_id"] == "MC_NORTH-20"
    assert {leg["status"] for leg in doc["legs"]} == {"operational"}
    assert doc["sea_legs"] == 1
    assert doc["countries"] == ["CHN", "KAZ", "AZE", "GEO", "TUR"]
    assert len(doc["alternatives"]) == 1


def test_route_planned_avoiding_a_country(capsys):
    args = ["route", "baku", "kars", "--asof", "planned", "--avoid", "GEO", "--format", "json"]
    assert cli.main(args) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["scenario"] == "planned"
    assert "GEO" not in doc["countries"]
    assert "planned" in {leg["status"] for leg in doc["legs"]}


def test_route_no_route_is_an_answer_with_its_reason(capsys):
    assert cli.main(["route", "baku", "kars", "--avoid", "GEO"]) == 0
    out = capsys.readouterr().out
    assert "no route: no route is in service on" in out
    assert "the shortest one crosses Georgia (GEO)" in out


def test_route_an_unknown_node_exits_2_naming_it():
    out = run("route", "xian", "atlantis")
    assert out.returncode == 2
    assert "route: unknown place 'atlantis'" in out.stderr
    assert "Traceback" not in out.stderr


def test_route_bad_options_exit_2_naming_them(capsys):
    assert cli.main(["route", "xian", "kars", "--asof", "soon"]) == 2
    assert "date 'soon' is neither an ISO date" in capsys.readouterr().err
    assert cli.main(["route", "xian", "kars", "--avoid", "RUS,XYZ"]) == 2
    assert "unknown country code 'XYZ'" in capsys.readouterr().err
    assert cli.main(["route", "xian", "kars", "--modes", "rail,air"]) == 2
    assert "unknown mode 'air'" in capsys.readouterr().err


# --- --lang ----------------------------------------------------------------------------------


def test_export_lang_ru_writes_the_file_in_russian(tmp_path):
    out = tmp_path / "view.html"
    res = run(
        "export", "--params", "corridor=middle_corridor&asof=2025-10-07", "--format", "html",
        "-o", str(out), "--lang", "ru",
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    html = out.read_text(encoding="utf-8")
    assert '<html lang="ru">' in html
    assert "Источники показанных объектов" in html  # "Sources of the features shown"
    assert "На дату: 7 окт. 2025 г." in " ".join(html.split())  # the date as Russian writes it
    assert "Sources of the features shown" not in html
    # without --lang: English, as before
    res = run(
        "export", "--params", "corridor=middle_corridor&asof=2025-10-07", "--format", "html",
        "-o", str(out),
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    html = out.read_text(encoding="utf-8")
    assert '<html lang="en">' in html
    assert "Sources of the features shown" in html


def test_route_lang_speaks_the_language(capsys):
    assert cli.main(["route", "baku", "kars", "--avoid", "GEO", "--lang", "ru"]) == 0
    out = capsys.readouterr().out
    assert "Грузия (GEO)" in out
    assert "Georgia" not in out
    assert "в обход: Грузия (GEO)" in out
    assert "маршрута нет: " in out
    for english in ("avoiding", "no route"):
        assert english not in out


def test_route_table_speaks_the_language_and_english_is_unchanged(capsys):
    """The route table in Russian: its header, totals, statuses, modes, numbers, footnote and
    alternatives (the places keep the data's names, as the JSON document does)."""
    args = ["route", "xian", "istanbul", "--alternatives", "1", "--modes", "rail,sea"]
    assert cli.main([*args, "--lang", "ru"]) == 0
    out = capsys.readouterr().out.replace("\N{NO-BREAK SPACE}", " ")  # Russian's separator
    assert "виды транспорта: железная дорога, море" in out
    assert "7 667 км (железная дорога 7 218, море 449); 4 пересечения границы, 1 морской" in out
    assert out.splitlines()[3].split()[:6] == ["участок", "откуда", "куда", "вид", "статус", "км"]
    assert "Действует" in out
    assert "км по странам: " in out
    assert "(море или пограничная зона)" in out
    assert "вариант 1: " in out
    assert "  через: Xi'an – " in out
    for english in (
        "modes:", "border crossing", "sea leg", "countries:", "segment", "operational",
        " rail ", "km by country", "sea or border zone", "computed from", "alternative",
        "via ",
    ):  # fmt: skip
        assert english not in out, english
    assert cli.main(args) == 0
    out = capsys.readouterr().out
    assert "modes: rail, sea" in out
    assert "7,667 km (rail 7,218, sea 449); 4 border crossings, 1 sea leg; countries: " in out
    assert out.splitlines()[3] == (
        f"{'segment':22} {'from':26} {'to':26} {'mode':5} {'status':19} {'km':>7}"
    )
    assert "alternative 1: " in out
    assert "  via Xi'an – " in out


def test_route_errors_speak_the_language(capsys):
    assert cli.main(["route", "xian", "nowhere", "--lang", "ru"]) == 2
    err = capsys.readouterr().err
    assert "неизвестное место 'nowhere'" in err
    assert "unknown place" not in err


def test_an_unknown_language_is_a_clear_error_naming_the_known_ones(tmp_path):
    out = tmp_path / "x.html"
    for args in (
        ("export", "--params", "asof=2025-10-07", "--format", "html", "-o", str(out)),
        ("route", "baku", "kars"),
    ):
        res = run(*args, "--lang", "de")
        assert res.returncode == 2
        assert "argument --lang: unknown language 'de': one of en, tr, az, ru" in res.stderr
        assert "Traceback" not in res.stderr
    assert not out.exists()
