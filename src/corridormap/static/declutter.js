/*
 * Labels and decluttering for a corridormap map (mapbuild.Declutter), redone after every zoom,
 * pan or change of overlays. The pure parts (box overlap, label placement, the fan-out of
 * highlights on one spot, the label rank for a zoom) are exported for node's unit tests
 * (tests/js); in the map, this file is inlined into the page and cmDeclutter is called.
 */

/** Whether box a ({x1, y1, x2, y2}) overlaps any box in list. */
function cmOverlaps(a, list) {
    for (let i = 0; i < list.length; i++) {
        const b = list[i];
        if (a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2) {
            return true;
        }
    }
    return false;
}

/** The lowest rank labelled at zoom: labelRanks is [[zoom, rank], ...], zooms ascending. */
function cmMinRank(labelRanks, zoom) {
    let r = 99;
    labelRanks.forEach(function (z) {
        if (zoom >= z[0]) {
            r = z[1];
        }
    });
    return r;
}

/**
 * Where a label of width w goes beside a marker at p: the first of four positions (right,
 * left, above, below) inside a map of size ({x, y}) and free of the boxes taken; with force,
 * the first inside the map; null when none.
 */
function cmLabelSpot(p, w, size, taken, force) {
    const h = 15;
    const g = 12;
    const spots = [
        [g, -h / 2],
        [-g - w, -h / 2],
        [-w / 2, -g - h],
        [-w / 2, g],
    ];
    let first = null;
    for (let i = 0; i < spots.length; i++) {
        const x = p.x + spots[i][0];
        const y = p.y + spots[i][1];
        const box = { x1: x, y1: y, x2: x + w, y2: y + h };
        const inside = x >= 2 && y >= 2 && x + w <= size.x - 2 && y + h <= size.y - 2;
        if (!inside) {
            continue;
        }
        if (!cmOverlaps(box, taken)) {
            return box;
        }
        if (first === null) {
            first = box;
        }
    }
    return force ? first : null;
}

/**
 * Highlights (rank 9 and up) standing on one spot (several notes at one city) are fanned out
 * around it, so that each can be seen and named: sets each item's dx, dy (px; 0 for the rest).
 * Items are {p: {x, y}, rank}.
 */
function cmFanOut(items) {
    const stacks = {};
    items.forEach(function (m) {
        m.dx = 0;
        m.dy = 0;
        if (m.rank < 9) {
            return;
        }
        const k = `${Math.round(m.p.x / 4)}:${Math.round(m.p.y / 4)}`;
        stacks[k] = stacks[k] || [];
        stacks[k].push(m);
    });
    Object.keys(stacks).forEach(function (k) {
        const stack = stacks[k];
        if (stack.length < 2) {
            return;
        }
        const r = 11 + 3 * stack.length;
        stack.forEach(function (m, i) {
            const a = (2 * Math.PI * i) / stack.length - Math.PI / 2;
            m.dx = Math.round(r * Math.cos(a));
            m.dy = Math.round(r * Math.sin(a));
        });
    });
    return items;
}

/**
 * Point markers are taken from the most important (rank in their properties) down; a marker
 * whose box would overlap one already kept is hidden, and the one it lost to shows "+N". Kept
 * markers are then labelled, by rank and as far as the zoom allows (options.labelRanks), at
 * the first free position; country names (options.countries: [name, lat, lon, large]) go
 * last, from options.countryZoom, in the space that is left. Names are set as text.
 */
function cmDeclutter(map, options) {
    const countries = options.countries;
    const labelRanks = options.labelRanks;
    const countryZoom = options.countryZoom;
    const pane = map.getPane("cmLabels") || map.createPane("cmLabels");
    pane.style.zIndex = 650;
    pane.style.pointerEvents = "none";
    const ctx = document.createElement("canvas").getContext("2d");
    function textWidth(text, font) {
        ctx.font = font;
        return ctx.measureText(text).width;
    }
    function markers() {
        const out = [];
        map.eachLayer(function (layer) {
            const f = layer.feature;
            if (!layer._icon || !f?.properties || f.properties.rank === undefined) {
                return;
            }
            out.push(layer);
        });
        return out;
    }
    let timer = null;
    function schedule() {
        if (timer) {
            clearTimeout(timer);
        }
        timer = setTimeout(layout, 60);
    }
    function labelAt(m, taken, size, font, force) {
        const w = textWidth(m.layer.feature.properties.label, font) + 4;
        return cmLabelSpot(m.p, w, size, taken, force);
    }
    function draw(m, box) {
        const div = L.DomUtil.create(
            "div",
            `cm-label${m.rank >= 9 ? " cm-label-strong" : ""}`,
            pane,
        );
        div.textContent = m.layer.feature.properties.label;
        L.DomUtil.setPosition(div, map.containerPointToLayerPoint([box.x1, box.y1]));
    }
    function layout() {
        timer = null;
        pane.innerHTML = "";
        const zoom = map.getZoom();
        const size = map.getSize();
        const font = `600 12px ${getComputedStyle(map.getContainer()).fontFamily}`;
        const kept = [];
        const taken = [];
        const halos = [];
        const all = [];
        markers().forEach(function (layer) {
            const m = {
                layer: layer,
                rank: layer.feature.properties.rank || 0,
                p: map.latLngToContainerPoint(layer.getLatLng()),
            };
            // A highlight ring is drawn around its feature's own marker: it takes no
            // room of its own, and it lifts that marker above all others.
            if (layer._icon.querySelector(".cm-selected")) {
                halos.push(m);
            } else {
                all.push(m);
            }
        });
        all.forEach(function (m) {
            const f = m.layer.feature.properties;
            halos.forEach(function (h) {
                const g = h.layer.feature.properties;
                if (g.layer === f.layer && g.id === f.id) {
                    m.rank = Math.max(m.rank, h.rank);
                    m.halo = h;
                }
            });
        });
        cmFanOut(all);
        all.forEach(function (m) {
            const icons = [m.layer._icon].concat(m.halo ? [m.halo.layer._icon] : []);
            icons.forEach(function (icon) {
                // a ring moves with its marker
                icon.style.marginLeft = `${m.dx - 9}px`;
                icon.style.marginTop = `${m.dy - 9}px`;
            });
            m.p = L.point(m.p.x + m.dx, m.p.y + m.dy);
        });
        all.sort(function (a, b) {
            return b.rank - a.rank;
        });
        const threshold = cmMinRank(labelRanks, zoom);
        all.forEach(function (m) {
            const icon = m.layer._icon;
            const half = icon.querySelector(".cm-dot") ? 5 : 10;
            m.box = { x1: m.p.x - half, y1: m.p.y - half, x2: m.p.x + half, y2: m.p.y + half };
            icon.removeAttribute("data-more");
            let winner = null;
            for (let i = 0; i < taken.length; i++) {
                if (cmOverlaps(m.box, [taken[i].box])) {
                    winner = taken[i];
                    break;
                }
            }
            if (winner && m.rank < 9) {
                // highlights and named places always stay
                L.DomUtil.addClass(icon, "cm-hidden");
                if (winner.owner) {
                    winner.owner.more += 1;
                }
                return;
            }
            L.DomUtil.removeClass(icon, "cm-hidden");
            icon.style.zIndex = 1000 + m.rank * 100;
            m.more = 0;
            kept.push(m);
            taken.push({ box: m.box, owner: m });
            // An important place claims room for its name before lesser icons come.
            if (m.rank >= 9 && m.layer.feature.properties.label) {
                const box = labelAt(
                    m,
                    taken.map(function (t) {
                        return t.box;
                    }),
                    size,
                    font,
                    true,
                );
                if (box) {
                    m.label = box;
                    taken.push({ box: box, owner: m });
                }
            }
        });
        halos.forEach(function (h) {
            L.DomUtil.removeClass(h.layer._icon, "cm-hidden");
        });
        kept.forEach(function (m) {
            if (m.more) {
                m.layer._icon.setAttribute("data-more", `+${m.more}`);
            }
        });
        const boxes = taken.map(function (t) {
            return t.box;
        });
        kept.forEach(function (m) {
            if (m.label) {
                draw(m, m.label);
                return;
            }
            const visible =
                m.p.x > -50 && m.p.y > -20 && m.p.x < size.x + 50 && m.p.y < size.y + 20;
            if (!m.layer.feature.properties.label || !visible || m.rank < threshold) {
                return;
            }
            const box = labelAt(m, boxes, size, font, false);
            if (box) {
                boxes.push(box);
                draw(m, box);
            }
        });
        if (zoom < countryZoom) {
            return;
        }
        const cfont = `500 11px ${getComputedStyle(map.getContainer()).fontFamily}`;
        countries.forEach(function (c) {
            if (zoom < countryZoom + (c[3] ? 0 : 1)) {
                return;
            }
            const p = map.latLngToContainerPoint([c[1], c[2]]);
            if (p.x < 0 || p.y < 0 || p.x > size.x || p.y > size.y) {
                return;
            }
            const text = c[0].toUpperCase();
            const w = textWidth(text, cfont) * 1.08 + 4;
            const h = 14;
            const box = { x1: p.x - w / 2, y1: p.y - h / 2, x2: p.x + w / 2, y2: p.y + h / 2 };
            if (cmOverlaps(box, boxes)) {
                return;
            }
            boxes.push(box);
            const div = L.DomUtil.create("div", "cm-label cm-country", pane);
            div.textContent = text;
            L.DomUtil.setPosition(div, map.containerPointToLayerPoint([box.x1, box.y1]));
        });
    }
    map.on("zoomend moveend layeradd layerremove resize", schedule);
    schedule();
}

if (typeof module === "object" && module.exports) {
    module.exports = { cmOverlaps, cmMinRank, cmLabelSpot, cmFanOut, cmDeclutter };
}
