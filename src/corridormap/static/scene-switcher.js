/*
 * The briefing's HTML export (export.html): one scene's overlays and caption at a time, chosen
 * with the buttons, the list or the arrow keys. groups: each scene's feature group; scenes:
 * [{center: [lat, lon], zoom, counter}] (counter: "Scene 2 of 5" in the page's language), in the
 * same order.
 */
function cmSceneSwitcher(map, groups, scenes) {
    let current = -1;
    function show(i) {
        i = Math.max(0, Math.min(scenes.length - 1, i));
        groups.forEach(function (g, j) {
            if (j !== i && map.hasLayer(g)) {
                map.removeLayer(g);
            }
        });
        if (!map.hasLayer(groups[i])) {
            groups[i].addTo(map);
        }
        map.setView(scenes[i].center, scenes[i].zoom);
        document.querySelectorAll(".cm-scene").forEach(function (el, j) {
            el.hidden = j !== i;
        });
        // the counter in the page's language ("Scene 2 of 5"), written by the export
        document.getElementById("cm-counter").textContent =
            scenes[i].counter || `Scene ${i + 1} of ${scenes.length}`;
        document.getElementById("cm-bar").style.width = `${(100 * (i + 1)) / scenes.length}%`;
        document.getElementById("cm-select").value = String(i);
        document.body.setAttribute("data-scene", String(i + 1));
        current = i;
    }
    document.getElementById("cm-prev").onclick = function () {
        show(current - 1);
    };
    document.getElementById("cm-next").onclick = function () {
        show(current + 1);
    };
    document.getElementById("cm-select").onchange = function (e) {
        show(parseInt(e.target.value, 10));
    };
    document.addEventListener("keydown", function (e) {
        const tag = e.target?.tagName || "";
        if (tag === "SELECT" || tag === "INPUT" || tag === "TEXTAREA") {
            return;
        }
        if (e.key === "ArrowRight") {
            show(current + 1);
        }
        if (e.key === "ArrowLeft") {
            show(current - 1);
        }
    });
    const start = parseInt((location.hash.match(/scene=(\d+)/) || [0, 1])[1], 10) - 1;
    show(Number.isNaN(start) ? 0 : start);
}

// node (tests/js) imports the file; in the map, the element's script calls cmSceneSwitcher
if (typeof module === "object" && module.exports) {
    module.exports = { cmSceneSwitcher };
}
