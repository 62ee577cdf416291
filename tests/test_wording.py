"""What people read: every page and every card, checked for text nobody should see.

Nothing shown may read "nan", "NaN" or "None", show markdown's ``**`` literally, print a whole
number as a float ("1.0", "2026.0"), or show a raw code: a code of the style module's and the
catalog's vocabularies (``middle_corridor``, ``published_point``), a route code (``ZNG_RAIL``,
also as the prefix of a segment id), a node, summit or annotation id, or an ISO3 code on its
own (in brackets after a name it is fine). Metric labels and values must fit their column.
The footer and the exports state the same newest source date; the CSV opens in Excel as UTF-8.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pypdf
import pytest
from appsession import app_test
from streamlit.testing.v1 import AppTest

from corridormap import analysis, catalog, export, formatting, load, style, upload
from corridormap.catalog import Kind
from corridormap.filters import Filters

ROOT = Path(__file__).resolve().parents[1]
PAGES = ("explorer", "corridors", "gas", "summit", "country", "data", "present")


# -- what counts as text nobody should see ------------------------------------------------------


@pytest.fixture(scope="module")
def register() -> dict[str, str]:
    return load.load_source_register(ROOT / "data")


@pytest.fixture(scope="module")
def names(frames) -> formatting.Names:
    return formatting.names_of(frames)


def raw_codes(frames) -> tuple[set[str], set[str]]:
    """(codes never to be shown as they are, ISO3 codes never to be shown alone)."""
    codes: set[str] = set()
    for vocabulary in style.CODE_LABELS.values():
        # a code that is a word ("rail", "member", "high") may stand in prose; one with an
        # underscore, or a corridor's code, never does
        codes |= {c for c in vocabulary if "_" in c}
    codes |= set(catalog.CORRIDORS)
    codes |= set(style.ROUTE_LABELS)
    legs = frames[catalog.CORRIDOR_LEGS.key]
    codes |= set(legs["route"]) | set(legs["segment_id"])
    codes |= set(frames[catalog.NODES.key]["node_id"])
    codes |= set(frames[catalog.SUMMITS.key]["summit_id"])
    codes |= set(frames[catalog.ANNOTATIONS.key]["annotation_id"])
    codes |= {p for p in frames[catalog.PIPELINES.key]["pipeline_id"] if "_" in p}
    iso3 = set(frames[catalog.COUNTRIES.key]["iso3"])
    return codes, iso3


@pytest.fixture(scope="module")
def checker(frames):
    codes, iso3 = raw_codes(frames)
    return Checker(codes, iso3)


_MD_LINK = re.compile(r"\[(?:\\.|[^\]\\])*\]\([^)\s]*\)")
_URL = re.compile(r"https?://\S+")
_MISSING_WORDS = re.compile(r"(?<![\w-])(?:nan|NaN|None|<NA>|NaT)(?![\w-])")
# (a licence's version, "CC BY 4.0", is not a number)
_FLOAT_INT = re.compile(r"(?<![\d.,])(?<!BY )(?<!SA )\d+\.0(?![\d.])")
_UNESCAPE = re.compile(r"\\(.)")


class Checker:
    """Finds what nobody should read in a text."""

    def __init__(self, codes: set[str], iso3: set[str]) -> None:
        self.codes = re.compile(
            r"(?<![\w-])(?:"
            + "|".join(re.escape(c) for c in sorted(codes, key=len, reverse=True))
            + r")(?![\w-])"
        )
        # in brackets after a name it is fine, and so is prose about the code itself, as in
        # the note "CYN is Natural Earth's code"
        self.iso3 = re.compile(
            r"(?<![\w(-])(?:" + "|".join(sorted(iso3)) + r")(?![\w)-])(?! is [^;.]*\bcode\b)"
        )

    def problems(self, text: str, *, markdown: bool = False) -> list[str]:
        """Each problem found: ``markdown`` texts are read as Streamlit renders them (links
        left out, escapes undone; an escaped ``\\*\\*`` shows as a literal ``**``)."""
        found = []
        if markdown:
            if "\\*\\*" in text:
                found.append("literal ** (escaped markdown)")
            text = _MD_LINK.sub(" ", text)
            text = _UNESCAPE.sub(r"\1", text)
        elif "**" in text:
            found.append("literal **")
        text = _URL.sub(" ", text)
        for pattern, what in (
            (_MISSING_WORDS, "missing value shown as"),
            (_FLOAT_INT, "whole number shown as a float"),
            (self.codes, "raw code"),
            (self.iso3, "ISO3 code on its own"),
        ):
            found += [f"{what} {m.group(0)!r}" for m in pattern.finditer(text)]
        return found


def assert_reads_well(checker: Checker, texts: list[tuple[str, str, bool]]) -> None:
    """``texts``: (where, text, is markdown)."""
    bad = [
        f"{where}: {problem} in {text[:160]!r}"
        for where, text, markdown in texts
        for problem in checker.problems(text, markdown=markdown)
    ]
    assert not bad, "\n".join(bad[:40])


def test_the_checker_finds_what_the_issue_names(checker):
    for text in (
        "(confidence: nan)",
        "Expected: None",
        "Number 1.0",
        "Expected 2026.0",
        "Country: TUR",
        "Corridor: middle_corridor",
        "Routes: ZNG_RAIL",
        "ZNG_RAIL-07",
        "Coordinate: published_point",
        "From: port-of-baku-alat",
        "bold **text**",
    ):
        assert checker.problems(text), text
    assert checker.problems("a \\*\\*bold\\*\\* word", markdown=True)
    for text in ("Türkiye (TUR)", "110.4 km", "7 Oct 2025", "SCP → TANAP → TAP", "2,120"):
        assert not checker.problems(text), text
    assert not checker.problems("**Sources** [trend\\.az/x](https://trend.az/x)", markdown=True)


# -- every card ---------------------------------------------------------------------------------


def card_texts(c: formatting.Card) -> list[tuple[str, str, bool]]:
    where = f"{c.layer.key}:{c.feature_id}"
    out = [(f"{where} title", c.title, False), (f"{where} as of", c.as_of, False)]
    out += [(f"{where} {r.label}", r.text, False) for r in c.rows]
    out += [(f"{where} {r.label} (rendered)", r.md, True) for r in c.rows]
    out += [(f"{where} source date", d, False) for d in c.source_dates if d]
    if c.note:
        out.append((f"{where} note", c.note, False))
    return out


def test_every_card_of_every_shipped_layer_reads_well(frames, register, names, checker):
    texts: list[tuple[str, str, bool]] = []
    for spec in catalog.LAYERS:
        gdf = frames[spec.key]
        assert len(gdf), spec.key
        for _, row in gdf.iterrows():
            c = formatting.card(spec, row.to_dict(), register, names)
            assert c.title != c.feature_id, c.title  # never named by the bare id
            texts += card_texts(c)
    assert_reads_well(checker, texts)


def test_every_layer_table_reads_well_and_shows_ids_once(frames, names, checker):
    texts: list[tuple[str, str, bool]] = []
    for spec in catalog.LAYERS:
        table = formatting.table(spec, frames[spec.key], names)
        id_label = spec.prop(spec.id_property).label
        assert id_label not in table.columns, spec.key  # the index holds it, hidden
        assert table.index.name == id_label
        for col in table.columns:
            texts += [(f"{spec.key} table {col!r}", str(v), False) for v in table[col]]
    assert_reads_well(checker, texts)


def test_the_analysis_tables_read_well(frames, names, checker):
    legs = formatting.leg_rows(
        analysis.leg_table(frames[catalog.CORRIDOR_LEGS.key], frames[catalog.COUNTRIES.key]),
        names,
    )
    assert str(legs["Expected"].dtype) == "Int64"
    assert legs["Expected"].dropna().tolist()  # 2026, 2029, 2030 ...
    gas = formatting.gas_export_rows(load.load_gas_exports(ROOT / "data"))
    assert str(gas["Year"].dtype) == "Int64"
    members = formatting.participant_rows(load.load_participants(ROOT / "data"))
    assert "Azerbaijan (AZE)" in set(members["Name"])
    texts = [
        (f"{what} {col!r}", str(v), False)
        for what, frame in (("legs", legs), ("gas exports", gas), ("participants", members))
        for col in frame.columns
        if not pd.api.types.is_numeric_dtype(frame[col])
        for v in frame[col].dropna()
    ]
    assert len(texts) > 100
    assert_reads_well(checker, texts)


def test_a_card_names_codes_and_keeps_markdown_for_rendering(frames, names):
    legs = frames[catalog.CORRIDOR_LEGS.key]
    c = formatting.card(catalog.CORRIDOR_LEGS, legs.loc["ZNG_RAIL-07"].to_dict(), names=names)
    rows = {r.label: r.text for r in c.rows}
    assert rows["Corridor"] == "Zangezur corridor"
    assert rows["From"] == "Sadarak"
    assert rows["To country"] == "Türkiye"
    assert rows["Mode"] == "Rail"
    assert "Segment" not in rows  # the id names nothing people read
    summit = frames[catalog.SUMMITS.key].loc["ots-1-almaty-2011"].to_dict()
    rows = {r.label: r.text for r in formatting.card(catalog.SUMMITS, summit, names=names).rows}
    assert rows["Number"] == "1"
    assert rows["Country"] == "Kazakhstan"
    node = frames[catalog.NODES.key].loc["aghband"].to_dict()
    rows = {r.label: r.text for r in formatting.card(catalog.NODES, node, names=names).rows}
    assert rows["Coordinate"] == style.COORD_QUALITY_LABELS["published_point"]
    assert rows["Routes"] == style.ROUTE_LABELS["ZNG_RAIL"]
    notes = frames[catalog.ANNOTATIONS.key]
    with_bold = next(r for r in notes["body"] if "**" in r)
    (fid,) = notes.index[notes["body"] == with_bold]
    text = next(r for r in formatting.card(catalog.ANNOTATIONS, notes.loc[fid].to_dict()).rows
                if r.label == "Text")  # fmt: skip
    assert "**" not in text.text  # plain: the marks stripped
    assert "**" in text.md  # rendered: bold
    assert "\\*" not in text.md


def test_every_code_of_every_vocabulary_has_a_label():
    for spec in catalog.LAYERS:
        for p in spec.all_properties:
            if p.codes is None or p.codes in catalog.NAMED_CODES:
                continue
            assert p.codes in style.CODE_LABELS, (spec.key, p.name, p.codes)
            for value in p.allowed or ():
                assert value in style.CODE_LABELS[p.codes], (spec.key, p.name, value)


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        (Kind.INT, 1.0, "1"),
        (Kind.YEAR, 2026.0, "2026"),
        (Kind.INT, float("nan"), "–"),
        (Kind.STR, None, "–"),
        (Kind.STR, float("nan"), "–"),
        (Kind.FLOAT, 29.0, "29"),
        (Kind.FLOAT, 1273.14, "1,273.1"),
        (Kind.DATE, "2025-10-07", "7 Oct 2025"),
        (Kind.STR_LIST, [], "–"),
    ],
)
def test_format_value(kind, value, expected):
    assert formatting.format_value(catalog.PropertySpec("x", kind, "X"), value) == expected


def test_a_feature_without_a_name_is_never_named_by_its_bare_id():
    layer = upload.read_user_layer(b"lat,lon\n40.4,49.9\n", "bare.csv", index=0)
    row = layer.gdf.iloc[0].to_dict()
    title = formatting.feature_title(layer.spec, row)
    assert title != str(row[layer.spec.id_property])
    assert str(row[layer.spec.id_property]) in title


# -- every page ---------------------------------------------------------------------------------


def run_page(page: str, params: dict[str, str] | None = None) -> AppTest:
    at = app_test(120)
    for k, v in (params or {}).items():
        at.query_params[k] = v
    at.run()
    if page != "explorer":
        at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def frame_cells(df: Any) -> Iterator[tuple[str, str, str]]:
    """(column, text shown, Arrow type) of every visible cell of an st.dataframe/st.table.

    Read from the Arrow data the browser gets (pandas would turn a nullable integer column
    into floats). A missing cell shows the table's placeholder, else "None" as Streamlit
    does; a number is checked by its type, not as text.
    """
    proto = df.proto
    table = pa.RecordBatchStreamReader(proto.arrow_data.data).read_all()
    config = json.loads(getattr(proto, "columns", "") or "{}")
    placeholder = getattr(proto, "placeholder", "") or "None"
    index_hidden = config.get("_index", {}).get("hidden", False)
    meta = json.loads((table.schema.metadata or {}).get(b"pandas", b"{}") or b"{}")
    index_names = {c for c in meta.get("index_columns", []) if isinstance(c, str)}
    for name, column in zip(table.column_names, table.columns, strict=True):
        is_index = name in index_names or name.startswith("__index_level_")
        if is_index and index_hidden:
            continue
        kind = str(column.type)
        for value in column.to_pylist():
            if value is None:
                yield name, placeholder, kind
            elif pa.types.is_floating(column.type) or pa.types.is_integer(column.type):
                yield name, "<number>", kind
            else:
                yield name, str(value), kind


INTEGER_COLUMNS = {"Year", "Expected"} | {
    p.label for spec in catalog.LAYERS for p in spec.properties if p.kind in (Kind.INT, Kind.YEAR)
}
_TAG = re.compile(r"<[a-z/][^>]*>")


def page_texts(at: AppTest) -> list[tuple[str, str, bool]]:
    markdown = [("markdown", _TAG.sub(" ", m.value), True) for m in at.markdown]  # no SVG
    texts = [*markdown, *[("caption", c.value, True) for c in at.caption]]
    texts += [("metric label", m.label, True) for m in at.metric]
    texts += [("metric value", m.value, False) for m in at.metric]
    texts += [("metric delta", m.delta or "", False) for m in at.metric]
    texts += [("expander", e.label, True) for e in at.expander]
    texts += [(k, e.value, True) for k in ("info", "warning", "error") for e in at.get(k)]
    for df in [*at.dataframe, *at.table]:
        texts += [(f"table column {col!r}", text, False) for col, text, _ in frame_cells(df)]
        texts += [("table header", str(c), False) for c in df.value.columns]
    return texts


def integer_columns_sent_as_floats(at: AppTest) -> list[str]:
    """Columns of whole numbers (years, counts, orders) that the browser gets as floats."""
    return sorted(
        {
            f"{col} ({kind})"
            for df in [*at.dataframe, *at.table]
            for col, _, kind in frame_cells(df)
            if col in INTEGER_COLUMNS
            and not kind.startswith(("int", "uint", "string", "large_string"))
        }
    )


LINKS = {
    "explorer": [
        {},
        {"select": "annotations:gabala-2025-exercises-with-turkiye"},
        {"select": "summits:ots-1-almaty-2011"},
        {"select": "nodes:aghband", "layers": "countries,gas_destinations,nodes"},
    ],
    "country": [{}, {"country": "GEO"}],
}


@pytest.mark.parametrize(
    ("page", "params"),
    [(p, link) for p in PAGES for link in LINKS.get(p, [{}])],
    ids=lambda v: v if isinstance(v, str) else "&".join(f"{k}={x}" for k, x in v.items()),
)
def test_every_page_reads_well(page, params, checker):
    at = run_page(page, params)
    texts = page_texts(at)
    assert texts
    assert_reads_well(checker, texts)
    assert not integer_columns_sent_as_floats(at)
    assert_metrics_fit(at)


def test_a_selected_card_is_on_the_page(frames):
    notes = frames[catalog.ANNOTATIONS.key]
    fid = notes.index[notes["confidence"].isna()][0]
    at = run_page("explorer", {"select": f"annotations:{fid}"})
    body = "\n".join(m.value for m in at.markdown)
    assert "**Sources** (as of" in body
    assert "**Topic:**" in body


def metric_rows(node: Any, per_row: int = 1) -> Iterator[tuple[Any, int]]:
    """Every metric with the number of columns in the row that holds it."""
    children = list(getattr(node, "children", {}).values())
    columns = [c for c in children if getattr(c, "type", None) == "column"]
    for child in children:
        n = len(columns) if getattr(child, "type", None) == "column" else per_row
        if getattr(child, "type", None) == "metric":
            yield child, per_row
        else:
            yield from metric_rows(child, n)


def assert_metrics_fit(at: AppTest) -> None:
    cut = [
        (m.label, m.value, n)
        for m, n in metric_rows(at.main)
        if not formatting.metric_fits(
            formatting.Metric(m.label, m.value, m.delta or None, m.help or None), n
        )
    ]
    assert not cut, f"metrics that would be cut with '…': {cut}"


def test_metric_layout_fits_the_labels():
    short = [formatting.Metric("Nodes", "72")] * 6
    assert formatting.metrics_per_row(short) == 6
    long = [*short[:3], formatting.Metric("Gabala 2025 annotations", "11")]
    assert formatting.metrics_per_row(long) == 4
    assert not formatting.metric_fits(formatting.Metric("OTS", "OTS member since 3 Oct 2009"), 4)


def test_the_country_page_shows_the_ots_status_short_and_since_when():
    at = run_page("country", {"country": "KAZ"})
    (ots,) = [m for m in at.metric if m.label == "OTS"]
    assert ots.value == "Member"
    assert ots.delta == "since 3 Oct 2009"


# -- a user's file ------------------------------------------------------------------------------


def test_a_users_feature_without_sources_says_so():
    at = app_test(120).run()
    layer = upload.read_user_layer(b"name,lat,lon\nDepot,40.4,49.9\n", "depots.csv", index=0)
    at.session_state["user_layers"] = {layer.spec.key: layer}
    at.session_state["f_layers"] = [*at.session_state["f_layers"], layer.spec.key]
    at.session_state["selected"] = f"{layer.spec.key}:{layer.gdf.index[0]}"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    body = "\n".join(m.value for m in at.markdown)
    assert "No source given in the file" in body
    assert "as of –" not in body


def test_csv_download_has_a_byte_order_mark_for_excel(frames):
    data = formatting.to_csv_bytes(catalog.CORRIDOR_LEGS, frames[catalog.CORRIDOR_LEGS.key])
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert "–" in text  # "Horadiz – Aghband"
    assert "ı" in text  # "Aralık"
    assert text.startswith("segment_id,")


# -- one newest source date ----------------------------------------------------------------------


def test_the_newest_source_date_is_a_sources_date_never_the_copy_date(frames, register):
    day = formatting.newest_source_date(frames, register)
    assert day == max(date.fromisoformat(d) for d in register.values())
    # a feature whose sources are all undated pages gives no date, whatever its as_of says
    legs = frames[catalog.CORRIDOR_LEGS.key]
    undated = legs.iloc[:2].copy()
    undated["source_url"] = [["https://example.org/undated-page"]] * len(undated)
    assert "https://example.org/undated-page" not in register
    assert formatting.newest_source_date({catalog.CORRIDOR_LEGS.key: undated}, register) is None
    # it follows what is shown
    one = legs.loc[["MC_NORTH-15"]]
    expected = max(
        date.fromisoformat(register[u]) for u in one["source_url"].iloc[0] if u in register
    )
    assert formatting.newest_source_date({catalog.CORRIDOR_LEGS.key: one}, register) == expected


@pytest.mark.parametrize(
    ("params", "newest"),
    [
        ({}, "25 May 2026"),  # the Anaklia page: the press conference it reports (issue #24)
        ({"corridor": "zangezur", "layers": "corridors"}, "12 Mar 2026"),  # Azatutyun on TRIPP
    ],
)
def test_footer_and_exports_state_the_same_newest_source_date(frames, register, params, newest):
    at = run_page("explorer", params)
    footer = at.main.caption[-1].value  # the page's footer (the sidebar has captions too)
    f = Filters(corridor=("zangezur",), layers=("corridors",)) if params else Filters()
    view = export.make_view(frames, f, register=register)
    assert (
        formatting.newest_source_text(formatting.newest_source_date(view.shown, register)) == newest
    )
    assert f"Newest source date of the features shown: {newest}." in footer
    html = export.html_view(view, frames)
    assert f"newest source date {newest}" in html
    assert "file made " in html
    from corridormap.export.png import _source_line  # noqa: PLC0415

    assert f"newest source date {newest}." in _source_line(view)


def test_the_pdf_states_the_newest_source_date_and_when_the_file_was_made(frames, vocab, register):
    from corridormap import briefing  # noqa: PLC0415

    b = briefing.load_briefing(ROOT / "data" / "briefings" / "gabala-2025.yaml", vocab)
    views = export.briefing_views(frames, b, vocab, register=register)
    newest = max(
        d for v in views if (d := formatting.newest_source_date(v.shown, register, v.specs))
    )
    reader = pypdf.PdfReader(io.BytesIO(export.pdf_briefing(b, views, frames)))
    title = reader.pages[0].extract_text().replace("\n", " ")
    assert f"newest source date {formatting.newest_source_text(newest)}" in title
    assert "file made " in title
