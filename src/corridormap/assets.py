"""Offline browser assets: folium's CDN URLs mapped to files vendored under ``static/vendor``.

Folium declares the JS/CSS it needs as CDN URLs (``default_js`` / ``default_css`` on every
``JSCSSMixin`` subclass). Offline, the first of them that fails stops streamlit-folium's loader
and the map stays blank. The product's maps (``mapbuild.LeanMap``) load Leaflet and Font
Awesome only, so only these are vendored (not folium.Map's jQuery, Bootstrap, glyphicons and
awesome-markers, nor plugins the product does not use). This module holds, in ONE table
(:data:`ASSETS`), which CDN URL is served by which vendored file (and where that file comes
from on the npm registry), and:

* :func:`use_offline_assets` rewrites folium's class-level URLs to the vendored copies and fails
  loudly (:class:`UnmappedAssetError`) when a class the product uses asks for a URL that has no
  local file -- so a folium upgrade cannot bring a CDN back silently;
* :class:`LeafletIconFix` / :func:`leaflet_icon_fix_js` point Leaflet's default marker icon at
  the vendored images;

``corridormap.selfcontained`` turns a saved map into a self-contained HTML file (scripts and
styles inlined, fonts and images as ``data:`` URIs) with this table.

corridormap's OWN browser code (``corridormap/static``) is inlined by ``corridormap.browser``.

``scripts/vendor_assets.py`` reads the same table to refresh ``static/vendor`` from npm.
The core package never imports streamlit.
"""

from __future__ import annotations

import hashlib
import importlib
import threading
import weakref
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from jinja2 import Template

from corridormap.elements import SinglePass

__all__ = [
    "ASSETS",
    "DEFAULT_BASE_URL",
    "ICON_FILES",
    "USED_CLASSES",
    "Asset",
    "LeafletIconFix",
    "UnmappedAssetError",
    "VendorFile",
    "asset_for_url",
    "leaflet_icon_fix_js",
    "local_path",
    "static_root",
    "use_offline_assets",
    "vendor_files",
    "vendor_root",
]

#: Where ``static/vendor`` is, seen from streamlit-folium's component iframe
#: (``<base>/component/streamlit_folium.st_folium/index.html``): two levels up is the server
#: root (or the ``--server.baseUrlPath`` prefix), and Streamlit serves ``static/`` next to
#: ``app.py`` at ``app/static/``. Relative, so it keeps working under a base URL path.
DEFAULT_BASE_URL: Final = "../../app/static/vendor"


@dataclass(frozen=True, slots=True)
class VendorFile:
    """One file under ``static/vendor`` and how ``scripts/vendor_assets.py`` produces it.

    ``recipe`` is ``"copy"`` (``source`` is a path inside the asset's npm tarball) or the name
    of a transformation the script implements (``source`` is then its input, possibly empty).
    """

    source: str
    dest: str
    recipe: str = "copy"


@dataclass(frozen=True, slots=True)
class Asset:
    """One CDN URL folium asks for, and the vendored file that replaces it."""

    name: str  # the link name folium uses ("leaflet", "leaflet_css", ...)
    cdn_url: str
    npm: str | None  # npm package spec the files come from; None if written by the script
    version: str  # version vendored
    licence: str  # SPDX expression
    main: VendorFile  # the file served in place of ``cdn_url``
    extras: tuple[VendorFile, ...] = ()  # fonts/images the main file refers to, licence text
    note: str = ""

    @property
    def local_path(self) -> str:
        """Path of the replacement under ``static/vendor``."""
        return self.main.dest

    @property
    def files(self) -> tuple[VendorFile, ...]:
        return (self.main, *self.extras)


def _copy(source: str, dest: str) -> VendorFile:
    return VendorFile(source=source, dest=dest)


_LEAFLET = "leaflet-1.9.3"
_FA = "fontawesome-free-6.2.0"

_FA_FONTS = tuple(
    _copy(f"package/webfonts/{name}.{ext}", f"{_FA}/webfonts/{name}.{ext}")
    for name in ("fa-brands-400", "fa-regular-400", "fa-solid-900", "fa-v4compatibility")
    for ext in ("woff2", "ttf")
)

#: Every CDN URL the product's folium classes ask for, and its vendored replacement.
ASSETS: Final[tuple[Asset, ...]] = (
    Asset(
        name="leaflet",
        cdn_url="https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js",
        npm="leaflet@1.9.3",
        version="1.9.3",
        licence="BSD-2-Clause",
        main=_copy("package/dist/leaflet.js", f"{_LEAFLET}/leaflet.js"),
        extras=(
            _copy("package/LICENSE", f"{_LEAFLET}/LICENSE"),
            # L.Icon.Default's images (see LeafletIconFix)
            _copy("package/dist/images/marker-icon.png", f"{_LEAFLET}/images/marker-icon.png"),
            _copy(
                "package/dist/images/marker-icon-2x.png", f"{_LEAFLET}/images/marker-icon-2x.png"
            ),
            _copy("package/dist/images/marker-shadow.png", f"{_LEAFLET}/images/marker-shadow.png"),
        ),
    ),
    Asset(
        name="leaflet_css",
        cdn_url="https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css",
        npm="leaflet@1.9.3",
        version="1.9.3",
        licence="BSD-2-Clause",
        main=_copy("package/dist/leaflet.css", f"{_LEAFLET}/leaflet.css"),
        extras=(
            _copy("package/LICENSE", f"{_LEAFLET}/LICENSE"),
            _copy("package/dist/images/layers.png", f"{_LEAFLET}/images/layers.png"),
            _copy("package/dist/images/layers-2x.png", f"{_LEAFLET}/images/layers-2x.png"),
            _copy("package/dist/images/marker-icon.png", f"{_LEAFLET}/images/marker-icon.png"),
        ),
    ),
    Asset(
        name="awesome_markers_font_css",
        cdn_url="https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@6.2.0/css/all.min.css",
        npm="@fortawesome/fontawesome-free@6.2.0",
        version="6.2.0",
        licence="CC-BY-4.0 AND OFL-1.1 AND MIT",
        main=_copy("package/css/all.min.css", f"{_FA}/css/all.min.css"),
        extras=(*_FA_FONTS, _copy("package/LICENSE.txt", f"{_FA}/LICENSE.txt")),
    ),
)

#: Classes the product puts on its maps. ``use_offline_assets`` fails if any of them (as
#: resolved through its MRO, so a folium upgrade that gives e.g. ``GeoJson`` its own
#: ``default_js`` is caught too) asks for a URL that is not in :data:`ASSETS`. Classes that do
#: not (or no longer) exist, or are not ``JSCSSMixin`` subclasses, are skipped.
USED_CLASSES: Final[tuple[str, ...]] = (
    "corridormap.mapbuild.build.LeanMap",  # (folium.Map's own jQuery, Bootstrap, etc.: unused)
    "folium.FeatureGroup",
    "folium.GeoJson",
    "folium.GeoJsonTooltip",
    "folium.GeoJsonPopup",
    "folium.Marker",
    "folium.Icon",
    "folium.DivIcon",
    "folium.CircleMarker",
    "folium.Circle",
    "folium.PolyLine",
    "folium.Polygon",
    "folium.Popup",
    "folium.Tooltip",
    "folium.LayerControl",
)

#: Vendored images Leaflet's default marker icon uses.
ICON_FILES: Final = {
    "iconUrl": f"{_LEAFLET}/images/marker-icon.png",
    "iconRetinaUrl": f"{_LEAFLET}/images/marker-icon-2x.png",
    "shadowUrl": f"{_LEAFLET}/images/marker-shadow.png",
}

_BY_URL: Final[dict[str, Asset]] = {a.cdn_url: a for a in ASSETS}


class UnmappedAssetError(ValueError):
    """A folium class the product uses asks for a URL with no vendored file."""

    def __init__(self, problems: Iterable[tuple[str, str, str]]) -> None:
        self.problems: tuple[tuple[str, str, str], ...] = tuple(problems)
        lines = [f"  - {cls}: {url} ({why})" for cls, url, why in self.problems]
        super().__init__(
            f"{len(self.problems)} browser asset(s) would load from outside the machine:\n"
            + "\n".join(lines)
            + "\nAdd each URL to corridormap.assets.ASSETS and run scripts/vendor_assets.py."
        )


def static_root() -> Path:
    """The repository's ``static/`` folder (served by Streamlit at ``/app/static``)."""
    return Path(__file__).resolve().parents[2] / "static"


def vendor_root(root: Path | None = None) -> Path:
    """``static/vendor`` (under ``root`` if given, else :func:`static_root`)."""
    return (root if root is not None else static_root()) / "vendor"


def local_path(name: str, root: Path | None = None) -> Path:
    """The vendored file for an asset, by folium link name, CDN URL or path under vendor/."""
    for asset in ASSETS:
        if name in (asset.name, asset.cdn_url, asset.local_path):
            return vendor_root(root) / asset.local_path
    for vf in vendor_files():
        if name == vf.dest:
            return vendor_root(root) / vf.dest
    raise KeyError(f"no vendored asset named {name!r}")


#: The checksums of the vendored files (written by ``scripts/vendor_assets.py``).
SUMS_FILE: Final = "SHA256SUMS"


def check_files(names: Iterable[str], root: Path | None = None) -> list[str]:
    """What is wrong with the vendored files of the assets ``names`` (and the fonts and images
    they refer to): missing, unreadable, or not the bytes ``SHA256SUMS`` lists. Empty when all
    is well. A map whose Leaflet is truncated stays blank without a word in the browser; this
    names the file on the server instead."""
    vroot = vendor_root(root)
    try:
        lines = (vroot / SUMS_FILE).read_text(encoding="ascii").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        return [f"static/vendor/{SUMS_FILE} cannot be read ({exc.__class__.__name__})"]
    sums: dict[str, str] = {}
    for line in lines:
        digest, _, dest = line.partition("  ")
        sums[dest] = digest
    wanted = [vf.dest for a in ASSETS if a.name in set(names) for vf in a.files]
    problems = []
    for dest in dict.fromkeys(wanted):
        path = vroot / dest
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except FileNotFoundError:
            problems.append(f"static/vendor/{dest} is missing")
            continue
        except OSError as exc:
            problems.append(f"static/vendor/{dest} cannot be read ({exc.strerror})")
            continue
        if sums.get(dest) != digest:
            problems.append(
                f"static/vendor/{dest} is corrupted (its sha256 differs from {SUMS_FILE})"
            )
    return problems


def asset_for_url(url: str) -> Asset | None:
    """The table entry for a CDN URL, or None."""
    return _BY_URL.get(url)


def vendor_files() -> tuple[VendorFile, ...]:
    """Every file under ``static/vendor`` the table lists, each once, in table order."""
    seen: dict[str, VendorFile] = {}
    for asset in ASSETS:
        for vf in asset.files:
            seen.setdefault(vf.dest, vf)
    return tuple(seen.values())


# --------------------------------------------------------------------------------------------
# Rewriting folium's URLs


_Links = list[tuple[str, str]]
_lock = threading.Lock()
#: class -> its own (default_js, default_css) as folium defined them, before any rewrite.
_originals: weakref.WeakKeyDictionary[type, tuple[_Links | None, _Links | None]] = (
    weakref.WeakKeyDictionary()
)


def _jscss_mixin() -> type:
    # imported lazily: folium is slow to import; folium.plugins registers the plugin classes
    import folium.plugins  # noqa: F401, PLC0415
    from folium.elements import JSCSSMixin  # noqa: PLC0415

    mixin: type = JSCSSMixin
    return mixin


def _subclasses(cls: type) -> Iterator[type]:
    seen: set[type] = set()
    stack: list[type] = list(cls.__subclasses__())
    while stack:
        sub = stack.pop()
        if sub in seen:
            continue
        seen.add(sub)
        yield sub
        stack.extend(sub.__subclasses__())


def _resolve(dotted: str) -> type | None:
    module_name, _, attr = dotted.rpartition(".")
    try:
        obj: Any = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError):
        return None
    return obj if isinstance(obj, type) else None


def _own_links(cls: type, attr: str) -> _Links | None:
    value = cls.__dict__.get(attr)
    return None if value is None else [(str(n), str(u)) for n, u in value]


def _local_url(url: str, base: str) -> str | None:
    asset = _BY_URL.get(url)
    return None if asset is None else f"{base}/{asset.local_path}"


def use_offline_assets(
    base_url: str = DEFAULT_BASE_URL,
    *,
    required: Iterable[type | str] = (),
    root: Path | None = None,
) -> None:
    """Point every folium ``default_js``/``default_css`` URL in :data:`ASSETS` at ``base_url``.

    Walks every ``JSCSSMixin`` subclass loaded (after importing ``folium`` and
    ``folium.plugins``) and replaces each URL that the table maps by
    ``base_url + "/" + local_path``; URLs the table does not know are left alone on classes
    the product does not use. Idempotent, and may be called again with another ``base_url``
    (URLs are always rewritten from folium's originals).

    Raises :class:`UnmappedAssetError` when a class of :data:`USED_CLASSES` (or of
    ``required``, classes or dotted names) asks for a URL with no entry in the table, or whose
    vendored file is missing under ``root`` (default: the repository's ``static/``).
    """
    base = base_url.rstrip("/")
    mixin = _jscss_mixin()
    with _lock:
        for cls in _subclasses(mixin):
            if cls not in _originals:
                _originals[cls] = (_own_links(cls, "default_js"), _own_links(cls, "default_css"))
            for attr, links in zip(("default_js", "default_css"), _originals[cls], strict=True):
                if links is None:
                    continue
                setattr(cls, attr, [(n, _local_url(u, base) or u) for n, u in links])

    problems: list[tuple[str, str, str]] = []
    vroot = vendor_root(root)
    for cls in _required_classes(mixin, required):
        for attr in ("default_js", "default_css"):
            for _name, url in _originals_for(cls, attr):
                asset = _BY_URL.get(url)
                label = f"{cls.__module__}.{cls.__qualname__}.{attr}"
                if asset is None:
                    problems.append((label, url, "no entry in corridormap.assets.ASSETS"))
                elif not (vroot / asset.local_path).is_file():
                    problems.append((label, url, f"missing file static/vendor/{asset.local_path}"))
    if problems:
        raise UnmappedAssetError(dict.fromkeys(problems))


def _required_classes(mixin: type, extra: Iterable[type | str]) -> Iterator[type]:
    for item in (*USED_CLASSES, *extra):
        cls = _resolve(item) if isinstance(item, str) else item
        if cls is None:
            if isinstance(item, str) and item in USED_CLASSES:
                continue  # a class the product may use that this folium lacks
            raise ValueError(f"cannot import {item!r}")
        if issubclass(cls, mixin):
            yield cls


def _originals_for(cls: type, attr: str) -> _Links:
    """``cls``'s links as folium defines them (through the MRO), before any rewrite."""
    index = 0 if attr == "default_js" else 1
    for klass in cls.__mro__:
        if klass in _originals and _originals[klass][index] is not None:
            links = _originals[klass][index]
            return list(links) if links is not None else []
        if attr in klass.__dict__:
            # a class created after the last rewrite: its own attribute is folium's original
            return _own_links(klass, attr) or []
    return []


# --------------------------------------------------------------------------------------------
# Leaflet's default marker icon


def leaflet_icon_fix_js(base_url: str = DEFAULT_BASE_URL) -> str:
    """JS that points ``L.Icon.Default`` at the vendored marker images.

    streamlit-folium adds the CSS after the scripts ran, so Leaflet's path detection fails and
    default markers come out as broken images. Full URLs in the options (with an empty
    ``imagePath``) also let ``selfcontained.inline_html`` swap them for ``data:`` URIs.
    """
    base = base_url.rstrip("/")
    opts = ", ".join(f'{key}: "{base}/{path}"' for key, path in ICON_FILES.items())
    return f'L.Icon.Default.imagePath = "";\nL.Icon.Default.mergeOptions({{{opts}}});'


class LeafletIconFix(SinglePass):
    """Sets Leaflet's default marker images; add it to the map before any marker."""

    _template = Template("{% macro script(this, kwargs) %}\n{{ this.js }}\n{% endmacro %}")

    def __init__(self, base_url: str = DEFAULT_BASE_URL) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "LeafletIconFix"
        self.js = leaflet_icon_fix_js(base_url)
