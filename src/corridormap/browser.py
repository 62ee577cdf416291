"""corridormap's own browser code: the ``.js`` and ``.css`` files under ``corridormap/static``
(package data), inlined into every map so that it stays self-contained and offline.

* :func:`browser_code` reads a file through ``importlib.resources`` (an installed wheel finds
  it too) and refuses one that could end or change the element it goes in;
* :class:`BrowserCall` is a map element whose script is its file plus one call of the file's
  function, with the element's options as JSON (``escape.script_json``): data never becomes
  code, and the code is linted, formatted and unit-tested as code (``make js``);
* :func:`style_element` is a ``<style>`` of the package's CSS files, after the ``--cm-*``
  custom properties (style.py's colours and fonts) they use.

The vendored third-party files (Leaflet, Font Awesome) are ``corridormap.assets``'s.
"""

from __future__ import annotations

import functools
import importlib.resources
import re
from typing import ClassVar, Final

from jinja2 import Template

from corridormap import style
from corridormap.elements import SinglePass

__all__ = ["BrowserCall", "browser_code", "css_variables", "style_element"]


#: What code inlined in a ``<script>`` or ``<style>`` element must never hold: an end tag or
#: comment opener would end or change the element, a template opener would read as Jinja.
_NOT_INLINE: Final = re.compile(r"</(?:script|style)|<!--|\{[{%#]", re.IGNORECASE)


@functools.cache
def browser_code(name: str) -> str:
    """The text of ``corridormap/static/<name>``, a ``.js`` or ``.css`` file shipped with the
    package (read through ``importlib.resources``, so an installed wheel finds it too),
    without its opening comment (which is for the people who read the file)."""
    path = importlib.resources.files("corridormap").joinpath("static", name)
    text = path.read_text(encoding="utf-8")
    if text.startswith("/*"):
        text = text[text.index("*/") + 2 :].lstrip()
    found = _NOT_INLINE.search(text)
    if found:
        raise ValueError(f"static/{name} cannot be inlined: it holds {found.group(0)!r}")
    return text.rstrip() + "\n"


def css_variables() -> str:
    """The ``--cm-*`` custom properties the package's CSS files use: style.py's values."""
    values = {
        "sea": style.SEA,
        "text": style.TEXT,
        "font": style.FONT_STACK,
        "focus": style.FOCUS_RING,
        "accent": style.OKABE_ITO["blue"],
    }
    return ":root { " + " ".join(f"--cm-{k}: {v};" for k, v in values.items()) + " }\n"


def style_element(*names: str, extra: str = "") -> str:
    """A ``<style>`` element holding the package's CSS files ``names`` (and ``extra``, CSS the
    product writes), after the custom properties they use."""
    css = "".join(browser_code(name) for name in names)
    return f"<style>\n{css_variables()}{css}{extra}</style>"


class BrowserCall(SinglePass):
    """A map element whose script calls ``function`` from the package's ``code`` file.

    The script is the file, then the call, in a scope of their own (the file's functions
    reach nothing else on the page). Its arguments (:meth:`arguments`) are JavaScript the
    product writes: the names folium gives its elements, and options as
    ``escape.script_json``. With ``result``, the call's value becomes the element's variable
    (``var <name> = ...``), as a folium layer's is.
    """

    code: ClassVar[str]
    function: ClassVar[str]
    result: ClassVar[bool] = False

    _template = Template("{% macro script(this, kwargs) %}{{ this.call() }}{% endmacro %}")

    def parent_name(self) -> str:
        """The JavaScript name of the map or group this element was added to."""
        if self._parent is None:
            raise TypeError(f"{type(self).__name__} is rendered only as a child of a map")
        return str(self._parent.get_name())

    def arguments(self) -> list[str]:
        """The call's arguments (JavaScript expressions); the parent map's name by default."""
        return [self.parent_name()]

    def call(self) -> str:
        call = f"{self.function}({', '.join(self.arguments())});"
        code = browser_code(self.code)
        if self.result:
            return f"var {self.get_name()} = (function () {{\n{code}return {call}\n}})();"
        return f"(function () {{\n{code}{call}\n}})();"
