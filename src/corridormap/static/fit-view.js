/*
 * Fits the map to options.bounds ([west, south, east, north]) with options.padding (px) in
 * the browser, at the map's real size; refitted while the frame settles to its size, until
 * someone moves the map (mapbuild.FitView). options.legend (px, 0: none): room kept free for
 * the legend, beside the box or below it, whichever lets the box be larger (the legend's
 * measured size when it is there, at most this wide and a third of the map).
 * ``owner``: the map, or a feature group that fits its map each time it is added (a live map
 * swaps its groups when the page changes the scene).
 */
function cmLegendRoom(size, legend, most) {
    if (!most) {
        return { w: 0, h: 0 };
    }
    return {
        w: Math.min(legend ? legend.w + 10 : most, most, size.x / 3),
        h: Math.min(legend ? legend.h + 10 : most, size.y / 2),
    };
}

function cmFitView(owner, options) {
    const b = options.bounds;
    const p = options.padding;
    function start(map) {
        let moved = false;
        function fit() {
            if (moved) {
                return;
            }
            const box = L.latLngBounds([
                [b[1], b[0]],
                [b[3], b[2]],
            ]);
            const el = options.legend ? map.getContainer().querySelector(".cm-legend") : null;
            const legend = el ? { w: el.offsetWidth, h: el.offsetHeight } : null;
            const room = cmLegendRoom(map.getSize(), legend, options.legend);
            const beside = map.getBoundsZoom(box, false, L.point(2 * p + room.w, 2 * p));
            const below = map.getBoundsZoom(box, false, L.point(2 * p, 2 * p + room.h));
            map.fitBounds(box, {
                paddingTopLeft: [p, p],
                paddingBottomRight: beside >= below ? [p + room.w, p] : [p, p + room.h],
                animate: false,
            });
        }
        function stop() {
            moved = true;
        }
        fit();
        map.on("resize", fit);
        map.getContainer().addEventListener("pointerdown", stop);
        map.getContainer().addEventListener("wheel", stop);
        if (!(owner instanceof L.Map)) {
            owner.once("remove", function () {
                moved = true;
                map.off("resize", fit);
            });
        }
    }
    if (owner instanceof L.Map) {
        start(owner);
        return;
    }
    owner.once("add", function () {
        start(owner._map);
    });
    if (owner._map) {
        start(owner._map);
    }
}

// node (tests/js) imports the file; in the map, the element's script calls cmFitView
if (typeof module === "object" && module.exports) {
    module.exports = { cmFitView, cmLegendRoom };
}
