"""Languages (corridormap.i18n): the catalogs hold every message the code marks, translated
and reviewed (no empty or fuzzy entry) in every shipped language; the link carries the
language; dates, numbers and country names come from CLDR; the app speaks the language of
the link, else of the browser.
"""

from __future__ import annotations

import ast
import json
import re
from datetime import date
from pathlib import Path

import pytest
from appsession import app_test
from babel.messages.extract import extract, extract_from_dir
from babel.messages.pofile import read_po

from corridormap import catalog, formatting, i18n, links, mapbuild, review, style
from corridormap.filters import Filters

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = tuple(code for code in i18n.LANGUAGES if code != i18n.DEFAULT)
#: The Makefile's ``messages`` keywords (gettext names and where the message is).
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}
PLACEHOLDER = re.compile(r"\{[a-z_]*\}")


def _marked() -> set[str]:
    """Every message the code marks, found here by Babel's extractor (not by the product)."""
    found: set[str] = set()
    for where in ("app.py", "app_pages", "src/corridormap"):
        path = ROOT / where
        if path.is_file():
            with path.open("rb") as f:
                messages = [m[1] for m in extract("python", f, keywords=KEYWORDS)]
        else:
            messages = [m[2] for m in extract_from_dir(path, keywords=KEYWORDS)]
        found |= {m[0] if isinstance(m, tuple) else m for m in messages}
    return {m for m in found if m}


MARKED = _marked()


def _singular(message_id: str | tuple[str, ...]) -> str:
    """A message by its singular (a plural message's id is its singular and plural)."""
    return str(message_id[0] if isinstance(message_id, tuple) else message_id)


def _catalog(code: str) -> dict[str, tuple[tuple[str, ...], bool]]:
    """Each message (by its singular) -> its translations (one, or every plural form), fuzzy."""
    with i18n.catalog_path(code).open("rb") as f:
        cat = read_po(f, locale=code)
    return {
        _singular(m.id): (
            tuple(map(str, m.string)) if isinstance(m.string, tuple) else (str(m.string),),
            m.fuzzy,
        )
        for m in cat
        if m.id
    }


def test_the_code_marks_the_frame_for_translation():
    # a sample the test knows of its own: if marking broke, these would be missing
    for message in ("Countries", "Language", "Operational", "Zangezur corridor", "Map"):
        assert message in MARKED


def test_the_template_is_current():
    with (i18n.LOCALE_DIR / "corridormap.pot").open("rb") as f:
        template = {_singular(m.id) for m in read_po(f) if m.id}
    assert template == MARKED, "run `make messages`"


@pytest.mark.parametrize("code", SHIPPED)
def test_every_marked_message_is_translated_and_reviewed(code):
    entries = _catalog(code)
    missing = sorted(MARKED - entries.keys())
    empty = sorted(m for m in MARKED & entries.keys() if not all(t.strip() for t in entries[m][0]))
    fuzzy = sorted(m for m in MARKED & entries.keys() if entries[m][1])
    assert (missing, empty, fuzzy) == ([], [], []), f"{code}: run `make messages`, then translate"


def test_no_russian_date_is_followed_by_a_full_stop():
    """CLDR's Russian dates end in "г." ("7 окт. 2025 г."): a translation that puts a full
    stop after {date} would print "г.."."""
    for message, (texts, _fuzzy) in _catalog("ru").items():
        assert not any("{date}." in text for text in texts), message


@pytest.mark.parametrize("code", SHIPPED)
def test_translations_keep_their_placeholders_and_marks(code):
    for message, (texts, _fuzzy) in _catalog(code).items():
        for text in texts:  # (every plural form too)
            assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(message)), (
                message
            )
            assert text.count("**") == message.count("**"), message  # markdown bold


@pytest.mark.parametrize(
    ("header", "browser", "expected"),
    [
        (None, None, "en"),
        ("", "", "en"),
        ("tr-TR,tr;q=0.9,en;q=0.8", None, "tr"),
        ("de-DE,de;q=0.9,ru;q=0.5,en;q=0.4", None, "ru"),
        ("en;q=0.2,az-Latn-AZ;q=0.9", None, "az"),
        ("de,fr", "ru-RU", "ru"),
        ("kk-KZ", None, "en"),
        ("tr;q=0,ru", None, "ru"),
        ("*;q=0.5, <b>;q=1", None, "en"),
        ("x" * 5000, None, "en"),
    ],
)
def test_the_browser_language_is_negotiated(header, browser, expected):
    assert i18n.negotiate(header, browser) == expected


@pytest.mark.parametrize(
    ("code", "day", "number", "azerbaijan"),
    [
        ("en", "7 Oct 2025", "1,314.5", "Azerbaijan (data)"),
        ("tr", "7 Eki 2025", "1.314,5", "Azerbaycan"),
        ("az", "7 okt 2025", "1.314,5", "Azərbaycan"),
        ("ru", "7 окт. 2025\N{NARROW NO-BREAK SPACE}г.", "1\N{NO-BREAK SPACE}314,5", "Азербайджан"),
    ],
)
def test_dates_numbers_and_country_names_follow_the_language(code, day, number, azerbaijan):
    with i18n.language(code):
        assert i18n.date_text(date(2025, 10, 7)) == day
        assert i18n.number_text(1314.5) == number
        assert i18n.country_name("AZE", "Azerbaijan (data)") == azerbaijan
        # a code CLDR does not know keeps the data's name
        assert i18n.country_name("CYN", "N. Cyprus") == "N. Cyprus"


def test_labels_speak_the_language_in_force():
    assert style.label(style.STATUS_STYLES, "planned") == "Planned"
    with i18n.language("ru"):
        assert style.label(style.STATUS_STYLES, "planned") == "Планируется"
        assert style.code_label("mode", "rail") == "Железная дорога"
        assert style.route_label("INSTC_WEST").startswith("Западный маршрут")
        assert style.definition(style.STATUS_STYLES, "operational").startswith("В регулярной")
        assert style.label(style.STATUS_STYLES, "unknown") == "unknown"
        assert i18n.gettext(catalog.COUNTRIES.title) == "Страны"
    assert i18n.current() == "en"  # the block ended, English again
    with pytest.raises(i18n.UnknownLanguageError, match="'xx'"), i18n.language("xx"):
        pass


def _vocab() -> links.Vocabulary:
    return links.Vocabulary(countries=frozenset({"AZE"}))


@pytest.mark.parametrize("code", i18n.LANGUAGES)
def test_the_link_carries_the_language(code):
    state = links.ViewState(Filters(), lang=code)
    params = links.to_params(state)
    assert params["lang"] == code
    assert links.parse(links.listed(params), _vocab()) == (state, [])


@pytest.mark.parametrize("value", ["xx", "<script>", "tr-TR", "e" * 300, ""])
def test_a_bad_language_in_the_link_is_named_and_dropped(value):
    state, notices = links.parse({"lang": [value]}, _vocab())
    assert state.lang is None
    if value:
        (notice,) = notices
        assert notice.param == "lang"
        assert "not one of en, tr, az, ru" in notice.reason
    else:
        assert notices == []


def _app(query: dict[str, str]):
    at = app_test()
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def _page_in(code: str, page: str, query: dict[str, str] | None = None):
    """The app opened with ``lang=code`` (and ``query``), then switched to ``page``; that run
    in the language (the widgets' format functions run in the test's thread)."""
    at = _app({"lang": code, **(query or {})})
    with i18n.language(code):
        at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception
    return at


def test_the_app_speaks_the_link_language():
    at = _app({"lang": "tr", "country": "AZE"})
    assert not at.exception
    assert at.sidebar.selectbox(key="w_lang").value == "tr"
    assert at.sidebar.multiselect(key="f_countries").label == "Ülkeler"
    assert at.sidebar.multiselect(key="f_status").label == "Durum"
    assert at.sidebar.toggle(key="f_asof_on").label == "Haritayı bir tarih itibarıyla göster"
    assert "Gösterilen öğelerin en yeni kaynak tarihi" in " ".join(c.value for c in at.caption)
    assert at.query_params["lang"] == "tr"


def test_choosing_a_language_keeps_the_view_and_goes_into_the_link():
    at = _app({"country": "GEO", "corridor": "middle_corridor"})
    assert at.sidebar.multiselect(key="f_countries").label == "Countries"
    assert "lang" not in at.query_params  # English, the browser's choice: no need to say
    at.sidebar.selectbox(key="w_lang").set_value("ru").run()
    assert not at.exception
    assert at.sidebar.multiselect(key="f_countries").label == "Страны"
    assert at.sidebar.multiselect(key="f_countries").value == ["GEO"]
    assert at.query_params["lang"] == "ru"
    assert at.query_params["country"] == "GEO"
    assert at.query_params["corridor"] == "middle_corridor"
    # (AppTest formats the other widgets' values in this thread with their format functions,
    # which speak the language in force here: Russian, as in the run that drew them)
    with i18n.language("ru"):
        at.sidebar.selectbox(key="w_lang").set_value("en").run()
    assert at.sidebar.multiselect(key="f_countries").label == "Countries"
    assert "lang" not in at.query_params


def test_a_bad_link_language_is_named_and_the_app_speaks_english():
    at = _app({"lang": "<b>xx</b>"})
    assert not at.exception
    assert at.sidebar.selectbox(key="w_lang").value == "en"
    (warning,) = at.warning
    assert formatting.md_escape("lang='<b>xx</b>'") in warning.value  # as text, not markup


def test_no_message_is_marked_inside_an_f_string():
    """Babel's extractor does not look into f-strings (Python 3.11 reads one as a single
    token): a message marked there would never reach the catalogs and stay English."""
    marks = {"_", "N_", "gettext", "ngettext"}
    found = []
    code = sorted((ROOT / "src" / "corridormap").rglob("*.py"))
    for path in [ROOT / "app.py", *(ROOT / "app_pages").glob("*.py"), *code]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for joined in (n for n in ast.walk(tree) if isinstance(n, ast.JoinedStr)):
            for call in (n for n in ast.walk(joined) if isinstance(n, ast.Call)):
                name = getattr(call.func, "id", getattr(call.func, "attr", None))
                if name in marks and call.args and isinstance(call.args[0], ast.Constant):
                    found.append(f"{path.relative_to(ROOT)}:{call.lineno}")
    assert found == []


def test_the_gas_page_speaks_the_language_in_its_charts_and_tables():
    at = _page_in("tr", "gas")
    headers = {c for df in at.dataframe for c in df.value.columns}
    assert {"Yıl", "Kaynaklar", "Güvenilirlik"} <= headers
    assert not {"Year", "Sources", "Confidence"} & headers
    specs = " ".join(
        json.dumps(json.loads(c.proto.spec), ensure_ascii=False)
        for c in _all(at, "vega_lite_chart")
    )
    for turkish in ("Alıcı ülkeler", "milyar m³", "Avrupa", "Alıcı ülke"):
        assert turkish in specs
    assert "Destination" not in specs
    # the destinations by their CLDR names
    assert "Almanya" in at.selectbox(key="gas_route_to").options  # Germany


def _all(at, kind: str) -> list:
    """Every element of ``kind`` in the page, however deep."""

    def walk(node):
        for child in getattr(node, "children", {}).values():
            yield child
            yield from walk(child)

    return [el for el in walk(at.main) if getattr(el, "type", None) == kind]


def test_the_corridors_page_speaks_the_language_in_its_text_charts_and_tables():
    at = _page_in("tr", "corridors")
    text = " ".join(m.value for m in at.main.markdown)
    assert "Koridorlar: ne uzunlukta, nerede, ne aşamada?" in text
    assert "Eksikler ve süren çalışmalar" in text
    assert "Gaps and works in progress" not in text
    # the legs' km by country: countries by CLDR's Turkish names, numbers by Turkish rules
    assert "Ülkelere göre km:" in text
    assert "Gürcistan" in text
    assert "Georgia " not in text
    assert re.search(r"\d\.\d{3}", " ".join(e.label for e in at.expander)) is not None
    headers = {c for df in at.dataframe for c in df.value.columns}
    assert {"Kesim", "Hesaplanan km", "Ülkelere göre km"} <= headers
    assert not {"Leg", "Computed km", "km by country"} & headers
    specs = " ".join(
        json.dumps(json.loads(c.proto.spec), ensure_ascii=False)
        for c in _all(at, "vega_lite_chart")
    )
    for turkish in ("İşletmede", "Orta Koridor (TITR)", "Yıllara göre milyon ton"):
        assert turkish in specs, turkish
    assert "Operational" not in specs
    assert "Middle Corridor (TITR)" not in specs
    captions = " ".join(c.value for c in at.caption)
    assert "İngilizce asıl metin" in captions  # the legs' notes say they are the original


def test_the_country_profile_speaks_the_language():
    at = _page_in("az", "country", {"country": "GEO"})
    with i18n.language("az"):
        georgia = i18n.country_name("GEO", "Georgia")
    assert georgia != "Georgia"
    assert at.selectbox(key="profile_country").value == "GEO"
    text = " ".join(m.value for m in at.main.markdown)
    assert f"#### {georgia}" in text.replace("\n", " ") or georgia in text
    labels = {m.label for m in at.metric}
    assert {"TDT", "Keçən dəhliz hissələri"} <= labels, labels
    assert "Corridor legs crossing" not in labels
    assert "Statusa görə ölkə daxilində dəhliz km-i:" in text


#: Streamlit calls whose text people read (the first argument, and these keywords).
_SHOWN_BY = {
    *("markdown", "caption", "info", "warning", "error", "success", "toast", "write"),
    *("title", "header", "subheader", "metric", "expander", "popover", "tabs", "spinner"),
    *("selectbox", "multiselect", "segmented_control", "pills", "radio", "toggle", "checkbox"),
    *("button", "download_button", "link_button", "page_link", "file_uploader", "date_input"),
    *("slider", "select_slider", "text_input", "text_area", "number_input"),
}
_SHOWN_KEYWORDS = {"label", "help", "placeholder", "body"}
#: Words that are the same in every language: the product's name, file formats.
_SAME_EVERYWHERE = re.compile(r"corridormap|GeoJSON|CSV|:material/[a-z_]+:")
_A_WORD = re.compile(r"[A-Za-z]{2,}")
#: Helpers of the pages not translated yet.
_NOT_YET: set[str] = set()


def _has_english(node: ast.AST) -> bool:
    """Whether ``node`` is text written in the code (a literal, an f-string's literal parts,
    a sum of them) that holds a word: text a translation never reaches."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return _A_WORD.search(_SAME_EVERYWHERE.sub("", node.value)) is not None
    if isinstance(node, ast.JoinedStr):
        return any(_has_english(v) for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _has_english(node.left) or _has_english(node.right)
    return False


def _translated_pages() -> list[Path]:
    """The pages app.py runs in the session's language: the ``translated`` set's pages."""
    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    files = {
        target.id: node.value.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)
        for target in node.targets
        if isinstance(target, ast.Name)
        and getattr(node.value.func, "attr", None) == "Page"
        and isinstance(node.value.args[0], ast.Constant)
    }
    (chosen,) = [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        and any(getattr(t, "id", None) == "translated" for t in node.targets)
    ]
    names = [n.id for n in ast.walk(chosen) if isinstance(n, ast.Name) and n.id in files]
    return [ROOT / files[n] for n in names]


def test_no_text_of_a_translated_page_or_the_frame_is_left_unmarked():
    """Every text the translated pages, the frame (app.py) and their helpers give Streamlit
    to show goes through the catalogs: a literal with a word in it, passed straight to a call
    that shows it, would stay English in every language. (Log messages are not shown.)"""
    pages = _translated_pages()
    assert {p.name for p in pages} >= {"explorer.py", "gas.py", "corridors.py"}
    helpers = [p for p in sorted((ROOT / "app_pages").glob("_*.py")) if p.name not in _NOT_YET]
    found = []
    for path in [ROOT / "app.py", *pages, *helpers]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
            func = call.func
            if not isinstance(func, ast.Attribute) or func.attr not in _SHOWN_BY:
                continue
            if isinstance(func.value, ast.Name) and func.value.id in ("logger", "logging"):
                continue
            shown = [*call.args[:1], *(k.value for k in call.keywords if k.arg in _SHOWN_KEYWORDS)]
            found += [
                f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(node)[:60]}"
                for node in shown
                if _has_english(node)
            ]
    assert found == []


def test_the_routes_page_speaks_the_language_and_says_why_in_it():
    """Baku to Kars avoiding Georgia on the newest date: no route, and the reason in Russian
    (the legs it needs, the planned network), the controls and the tables too."""
    at = _page_in("ru", "routes", {"from": "baku", "to": "kars", "avoid": "GEO"})
    text = " ".join(m.value for m in at.main.markdown)
    assert "Маршруты: из одного места в другое по коридорам" in text
    assert "участки, действующие на" in text  # the scenario, in words
    (warning,) = [w.value for w in at.warning]
    assert "Маршрута нет." in warning
    assert "в планируемой сети он есть" in warning
    assert "no route" not in warning
    assert "legs" not in warning
    assert at.multiselect(key="r_avoid").label == "Страны, которые обойти"
    assert at.toggle(key="r_compare").label == "Сегодня и по плану"
    with i18n.language("ru"):
        georgia = i18n.country_name("GEO", "Georgia")
    assert georgia in " ".join(c.value for c in at.caption)  # "В обход: Грузия (GEO)"


def test_the_routes_page_shows_a_route_in_the_language():
    at = _page_in("tr", "routes", {"from": "baku", "to": "kars", "when": "planned"})
    labels = {m.label for m in at.metric}
    assert {"Çizilen hatlar boyunca uzunluk", "Sınır geçişleri", "Deniz kesimleri"} <= labels
    headers = {c for df in at.dataframe for c in df.value.columns}
    assert {"Kesim", "Başlangıç", "Bitiş", "Uzunluk"} <= headers
    assert not {"Leg", "From", "To", "Length"} & headers
    captions = " ".join(c.value for c in at.caption).replace("\\", "")  # markdown escapes
    assert "Ülkeler:" in captions
    assert "Taşıma türüne göre km:" in captions
    assert "Countries:" not in captions
    assert "demiryolu" in captions  # km by mode, by the mode's Turkish word
    assert "Gürcistan (GEO)" in captions


def test_an_export_is_built_in_the_session_s_language_whichever_thread_builds_it():
    """A download builds its file in the language of the session that drew the button, even
    when Streamlit calls the builder later, where another language is in force (another
    session's thread, or none: English)."""
    from app_pages import _exports  # noqa: PLC0415

    made = {}

    class Column:
        def download_button(self, label, *, data, **_options):
            made[label] = data

    with i18n.language("tr"):
        _exports.download(Column(), "Harita (PNG)", i18n.current, "view.png", "key")
    with i18n.language("ru"):
        _exports.download(Column(), "Карта (PNG)", i18n.current, "view.png", "key2")
    assert i18n.current() == "en"
    assert made["Harita (PNG)"]() == "tr"  # built where English is in force
    with i18n.language("ru"):  # built in a Russian session's thread
        assert made["Harita (PNG)"]() == "tr"
        assert i18n.current() == "ru"
    assert made["Карта (PNG)"]() == "ru"
    assert i18n.current() == "en"


@pytest.mark.parametrize(
    ("code", "numbers"),
    [
        ("en", {1: "1st", 3: "3rd", 12: "12th", 21: "21st"}),
        ("tr", {1: "1.", 12: "12.", 13: "13."}),
        ("ru", {1: "1-й", 12: "12-й"}),
        # vowel harmony: bir, üç, altı, doqquz, on, iki, qırx, yüz
        ("az", {1: "1-ci", 3: "3-cü", 6: "6-cı", 9: "9-cu", 10: "10-cu", 12: "12-ci", 40: "40-cı"}),
    ],
)
def test_a_summit_s_number_is_an_ordinal_of_the_language(code, numbers):
    for n, text in numbers.items():
        assert i18n.ordinal(n, code) == text
    with i18n.language(code):
        label = mapbuild.styles._summit_label(
            {"city": "Gabala", "date": "2025-10-07", "number": 12}
        )
    assert label == f"Gabala 2025 ({numbers[12]})"


def _sent(at) -> str:
    """What the explorer's map component receives (its layers' payload among it)."""
    (component,) = at.get("component_instance")
    args = json.loads(component.proto.json_args)
    return "".join(v for v in args.values() if isinstance(v, str))


def test_the_map_s_labels_and_tooltips_follow_the_session_s_language():
    """The explorer's layer payload is cached per filter set and language: an English session
    first, then a Russian one with the same filters, each gets its own labels and tooltips."""
    english = _sent(_app({}))
    russian = _sent(_app({"lang": "ru"}))

    def sent(text: str) -> str:  # as the payload's JSON writes it (non-ASCII as \uXXXX)
        return json.dumps(text)[1:-1]

    assert "(12th)" in english
    assert sent("(12-й)") not in english
    assert sent("(12-й)") in russian
    assert "(12th)" not in russian
    with i18n.language("ru"):
        summits = i18n.gettext(catalog.SUMMITS.title)
    assert summits != catalog.SUMMITS.title
    assert sent(summits) in russian  # the tooltips' layer title


@pytest.mark.parametrize("code", SHIPPED)
def test_the_data_page_speaks_the_language_and_keeps_provenance_english(code):
    at = _page_in(code, "data")
    captions = " ".join(c.value for c in at.caption)
    assert "This page is not translated yet" not in captions
    with i18n.language(code):
        heading, review_heading, limits_heading, provenance, setting, what = (
            i18n.gettext(m)
            for m in (
                "Data and sources",
                "Due for review",
                "Limits for your own layers",
                "The layers' descriptions and provenance (source titles, licences, notes, file "
                "and property names) are the English original, as written from their sources.",
                "setting",
                "largest file accepted, in MB",
            )
        )
        legs = i18n.gettext(catalog.CORRIDOR_LEGS.title)
    main = " ".join(m.value for m in at.main.markdown)
    for translated in (heading, review_heading, limits_heading):
        assert translated in main
    for english in ("Data and sources", "Due for review", "Limits for your own layers"):
        assert english not in main
    assert "Properties:" not in main
    assert provenance in captions  # the page says once that provenance stays English
    # the layers by their translated titles, their files by name
    assert f"{legs} · {catalog.CORRIDOR_LEGS.file}" in {e.label for e in at.expander}
    headers = {c for t in [*at.table, *at.dataframe] for c in t.value.columns}
    assert setting in headers
    assert not {"setting", "value", "from", "env variable", "what", "kind", "due"} & headers
    # each setting's description in the language (it is interface text, not provenance)
    cells = {str(v) for t in at.table for v in t.value.to_numpy().ravel()}
    assert what in cells
    assert "largest file accepted, in MB" not in cells


def test_the_data_page_s_review_kinds_are_review_s_own():
    """The Data page translates each kind's description from its own marked copy: it must be
    review's text (else the page would show an older description)."""
    from app_pages import _data  # noqa: PLC0415 (Streamlit's module, only for this test)

    assert dict(_data.KIND_HELP) == dict(review.KIND_HELP)


def test_no_text_of_the_data_page_is_left_unmarked():
    """The Data page (app.py names it in ``translated`` by its path, as it has no variable of
    its own) is held to the same rule as the pages the frame test finds."""
    assert '| {"data"}' in (ROOT / "app.py").read_text(encoding="utf-8")
    tree = ast.parse((ROOT / "app_pages" / "data.py").read_text(encoding="utf-8"))
    found = []
    for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
        func = call.func
        if not isinstance(func, ast.Attribute) or func.attr not in _SHOWN_BY:
            continue
        shown = [*call.args[:1], *(k.value for k in call.keywords if k.arg in _SHOWN_KEYWORDS)]
        found += [f"data.py:{node.lineno}" for node in shown if _has_english(node)]
    assert found == []


_HOSTILE_LINK_VALUE = "<img src=x onerror=alert(1)>**{n}**"


@pytest.mark.parametrize("code", SHIPPED)
def test_a_bad_link_value_is_named_in_the_language_and_stays_text(code):
    state, notices = links.parse({"zoom": [_HOSTILE_LINK_VALUE], "modes": ["x"]}, _vocab())
    assert state.zoom is None
    (notice,) = notices
    english = str(notice)
    with i18n.language(code):
        shown = str(notice)
        expected = i18n.gettext("not a number from {lo} to {hi} in quarter steps").format(
            lo=2, hi=12
        )
    assert (
        english
        == f"Ignored zoom={_HOSTILE_LINK_VALUE!r}: not a number from 2 to 12 in quarter steps"
    )
    assert expected in shown
    assert "not a number" not in shown
    assert repr(_HOSTILE_LINK_VALUE) in shown  # the value as given: never a template
    # in the app: under the page's heading in the language, the value escaped
    at = _app({"lang": code, "zoom": _HOSTILE_LINK_VALUE, "corridor": "<b>x</b>"})
    assert not at.exception
    (warning,) = [w.value for w in at.warning]
    with i18n.language(code):
        assert i18n.gettext("Some link parameters could not be used and were dropped:") in warning
        assert i18n.gettext("not a known corridor") in warning
    assert formatting.md_escape(repr(_HOSTILE_LINK_VALUE)) in warning
    assert formatting.md_escape("'<b>x</b>'") in warning


def test_link_notices_follow_a_change_of_language():
    at = _app({"lang": "tr", "zoom": "99"})
    with i18n.language("tr"):
        assert i18n.gettext("not a number from {lo} to {hi} in quarter steps").format(
            lo=2, hi=12
        ) in " ".join(w.value for w in at.warning)
        at.sidebar.selectbox(key="w_lang").set_value("ru").run()
    assert not at.exception
    with i18n.language("ru"):
        (warning,) = [w.value for w in at.warning]
        assert i18n.gettext("Ignored {param}={value}: {reason}").format(
            param="zoom",
            value="'99'",
            reason=i18n.gettext("not a number from {lo} to {hi} in quarter steps").format(
                lo=2, hi=12
            ),
        ) in warning.replace("\\", "")


# ---------------------------------------------------------------------------------------------
# Place names from the sourced table (layers/place_names.csv)


def _node_labels(code: str) -> dict[str, tuple[str, str]]:
    from corridormap import load  # noqa: PLC0415
    from corridormap.mapbuild.payload import feature_collection  # noqa: PLC0415

    nodes = load.load_all(keys=["nodes"]).frames["nodes"]
    with i18n.language(code):
        sent = feature_collection(catalog.NODES, nodes)
    return {f["id"]: (f["properties"]["label"], f["properties"]["tip"]) for f in sent["features"]}


def test_a_map_label_names_a_place_as_the_table_gives_it_in_the_language():
    russian, azerbaijani, english = _node_labels("ru"), _node_labels("az"), _node_labels("en")
    assert russian["baku"][0] == "Баку"
    assert russian["baku"][1].startswith("<b>Баку</b>")  # the tooltip too
    assert azerbaijani["baku"][0] == "Bakı"
    assert english["baku"][0] == "Baku"
    assert russian["port-of-baku-alat"][0] == "Порт Алят"
    assert english["port-of-baku-alat"][0] == "Port of Baku at Alat"

    def words(label: str) -> str:  # a long label is wrapped onto lines
        return " ".join(label.split())

    # a place the table has no row for in the language keeps the data's name
    assert azerbaijani["shu"][0] == english["shu"][0] == "Shu"  # no Azerbaijani row
    assert russian["shu"][0] == "Шу"
    # a description's words translated, the border village's name as a page in the language
    # writes it
    assert words(russian["kartsakhi-tunnel"][0]) == "Пограничный тоннель GE–TR (Карцахи)"
    assert words(azerbaijani["kartsakhi-tunnel"][0]) == "GE–TR sərhəd tuneli (Kartsaxi)"
    assert azerbaijani["torugart"][0] == "Torugart"  # the data's name without "Pass"
    assert russian["tetritskaro"][0] == "Тетри-Цкаро"
    # renamed in September 2025: the new name, the old one in brackets, in each language
    assert words(english["jalal-abad"][0]) == "Manas (Jalal-Abad)"
    assert words(russian["jalal-abad"][0]) == "Манас (Джалал-Абад)"
    assert words(azerbaijani["jalal-abad"][0]) == "Manas (Cəlal-Abad)"
    assert russian["tsalka"][0] == "Цалка"
    assert russian["poti"][0] == "Поти"
    assert azerbaijani["erzurum"][0] == "Ərzurum"
    assert azerbaijani["tehran"][0] == "Tehran"  # a page's spelling (CLDR gives none)


def test_the_explorer_s_russian_map_sends_the_table_s_names():
    english, russian = _sent(_app({})), _sent(_app({"lang": "ru"}))
    baku = json.dumps("Баку")[1:-1]  # as the payload's JSON writes it (non-ASCII as \uXXXX)
    assert baku in russian
    assert baku not in english


def test_place_names_in_running_text():
    from corridormap import place_names  # noqa: PLC0415

    with i18n.language("ru"):
        # a leg's name part by part; a dash inside a name never splits it
        assert place_names.names_in("Almaty – Shu") == "Алматы – Шу"
        assert place_names.names_in("GE–TR border tunnel (Kartsakhi) – Kars") == (
            "Пограничный тоннель GE–TR (Карцахи) – Карс"
        )
        assert place_names.name_of("Meghri") == "Мегри"
        assert place_names.names_in("Manas (Jalal-Abad) – Andijan") == (
            "Манас (Джалал-Абад) – Андижан"
        )
        assert place_names.name_of("Chukhur Gabala (ancient Gabala)") == "Кабала"  # not Габала
    with i18n.language("tr"):
        assert place_names.name_of("Chukhur Gabala (ancient Gabala)") == "Antik Gebele"
        assert place_names.name_of("Gabala") == "Gebele"
    with i18n.language("az"):
        assert place_names.names_in("Almaty – Shu") == "Almatı – Shu"  # no Azerbaijani Shu
        assert place_names.name_of("Nakhchivan") == "Naxçıvan"
    assert place_names.names_in("Almaty – Shu") == "Almaty – Shu"  # English: the data's


def test_the_shipped_place_name_table_is_refused_with_a_bad_row(tmp_path: Path):
    from corridormap import place_names  # noqa: PLC0415
    from corridormap._errors import DataValidationError  # noqa: PLC0415

    layers = tmp_path / "layers"
    layers.mkdir()
    good = (catalog.default_data_dir() / "layers" / "place_names.csv").read_text("utf-8")
    (layers / "place_names.csv").write_text(
        good + "poti,Poti,ru,Поти,,,\npoti,Poti,xx,Poti,https://example.org,,\n", "utf-8"
    )
    with pytest.raises(DataValidationError) as caught:
        place_names.load_place_names(tmp_path)
    text = str(caught.value)
    n = good.count("\n")
    assert f"line {n + 1} (poti, ru), source: no source" in text
    assert f"line {n + 2} (poti, xx), language: not tr, az or ru" in text
    (layers / "place_names.csv").write_text(good, "utf-8")
    assert place_names.load_place_names(tmp_path).by_id[("baku", "tr")] == "Bakü"


def test_a_hostile_name_in_the_place_name_table_stays_text(monkeypatch: pytest.MonkeyPatch):
    """A name from the table reaches the map's tooltip escaped, like any other data."""
    from corridormap import load, place_names  # noqa: PLC0415
    from corridormap.mapbuild.payload import feature_collection  # noqa: PLC0415

    payload = '<img src=x onerror="alert(1)">Баку'
    table = place_names.PlaceNames({("baku", "ru"): payload}, {("Baku", "ru"): payload})
    monkeypatch.setattr(place_names, "_shipped", lambda: table)
    nodes = load.load_all(keys=["nodes"]).frames["nodes"]
    with i18n.language("ru"):
        sent = feature_collection(catalog.NODES, nodes)
    baku = next(f["properties"] for f in sent["features"] if f["id"] == "baku")
    # the label is sent as data (wrapped onto lines), drawn as text (textContent) by the map
    assert baku["label"].replace("\n", " ") == payload
    assert "<img" not in baku["tip"]
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;Баку" in baku["tip"]
