/*
 * Hands the keys options.keys to the page around the map's frame (mapbuild.ForwardKeys): a
 * click on the map moves the focus into the frame, where the page's shortcuts (the
 * presentation's arrow keys) no longer hear a key; the map would pan with them instead.
 */
function cmForwardKeys(options) {
    const keys = options.keys;
    const codes = { ArrowLeft: 37, ArrowUp: 38, ArrowRight: 39, ArrowDown: 40 };
    function forward(e) {
        if (keys.indexOf(e.key) < 0 || window.parent === window) {
            return;
        }
        e.preventDefault();
        e.stopPropagation();
        // keyup too: the page's shortcut handler tracks which keys are held
        window.parent.document.dispatchEvent(
            new KeyboardEvent(e.type, {
                key: e.key,
                code: e.code,
                keyCode: codes[e.key] || e.keyCode,
                which: codes[e.key] || e.which,
                bubbles: true,
                cancelable: true,
            }),
        );
    }
    document.addEventListener("keydown", forward, true);
    document.addEventListener("keyup", forward, true);
}

// node (tests/js) imports the file; in the map, the element's script calls cmForwardKeys
if (typeof module === "object" && module.exports) {
    module.exports = { cmForwardKeys };
}
