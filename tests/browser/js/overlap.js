/*
 * The test's own measure of pile-ups (tests/browser/test_cartography.py), evaluated in the
 * map's frame: how many visible icons and labels there are, and how many of them overlap
 * another's box by more than a pixel. The product never measures itself.
 */
() => {
    const rects = [];
    document
        .querySelectorAll(
            ".leaflet-marker-icon:not(.cm-hidden) .cm-pin:not(.cm-selected), .cm-label",
        )
        .forEach(function (el) {
            const r = el.getBoundingClientRect();
            if (r.width && r.height) {
                rects.push(r);
            }
        });
    let hit = 0;
    rects.forEach(function (a, i) {
        for (let j = 0; j < rects.length; j++) {
            const b = rects[j];
            if (
                i !== j &&
                a.left < b.right - 1 &&
                b.left < a.right - 1 &&
                a.top < b.bottom - 1 &&
                b.top < a.bottom - 1
            ) {
                hit++;
                return;
            }
        }
    });
    return { items: rects.length, overlapping: hit };
};
