"""Briefings: an ordered list of scenes (title, text, filters, map view, highlights) in YAML.

A briefing file lives in ``data/briefings/<key>.yaml``::

    title: The Gabala summit, 7 Oct 2025
    description: optional short text for the title page
    scenes:
      - title: Middle Corridor
        text: short **markdown**
        filters: {corridor: middle_corridor, asof: 2025-10-07}   # the link parameters
        view: {center: [41.0, 55.0], zoom: 4}                    # or {fit: features}
        highlight: [summits:ots-12-gabala-2025]                   # layer:id
        show: table                                               # optional, see SHOW

Scene filters use the names and rules of the link parameters (``links.parse``), so a briefing
and a link say the same thing in the same words. ``load_briefing`` reports every problem at
once, each naming the file, the scene (number and title) and the field.
"""

from __future__ import annotations

import reprlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Final

import yaml
import yaml.composer

from corridormap import catalog, files, links, load
from corridormap._errors import DataValidationError, Problem, count
from corridormap.filters import Filters
from corridormap.i18n import N_, _, gettext

#: The filter names a scene may use: the link parameters that describe filters.
FILTER_KEYS: Final = ("corridor", "route", "country", "mode", "status", "asof", "layers")
#: What a scene may show under its map, besides the map itself.
SHOW: Final = {
    "table": N_("the features on the map, as a table"),
    "chart:destinations": N_("Azerbaijani gas destinations over time"),
    "chart:km_by_status": N_("corridor km by status"),
    "route:FROM-TO": N_(
        "the shortest route between two nodes (node ids), drawn on the map with its "
        "totals, on the scene's date (without one: in the planned scenario)"
    ),
}
#: The prefix of a ``show: route:FROM-TO`` value.
ROUTE_SHOW: Final = "route:"
FIT_FEATURES: Final = "features"
_TOP_KEYS: Final = ("title", "description", "scenes")
_SCENE_KEYS: Final = ("title", "text", "filters", "view", "highlight", "show", "route")
#: A scene's ``route:`` mapping: the ends (node ids), a date or ``planned``, countries to
#: avoid (ISO3), modes, and whether to draw today's route beside the planned one.
ROUTE_KEYS: Final = ("from", "to", "when", "avoid", "modes", "compare")
_VIEW_KEYS: Final = ("center", "zoom", "fit")
MAX_BYTES: Final = 1_000_000
#: What ``files.read_bounded`` calls the limit (a message, said in the language in force).
_BRIEFING_LIMIT: Final = N_("a briefing's limit")


@dataclass(frozen=True, slots=True)
class SceneView:
    """Where the map looks: a centre and zoom, or "fit the features shown"."""

    center: tuple[float, float] | None = None
    zoom: int | None = None
    fit: bool = False


@dataclass(frozen=True, slots=True)
class Scene:
    number: int  # 1-based
    title: str
    text: str
    params: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # link parameters
    view: SceneView = SceneView()
    highlight: tuple[str, ...] = ()  # "layer:id"
    show: str | None = None
    # The scene's ``route:`` mapping (None: none, or only ``show: route:FROM-TO``).
    route: links.RouteState | None = None

    @property
    def highlights(self) -> tuple[tuple[str, str], ...]:
        return tuple((h.partition(":")[0], h.partition(":")[2]) for h in self.highlight)


@dataclass(frozen=True, slots=True)
class Briefing:
    key: str  # the file stem, as used in links: ?briefing=<key>
    title: str
    description: str
    scenes: tuple[Scene, ...]
    source: str  # the file name
    #: References left out because their layer did not load (the briefing still shows).
    skipped: tuple[Problem, ...] = ()
    #: The presentation link's parameter for the key: a shipped file's ``briefing``, a saved
    #: briefing's ``saved`` (its key is the store's id).
    link_param: str = "briefing"


# ---------------------------------------------------------------------------------------------


def default_vocabulary(data_dir: Path | None = None) -> links.Vocabulary:
    """The link vocabulary of the shipped layers (what scene filters and highlights may name)."""
    from corridormap import filters, mapbuild  # noqa: PLC0415 - folium only when needed

    frames = load.load_all(data_dir).frames
    return links.Vocabulary.from_frames(frames, mapbuild.BASEMAP_KEYS, filters.latest_date(frames))


def briefings_dir(data_dir: Path | None = None) -> Path:
    return (data_dir or catalog.default_data_dir()) / "briefings"


def list_briefings(directory: Path) -> dict[str, Path]:
    """Briefing files in ``directory`` by key (file stem), sorted; none if it does not exist."""
    if not directory.is_dir():
        return {}
    return {p.stem: p for p in sorted(directory.glob("*.yaml")) if p.is_file()}


def _text(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


_REPR: Final = reprlib.Repr()
_REPR.maxlevel, _REPR.maxlist, _REPR.maxdict, _REPR.maxstring, _REPR.maxother = 2, 4, 4, 60, 60


def _short(value: Any) -> str:
    # bounded: a value built from YAML aliases may stand for millions of nested items
    text = _REPR.repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


class _Collector:
    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []
        self.skipped: list[Problem] = []

    def add(self, where: str | None, field_name: str | None, problem: str) -> None:
        source = f"{self.source}, {where}" if where else self.source
        self.problems.append(Problem(source, problem, field=field_name))

    def skip(self, where: str | None, field_name: str | None, what: str) -> None:
        """A reference to a layer that did not load: left out and said, not a fault of the
        briefing (the other scenes, and the rest of this one, still show)."""
        source = f"{self.source}, {where}" if where else self.source
        self.skipped.append(Problem(source, what, field=field_name))


def _missing_layer(key: str, vocab: links.Vocabulary) -> str | None:
    """The title of a shipped layer that is not loaded (so not in ``vocab``), or None."""
    if key in catalog.layer_keys() and key not in vocab.feature_ids:
        return gettext(catalog.get(key).title)
    return None


def _str_field(
    c: _Collector, where: str, raw: Mapping[str, Any], name: str, *, required: bool
) -> str:
    value = raw.get(name)
    if value is None:
        if required:
            c.add(where, name, _("missing (expected a non-empty string)"))
        return ""
    if not isinstance(value, str) or not value.strip():
        c.add(where, name, _("not a non-empty string (got {value})").format(value=_short(value)))
        return ""
    return value.strip()


def _unknown(
    c: _Collector, where: str | None, raw: Mapping[str, Any], known: Sequence[str]
) -> None:
    for key in raw:
        if key not in known:
            prefix = where or _("top level")
            c.add(
                where,
                str(key),
                _("unknown key in {where} (known: {keys})").format(
                    where=prefix, keys=", ".join(known)
                ),
            )


def _filters(
    c: _Collector, where: str, raw: Any, vocab: links.Vocabulary
) -> dict[str, tuple[str, ...]]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        c.add(
            where,
            "filters",
            _("not a mapping of filter names to values (got {value})").format(value=_short(raw)),
        )
        return {}
    params: dict[str, tuple[str, ...]] = {}
    for key, value in raw.items():
        name = str(key)
        if name not in FILTER_KEYS:
            c.add(
                where,
                f"filters.{name}",
                _("unknown filter (known: {keys})").format(keys=", ".join(FILTER_KEYS)),
            )
            continue
        values = value if isinstance(value, list) else [value]
        bad = [v for v in values if v is None or isinstance(v, dict | list)]
        if bad:
            c.add(
                where,
                f"filters.{name}",
                _("not a value or a list of values (got {value})").format(value=_short(value)),
            )
            continue
        params[name] = tuple(_text(v) for v in values)
    _state, notices = links.parse({k: list(v) for k, v in params.items()}, vocab)
    legs = _missing_layer(catalog.CORRIDOR_LEGS.key, vocab)
    for n in notices:
        if n.param == "route" and legs is not None:
            c.skip(
                where,
                "filters.route",
                _("{value} is not applied: the {layer} layer is not loaded").format(
                    value=repr(n.value), layer=legs
                ),
            )
        else:
            c.add(
                where,
                f"filters.{n.param}",
                _("{reason} (got {value})").format(reason=n.reason, value=repr(n.value)),
            )
    return params


def _view(c: _Collector, where: str, raw: Any) -> SceneView:
    if raw is None:
        return SceneView()
    if not isinstance(raw, dict):
        c.add(where, "view", _("not a mapping with center and zoom, or fit: features"))
        return SceneView()
    for key in raw:
        if key not in _VIEW_KEYS:
            c.add(
                where,
                f"view.{key}",
                _("unknown key (known: {keys})").format(keys=", ".join(_VIEW_KEYS)),
            )
    if "fit" in raw:
        if raw["fit"] != FIT_FEATURES:
            c.add(
                where,
                "view.fit",
                _("must be {expected} (got {value})").format(
                    expected=f"'{FIT_FEATURES}'", value=_short(raw["fit"])
                ),
            )
        if "center" in raw or "zoom" in raw:
            c.add(where, "view", _("use either fit or center and zoom, not both"))
        return SceneView(fit=True)
    center = raw.get("center")
    zoom = raw.get("zoom")
    ok_center: tuple[float, float] | None = None
    if (
        isinstance(center, list)
        and len(center) == 2
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in center)
    ):
        lat, lon = float(center[0]), float(center[1])
        if -90 <= lat <= 90 and -180 <= lon <= 180:
            ok_center = (lat, lon)
    if ok_center is None:
        c.add(
            where,
            "view.center",
            _("not [lat, lon] in degrees (got {value})").format(value=_short(center)),
        )
    lo, hi = links.ZOOM_RANGE
    if not (isinstance(zoom, int) and not isinstance(zoom, bool) and lo <= zoom <= hi):
        c.add(
            where,
            "view.zoom",
            _("not a whole number from {low} to {high} (got {value})").format(
                low=lo, high=hi, value=_short(zoom)
            ),
        )
        zoom = None
    return SceneView(center=ok_center, zoom=zoom)


def _highlight(c: _Collector, where: str, raw: Any, vocab: links.Vocabulary) -> tuple[str, ...]:
    if raw is None:
        return ()
    values = raw if isinstance(raw, list) else [raw]
    out: list[str] = []
    for v in values:
        text = v if isinstance(v, str) else None
        if text is None or ":" not in text:
            c.add(
                where,
                "highlight",
                _("not a feature id 'layer:id' (got {value})").format(value=_short(v)),
            )
            continue
        resolved = links.resolve_select(text, vocab)
        missing = _missing_layer(text.partition(":")[0], vocab)
        if resolved is None and missing is not None:
            c.skip(
                where,
                "highlight",
                _("{value} is not shown: the {layer} layer is not loaded").format(
                    value=repr(text), layer=missing
                ),
            )
        elif resolved is None:
            c.add(
                where, "highlight", _("no feature {value} in the layers").format(value=repr(text))
            )
        elif resolved not in out:
            out.append(resolved)
    return tuple(out)


def _scene(c: _Collector, number: int, raw: Any, vocab: links.Vocabulary) -> Scene | None:
    if not isinstance(raw, dict):
        c.add(
            _("scene {number}").format(number=number),
            None,
            _("not a mapping (got {value})").format(value=_short(raw)),
        )
        return None
    title = raw.get("title")
    where = (
        _('scene {number} "{title}"').format(number=number, title=title)
        if isinstance(title, str) and title
        else _("scene {number}").format(number=number)
    )
    _unknown(c, where, raw, _SCENE_KEYS)
    title_s = _str_field(c, where, raw, "title", required=True)
    text = _str_field(c, where, raw, "text", required=True)
    params = _filters(c, where, raw.get("filters"), vocab)
    view = _view(c, where, raw.get("view"))
    highlight = _highlight(c, where, raw.get("highlight"), vocab)
    show = _show(c, where, raw.get("show"), vocab)
    route = _route(c, where, raw.get("route"), vocab)
    if route is not None and show is not None and show.startswith(ROUTE_SHOW):
        c.add(where, "route", _("use either route: or show: route:FROM-TO, not both"))
    return Scene(number, title_s, text, params, view, highlight, show, route)


def _list_text(value: Any) -> str | None:
    """A route option's values as a link writes them ("GEO,ARM"); None if not strings."""
    values = value if isinstance(value, list) else [value]
    if not all(isinstance(v, str) and v.strip() for v in values):
        return None
    return ",".join(v.strip() for v in values)


def _route_query(c: _Collector, where: str, raw: Mapping[str, Any]) -> dict[str, list[str]]:
    """A ``route:`` mapping as the Routes page's link parameters (what is not even the right
    kind of value is a problem here; the values themselves are checked by ``parse_route``)."""
    query: dict[str, list[str]] = {}
    for key in ("from", "to"):
        value = raw.get(key)
        if not isinstance(value, str) or not value.strip():
            c.add(
                where,
                f"route.{key}",
                _("missing or not a node id (got {value})").format(value=_short(value)),
            )
        else:
            query[key] = [value.strip()]
    when = raw.get("when")
    text = when.isoformat() if isinstance(when, date) else when
    if isinstance(text, str):
        query["when"] = [text]
    elif when is not None:
        c.add(
            where,
            "route.when",
            _("not a date or 'planned' (got {value})").format(value=_short(when)),
        )
    for key in ("avoid", "modes"):
        listed = None if raw.get(key) is None else _list_text(raw[key])
        if listed is not None:
            query[key] = [listed]
        elif raw.get(key) is not None:
            c.add(
                where,
                f"route.{key}",
                _("not a list of names (got {value})").format(value=_short(raw[key])),
            )
    compare = raw.get("compare")
    if isinstance(compare, bool):
        query["compare"] = ["1" if compare else "0"]
    elif compare is not None:
        c.add(
            where,
            "route.compare",
            _("not true or false (got {value})").format(value=_short(compare)),
        )
    return query


def _route(c: _Collector, where: str, raw: Any, vocab: links.Vocabulary) -> links.RouteState | None:
    """A scene's ``route:`` mapping, read as the Routes page reads its link (the same checks
    and messages): from, to, when (a date or planned), avoid, modes, compare."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        c.add(
            where,
            "route",
            _("not a mapping of {keys} (got {value})").format(
                keys=", ".join(ROUTE_KEYS), value=_short(raw)
            ),
        )
        return None
    if _missing_layer(catalog.NODES.key, vocab) is not None:
        c.skip(
            where,
            "route",
            _("the route is not shown: the {layer} layer is not loaded").format(
                layer=gettext(catalog.NODES.title)
            ),
        )
        return None
    bad = len(c.problems)
    for key in raw:
        if key not in ROUTE_KEYS:
            c.add(
                where,
                f"route.{key}",
                _("unknown key (known: {keys})").format(keys=", ".join(ROUTE_KEYS)),
            )
    state, notices = links.parse_route(_route_query(c, where, raw), vocab)
    for n in notices:
        c.add(
            where,
            f"route.{n.param}",
            _("{reason} (got {value})").format(reason=n.reason, value=_short(n.value)),
        )
    return state if len(c.problems) == bad else None


def _show(c: _Collector, where: str, show: Any, vocab: links.Vocabulary) -> str | None:
    if show is None:
        return None
    if isinstance(show, str) and show.startswith(ROUTE_SHOW):
        missing = _missing_layer(catalog.NODES.key, vocab)
        if missing is not None:
            c.skip(
                where,
                "show",
                _("{value} is not shown: the {layer} layer is not loaded").format(
                    value=repr(show), layer=missing
                ),
            )
            return None
        nodes = vocab.feature_ids.get(catalog.NODES.key, frozenset())
        if links.split_route(show.removeprefix(ROUTE_SHOW), nodes) is not None:
            return show
        c.add(
            where,
            "show",
            _("not route:FROM-TO with two node ids, e.g. route:baku-kars (got {value})").format(
                value=_short(show)
            ),
        )
        return None
    if isinstance(show, str) and show in SHOW:
        return show
    c.add(
        where,
        "show",
        _("not one of {values} (got {value})").format(values=", ".join(SHOW), value=_short(show)),
    )
    return None


def scene_route(scene: Scene, vocab: links.Vocabulary) -> tuple[str, str] | None:
    """The (from, to) node ids a scene's route (``route:`` or ``show: route:FROM-TO``) names,
    if any."""
    if scene.route is not None and scene.route.origin and scene.route.destination:
        return scene.route.origin, scene.route.destination
    if scene.show is None or not scene.show.startswith(ROUTE_SHOW):
        return None
    nodes = vocab.feature_ids.get(catalog.NODES.key, frozenset())
    return links.split_route(scene.show.removeprefix(ROUTE_SHOW), nodes)


#: Most scenes in one briefing, and most YAML aliases (``*name``) in one file.
MAX_SCENES: Final = 100
MAX_ALIASES: Final = 100


class _Loader(yaml.SafeLoader):
    """YAML's safe loader with dates left as text: a scene checks its dates itself and names
    a bad one (PyYAML would raise a bare ValueError on ``1999-99-99``). Aliases are counted:
    a few nested ones stand for billions of values (597 bytes took 27 s and 1.15 GB)."""

    aliases = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                event = self.peek_event()  # type: ignore[no-untyped-call]
                raise yaml.composer.ComposerError(
                    None,
                    None,
                    _("more than {n} aliases (*name)").format(n=MAX_ALIASES),
                    event.start_mark,
                )
        return super().compose_node(parent, index)


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def document_of(text: str, source: str) -> dict[str, Any]:
    """YAML text as a briefing document (the interchange mapping), not yet validated; raise
    ``DataValidationError`` when it is not YAML or not a mapping."""
    try:
        doc = yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader
    except RecursionError:
        raise DataValidationError([Problem(source, _("the YAML is nested too deeply"))]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        if mark is not None:
            message = _("invalid YAML at line {line}, column {column}: {problem}").format(
                line=mark.line + 1, column=mark.column + 1, problem=what
            )
        else:
            message = _("invalid YAML: {problem}").format(problem=what)
        raise DataValidationError([Problem(source, message)]) from None
    if not isinstance(doc, dict):
        raise DataValidationError(
            [
                Problem(
                    source,
                    _("top level is not a mapping with title and scenes (got {value})").format(
                        value=_short(doc)
                    ),
                )
            ]
        )
    return doc


def parse_briefing(
    text: str, source: str, vocab: links.Vocabulary, key: str = "", *, link_param: str = "briefing"
) -> Briefing:
    """A briefing from YAML text; raise ``DataValidationError`` listing every problem."""
    c = _Collector(source)
    doc = document_of(text, source)
    _unknown(c, None, doc, _TOP_KEYS)
    title = _str_field(c, "", doc, "title", required=True)
    description = _str_field(c, "", doc, "description", required=False)
    raw_scenes = doc.get("scenes")
    scenes: list[Scene] = []
    if not isinstance(raw_scenes, list) or not raw_scenes:
        c.add(None, "scenes", _("missing or not a non-empty list of scenes"))
    elif len(raw_scenes) > MAX_SCENES:
        c.add(
            None,
            "scenes",
            _("{n} scenes; the limit is {limit}").format(
                n=count(len(raw_scenes)), limit=MAX_SCENES
            ),
        )
    else:
        for number, raw in enumerate(raw_scenes, start=1):
            scene = _scene(c, number, raw, vocab)
            if scene is not None:
                scenes.append(scene)
    if c.problems:
        raise DataValidationError(c.problems)
    return Briefing(
        key or Path(source).stem,
        title,
        description,
        tuple(scenes),
        source,
        tuple(c.skipped),
        link_param,
    )


def document_yaml(doc: Mapping[str, Any]) -> str:
    """A briefing document as YAML text that ``parse_briefing`` (and ``corridormap export
    --briefing``) reads back as the same document."""
    return yaml.safe_dump(dict(doc), sort_keys=False, allow_unicode=True, width=100)


def parse_document(
    doc: Mapping[str, Any], vocab: links.Vocabulary, key: str, source: str | None = None
) -> Briefing:
    """A saved briefing (``?saved=<key>``) from its document, with the checks and messages of
    a YAML file; raise ``DataValidationError`` listing every problem (``source``: what they
    call it, by default "this briefing" in the language in force)."""
    source = _("this briefing") if source is None else source
    return parse_briefing(document_yaml(doc), source, vocab, key, link_param="saved")


def import_document(raw: bytes, name: str, vocab: links.Vocabulary) -> dict[str, Any]:
    """An uploaded YAML file's bytes as a valid briefing document; raise
    ``DataValidationError`` naming every problem, with the messages of a shipped file."""
    source = Path(name).name[-80:] or "upload.yaml"
    if len(raw) > MAX_BYTES:
        raise DataValidationError(
            [
                Problem(
                    source,
                    _("{size} bytes, over a briefing's limit of {limit}").format(
                        size=count(len(raw)), limit=count(MAX_BYTES)
                    ),
                )
            ]
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataValidationError(
            [Problem(source, _("not UTF-8 text (byte {byte})").format(byte=exc.start))]
        ) from None
    parse_briefing(text, source, vocab)  # every problem, named as for a file
    return document_of(text, source)


def read_document(path: Path) -> dict[str, Any]:
    """A briefing file as a document (not validated; bounded like ``load_briefing``)."""
    raw = files.read_bounded(path, MAX_BYTES, _BRIEFING_LIMIT)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataValidationError(
            [Problem(path.name, _("not UTF-8 text (byte {byte})").format(byte=exc.start))]
        ) from None
    return document_of(text, path.name)


def load_briefing(path: Path, vocab: links.Vocabulary | None = None) -> Briefing:
    """Read and validate a briefing file; ``vocab`` defaults to the shipped layers'."""
    source = path.name
    raw = files.read_bounded(path, MAX_BYTES, _BRIEFING_LIMIT)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataValidationError(
            [Problem(source, _("not UTF-8 text (byte {byte})").format(byte=exc.start))]
        ) from None
    return parse_briefing(text, source, vocab or default_vocabulary(), key=path.stem)


def scene_filters(scene: Scene, vocab: links.Vocabulary) -> Filters:
    """The scene's filters, parsed exactly as a link with the same parameters."""
    state, _notices = links.parse({k: list(v) for k, v in scene.params.items()}, vocab)
    return state.filters


def scene_query(briefing: Briefing, scene: Scene) -> str:
    """The link to a scene of the presentation page: ``?briefing=<key>&scene=<n>`` (a saved
    briefing's: ``?saved=<id>&scene=<n>``)."""
    return f"?{briefing.link_param}={briefing.key}&scene={scene.number}"
