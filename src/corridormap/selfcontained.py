"""A rendered map page made self-contained, for an export opened from ``file://``: every
vendored script and stylesheet the product refers to inlined, fonts and images as ``data:``
URIs, the product's own references only (``corridormap.assets`` says which files those are).
"""

from __future__ import annotations

import base64
import mimetypes
import re
from pathlib import Path

from corridormap import assets

__all__ = ["inline_html"]

_SCRIPT_SRC = re.compile(
    r"<script\b[^>]*?\bsrc\s*=\s*([\"'])(?P<url>[^\"']+)\1[^>]*>\s*</script\s*>", re.IGNORECASE
)
_LINK_CSS = re.compile(r"<link\b[^>]*>", re.IGNORECASE)
_HREF = re.compile(r"\bhref\s*=\s*([\"'])(?P<url>[^\"']+)\1", re.IGNORECASE)
_CSS_URL = re.compile(r"url\(\s*(?P<q>[\"']?)(?P<url>[^\"')]+)(?P=q)\s*\)")
_FONT_FACE = re.compile(r"@font-face\s*\{(?P<body>[^}]*)\}")
_SRC_DECL = re.compile(r"src\s*:[^;}]*;?")
_SOURCE_MAP = re.compile(r"^\s*(//|/\*)# sourceMappingURL=[^\n]*$", re.MULTILINE)
#: A reference the product writes to a vendored file: ``[<base>/]vendor/<path>`` exactly.
_VENDOR_REF = re.compile(r"\A(?:[^\s\"'<>]*/)?vendor/(?P<path>[^\s\"'?#<>]+)\Z")


def _known_paths() -> frozenset[str]:
    """Every path under ``static/vendor`` the product itself refers to (its assets' files and
    the marker images)."""
    return frozenset(
        {a.local_path for a in assets.ASSETS} | {vf.dest for vf in assets.vendor_files()}
    ) | frozenset(assets.ICON_FILES.values())


def _vendor_path(url: str, vroot: Path) -> Path | None:
    """The vendored file the product's own reference ``url`` names: a mapped CDN URL, or a
    ``[<base>/]vendor/<path>`` URL whose path is one of the product's assets (never just any
    string that contains ``vendor/``)."""
    asset = assets.asset_for_url(url)
    if asset is not None:
        rel = asset.local_path
    else:
        match = _VENDOR_REF.match(url)
        if match is None or match.group("path") not in _known_paths():
            return None
        rel = match.group("path")
    path = (vroot / rel).resolve()
    if vroot.resolve() not in path.parents or not path.is_file():
        return None
    return path


def _data_uri(path: Path) -> str:
    mime = (
        {
            ".woff2": "font/woff2",
            ".woff": "font/woff",
            ".ttf": "font/ttf",
            ".eot": "application/vnd.ms-fontobject",
            ".svg": "image/svg+xml",
        }.get(path.suffix)
        or mimetypes.guess_type(path.name)[0]
        or "application/octet-stream"
    )
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def _inline_css(css: str, css_path: Path, seen_fonts: set[Path] | None) -> str:
    css = _SOURCE_MAP.sub("", css)

    def font_face(match: re.Match[str]) -> str:
        # one format per face: woff2 (every current browser reads it), to keep the size down
        body = match.group("body")
        woff2 = [u.group("url") for u in _CSS_URL.finditer(body) if ".woff2" in u.group("url")]
        if not woff2:
            return match.group(0)
        if seen_fonts is not None:
            font = (css_path.parent / woff2[0].split("?")[0]).resolve()
            if font in seen_fonts:
                return ""  # a legacy alias (Font Awesome 5, FontAwesome) of a face already in
            seen_fonts.add(font)
        body = _SRC_DECL.sub("", body).rstrip().rstrip(";")
        return f'@font-face{{{body};src:url({woff2[0]}) format("woff2")}}'

    css = _FONT_FACE.sub(font_face, css)

    def url(match: re.Match[str]) -> str:
        ref = match.group("url")
        if ref.startswith(("data:", "#")):
            return match.group(0)
        target = (css_path.parent / ref.split("#")[0].split("?")[0]).resolve()
        if not target.is_file():
            return match.group(0)
        return f'url("{_data_uri(target)}")'

    return _CSS_URL.sub(url, css).replace("</style", "<\\/style")


def _inline_js(js: str) -> str:
    js = _SOURCE_MAP.sub("", js)
    # "\x3C" is "<" inside strings, template literals and regular expressions alike
    return re.sub(r"<(?=/?script|!--)", r"\\x3C", js, flags=re.IGNORECASE)


def inline_html(html: str, static_root: Path, *, dedupe_fonts: bool = True) -> str:
    """Make a rendered folium page self-contained, for an export opened from ``file://``.

    Every ``<script src>`` and stylesheet ``<link>`` that points at a vendored file (a
    ``.../vendor/<path>`` URL, or a CDN URL of ``assets.ASSETS``) is replaced by its content;
    fonts and images the CSS refers to become ``data:`` URIs (fonts as woff2 only), and so do
    the marker images of ``assets.LeafletIconFix``. Only the references the product itself
    writes are inlined, each file once: a string in the data that merely contains
    ``vendor/<path>`` (a feature id, a source URL) is left as it is.
    References to files that are not vendored are left as they are.

    With ``dedupe_fonts`` (the default), a font file is embedded once: later ``@font-face``
    rules for the same file are dropped. That drops Font Awesome's legacy family names
    ("Font Awesome 5 Free", "FontAwesome"), which folium's icons do not use, and saves ~0.8 MB.
    """
    vroot = static_root / "vendor"
    seen_fonts: set[Path] | None = set() if dedupe_fonts else None

    inlined: set[Path] = set()  # each vendored file goes in once: the product writes each
    # tag once, and no repetition can multiply the page's size

    def script(match: re.Match[str]) -> str:
        path = _vendor_path(match.group("url"), vroot)
        if path is None:
            return match.group(0)
        if path in inlined:
            return ""
        inlined.add(path)
        return f"<script>\n{_inline_js(path.read_text(encoding='utf-8'))}\n</script>"

    def link(match: re.Match[str]) -> str:
        tag = match.group(0)
        href = _HREF.search(tag)
        if href is None or "stylesheet" not in tag.lower():
            return tag
        path = _vendor_path(href.group("url"), vroot)
        if path is None:
            return tag
        if path in inlined:
            return ""
        inlined.add(path)
        return (
            f"<style>\n{_inline_css(path.read_text(encoding='utf-8'), path, seen_fonts)}\n</style>"
        )

    def icon_fix(match: re.Match[str]) -> str:
        parts = []
        for key, rel in assets.ICON_FILES.items():
            url = match.group(key)
            found = _VENDOR_REF.match(url)
            path = _vendor_path(url, vroot)
            if found is None or found.group("path") != rel or path is None:
                return match.group(0)
            parts.append(f'{key}: "{_data_uri(path)}"')
        return f"L.Icon.Default.mergeOptions({{{', '.join(parts)}}});"

    html = _SCRIPT_SRC.sub(script, html)
    html = _LINK_CSS.sub(link, html)
    return _ICON_FIX.sub(icon_fix, html, count=1)


#: The marker-image options ``assets.leaflet_icon_fix_js`` writes (the only quoted references
#: to vendored files outside ``<script src>`` and ``<link href>`` that the product writes).
_ICON_FIX = re.compile(
    r"L\.Icon\.Default\.mergeOptions\(\{"
    + ", ".join(rf'{key}: "(?P<{key}>[^"\s<>]+)"' for key in assets.ICON_FILES)
    + r"\}\);"
)
