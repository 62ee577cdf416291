/*
 * Makes the map as tall as the frame it is drawn in (mapbuild.FillFrame): the presentation
 * sizes the frame to the screen with CSS; streamlit-folium gives the map a fixed height.
 */
function cmFillFrame(map) {
    function fill() {
        const h = `${window.innerHeight}px`;
        const outer = document.getElementById("map_div");
        if (outer) {
            outer.style.height = h;
        }
        map.getContainer().style.height = h;
        map.invalidateSize({ pan: false });
    }
    window.addEventListener("resize", fill);
    fill();
}

// node (tests/js) imports the file; in the map, the element's script calls cmFillFrame
if (typeof module === "object" && module.exports) {
    module.exports = { cmFillFrame };
}
