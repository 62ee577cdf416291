// Every browser file shipped in src/corridormap/static: JavaScript that parses and defines the
// one function its map element calls; nothing that could end the inline element it goes in.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { test } from "node:test";

const require = createRequire(import.meta.url);
const dir = new URL("../../src/corridormap/static/", import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith(".js") || f.endsWith(".css"));

test("the package ships its browser files", () => {
    assert.ok(files.includes("declutter.js") && files.includes("map.css"), files.join(" "));
});

for (const name of files) {
    test(`${name} can be inlined`, () => {
        const text = readFileSync(new URL(name, dir), "utf8");
        assert.doesNotMatch(text, /<\/(script|style)|<!--|\{[{%#]/i);
    });
    if (name.endsWith(".js")) {
        test(`${name} exports the functions its elements call`, () => {
            const exported = require(new URL(name, dir).pathname);
            const names = Object.keys(exported);
            assert.ok(names.length > 0);
            for (const fn of names) {
                assert.equal(typeof exported[fn], "function", fn);
                assert.match(fn, /^cm[A-Z]/);
            }
        });
    }
}
