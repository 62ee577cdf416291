/*
 * A GeoJSON layer whose features carry their own style and pre-escaped tooltip HTML
 * (mapbuild.FastGeoJson). options.attribution: HTML or null; options.highlight: thicken a
 * feature under the pointer. Returns the layer, added to parent.
 */
function cmFastGeoJson(parent, data, options) {
    const geo = L.geoJson(data, {
        attribution: options.attribution,
        style: function (f) {
            return f.properties.style;
        },
        pointToLayer: function (f, latlng) {
            return L.marker(latlng, {
                icon: L.divIcon({
                    className: "cm-marker",
                    html: f.properties.style.html || "",
                    iconSize: [18, 18],
                    iconAnchor: [9, 9],
                }),
            });
        },
        onEachFeature: function (f, layer) {
            layer.bindTooltip(f.properties.tip, { sticky: true });
            if (f.properties.style.className) {
                layer.on("add", function () {
                    if (layer._path) {
                        L.DomUtil.addClass(layer._path, f.properties.style.className);
                    }
                });
            }
            if (!options.highlight) {
                return;
            }
            layer.on({
                mouseover: function (e) {
                    if (e.target.setStyle) {
                        e.target.setStyle({ weight: 6, fillOpacity: 0.8 });
                    }
                },
                mouseout: function (e) {
                    if (e.target.setStyle) {
                        geo.resetStyle(e.target);
                    }
                },
            });
        },
    });
    return geo.addTo(parent);
}

// node (tests/js) imports the file; in the map, the element's script calls cmFastGeoJson
if (typeof module === "object" && module.exports) {
    module.exports = { cmFastGeoJson };
}
