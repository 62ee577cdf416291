/*
 * Streamlit's file uploader in the session's language (app_pages/_lang.py): Streamlit writes
 * its own words ("Upload", "20MB per file", "File must be 20.0MB or smaller.") in English,
 * as text nodes of its own. Each such node inside an uploader is given the catalog's words
 * (options.words, from the gettext catalogs, as JSON) as text, never as HTML; the sizes and
 * file types Streamlit wrote are kept. An English page does nothing (options.english) until
 * another language was shown in it; a later call (another language) only changes the words
 * the observers use.
 */

/* Which words of options.words an English text of Streamlit's uploader is, and the text in
 * the session's language (or null: not one of Streamlit's own, left as it is). Pure. */
function cmUploaderText(text, words) {
    const exact = {
        Upload: "upload",
        "Add files": "addFiles",
        "Drag and drop a file here": "dropFile",
        "Drag and drop files here": "dropFiles",
        "File size is too small.": "tooSmall",
        "Only one file is allowed.": "onlyOne",
        "Unexpected error. Please try again.": "unexpected",
    };
    const trimmed = text.trim();
    if (Object.hasOwn(exact, trimmed)) {
        return words[exact[trimmed]] || null;
    }
    const patterns = [
        [/^(\S.*) per file$/, "perFile", "{size}"],
        [/^File must be (\S.*) or smaller\.$/, "tooLarge", "{size}"],
        [/^(\S.*) files are not allowed\.$/, "notAllowed", "{type}"],
    ];
    for (const [pattern, key, slot] of patterns) {
        const found = pattern.exec(trimmed);
        if (found && words[key]) {
            return words[key].split(slot).join(found[1]);
        }
    }
    return null;
}

function cmUploaderWords(options) {
    window.__cmUploaderWords = options.words;
    if (options.english && !window.__cmUploaderBody) {
        return; // English, and nothing was ever given other words in this page: no work
    }
    // what each node said in English before it was given other words, and what it was given:
    // a node React has since rewritten is English again; one still as written is translated
    // afresh from its English (another language chosen)
    const originals = window.__cmUploaderOriginals || new WeakMap();
    window.__cmUploaderOriginals = originals;
    const say = (target, now, write) => {
        const before = originals.get(target);
        const english = before && now === before.written ? before.english : now;
        const said = cmUploaderText(english, window.__cmUploaderWords);
        if (said === null) {
            return;
        }
        originals.set(target, { english, written: said });
        if (said !== now) {
            write(said);
        }
    };
    const fix = (box) => {
        const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const text = node;
            say(text, text.data, (said) => {
                text.data = said;
            });
        }
        for (const button of box.querySelectorAll("button[aria-label]")) {
            say(button, button.getAttribute("aria-label"), (said) => {
                button.setAttribute("aria-label", said);
            });
        }
    };
    // Each uploader has an observer of its own (its texts change when a file is refused);
    // the page's observer only notes that elements came or went, and an uploader new since
    // is looked for once, at most every 100 ms (a page load adds thousands of elements).
    const watched = window.__cmUploaderWatched || new WeakSet();
    window.__cmUploaderWatched = watched;
    const scan = () => {
        window.__cmUploaderDue = false;
        for (const box of document.querySelectorAll('[data-testid="stFileUploader"]')) {
            if (!watched.has(box)) {
                watched.add(box);
                new MutationObserver(() => fix(box)).observe(box, {
                    childList: true,
                    subtree: true,
                    characterData: true,
                    attributes: true,
                    attributeFilter: ["aria-label"],
                });
            }
            fix(box);
        }
    };
    if (!window.__cmUploaderBody) {
        window.__cmUploaderBody = new MutationObserver(() => {
            if (!window.__cmUploaderDue) {
                window.__cmUploaderDue = true;
                setTimeout(scan, 100);
            }
        });
        window.__cmUploaderBody.observe(document.body, { childList: true, subtree: true });
    }
    scan();
}

// node (tests/js) imports the file; in the page, the element's script calls cmUploaderWords
if (typeof module === "object" && module.exports) {
    module.exports = { cmUploaderText, cmUploaderWords };
}
