"""HTML fragments from Jinja templates (``templates/``), escaped as they are filled in.

The environment autoescapes, and every value a template prints goes through
``escape.html_text`` (markup escaped, and the template openers ``{{``, ``{%`` and ``{#`` too,
since a fragment is later placed in a folium page). A value that is already HTML, made by the
code that knows it is (the legend, text in the Markdown subset of ``export.views.md_to_html``),
is passed as ``markupsafe.Markup`` and printed as it is. A template is rendered once: its
output is placed in the page verbatim (``elements.Verbatim``), never read as a template again.
"""

from __future__ import annotations

import functools
from typing import Any

import jinja2
from markupsafe import Markup

from corridormap.escape import html_text


def _finalize(value: object) -> Markup:
    if isinstance(value, Markup):
        return value
    return Markup(html_text(value))  # noqa: S704 - escaped by html_text on this line


def made_html(html: str) -> Markup:
    """HTML that the product's own code built, every value in it escaped there (the legend,
    ``export.views.md_to_html``): printed by a template as it is. Never for a string from
    data."""
    return Markup(html)  # noqa: S704 - the callers' HTML, built with escape.html_text


@functools.cache
def environment() -> jinja2.Environment:
    """The one environment: templates from the package, autoescaped, unknown names an error."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("corridormap", "templates"),
        autoescape=True,
        finalize=_finalize,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=False,
    )


@functools.cache
def macro(template: str, name: str) -> Any:
    """The macro ``name`` of ``template``: called with data, it returns escaped HTML. Looked up
    once: the legend calls its macros for every row of every map drawn, and each lookup would
    otherwise ask the loader whether the package's template file changed."""
    return getattr(environment().get_template(template).module, name)
