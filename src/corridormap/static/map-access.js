/*
 * A map a keyboard and a screen reader can use (mapaccess.MapAccess): a landmark, heading and
 * description (options.title, options.description), a skip link (options.skip), paths that
 * are never tab stops, and the markers reached through one tab stop (arrow keys, Home, End,
 * Enter or Space for the card, Escape back to the map). window.cmDescribeMap(text) changes
 * the description (mapaccess.MapDescription). Names are set as text.
 */
function cmMapAccess(map, options) {
    const title = options.title;
    const container = map.getContainer();
    const doc = container.ownerDocument;
    function byId(id) {
        return doc.getElementById(id);
    }
    function make(tag, id, cls, text) {
        const old = byId(id);
        if (old) {
            old.parentNode.removeChild(old);
        }
        const el = doc.createElement(tag);
        el.id = id;
        if (cls) {
            el.className = cls;
        }
        if (text) {
            el.textContent = text;
        }
        return el;
    }
    // The landmark: streamlit-folium's root, or (a page of its own) a wrapper.
    let main = byId("root");
    const framed = !!main; // the map is its frame's whole document
    if (main) {
        main.setAttribute("role", "main");
    } else {
        main = doc.createElement("main");
        main.className = "cm-main";
        container.parentNode.insertBefore(main, container);
        main.appendChild(container);
    }
    Array.prototype.forEach.call(doc.body.children, function (el) {
        // streamlit-folium's spacer after its root: nothing to read
        if (el !== main && el.tagName === "SPAN" && !el.textContent.trim()) {
            el.setAttribute("aria-hidden", "true");
        }
    });
    const heading = make("h1", "cm-map-title", "cm-sr-only", title);
    const about = make("p", "cm-map-about", "cm-sr-only", "");
    const skip = make("a", "cm-skip", "cm-skip", options.skip);
    skip.href = "#cm-map-end";
    const end = make("span", "cm-map-end", "cm-sr-only", "End of the map");
    end.tabIndex = -1;
    container.parentNode.insertBefore(heading, container);
    container.parentNode.insertBefore(about, container);
    container.parentNode.insertBefore(skip, container);
    container.parentNode.insertBefore(end, container.nextSibling);
    const TABBABLE =
        "a[href], button, input, select, textarea, summary, iframe, " +
        '[tabindex]:not([tabindex="-1"])';
    function afterFrame() {
        // The first stop after the map's frame in the page around it (same origin).
        try {
            const owner = window.frameElement;
            if (!owner) {
                return null;
            }
            const stops = owner.ownerDocument.querySelectorAll(TABBABLE);
            for (let i = 0; i < stops.length; i++) {
                const el = stops[i];
                const after = owner.compareDocumentPosition(el) & 4; // FOLLOWING
                const shown = el.getClientRects().length > 0;
                if (after && shown && !el.disabled && el.tabIndex >= 0) {
                    return el;
                }
            }
        } catch (_err) {
            /* a frame of another origin */
        }
        return null;
    }
    skip.addEventListener("click", function (e) {
        e.preventDefault();
        (afterFrame() || end).focus();
    });
    container.setAttribute("role", "region");
    container.setAttribute("aria-label", title);
    container.setAttribute("aria-describedby", "cm-map-about");
    if (!container.hasAttribute("tabindex")) {
        container.tabIndex = 0;
    }

    function describe(text) {
        text = text || options.description;
        about.textContent =
            text +
            " Tab reaches the map, then the places on it; " +
            "the arrow keys move between places, Enter opens a place's card.";
        const label = text ? `${title}: ${text}` : title;
        if (!framed) {
            return;
        } // a page of its own keeps its title
        doc.title = label;
        try {
            if (window.frameElement) {
                window.frameElement.title = label;
            }
        } catch (_err) {
            /* a frame of another origin: its own title stays */
        }
    }
    describe("");

    // Names: the place's own (place_name), else its tooltip as text (parsed inertly,
    // never inserted as HTML).
    const parser = new DOMParser();
    function nameOf(layer) {
        const own = layer.feature.properties.spoken;
        if (typeof own === "string" && own) {
            return own;
        }
        const tip = layer.getTooltip?.();
        const html = tip ? tip.getContent() : "";
        if (typeof html !== "string" || !html) {
            return "";
        }
        const body = parser.parseFromString(html, "text/html").body;
        const parts = [];
        body.childNodes.forEach(function (n) {
            const t = (n.textContent || "").trim();
            if (t) {
                parts.push(t);
            }
        });
        return parts.join(" \u2014 ");
    }
    function markers() {
        let out = [];
        map.eachLayer(function (layer) {
            const icon = layer._icon;
            if (!icon || !layer.feature) {
                return;
            }
            if (icon.classList.contains("cm-hidden")) {
                return;
            }
            if (icon.querySelector(".cm-selected")) {
                return;
            } // a ring, not a place
            out.push(layer);
        });
        const size = map.getSize();
        out = out.filter(function (layer) {
            const p = map.latLngToContainerPoint(layer.getLatLng());
            return p.x >= 0 && p.y >= 0 && p.x <= size.x && p.y <= size.y;
        });
        out.sort(function (a, b) {
            const ra = a.feature.properties.rank || 0,
                rb = b.feature.properties.rank || 0;
            if (ra !== rb) {
                return rb - ra;
            }
            return a.getLatLng().lng - b.getLatLng().lng;
        });
        return out;
    }
    let current = null; // the one marker in the tab order
    function setStop(layer) {
        current = layer;
        map.eachLayer(function (l) {
            if (l._icon && l.feature) {
                l._icon.tabIndex = l === layer ? 0 : -1;
            }
        });
    }
    let opened = null; // the place whose card Enter opened: focused again once redrawn
    function same(layer, p) {
        const q = layer.feature.properties;
        return q.layer === p.layer && q.id === p.id;
    }
    function tidy() {
        map.eachLayer(function (layer) {
            if (layer._path) {
                layer._path.setAttribute("tabindex", "-1");
            }
            if (layer._icon && layer.feature) {
                const name = nameOf(layer);
                if (name) {
                    layer._icon.setAttribute("aria-label", name);
                }
            }
        });
        const shown = markers();
        const again =
            opened &&
            shown.filter(function (l) {
                return same(l, opened);
            })[0];
        if (again && again !== current) {
            opened = null;
            setStop(again);
            if (doc.hasFocus() && !container.contains(doc.activeElement)) {
                again._icon.focus();
            }
            return;
        }
        setStop(shown.indexOf(current) >= 0 ? current : shown[0] || null);
    }
    let timer = null;
    function schedule() {
        if (timer) {
            clearTimeout(timer);
        }
        timer = setTimeout(tidy, 150); // after the labels' layout
    }
    map.on("layeradd layerremove zoomend moveend resize", schedule);
    map.on("layeradd", function (e) {
        if (e.layer._path) {
            e.layer._path.setAttribute("tabindex", "-1");
        }
    });
    tidy();

    container.addEventListener(
        "keydown",
        function (e) {
            const icon = e.target;
            if (!icon.classList?.contains("leaflet-marker-icon")) {
                return;
            }
            const shown = markers();
            let at = -1;
            shown.forEach(function (l, i) {
                if (l._icon === icon) {
                    at = i;
                }
            });
            if (at < 0) {
                return;
            }
            let next = null;
            if (e.key === "ArrowRight" || e.key === "ArrowDown") {
                next = shown[(at + 1) % shown.length];
            } else if (e.key === "ArrowLeft" || e.key === "ArrowUp") {
                next = shown[(at - 1 + shown.length) % shown.length];
            } else if (e.key === "Home") {
                next = shown[0];
            } else if (e.key === "End") {
                next = shown[shown.length - 1];
            } else if (e.key === "Enter" || e.key === " ") {
                e.preventDefault();
                e.stopPropagation();
                const layer = shown[at];
                opened = layer.feature.properties;
                layer.fire("click", { latlng: layer.getLatLng(), originalEvent: e }, true);
                return;
            } else if (e.key === "Escape") {
                container.focus();
                return;
            } else {
                return;
            }
            e.preventDefault();
            e.stopPropagation(); // arrows move between places here, not the map
            setStop(next);
            next._icon.focus();
        },
        true,
    );
    window.cmDescribeMap = describe;
}

// node (tests/js) imports the file; in the map, the element's script calls cmMapAccess
if (typeof module === "object" && module.exports) {
    module.exports = { cmMapAccess };
}
