"""The HTML fragments' templates (corridormap.fragments, templates/export-panel.html): every
value from data comes out as text, template openers included, whatever the macro."""

from __future__ import annotations

import html
import re

import jinja2
import pytest

from corridormap import fragments

PAYLOADS = [
    "<img src=x onerror=alert(1)>",
    "</aside><script>alert(2)</script>",
    "{{ 7*7 }} {% if 1 %}x{% endif %} {# c #}",
    "' onmouseover='alert(3)",
    '" autofocus onfocus="alert(4)',
    "&amp; &lt;b&gt;",
]

PANEL = "export-panel.html"


def _scene(text: str) -> dict[str, object]:
    return {
        "title": text,
        "text": "",
        "description": text,
        "legend": fragments.made_html("<div class='cm-legend'></div>"),
        "sources_heading": text,
        "sources": fragments.macro(PANEL, "sources")(
            [{"link": False, "url": text, "shown": "", "said": text, "meta": text}], text
        ),
        "counts": text,
    }


def _calls(text: str) -> dict[str, str]:
    words = {"previous": text, "next": text, "scene": text}
    return {
        "title": fragments.macro(PANEL, "title")(text),
        "footnote": fragments.macro(PANEL, "footnote")(text),
        "view_panel": fragments.macro(PANEL, "view_panel")(_scene(text), text),
        "briefing_panel": fragments.macro(PANEL, "briefing_panel")(
            text, "", words, [_scene(text), _scene(text)], text
        ),
        "sources (a link)": fragments.macro(PANEL, "sources")(
            [{"link": True, "url": text, "shown": text, "said": "", "meta": text}], text
        ),
        "sources (none)": fragments.macro(PANEL, "sources")([], text),
    }


@pytest.mark.parametrize("payload", PAYLOADS)
def test_every_macro_prints_data_as_text(payload: str) -> None:
    for name, out in _calls(payload).items():
        assert "<img" not in out, name
        assert "<script" not in out, name
        assert not re.search(r"\{[{%#]", out), name  # no template opener survives
        # no attribute can be closed by the data: quotes are escaped
        assert "' onmouseover" not in out, name
        assert '" autofocus' not in out, name
        # ... and the text reads back as it was
        assert payload in html.unescape(out.replace("&#123;", "{")), name


def test_html_made_by_the_code_is_kept_and_a_missing_value_is_an_error() -> None:
    out = fragments.macro(PANEL, "view_panel")(_scene("x"), "foot")
    assert "<div class='cm-legend'></div>" in out
    assert out.startswith("<aside class='cm-panel' data-counts='x'><h1>x</h1>")
    assert "\n" not in out  # one line, as the page had it before the templates
    with pytest.raises(jinja2.UndefinedError):
        fragments.macro(PANEL, "view_panel")({"title": "x"}, "foot")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_every_legend_row_prints_its_label_as_text(payload: str) -> None:
    rows = {
        "swatch_row": ("#123456", 0.5, payload),
        "line_row": ("#123456", "4 6", 3, payload),
        "status_row": ("#123456", None, 2, payload, payload),
        "pin_row": ("#123456", "ship", payload),
        "dot_row": ("#123456", payload),
    }
    for name, args in rows.items():
        out = fragments.macro("legend.html", name)(*args)
        assert "<img" not in out, name
        assert not re.search(r"\{[{%#]", out), name
        assert "' onmouseover" not in out, name
        assert payload in html.unescape(out.replace("&#123;", "{")), name
    legend = fragments.macro("legend.html", "legend")([(payload, [out])], False, payload)
    assert legend.startswith("<details class='cm-legend' open><summary>")
    assert "<img" not in legend
    assert "<script" not in legend
    assert not re.search(r"\{[{%#]", legend)
    assert legend.count("<div class='cm-row'>") == 1  # the row, made by a macro, kept as HTML
