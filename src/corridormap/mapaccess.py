"""A map a keyboard and a screen reader can use: names, one tab stop, a way past the map.

Leaflet makes every interactive marker a tab stop (``role=button``, no name) and Chromium makes
every interactive SVG path one too, so a keyboard user tabs through hundreds of invisible stops
before reaching anything after the map. :class:`MapAccess` (on every map the product draws,
in the app and in the HTML export) turns that into:

* a ``main`` landmark holding a heading (``title``) and a description of what the map shows,
  which also label the map and, in the app, its frame (``document.title``, the iframe's
  ``title``);
* a "Skip the map" link, hidden until it has the focus, that moves past the map;
* paths that are never tab stops, and markers reached through ONE tab stop: the arrow keys
  move between the markers shown (the most important first), Home and End go to the first and
  the last, Enter or Space opens the feature's card as a click does, Escape goes back to the
  map itself. Each marker is named by :func:`place_name` ("Kars — Junction; Middle Corridor
  (TITR) — Nodes"), or else by its tooltip's text; names are set as text.

The description can change without rebuilding the map: :class:`MapDescription` is added to an
overlay group (the explorer's groups change with its filters; its base map does not).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from jinja2 import Template

from corridormap import style
from corridormap.catalog import LayerSpec
from corridormap.elements import FeatureGroup, SinglePass
from corridormap.escape import script_json

__all__ = [
    "CSS",
    "SKIP_LABEL",
    "MapAccess",
    "MapDescription",
    "description_group",
    "layers_description",
    "place_name",
]

#: The coded properties that say what a place is, in the order its spoken name gives them.
_NAMING_CODES: Final = ("node_kind", "summit_kind", "topic", "corridor")

SKIP_LABEL: Final = "Skip the map"

#: Visually hidden text, the skip link (shown when focused) and focus rings inside a map.
CSS: Final = f"""
.cm-sr-only {{ position: absolute !important; width: 1px; height: 1px; padding: 0;
  margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }}
.cm-skip {{ position: absolute; left: 8px; top: -60px; z-index: 2000; padding: 6px 10px;
  background: #fff; color: {style.TEXT}; border-radius: 4px; font: 600 13px {style.FONT_STACK};
  box-shadow: 0 1px 4px rgba(0,0,0,.4); }}
.cm-skip:focus {{ top: 8px; }}
.cm-main {{ display: block; }}
.leaflet-container:focus-visible, .cm-skip:focus-visible, .leaflet-container a:focus-visible,
.leaflet-container summary:focus-visible, .leaflet-container input:focus-visible {{
  outline: 3px solid {style.FOCUS_RING}; outline-offset: 2px; }}
.leaflet-container:focus-visible {{ outline-offset: -3px; }}
.leaflet-marker-icon:focus-visible {{ outline: none; }}
.leaflet-interactive:focus:not(:focus-visible) {{ outline: none; }}
.leaflet-marker-icon:focus-visible .cm-pin {{ box-shadow: 0 0 0 2px #fff,
  0 0 0 5px {style.FOCUS_RING}; }}
"""


class MapAccess(SinglePass):
    """The map's landmark, heading, description, skip link and keyboard access (see module)."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}<style>{{ this.css }}</style>{% endmacro %}
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this._parent.get_name() }};
            var title = {{ this.title_json }};
            var container = map.getContainer();
            var doc = container.ownerDocument;
            function byId(id) { return doc.getElementById(id); }
            function make(tag, id, cls, text) {
                var old = byId(id);
                if (old) { old.parentNode.removeChild(old); }
                var el = doc.createElement(tag);
                el.id = id;
                if (cls) { el.className = cls; }
                if (text) { el.textContent = text; }
                return el;
            }
            // The landmark: streamlit-folium's root, or (a page of its own) a wrapper.
            var main = byId('root');
            var framed = !!main;  // the map is its frame's whole document
            if (main) {
                main.setAttribute('role', 'main');
            } else {
                main = doc.createElement('main');
                main.className = 'cm-main';
                container.parentNode.insertBefore(main, container);
                main.appendChild(container);
            }
            Array.prototype.forEach.call(doc.body.children, function (el) {
                // streamlit-folium's spacer after its root: nothing to read
                if (el !== main && el.tagName === 'SPAN' && !el.textContent.trim()) {
                    el.setAttribute('aria-hidden', 'true');
                }
            });
            var heading = make('h1', 'cm-map-title', 'cm-sr-only', title);
            var about = make('p', 'cm-map-about', 'cm-sr-only', '');
            var skip = make('a', 'cm-skip', 'cm-skip', {{ this.skip_json }});
            skip.href = '#cm-map-end';
            var end = make('span', 'cm-map-end', 'cm-sr-only', 'End of the map');
            end.tabIndex = -1;
            container.parentNode.insertBefore(heading, container);
            container.parentNode.insertBefore(about, container);
            container.parentNode.insertBefore(skip, container);
            container.parentNode.insertBefore(end, container.nextSibling);
            var TABBABLE = 'a[href], button, input, select, textarea, summary, iframe, '
                + '[tabindex]:not([tabindex="-1"])';
            function afterFrame() {
                // The first stop after the map's frame in the page around it (same origin).
                try {
                    var owner = window.frameElement;
                    if (!owner) { return null; }
                    var stops = owner.ownerDocument.querySelectorAll(TABBABLE);
                    for (var i = 0; i < stops.length; i++) {
                        var el = stops[i];
                        var after = owner.compareDocumentPosition(el) & 4;  // FOLLOWING
                        var shown = el.getClientRects().length > 0;
                        if (after && shown && !el.disabled && el.tabIndex >= 0) { return el; }
                    }
                } catch (err) { /* a frame of another origin */ }
                return null;
            }
            skip.addEventListener('click', function (e) {
                e.preventDefault();
                (afterFrame() || end).focus();
            });
            container.setAttribute('role', 'region');
            container.setAttribute('aria-label', title);
            container.setAttribute('aria-describedby', 'cm-map-about');
            if (!container.hasAttribute('tabindex')) { container.tabIndex = 0; }

            function describe(text) {
                text = text || {{ this.description_json }};
                about.textContent = text + ' Tab reaches the map, then the places on it; '
                    + 'the arrow keys move between places, Enter opens a place\\'s card.';
                var label = text ? title + ': ' + text : title;
                if (!framed) { return; }  // a page of its own keeps its title
                doc.title = label;
                try {
                    if (window.frameElement) { window.frameElement.title = label; }
                } catch (err) { /* a frame of another origin: its own title stays */ }
            }
            describe('');

            // Names: the place's own (place_name), else its tooltip as text (parsed inertly,
            // never inserted as HTML).
            var parser = new DOMParser();
            function nameOf(layer) {
                var own = layer.feature.properties.spoken;
                if (typeof own === 'string' && own) { return own; }
                var tip = layer.getTooltip && layer.getTooltip();
                var html = tip ? tip.getContent() : '';
                if (typeof html !== 'string' || !html) { return ''; }
                var body = parser.parseFromString(html, 'text/html').body;
                var parts = [];
                body.childNodes.forEach(function (n) {
                    var t = (n.textContent || '').trim();
                    if (t) { parts.push(t); }
                });
                return parts.join(' \\u2014 ');
            }
            function markers() {
                var out = [];
                map.eachLayer(function (layer) {
                    var icon = layer._icon;
                    if (!icon || !layer.feature) { return; }
                    if (icon.classList.contains('cm-hidden')) { return; }
                    if (icon.querySelector('.cm-selected')) { return; }  // a ring, not a place
                    out.push(layer);
                });
                var size = map.getSize();
                out = out.filter(function (layer) {
                    var p = map.latLngToContainerPoint(layer.getLatLng());
                    return p.x >= 0 && p.y >= 0 && p.x <= size.x && p.y <= size.y;
                });
                out.sort(function (a, b) {
                    var ra = a.feature.properties.rank || 0, rb = b.feature.properties.rank || 0;
                    if (ra !== rb) { return rb - ra; }
                    return a.getLatLng().lng - b.getLatLng().lng;
                });
                return out;
            }
            var current = null;  // the one marker in the tab order
            function setStop(layer) {
                current = layer;
                map.eachLayer(function (l) {
                    if (l._icon && l.feature) {
                        l._icon.tabIndex = l === layer ? 0 : -1;
                    }
                });
            }
            var opened = null;  // the place whose card Enter opened: focused again once redrawn
            function same(layer, p) {
                var q = layer.feature.properties;
                return q.layer === p.layer && q.id === p.id;
            }
            function tidy() {
                map.eachLayer(function (layer) {
                    if (layer._path) { layer._path.setAttribute('tabindex', '-1'); }
                    if (layer._icon && layer.feature) {
                        var name = nameOf(layer);
                        if (name) { layer._icon.setAttribute('aria-label', name); }
                    }
                });
                var shown = markers();
                var again = opened && shown.filter(function (l) { return same(l, opened); })[0];
                if (again && again !== current) {
                    opened = null;
                    setStop(again);
                    if (doc.hasFocus() && !container.contains(doc.activeElement)) {
                        again._icon.focus();
                    }
                    return;
                }
                setStop(shown.indexOf(current) >= 0 ? current : (shown[0] || null));
            }
            var timer = null;
            function schedule() {
                if (timer) { clearTimeout(timer); }
                timer = setTimeout(tidy, 150);  // after the labels' layout
            }
            map.on('layeradd layerremove zoomend moveend resize', schedule);
            map.on('layeradd', function (e) {
                if (e.layer._path) { e.layer._path.setAttribute('tabindex', '-1'); }
            });
            tidy();

            container.addEventListener('keydown', function (e) {
                var icon = e.target;
                if (!icon.classList || !icon.classList.contains('leaflet-marker-icon')) { return; }
                var shown = markers();
                var at = -1;
                shown.forEach(function (l, i) { if (l._icon === icon) { at = i; } });
                if (at < 0) { return; }
                var next = null;
                if (e.key === 'ArrowRight' || e.key === 'ArrowDown') {
                    next = shown[(at + 1) % shown.length];
                } else if (e.key === 'ArrowLeft' || e.key === 'ArrowUp') {
                    next = shown[(at - 1 + shown.length) % shown.length];
                } else if (e.key === 'Home') { next = shown[0]; }
                else if (e.key === 'End') { next = shown[shown.length - 1]; }
                else if (e.key === 'Enter' || e.key === ' ') {
                    e.preventDefault();
                    e.stopPropagation();
                    var layer = shown[at];
                    opened = layer.feature.properties;
                    layer.fire('click', {latlng: layer.getLatLng(), originalEvent: e}, true);
                    return;
                } else if (e.key === 'Escape') {
                    container.focus();
                    return;
                } else { return; }
                e.preventDefault();
                e.stopPropagation();  // arrows move between places here, not the map
                setStop(next);
                next._icon.focus();
            }, true);
            window.cmDescribeMap = describe;
        })();
        {% endmacro %}
        """
    )

    def __init__(self, title: str = "Map", description: str = "") -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "MapAccess"
        self.css = CSS
        self.title_json = script_json(title)
        self.description_json = script_json(description)
        self.skip_json = script_json(SKIP_LABEL)


class MapDescription(SinglePass):
    """What the map shows, in words (set as text), for a map whose base stays across reruns."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        if (window.cmDescribeMap) { window.cmDescribeMap({{ this.text_json }}); }
        {% endmacro %}
        """
    )

    def __init__(self, text: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "MapDescription"
        self.text_json = script_json(text)


def place_name(spec: LayerSpec, row: Mapping[str, Any]) -> str:
    """A place's name for screen readers, as text: its name, what it is, its layer
    ("Kars — Junction; Zangezur corridor, Middle Corridor (TITR) — Nodes")."""
    name = row.get(spec.label_property) or row.get(spec.id_property)
    what = []
    for prop in spec.properties:
        if prop.codes not in _NAMING_CODES:
            continue
        value = row.get(prop.name)
        values = list(value) if isinstance(value, (list, tuple)) else [value]
        labels = [style.code_label(prop.codes, v) for v in values if isinstance(v, str) and v]
        if labels:
            what.append(", ".join(labels))
    return " — ".join(p for p in (str(name), "; ".join(what), spec.title) if p)


def layers_description(titles: Sequence[str]) -> str:
    """'Shows Corridor legs, Nodes and Gas pipelines.' (plain text; set as text)."""
    if not titles:
        return "Shows the basemap only."
    if len(titles) == 1:
        return f"Shows {titles[0]}."
    return f"Shows {', '.join(titles[:-1])} and {titles[-1]}."


def description_group(text: str) -> FeatureGroup:
    """An empty overlay group that says what the map shows (see :class:`MapDescription`)."""
    group = FeatureGroup(name="Description", show=True, control=False)
    group.add_child(MapDescription(text))
    return group
