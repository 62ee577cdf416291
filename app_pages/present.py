"""Presentation: a briefing scene by scene on a full-width map, with next/previous and a link.

The link holds the briefing and the scene (``?briefing=gabala-2025&scene=3`` for a shipped
file, ``?saved=<id>&scene=3`` for a saved briefing, with ``&share=<token>`` when it was opened
by a shared link; ``_showable`` lists what this user may present); the buttons
(and the arrow keys, through Streamlit's button shortcuts) change the link. One st_folium
component with a fixed key and the shared base map stays mounted: only its overlays, centre
and zoom change between scenes, so the map does not go blank.

The sidebar's filters do not apply here (each scene has its own), so this page hides the
sidebar with a line of CSS: ``st.set_page_config`` is called once for every page in app.py,
and its ``initial_sidebar_state`` would only apply to a session's first page anyway.
"""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from app_pages import _briefings, _data, _maps, _showable, _tables
from corridormap import analysis, briefing, catalog, charts, export, formatting, mapaccess, mapbuild
from corridormap._errors import DataValidationError
from corridormap.i18n import _

#: The page's own CSS: no sidebar; little padding; the map's frame as tall as the screen below
#: the controls (the map fills it: ``mapbuild.FillFrame``), on phones a fixed share of it.
_PAGE_CSS = (
    "<style>section[data-testid='stSidebar'], div[data-testid='stSidebarCollapsedControl'],"
    " [data-testid='stExpandSidebarButton'] { display: none !important; }"
    " .block-container { padding: 3.6rem 1.5rem 2rem !important; max-width: none !important; }"
    " .st-key-present_map_col iframe { height: calc(100vh - 8.5rem) !important;"
    " min-height: 420px; }"
    " @media (max-width: 640px) { .st-key-present_map_col iframe {"
    " height: 62vh !important; min-height: 300px; } }</style>"
)


#: The Map page (the link back to it).
_MAP_PAGE = "app_pages/explorer.py"
#: The map's height before the page's CSS sizes its frame to the screen.
PRESENT_MAP_HEIGHT = 720


def _go(option: str, number: int) -> None:
    """Show scene ``number`` of ``option`` (``briefing:<key>`` or ``saved:<id>``)."""
    kind, _sep, key = option.partition(":")
    for param in ("briefing", "saved", "share"):
        if param in st.query_params and param != kind:
            del st.query_params[param]
    st.query_params[kind] = key
    st.query_params["scene"] = str(number)


def _step(key: str, delta: int, total: int) -> None:
    """Move from the scene in the link (not the one drawn): quick presses all count."""
    try:
        current = int(st.query_params.get("scene") or 1)
    except ValueError:
        current = 1
    current = current if 1 <= current <= total else 1  # a bad link showed scene 1
    _go(key, max(1, min(total, current + delta)))


def _scene_number(raw: str | None, total: int) -> int:
    if raw is None:
        return 1
    try:
        number = int(raw)
    except ValueError:
        number = 0
    if not 1 <= number <= total:
        st.warning(
            _("Ignored scene={value}: not a number from 1 to {total}.").format(
                value=formatting.md_escape(raw), total=total
            ),
            icon=":material/link_off:",
        )
        return 1
    return number


def _extra(show: str | None, view: export.ExportView) -> None:
    """What a scene shows under its map besides the caption: a table or a chart (a route is
    drawn on the map, its totals in the caption)."""
    if show == "table":
        _tables.tables(dict(view.shown), key="present")
    elif show == "chart:destinations":
        gas = _data.layers().frames.get(catalog.GAS_DESTINATIONS.key)
        if gas is not None:
            st.altair_chart(
                charts.cumulative_destinations(analysis.destinations_over_time(gas)),
                width="stretch",
            )
    elif show == "chart:km_by_status":
        table = _data.leg_table()
        legs = view.shown.get(catalog.CORRIDOR_LEGS.key)
        if table is not None and legs is not None:
            rows = table[table["segment_id"].isin(legs.index)]
            st.altair_chart(charts.km_by_status(rows), width="stretch")


st.markdown(_PAGE_CSS, unsafe_allow_html=True)
found = _showable.choices(st.query_params.get("saved"), st.query_params.get("share"))
if not found:
    st.info(_("No briefing found: add a YAML file to data/briefings (see the README)."))
    st.stop()

keys = list(found)
usable = [k for k in keys if not found[k].shipped or isinstance(found[k].item, briefing.Briefing)]
asked = _showable.asked(st.query_params.get("briefing"), st.query_params.get("saved"))
if asked is not None and asked not in found:
    notice = (
        _("Ignored {value}: no such briefing (or not shared with you).")
        if asked.startswith("saved:")
        else _("Ignored {value}: no such briefing.")
    )
    st.warning(
        notice.format(value=formatting.md_escape(asked.replace(":", "=", 1))),
        icon=":material/link_off:",
    )
key = asked if asked in found else (usable[0] if usable else keys[0])


def _label(k: str) -> str:
    return found[k].label


pick_col, prev_col, bar_col, next_col, back_col = st.columns(
    [3.2, 1, 2.6, 1, 1.2], vertical_alignment="center"
)
chosen = pick_col.selectbox(
    _("Briefing"), keys, index=keys.index(key), format_func=_label, label_visibility="collapsed"
)
back_col.page_link(_MAP_PAGE, label=_("Back to the map"), icon=":material/map:")
if chosen != key:
    _go(str(chosen), 1)
    st.rerun()

item = found[key].item
if isinstance(item, DataValidationError):
    name = f"**{formatting.md_escape(_showable.file_name(key, found[key]))}**"
    st.error(_("{name} could not be loaded:").format(name=name) + f"\n\n{_data.problem_list(item)}")
    st.stop()

b = item
if b.skipped:
    st.warning(
        _("Part of this briefing is not shown because a layer could not be loaded:")
        + "\n\n"
        + _data.problem_list(DataValidationError(list(b.skipped)))
    )
total = len(b.scenes)
number = _scene_number(st.query_params.get("scene"), total)
scene = b.scenes[number - 1]
frames = _data.layers().frames
view = export.scene_view(
    frames, b, scene, _data.vocabulary(), crossings=_data.crossings(), network=_data.network()
)

prev_col.button(
    _("Previous"),
    key="present_prev",
    on_click=_step,
    args=(key, -1, total),
    disabled=number <= 1,
    shortcut="Left",  # Streamlit shows the key ("←") beside the label: no icon as well
    width="stretch",
)
bar_col.progress(
    number / total, text=_("Scene {number} of {total}").format(number=number, total=total)
)
next_col.button(
    _("Next"),
    key="present_next",
    on_click=_step,
    args=(key, 1, total),
    disabled=number >= total,
    shortcut="Right",  # shown as "→" after the label: no icon as well ("Next → →")
    width="stretch",
)

text_col, map_col = st.columns([1, 2.8], gap="medium")
with text_col:
    st.markdown(f"### {formatting.md_escape(scene.title)}")
    st.markdown(formatting.md_body(scene.text))
    st.caption(formatting.md_escape(view.description))
with map_col.container(key="present_map_col"):
    if _maps.can_draw():
        present_map = _maps.base_map("bundled")
        present_map.add_child(mapbuild.ForwardKeys(("ArrowLeft", "ArrowRight")))
        present_map.add_child(mapbuild.FillFrame())
        st_folium(
            present_map,
            key="present_map",
            height=PRESENT_MAP_HEIGHT,
            use_container_width=True,
            feature_group_to_add=[
                *export.map_groups(view, frames),
                mapbuild.legend_group(view.shown),
                mapaccess.description_group(f"{scene.title}. {view.description}"),
                # fitted in the browser to the frame's real size, the legend's width kept free
                # (the box the static exports frame: what the author saw and the story's ends)
                mapbuild.fit_group(export.scene_box(view, frames)),
            ],
            returned_objects=[],
        )
_extra(scene.show, view)
st.caption(_("Link to this scene: {link}").format(link=f"`{briefing.scene_query(b, scene)}`"))
_briefings.downloads(b, view, frames, key="present")
