// Unit tests of the map's pure layout code (src/corridormap/static/declutter.js): box overlap,
// label placement, the fan-out of highlights on one spot, the label rank for a zoom.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { test } from "node:test";

const require = createRequire(import.meta.url);
const {
    cmOverlaps,
    cmMinRank,
    cmLabelSpot,
    cmFanOut,
} = require("../../src/corridormap/static/declutter.js");

const box = (x1, y1, x2, y2) => ({ x1, y1, x2, y2 });

test("boxes that share area overlap, boxes that only touch do not", () => {
    const a = box(0, 0, 10, 10);
    assert.equal(cmOverlaps(a, [box(9, 9, 20, 20)]), true);
    assert.equal(cmOverlaps(a, [box(2, 2, 4, 4)]), true); // inside
    assert.equal(cmOverlaps(a, [box(10, 0, 20, 10)]), false); // edge to edge
    assert.equal(cmOverlaps(a, [box(0, 10, 10, 20)]), false);
    assert.equal(cmOverlaps(a, [box(30, 30, 40, 40), box(-5, -5, 1, 1)]), true); // any of many
    assert.equal(cmOverlaps(a, []), false);
});

test("the label rank is that of the highest zoom step reached", () => {
    const ranks = [
        [0, 9],
        [5, 6],
        [7, 3],
    ];
    assert.equal(cmMinRank(ranks, 4.75), 9);
    assert.equal(cmMinRank(ranks, 5), 6);
    assert.equal(cmMinRank(ranks, 8), 3);
    assert.equal(cmMinRank([[5, 6]], 2), 99); // below the first step: nothing is labelled
});

const size = { x: 400, y: 300 };
const p = { x: 200, y: 150 };

test("a label goes right of its marker when that is free", () => {
    assert.deepEqual(cmLabelSpot(p, 40, size, [], false), box(212, 142.5, 252, 157.5));
});

test("a label tries right, left, above, below in turn", () => {
    const right = box(212, 142.5, 252, 157.5);
    const left = box(148, 142.5, 188, 157.5);
    const above = box(180, 123, 220, 138);
    const below = box(180, 162, 220, 177);
    assert.deepEqual(cmLabelSpot(p, 40, size, [right], false), left);
    assert.deepEqual(cmLabelSpot(p, 40, size, [right, left], false), above);
    assert.deepEqual(cmLabelSpot(p, 40, size, [right, left, above], false), below);
    assert.equal(cmLabelSpot(p, 40, size, [right, left, above, below], false), null);
    // forced (a place that must be named): a corner or a ring further out, free of them all
    const taken = [right, left, above, below];
    const forced = cmLabelSpot(p, 40, size, taken, true);
    assert.ok(forced && !cmOverlaps(forced, taken), JSON.stringify(forced));
    assert.ok(forced.x1 >= 2 && forced.x2 <= size.x - 2 && forced.y1 >= 2 && forced.y2 <= 298);
    assert.ok(Math.hypot(forced.x1 + 20 - p.x, forced.y1 + 7.5 - p.y) < 120); // near its marker
    // with no free spot at all, the first inside the map, over what is there
    const everywhere = [box(0, 0, 400, 300)];
    assert.deepEqual(cmLabelSpot(p, 40, size, everywhere, true), right);
});

test("a name on several lines is as tall as its lines", () => {
    const spot = cmLabelSpot(p, 40, size, [], false, 45);
    assert.deepEqual(spot, box(212, 127.5, 252, 172.5));
});

test("a label never leaves the map", () => {
    const edge = { x: 390, y: 150 }; // no room on the right
    const spot = cmLabelSpot(edge, 40, size, [], false);
    assert.ok(spot.x2 <= size.x - 2 && spot.x1 >= 2, JSON.stringify(spot));
    assert.equal(spot.x2, edge.x - 12); // on the left
    assert.equal(cmLabelSpot({ x: 5, y: 5 }, 500, size, [], true), null); // fits nowhere
});

test("highlights on one spot fan out on a circle; others stay put", () => {
    const items = [
        { p: { x: 100, y: 100 }, rank: 9 },
        { p: { x: 101, y: 100 }, rank: 10 },
        { p: { x: 100, y: 101 }, rank: 9 },
        { p: { x: 100, y: 100 }, rank: 5 }, // not a highlight
        { p: { x: 300, y: 300 }, rank: 9 }, // alone
    ];
    cmFanOut(items);
    const fanned = items.slice(0, 3);
    const r = 11 + 3 * 3;
    for (const m of fanned) {
        assert.ok(Math.abs(Math.hypot(m.dx, m.dy) - r) <= 1, `${m.dx},${m.dy}`);
    }
    assert.deepEqual([fanned[0].dx, fanned[0].dy], [0, -r]); // the first straight up
    const spots = new Set(fanned.map((m) => `${m.dx},${m.dy}`));
    assert.equal(spots.size, 3); // each in a place of its own
    assert.deepEqual([items[3].dx, items[3].dy], [0, 0]);
    assert.deepEqual([items[4].dx, items[4].dy], [0, 0]);
});
