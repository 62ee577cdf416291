// Unit tests of the uploader's words (src/corridormap/static/uploader-words.js): which of
// Streamlit's English texts are its own, and what each becomes with a language's words, the
// sizes and file types Streamlit wrote kept as they were.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { test } from "node:test";

const require = createRequire(import.meta.url);
const { cmUploaderText } = require("../../src/corridormap/static/uploader-words.js");

const RU = {
    upload: "Загрузить",
    addFiles: "Добавить файлы",
    perFile: "До {size} на файл",
    tooLarge: "Размер файла не должен превышать {size}.",
    notAllowed: "Файлы типа {type} не принимаются.",
    onlyOne: "Можно загрузить только один файл.",
};

test("Streamlit's own words become the language's", () => {
    assert.equal(cmUploaderText("Upload", RU), "Загрузить");
    assert.equal(cmUploaderText(" Add files ", RU), "Добавить файлы");
    assert.equal(
        cmUploaderText("Only one file is allowed.", RU),
        "Можно загрузить только один файл.",
    );
});

test("the sizes and types Streamlit wrote are kept in the sentence", () => {
    assert.equal(cmUploaderText("20MB per file", RU), "До 20MB на файл");
    assert.equal(
        cmUploaderText("File must be 20.0MB or smaller.", RU),
        "Размер файла не должен превышать 20.0MB.",
    );
    assert.equal(
        cmUploaderText("application/pdf files are not allowed.", RU),
        "Файлы типа application/pdf не принимаются.",
    );
    // a size that itself holds the slot's name is not read as the slot again
    assert.equal(cmUploaderText("{size} per file", RU), "До {size} на файл");
});

test("other texts, and words the language lacks, are left as they are", () => {
    for (const text of [
        "corridors.geojson",
        "Uploads",
        " • GEOJSON, CSV",
        "per file",
        "My Upload",
    ]) {
        assert.equal(cmUploaderText(text, RU), null, text);
    }
    assert.equal(cmUploaderText("Drag and drop files here", RU), null); // no dropFiles in RU
    assert.equal(cmUploaderText("File size is too small.", {}), null);
});

test("a translated text is not translated again", () => {
    for (const said of Object.values(RU)) {
        assert.equal(cmUploaderText(said, RU), null, said);
    }
});
