"""How data becomes text in a page: one URL policy, JSON for scripts, HTML text.

Strings from files, links and briefings are data. They reach a page only through these
functions, each for its context; none of them ever returns template source, markup from the
data, or a link whose scheme is not http(s).
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from typing import Any, Final
from urllib.parse import urlsplit

#: The only URL schemes a link from data may have.
WEB_SCHEMES: Final = ("http", "https")


def is_web_url(url: object) -> bool:
    """An absolute http(s) URL with a host and no whitespace or control characters.

    The one URL policy: cards, tables, exports (HTML, PDF) and users' files all use it; a
    value that fails it is shown as text, never as a link.
    """
    if not isinstance(url, str) or not url:
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    clean = not any(c.isspace() or unicodedata.category(c)[0] == "C" for c in url)
    return clean and parts.scheme.lower() in WEB_SCHEMES and bool(parts.netloc)


# ``{{``, ``{%`` and ``{#`` open Jinja tags; inside a JSON string the brace is written as
# \u007b, which JavaScript reads as the same character. Compact JSON has no such pair outside
# strings (an object's ``{`` is followed by ``"`` or ``}``), so only strings are touched.
_TEMPLATE_OPENER: Final = re.compile(r"\{(?=[{%#])")


def script_json(value: Any) -> str:
    """JSON that is safe inside an inline ``<script>`` and inert as template text.

    No ``<``, ``>`` or ``&`` (so nothing can end or change the script element, and no markup
    from data stands in the page), no raw U+2028/2029 (ASCII only), and no ``{{``/``{%``/``{#``
    (a second layer behind ``elements.SinglePass``).
    """
    text = json.dumps(value, ensure_ascii=True, separators=(",", ":"), allow_nan=False)
    # As Django's json_script: no <, > or & at all, so no markup from data stands in the page
    # (JavaScript reads \u003c as "<"; tooltips and labels come out unchanged).
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return _TEMPLATE_OPENER.sub(r"\\u007b", text)


def html_text(value: object) -> str:
    """Text for an HTML element or attribute: markup escaped, template openers too."""
    return _TEMPLATE_OPENER.sub("&#123;", html.escape(str(value), quote=True))
