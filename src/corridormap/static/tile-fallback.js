/*
 * When an online basemap's tiles fail (no network), say so on the map and draw the bundled
 * land (options.landUrl, or null) instead, so the map never turns silently blank
 * (mapbuild.TileFallback).
 */
function cmTileFallback(map, tiles, options) {
    let failed = false;
    tiles.on("tileerror", function () {
        if (failed) {
            return;
        }
        failed = true;
        const note = L.control({ position: "bottomleft" });
        note.onAdd = function () {
            const div = L.DomUtil.create("div", "cm-map-note cm-tile-failed");
            div.textContent =
                "The online basemap cannot be loaded (no network?). " +
                "Showing the bundled land; choose the bundled basemap to " +
                "switch back.";
            return div;
        };
        note.addTo(map);
        if (!options.landUrl) {
            return;
        }
        fetch(options.landUrl)
            .then(function (r) {
                return r.json();
            })
            .then(function (data) {
                L.geoJson(data, {
                    style: function (f) {
                        return f.properties.style;
                    },
                    interactive: false,
                })
                    .addTo(map)
                    .bringToBack();
            })
            .catch(function (err) {
                console.error(`corridormap: ${err}`);
            });
    });
}

// node (tests/js) imports the file; in the map, the element's script calls cmTileFallback
if (typeof module === "object" && module.exports) {
    module.exports = { cmTileFallback };
}
