/*
 * Tells the page that the map is on screen, once per browser tab (mapbuild.ReportDrawn):
 * streamlit-folium's component value gains options.key, which reruns the page. Waits until
 * the frame has its height and a frame was drawn. Outside streamlit-folium it does nothing.
 */
function cmReportDrawn(options) {
    const S = window.Streamlit;
    const g = window.__GLOBAL_DATA__;
    let tab;
    try {
        tab = window.parent;
    } catch (_e) {
        return;
    }
    if (!S || !g || !tab || tab === window) {
        return;
    }
    function seen() {
        // What streamlit-folium's own update would send now (same keys, same order),
        // taken as already sent: the frame getting its size moves the map, and that
        // update would rerun the page once more for a view the page itself asked for.
        const m = window.map;
        const wrap = g.wrap_longitude;
        const asked = g.returned_objects;
        if (!m || !asked) {
            return g.previous_data || {};
        }
        const all = {
            last_active_drawing: g.last_active_drawing,
            bounds: wrap ? m.wrapLatLngBounds(m.getBounds()) : m.getBounds(),
            zoom: m.getZoom(),
            center: wrap ? m.wrapLatLng(m.getCenter()) : m.getCenter(),
        };
        const out = {};
        Object.keys(all).forEach(function (k) {
            if (asked.indexOf(k) >= 0) {
                out[k] = all[k];
            }
        });
        return out;
    }
    function follow() {
        // The map's own moves (its frame sized, the land's clamp, a fit) are not the
        // user's: each is taken as already sent. Once the user has touched the map, its
        // moves go to the page as streamlit-folium sends them.
        const m = window.map;
        if (!m || m.cmFollowed) {
            return;
        }
        m.cmFollowed = true;
        let touched = false;
        const el = m.getContainer();
        ["pointerdown", "wheel", "keydown", "touchstart"].forEach(function (type) {
            el.addEventListener(
                type,
                function () {
                    touched = true;
                },
                true,
            );
        });
        m.on("moveend", function () {
            if (!touched) {
                g.previous_data = seen();
            }
        });
    }
    function report() {
        const now = seen();
        g.previous_data = now;
        follow();
        if (tab.cmDrawnReported) {
            return;
        }
        tab.cmDrawnReported = true;
        const value = Object.assign({}, now);
        value[options.key] = true;
        S.setComponentValue(value);
    }
    function whenShown() {
        if (window.innerHeight > 0) {
            requestAnimationFrame(function () {
                setTimeout(report, 0);
            });
        } else {
            window.addEventListener("resize", whenShown, { once: true });
        }
    }
    if (window.map) {
        // before streamlit-folium's first update of this map
        g.previous_data = seen();
        follow();
    }
    setTimeout(whenShown, 0);
}

// node (tests/js) imports the file; in the map, the element's script calls cmReportDrawn
if (typeof module === "object" && module.exports) {
    module.exports = { cmReportDrawn };
}
