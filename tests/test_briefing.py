"""Briefings: the shipped one loads; broken ones name the file, the scene and the field."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from corridormap import briefing, catalog, cli, filters, i18n, links
from corridormap._errors import DataValidationError

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "data" / "briefings" / "gabala-2025.yaml"


def problems_of(tmp_path: Path, text: str, vocab, name: str = "bad.yaml") -> list[str]:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    with pytest.raises(DataValidationError) as info:
        briefing.load_briefing(path, vocab)
    return [str(p) for p in info.value.problems]


GOOD_SCENE = """
  - title: Middle Corridor
    text: ok
    filters: {corridor: middle_corridor}
"""


def test_the_shipped_briefing_loads_with_clean_filters(vocab):
    b = briefing.load_briefing(SHIPPED, vocab)
    assert b.key == "gabala-2025"
    assert 6 <= len(b.scenes) <= 8
    assert [s.number for s in b.scenes] == list(range(1, len(b.scenes) + 1))
    for scene in b.scenes:
        _, notices = links.parse({k: list(v) for k, v in scene.params.items()}, vocab)
        assert notices == [], (scene.title, notices)
        assert scene.title
        assert scene.text
        assert scene.highlight, f"scene {scene.number} highlights nothing"


def test_the_gas_scenes_show_14_then_16_destinations(frames, vocab):
    b = briefing.load_briefing(SHIPPED, vocab)
    counts = []
    for scene in b.scenes:
        f = briefing.scene_filters(scene, vocab)
        if catalog.GAS_DESTINATIONS.key in f.layers and f.asof is not None:
            shown = filters.apply(frames, f)
            counts.append((f.asof.isoformat(), len(shown[catalog.GAS_DESTINATIONS.key])))
    assert counts == [("2025-10-07", 14), ("2026-02-01", 16)]


def test_scene_texts_quote_only_numbers_present_in_the_data():
    """Every number in a scene's text appears in the shipped layers (or is a scene date)."""
    corpus = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "data" / "layers").iterdir())
    doc = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    for scene in doc["scenes"]:
        for number in re.findall(r"\d+(?:\.\d+)?", scene["text"]):
            assert number in corpus, (scene["title"], number)


def test_list_briefings(tmp_path):
    (tmp_path / "b.yaml").write_text("x", encoding="utf-8")
    (tmp_path / "a.yaml").write_text("x", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    assert list(briefing.list_briefings(tmp_path)) == ["a", "b"]
    assert briefing.list_briefings(tmp_path / "missing") == {}


def test_bad_yaml_gives_line_and_column(tmp_path, vocab):
    (msg,) = problems_of(tmp_path, "title: x\nscenes:\n  - title: [unclosed\n", vocab)
    assert msg.startswith("bad.yaml: invalid YAML at line 4, column 1")


def test_a_bad_asof_names_file_scene_and_field(tmp_path, vocab):
    msgs = problems_of(
        tmp_path,
        """
        title: T
        scenes:
          - title: One
            text: a
          - title: Two
            text: b
          - title: Middle Corridor
            text: c
            filters: {asof: yesterday}
        """,
        vocab,
        name="gabala-2025.yaml",
    )
    assert msgs == [
        'gabala-2025.yaml, scene 3 "Middle Corridor", filters.asof: not a date YYYY-MM-DD '
        "or 'planned' (got 'yesterday')"
    ]


def test_every_problem_is_listed_not_just_the_first(tmp_path, vocab):
    msgs = problems_of(
        tmp_path,
        """
        title: T
        colour: red
        scenes:
          - text: no title here
          - title: Values
            text: b
            filters: {corridor: [middle_corridor, silk_road], country: ZZZ, speed: fast}
            highlight: [corridors:NOPE-1, nodes]
            view: {center: [95, 10], zoom: 30}
            show: video
            sound: loud
        """,
        vocab,
    )
    text = "\n".join(msgs)
    assert "bad.yaml, colour: unknown key in top level" in text
    assert "bad.yaml, scene 1, title: missing" in text
    assert 'bad.yaml, scene 2 "Values", filters.corridor: not a known corridor (got ' in text
    assert "'silk_road'" in text
    assert 'scene 2 "Values", filters.country: not an ISO3 code' in text
    assert 'scene 2 "Values", filters.speed: unknown filter' in text
    assert "scene 2 \"Values\", highlight: no feature 'corridors:NOPE-1' in the layers" in text
    assert "scene 2 \"Values\", highlight: not a feature id 'layer:id' (got 'nodes')" in text
    assert 'scene 2 "Values", view.center: not [lat, lon]' in text
    assert 'scene 2 "Values", view.zoom: not a whole number from 2 to 12 (got 30)' in text
    assert 'scene 2 "Values", show: not one of table' in text
    assert 'scene 2 "Values", sound: unknown key' in text
    assert len(msgs) == 11


def test_the_problems_speak_the_language_in_force(tmp_path, vocab):
    """A bad briefing's problems in Russian: the words translated, the file's own values (the
    scene's title, keys, values) as written; in English they are as before."""
    text = """
        title: T
        colour: red
        scenes:
          - text: no title here
          - title: Values
            text: b
            highlight: [corridors:NOPE-1, nodes]
            view: {center: [95, 10], zoom: 30}
            show: video
        """
    with i18n.language("ru"):
        msgs = problems_of(tmp_path, text, vocab)
    shown = "\n".join(msgs)
    assert "bad.yaml, colour: неизвестный ключ (верхний уровень; известны: " in shown
    assert "bad.yaml, сцена 1, title: отсутствует (ожидалась непустая строка)" in shown
    assert "bad.yaml, сцена 2 «Values», highlight: в слоях нет объекта 'corridors:NOPE-1'" in shown
    assert "сцена 2 «Values», view.zoom: не целое число от 2 до 12 (получено: 30)" in shown
    assert "сцена 2 «Values», show: не одно из значений table" in shown
    for english in ("unknown key", "missing", "scene 1", "scene 2", "no feature", "not a", "got"):
        assert english not in shown, english
    assert problems_of(tmp_path, text, vocab)[:2] == [
        "bad.yaml, colour: unknown key in top level (known: title, description, scenes)",
        "bad.yaml, scene 1, title: missing (expected a non-empty string)",
    ]
    with i18n.language("ru"):
        (msg,) = problems_of(tmp_path, "title: x\nscenes:\n  - title: [unclosed\n", vocab)
    assert msg.startswith("bad.yaml: некорректный YAML в строке 4, столбце 1: ")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[1, 2]", "bad.yaml: top level is not a mapping"),
        ("title: T\nscenes: []\n", "bad.yaml, scenes: missing or not a non-empty list"),
        (
            "title: T\nscenes:\n  - title: S\n    text: t\n    view: {fit: everything}\n",
            "bad.yaml, scene 1 \"S\", view.fit: must be 'features'",
        ),
    ],
)
def test_other_shapes_of_wrong(tmp_path, vocab, text, expected):
    msgs = problems_of(tmp_path, text, vocab)
    assert any(m.startswith(expected) for m in msgs), msgs


def test_scene_filters_parse_like_a_link(tmp_path, vocab):
    path = tmp_path / "ok.yaml"
    path.write_text(
        "title: T\nscenes:\n"
        "  - title: S\n    text: t\n"
        "    filters: {corridor: middle_corridor, country: [geo], asof: 2025-10-07,"
        " layers: [countries, corridors]}\n    view: {fit: features}\n",
        encoding="utf-8",
    )
    (scene,) = briefing.load_briefing(path, vocab).scenes
    f = briefing.scene_filters(scene, vocab)
    expected, _ = links.parse(
        {
            "corridor": ["middle_corridor"],
            "country": ["GEO"],
            "asof": ["2025-10-07"],
            "layers": ["countries,corridors"],
        },
        vocab,
    )
    assert f == expected.filters
    assert scene.view.fit


def test_validate_a_bad_briefing_exits_2_without_a_traceback(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(
        "title: T\nscenes:\n  - title: Gas\n    text: t\n    filters: {asof: 2099-01-01}\n",
        encoding="utf-8",
    )
    out = subprocess.run(
        [sys.executable, "-m", "corridormap.cli", "validate", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 2
    assert 'bad.yaml, scene 1 "Gas", filters.asof: outside 2006-01-01..' in out.stderr
    assert "Traceback" not in out.stderr


def test_validate_with_no_paths_covers_the_shipped_briefings(capsys):
    assert cli.main(["validate"]) == 0
    assert "gabala-2025.yaml: 7 scenes" in capsys.readouterr().out


def test_validate_with_no_paths_fails_on_a_broken_briefing(tmp_path, capsys):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data" / "layers", data / "layers")
    (data / "briefings").mkdir()
    (data / "briefings" / "mine.yaml").write_text("title: [\n", encoding="utf-8")
    assert cli.main(["--data-dir", str(data), "validate"]) == 2
    assert "mine.yaml: invalid YAML at line" in capsys.readouterr().err


def test_a_scene_may_show_a_route_between_two_nodes(tmp_path, vocab):
    path = tmp_path / "ok.yaml"
    path.write_text(
        "title: T\nscenes:\n  - title: S\n    text: t\n    show: route:port-of-baku-alat-kars\n",
        encoding="utf-8",
    )
    b = briefing.load_briefing(path, vocab)
    (scene,) = b.scenes
    assert scene.show == "route:port-of-baku-alat-kars"
    assert briefing.scene_route(scene, vocab) == ("port-of-baku-alat", "kars")


@pytest.mark.parametrize("show", ["route:baku-atlantis", "route:bakukars", "route:FROM-TO"])
def test_a_bad_route_names_scene_and_field(tmp_path, vocab, show):
    msgs = problems_of(
        tmp_path, f"title: T\nscenes:\n  - title: S\n    text: t\n    show: {show}\n", vocab
    )
    assert msgs == [
        f'bad.yaml, scene 1 "S", show: not route:FROM-TO with two node ids, e.g. '
        f"route:baku-kars (got {show!r})"
    ]
