/*
 * A GeoJSON layer the map fetches from a URL served by the app (mapbuild.FetchedGeoJson):
 * options.url, options.attribution (HTML, pre-escaped, or null). Returns the feature group the
 * layer is drawn in; when the fetch fails, a note on the map says so.
 */
function cmFetchedGeoJson(map, options) {
    const group = L.featureGroup().addTo(map);
    fetch(options.url)
        .then(function (r) {
            if (!r.ok) {
                throw new Error(`basemap ${r.status} ${r.url}`);
            }
            return r.json();
        })
        .then(function (data) {
            L.geoJson(data, {
                attribution: options.attribution,
                style: function (f) {
                    return f.properties.style;
                },
                onEachFeature: function (f, layer) {
                    layer.bindTooltip(f.properties.tip, { sticky: true });
                },
            }).addTo(group);
            group.bringToBack();
        })
        .catch(function (err) {
            console.error(`corridormap: ${err}`);
            const note = L.control({ position: "bottomleft" });
            note.onAdd = function () {
                const div = L.DomUtil.create("div", "cm-map-note");
                div.textContent =
                    "The basemap's land could not be loaded; the map shows the overlays only.";
                return div;
            };
            note.addTo(map);
        });
    return group;
}

// node (tests/js) imports the file; in the map, the element's script calls cmFetchedGeoJson
if (typeof module === "object" && module.exports) {
    module.exports = { cmFetchedGeoJson };
}
