/*
 * Fits the map to options.bounds ([west, south, east, north]) with options.padding (px) in
 * the browser, at the map's real size; refitted while the frame settles to its size, until
 * someone moves the map (mapbuild.FitView).
 */
function cmFitView(map, options) {
    const b = options.bounds;
    let moved = false;
    function fit() {
        if (moved) {
            return;
        }
        map.fitBounds(
            [
                [b[1], b[0]],
                [b[3], b[2]],
            ],
            { padding: [options.padding, options.padding], animate: false },
        );
    }
    fit();
    map.on("resize", fit);
    map.getContainer().addEventListener("pointerdown", function () {
        moved = true;
    });
    map.getContainer().addEventListener("wheel", function () {
        moved = true;
    });
}

// node (tests/js) imports the file; in the map, the element's script calls cmFitView
if (typeof module === "object" && module.exports) {
    module.exports = { cmFitView };
}
