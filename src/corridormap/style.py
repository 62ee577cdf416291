"""The one styling module: every colour, dash pattern, icon and label the product shows.

The palette is Okabe & Ito's (2008) colour-blind-safe set, with Paul Tol's wine for pipelines;
status is carried by dash pattern as well as by name, so nothing depends on colour alone. The
categories a map shows together differ by at least ``MIN_DELTA_E`` (CIEDE2000) in normal vision
and ``MIN_DELTA_E_CVD`` under simulated protanopia, deuteranopia and tritanopia; tests hold it.
The live map, the legend, the static PNG export and the tables all read from here.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import Final

from corridormap.i18n import N_, gettext

# Okabe-Ito colour-blind-safe palette.
OKABE_ITO: Final = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
#: The light Okabe-Ito hues darkened (HSL lightness only) until a line or a point symbol in
#: them stands at 3:1 or more against the land, the sea and the white ring around pins
#: (WCAG 1.4.11); area fills keep the light originals.
SYMBOL_DARK: Final = {
    "orange": "#ab7600",
    "bluish_green": "#00916a",
    "reddish_purple": "#c25f96",
    "sky_blue": "#1a88c7",
    "yellow": "#8b830b",
}

#: The throughput chart's series, one colour each in both panels (Mt and TEU), in the order
#: the series come in the table; each a line and point colour of 3:1 or more on white.
THROUGHPUT_COLORS: Final = (
    OKABE_ITO["blue"],
    OKABE_ITO["vermillion"],
    SYMBOL_DARK["bluish_green"],
    OKABE_ITO["black"],
    SYMBOL_DARK["reddish_purple"],
    SYMBOL_DARK["orange"],
)

SEA: Final = "#d9e6f2"
LAND: Final = "#f3f0e8"
LAND_BORDER: Final = "#9c968a"
TEXT: Final = "#1f2328"
HIGHLIGHT: Final = "#000000"


@dataclass(frozen=True, slots=True)
class Entry:
    """One legend entry: a value, its label, its colour and (for lines) its dash pattern."""

    value: str
    label: str
    color: str
    dash: str | None = None
    icon: str | None = None  # Font Awesome 6 icon name (without the fa- prefix)
    definition: str = ""
    short: str = ""  # where space is tight (a metric's value); the label when empty


CORRIDOR_STYLES: Final = (
    Entry("zangezur", N_("Zangezur corridor"), OKABE_ITO["vermillion"]),
    Entry("middle_corridor", N_("Middle Corridor (TITR)"), OKABE_ITO["blue"]),
    Entry("north_south", N_("North–South corridor (INSTC)"), SYMBOL_DARK["bluish_green"]),
)

#: Status by shade, darkest for what runs (the Corridors page's map and chart; elsewhere a line
#: keeps its corridor's colour and status shows as its dash). Neutral greys, so that no status
#: reads as a corridor, each at least 3:1 against the land.
STATUS_COLORS: Final = ("#000000", "#474d55", "#7d838a")

#: Status meanings, defined once and shown in the app and in exports.
STATUS_STYLES: Final = (
    Entry(
        "operational",
        N_("Operational"),
        STATUS_COLORS[0],
        dash=None,
        definition=N_("In regular service on the as-of date (trains, ships or gas running)."),
    ),
    Entry(
        "under_construction",
        N_("Under construction"),
        STATUS_COLORS[1],
        dash="10 7",
        definition=N_(
            "Works have started on the ground (groundbreaking held); not yet in service."
        ),
    ),
    Entry(
        "planned",
        N_("Planned"),
        STATUS_COLORS[2],
        dash="2 7",
        definition=N_("Agreed, announced or designed; no construction on the ground yet."),
    ),
)

MODE_WEIGHTS: Final = {"rail": 4.0, "road": 3.0, "sea": 2.5}
MODE_LABELS: Final = {"rail": N_("Rail"), "road": N_("Road"), "sea": N_("Sea (ferry or shipping)")}
#: A mode as a word in a sentence or a list ("no route keeps to rail, road").
MODE_WORDS: Final = {"rail": N_("rail"), "road": N_("road"), "sea": N_("sea")}

ROUTE_LABELS: Final = {
    "ZNG_RAIL": N_("Horadiz–Aghband–Syunik–Nakhchivan–Kars railway"),
    "ZNG_LINK": N_("Alat–Horadiz line (existing link to the Baku network)"),
    "MC_NORTH": N_("Northern branch (Kazakhstan–Caspian–Azerbaijan–Georgia–Türkiye)"),
    "MC_KURYK": N_("Kuryk ferry variant"),
    "MC_SOUTH": N_("Southern branch (China–Kyrgyzstan–Uzbekistan–Turkmenistan)"),
    "MC_BLACKSEA_POTI": N_("Black Sea spur via Poti"),
    "MC_BLACKSEA_BATUMI": N_("Black Sea spur via Batumi"),
    "MC_BLACKSEA_ANAKLIA": N_("Black Sea spur via Anaklia"),
    "INSTC_WEST": N_("Western route (Russia–Azerbaijan–Iran)"),
    "INSTC_TRANSCASPIAN": N_("Trans-Caspian route"),
    "INSTC_EAST": N_("Eastern route (Kazakhstan–Turkmenistan–Iran)"),
}

OTS_STYLES: Final = (
    Entry("member", N_("OTS member"), OKABE_ITO["reddish_purple"], short=N_("Member")),
    Entry("observer", N_("OTS observer"), OKABE_ITO["yellow"], short=N_("Observer")),
    Entry("none", N_("Not an OTS member or observer"), LAND, short=N_("Non-member")),
)
OTS_FILL_OPACITY: Final = {"member": 0.55, "observer": 0.6, "none": 1.0}

NODE_STYLES: Final = (
    Entry("port", N_("Port"), "#3b3b3b", icon="anchor"),
    Entry("junction", N_("Junction"), "#3b3b3b", icon="code-branch"),
    Entry("border_crossing", N_("Border crossing"), "#3b3b3b", icon="flag"),
    Entry("terminal", N_("Terminal"), "#3b3b3b", icon="industry"),
    Entry("city", N_("City or station"), "#3b3b3b", icon="circle-dot"),
)

#: Node kinds drawn as small dots rather than icon pins (towns and junctions along a line).
MINOR_NODE_KINDS: Final = ("city", "junction")

# Labels and decluttering. Where icons or labels would overlap, the higher rank wins; the
# others are hidden (the winner shows "+N"). A feature a view highlights ranks above all.
#: Rank of a node by its kind.
NODE_RANK: Final = {"port": 3, "border_crossing": 3, "terminal": 2, "junction": 1, "city": 1}
SUMMIT_RANK: Final = 3
ANNOTATION_RANK: Final = 2
USER_RANK: Final = 2
HIGHLIGHT_RANK: Final = 10
#: A place the text of a briefing scene names: always shown and labelled in that scene.
NAMED_RANK: Final = 9
#: (from zoom, lowest rank labelled): at zoom 3-4 only ports, crossings and summits are
#: named, from zoom 5 terminals and notes too, from zoom 7 every place.
LABEL_RANKS: Final = ((0, 3), (5, 2), (7, 0))
#: Country names: shown from this zoom, larger countries (by area) first.
COUNTRY_LABEL_ZOOM: Final = 4

#: Paul Tol's wine: apart from the Zangezur vermillion (orange was not, for deuteranopes) and
#: from the orange shades of the gas destinations the pipelines cross.
PIPELINE_COLOR: Final = "#882255"
#: The gas route to a destination, drawn as a moving dashed line along its pipelines.
FLOW_COLOR: Final = SYMBOL_DARK["sky_blue"]
FLOW_LABEL: Final = N_("Route of the gas")
#: The stretch from the last pipeline to a destination, which the sources do not trace.
ONWARD_DASH: Final = "1 6"
ONWARD_LABEL: Final = N_("Onward to the destination: route not traced by the sources (schematic)")
FLOW_DASH: Final = "10 6"
FLOW_DASH_PERIOD: Final = 16  # the dash pattern's length, for the animation
#: A planned route (the Routes page, a briefing scene's route): drawn over the corridor legs,
#: dashed by each leg's status like the legs; the alternatives in their own colours, thinner.
ROUTE_COLOR: Final = OKABE_ITO["black"]
ROUTE_WEIGHT: Final = 7.0
ROUTE_OPACITY: Final = 0.75
#: (not the OTS fills' purple and yellow, which the lines would cross, nor a hue near a
#: corridor's: Okabe-Ito orange was too near the Zangezur vermillion; tests hold it)
ROUTE_ALT_COLORS: Final = ("#25057b", "#692f1a", "#1c4a4d")
ROUTE_ALT_WEIGHT: Final = 5.0
#: How the page names a route and its alternatives.
ROUTE_LABEL: Final = N_("Route")
ROUTE_ALT_LABEL: Final = N_("Alternative {n}")
PIPELINE_WEIGHT_RANGE: Final = (2.0, 9.0)  # px, for the smallest and largest capacity

#: Gas destinations shaded by supply start: earlier supply, darker shade (sequential, CVD-safe).
GAS_PERIODS: Final = (
    Entry("2006", N_("Supplied since 2006–2010"), "#7f2704"),
    Entry("2011", N_("since 2011–2020"), "#d94801"),
    Entry("2021", N_("since 2021–2023"), "#fd8d3c"),
    Entry("2024", N_("since 2024–2025"), "#fdbe85"),
    Entry("2026", N_("since 2026"), "#fee6ce"),
)

SUMMIT_STYLES: Final = (
    Entry("formal", N_("Formal summit"), SYMBOL_DARK["reddish_purple"], icon="landmark"),
    Entry("extraordinary", N_("Extraordinary summit"), OKABE_ITO["vermillion"], icon="landmark"),
    Entry("informal", N_("Informal summit"), SYMBOL_DARK["bluish_green"], icon="landmark"),
)

TOPIC_STYLES: Final = (
    Entry("security", N_("Security"), OKABE_ITO["vermillion"], icon="shield-halved"),
    Entry("connectivity", N_("Connectivity"), OKABE_ITO["blue"], icon="route"),
    Entry("energy", N_("Energy"), PIPELINE_COLOR, icon="fire-flame-simple"),
    Entry("history", N_("History"), OKABE_ITO["black"], icon="landmark-dome"),
    Entry("institutions", N_("Institutions"), SYMBOL_DARK["bluish_green"], icon="building-columns"),
)

#: Colours for layers users add, in order: none is used by a shipped layer (chosen as the
#: colours farthest from every shipped colour and from each other, in normal and simulated
#: colour-blind vision, among those at 3:1 or more against the land, the sea and white; tests
#: hold it).
USER_COLORS: Final = ("#7550eb", "#736940", "#30132a")

#: How far apart (CIEDE2000) categories shown together must be: normal vision, and each
#: simulated colour-vision deficiency (tritanopia, far rarer, with a lower bar).
MIN_DELTA_E: Final = 20.0
MIN_DELTA_E_CVD: Final = {"protan": 15.0, "deutan": 15.0, "tritan": 6.0}
#: Users' colours against every shipped colour and each other (their pin is a shape of its
#: own, and the shipped colours leave little room): these in normal vision and under each
#: simulated deficiency.
USER_MIN_DELTA_E: Final = 18.0
USER_MIN_DELTA_E_CVD: Final = 8.0


def user_color(index: int) -> str:
    return USER_COLORS[index % len(USER_COLORS)]


def _colors(entries: tuple[Entry, ...]) -> dict[str, str]:
    return {e.label: e.color for e in entries}


def category_groups() -> dict[str, dict[str, str]]:
    """The colours that stand for categories side by side on one map or chart, by group:
    within a group, each must be told from every other (``MIN_DELTA_E``)."""
    return {
        "lines": {**_colors(CORRIDOR_STYLES), "Gas pipeline": PIPELINE_COLOR},
        "gas route": {"Gas pipeline": PIPELINE_COLOR, FLOW_LABEL: FLOW_COLOR},
        "routes": {
            **_colors(CORRIDOR_STYLES),
            ROUTE_LABEL: ROUTE_COLOR,
            **{ROUTE_ALT_LABEL.format(n=i): c for i, c in enumerate(ROUTE_ALT_COLORS, 1)},
        },
        "OTS states": _colors(tuple(e for e in OTS_STYLES if e.value != "none")),
        "summits": _colors(SUMMIT_STYLES),
        "Gabala topics": _colors(TOPIC_STYLES),
        "status": _colors(STATUS_STYLES),
    }


def shipped_colors() -> set[str]:
    """Every colour a shipped layer is drawn in (users' layers take none of them)."""
    out = {c.lower() for group in category_groups().values() for c in group.values()}
    out |= {e.color.lower() for e in (*GAS_PERIODS, *NODE_STYLES)}
    return out | {HIGHLIGHT.lower()}


CONFIDENCE_LABELS: Final = {
    "high": N_("High: official or two independent sources agree"),
    "medium": N_("Medium: one secondary source, or sources differ slightly"),
    "low": N_("Low: approximate or unconfirmed"),
}

#: How a node's point was placed (``coord_quality``).
COORD_QUALITY_LABELS: Final = {
    "published_point": N_("Published coordinates of the site"),
    "town_point": N_("Town point standing in for the site"),
    "approximate": N_("Approximate"),
}

#: How a line was drawn (``geometry_quality``).
GEOMETRY_QUALITY_LABELS: Final = {
    "schematic": N_("Schematic (straight between points)"),
    "surveyed": N_("Surveyed"),
}

#: The period a date is known to (``supply_start_precision``): it is the period's first day.
DATE_PRECISION_LABELS: Final = {
    "day": N_("day"),
    "month": N_("month"),
    "quarter": N_("quarter"),
    "year": N_("year"),
}

#: What an OTS participant is (the participants table's ``kind``).
PARTICIPANT_KIND_LABELS: Final = {
    "state": N_("State"),
    "organization": N_("International organization"),
}


def _labels(entries: tuple[Entry, ...]) -> dict[str, str]:
    return {e.value: e.label for e in entries}


#: Every vocabulary of codes the data uses, by name, with the label people read for each code.
#: A property names its vocabulary in the catalog (``PropertySpec.codes``); codes that name
#: features (countries, nodes, pipelines) are named from the data instead (``formatting.Names``).
CODE_LABELS: Final[dict[str, dict[str, str]]] = {
    "corridor": _labels(CORRIDOR_STYLES),
    "status": _labels(STATUS_STYLES),
    "ots_status": _labels(OTS_STYLES),
    "topic": _labels(TOPIC_STYLES),
    "node_kind": _labels(NODE_STYLES),
    "summit_kind": _labels(SUMMIT_STYLES),
    "mode": MODE_LABELS,
    "route": ROUTE_LABELS,
    "coord_quality": COORD_QUALITY_LABELS,
    "geometry_quality": GEOMETRY_QUALITY_LABELS,
    "date_precision": DATE_PRECISION_LABELS,
    "confidence": {"high": N_("High"), "medium": N_("Medium"), "low": N_("Low")},
    "participant_kind": PARTICIPANT_KIND_LABELS,
}


def code_label(vocabulary: str, code: str) -> str:
    """The label of ``code`` in a vocabulary of ``CODE_LABELS``, in the language in force; the
    code itself if unknown."""
    text = CODE_LABELS.get(vocabulary, {}).get(code)
    return code if text is None else gettext(text)


def entry(entries: tuple[Entry, ...], value: str) -> Entry:
    for e in entries:
        if e.value == value:
            return e
    raise KeyError(f"no style for {value!r}; known: {[e.value for e in entries]}")


def corridor_color(corridor: str) -> str:
    return entry(CORRIDOR_STYLES, corridor).color


def status_dash(status: str) -> str | None:
    return entry(STATUS_STYLES, status).dash


def label(entries: tuple[Entry, ...], value: str) -> str:
    """The label of ``value``, in the language in force; the value itself if unknown."""
    try:
        return gettext(entry(entries, value).label)
    except KeyError:
        return value


def short_label(entries: tuple[Entry, ...], value: str) -> str:
    """The short label of ``value`` (where space is tight), else its label."""
    try:
        e = entry(entries, value)
    except KeyError:
        return value
    return gettext(e.short or e.label)


def definition(entries: tuple[Entry, ...], value: str) -> str:
    """The definition of ``value`` (a status's meaning), in the language in force."""
    text = entry(entries, value).definition
    return gettext(text) if text else ""


def mode_word(mode: str) -> str:
    """A mode as a word in a sentence, in the language in force; the code itself if unknown."""
    text = MODE_WORDS.get(mode)
    return mode if text is None else gettext(text)


def route_label(route: str) -> str:
    """The name of a route code, in the language in force; the code itself if unknown."""
    text = ROUTE_LABELS.get(route)
    return route if text is None else gettext(text)


def gas_period(supply_start: str) -> Entry:
    """The shading class of a destination from its supply start (YYYY-MM-DD)."""
    year = int(supply_start[:4])
    chosen = GAS_PERIODS[0]
    for e in GAS_PERIODS:
        if year >= int(e.value):
            chosen = e
    return chosen


def pipeline_weight(capacity_bcm_y: float | None, smallest: float, largest: float) -> float:
    """Line weight scaled by capacity between the layer's smallest and largest capacities."""
    lo, hi = PIPELINE_WEIGHT_RANGE
    if capacity_bcm_y is None or largest <= smallest:
        return lo
    frac = (capacity_bcm_y - smallest) / (largest - smallest)
    return round(lo + max(0.0, min(1.0, frac)) * (hi - lo), 2)


#: Map-wide presentation constants.
FONT_STACK: Final = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
DEFAULT_CENTER: Final = (42.0, 50.0)
DEFAULT_ZOOM: Final = 4

#: Accessibility: the focus ring (3:1 or more against white, the sea and the land) and the
#: colour of captions and other secondary text in the app (4.5:1 or more on white).
FOCUS_RING: Final = "#0f6e8c"
SECONDARY_TEXT: Final = "#595959"


#: A map label's longest line (characters) and most lines: a longer name is set on up to three
#: lines (the live map and the static exports alike) and only a name longer still is cut.
LABEL_LINE_CHARS: Final = 30
LABEL_MAX_LINES: Final = 3


def map_label(text: str) -> str:
    """A place's map label: its name on lines of at most ``LABEL_LINE_CHARS`` (broken at
    spaces, joined by newlines), at most ``LABEL_MAX_LINES`` of them, the last ending in "…"
    when the name is longer still."""
    flat = " ".join(text.split())
    if len(flat) <= LABEL_LINE_CHARS:
        return flat
    lines = textwrap.wrap(flat, LABEL_LINE_CHARS, break_on_hyphens=False)
    if len(lines) > LABEL_MAX_LINES:
        last = lines[LABEL_MAX_LINES - 1][: LABEL_LINE_CHARS - 1].rstrip(" ,;:")
        lines = [*lines[: LABEL_MAX_LINES - 1], last + "…"]
    return "\n".join(lines)
