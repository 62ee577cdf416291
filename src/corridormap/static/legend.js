/*
 * The legend (mapbuild.Legend): a Leaflet control at the bottom right holding pre-escaped
 * legend HTML (options.html), folded on a map smaller than options.foldPx ([x, y], CSS px).
 */
function cmLegend(owner, options) {
    const legend = L.control({ position: "bottomright" });
    legend.onAdd = function (map) {
        const div = L.DomUtil.create("div", "cm-legend-wrap");
        div.innerHTML = options.html;
        L.DomEvent.disableClickPropagation(div);
        L.DomEvent.disableScrollPropagation(div);
        // On a small map the legend starts folded, so it covers no content.
        const size = map.getSize();
        const details = div.querySelector("details");
        if (details && (size.x < options.foldPx[0] || size.y < options.foldPx[1])) {
            details.open = false;
        }
        // The labels make way for the legend (mapbuild.Declutter): when it is added, opened
        // or folded.
        if (details) {
            details.addEventListener("toggle", function () {
                map.fire("cmlegend");
            });
        }
        setTimeout(function () {
            map.fire("cmlegend");
        }, 0);
        return div;
    };
    if (owner instanceof L.Map) {
        legend.addTo(owner);
    } else {
        // In a feature group: shown while the group is on a map (a live map swaps
        // its groups, and their legend with them, when the view changes).
        owner.on("add", function () {
            legend.addTo(owner._map);
        });
        owner.on("remove", function () {
            legend.remove();
        });
        if (owner._map) {
            legend.addTo(owner._map);
        }
    }
}

// node (tests/js) imports the file; in the map, the element's script calls cmLegend
if (typeof module === "object" && module.exports) {
    module.exports = { cmLegend };
}
