/*
 * Keeps the view inside the bundled land's frame (options.bounds, [west, south, east, north])
 * and at options.minZoom or more: no zooming out or panning past the edge of the land the map
 * carries, whatever the map's size (mapbuild.LandFrame).
 */
function cmLandFrame(map, options) {
    const b = options.bounds;
    const frame = L.latLngBounds([
        [b[1], b[0]],
        [b[3], b[2]],
    ]);
    map.options.maxBoundsViscosity = 1.0;
    function clamp() {
        // At once, not animated: a frame that gets its size late (streamlit-folium's
        // starts 0 px high) shows the clamped view in its first drawn frame.
        const z = Math.max(options.minZoom, map.getBoundsZoom(frame, true));
        if (map.getZoom() < z) {
            map.setView(map.getCenter(), z, { animate: false });
        }
        map.setMinZoom(z);
        map.panInsideBounds(frame, { animate: false });
        map.setMaxBounds(frame);
    }
    clamp();
    map.on("resize", clamp);
}

// node (tests/js) imports the file; in the map, the element's script calls cmLandFrame
if (typeof module === "object" && module.exports) {
    module.exports = { cmLandFrame };
}
