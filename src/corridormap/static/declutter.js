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
 * Where a label of width w and height h (15 px a line) goes beside a marker at p: the first
 * of four positions (right, left, above, below) inside a map of size ({x, y}) and free of the
 * boxes taken. With force (a place that must be named), then the corners and rings further
 * out, as the static maps place them (export/labels.py), else the first inside the map; null
 * when none.
 */
function cmLabelSpot(p, w, size, taken, force, h = 15) {
    const g = 12;
    const spots = [
        [g, -h / 2],
        [-g - w, -h / 2],
        [-w / 2, -g - h],
        [-w / 2, g],
    ];
    if (force) {
        spots.push(
            [g * 0.6, -g - h * 0.8],
            [-g * 0.6 - w, -g - h * 0.8],
            [g * 0.6, g * 0.8],
            [-g * 0.6 - w, g * 0.8],
        );
        [1, 2, 3, 4.5, 6].forEach(function (ring) {
            for (let k = 0; k < 16; k++) {
                const a = (2 * Math.PI * k) / 16;
                spots.push([
                    (w / 2 + g) * ring * 1.1 * Math.cos(a) - w / 2,
                    (h + g) * ring * Math.sin(a) - h / 2,
                ]);
            }
        });
    }
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
 * last, from options.countryZoom, in the space that is left, in capitals by the rules of
 * options.lang (Turkish and Azerbaijani i becomes İ). Names are set as text.
 */
function cmDeclutter(map, options) {
    const countries = options.countries;
    const labelRanks = options.labelRanks;
    const countryZoom = options.countryZoom;
    const lang = options.lang || "en";
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
        // a name on several lines (style.map_label): its widest line, 15 px a line
        const lines = m.layer.feature.properties.label.split("\n");
        const w =
            4 +
            Math.max.apply(
                null,
                lines.map(function (t) {
                    return textWidth(t, font);
                }),
            );
        return cmLabelSpot(m.p, w, size, taken, force, 15 * lines.length);
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
        const family = getComputedStyle(map.getContainer()).fontFamily;
        const font = `600 12px ${family}`;
        const strong = `600 13px ${family}`; // .cm-label-strong: a place that must be named
        const kept = [];
        const taken = [];
        const halos = [];
        const all = [];
        // The legend is an obstacle: no label or lesser marker goes under it.
        const legend = map.getContainer().querySelector(".cm-legend");
        if (legend?.offsetWidth) {
            const lr = legend.getBoundingClientRect();
            const mr = map.getContainer().getBoundingClientRect();
            taken.push({
                box: {
                    x1: lr.left - mr.left - 4,
                    y1: lr.top - mr.top - 4,
                    x2: lr.right - mr.left + 4,
                    y2: lr.bottom - mr.top + 4,
                },
            });
        }
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
        // The places that must be named (rank 9 and more) claim room for their names once all
        // their markers stand, before lesser markers come.
        let claimed = false;
        function claimNames() {
            if (claimed) {
                return;
            }
            claimed = true;
            kept.forEach(function (m) {
                if (m.rank < 9 || !m.layer.feature.properties.label) {
                    return;
                }
                const spots = taken.map(function (t) {
                    return t.box;
                });
                const box = labelAt(m, spots, size, strong, true);
                if (box) {
                    m.label = box;
                    taken.push({ box: box, owner: m });
                }
            });
        }
        all.forEach(function (m) {
            if (m.rank < 9) {
                claimNames();
            }
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
        });
        claimNames();
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
            const text = c[0].toLocaleUpperCase(lang);
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
    map.on("zoomend moveend layeradd layerremove resize cmlegend", schedule);
    schedule();
}

if (typeof module === "object" && module.exports) {
    module.exports = { cmOverlaps, cmMinRank, cmLabelSpot, cmFanOut, cmDeclutter };
}
