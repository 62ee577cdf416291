"""Colour contrast of what the maps and pages draw (WCAG 2.1 1.4.3 and 1.4.11).

Lines and point symbols stand at 3:1 or more against the land, the sea and the white ring
around pins; secondary text at 4.5:1 on white; the focus ring at 3:1 wherever it is drawn.
Area fills (OTS states, gas destinations) are exempt: what they say is also in the legend,
the card and the table beside the map, as text.
"""

from __future__ import annotations

import pytest
from coloraide import Color

from corridormap import style

WHITE = "#ffffff"
BACKGROUNDS = {"land": style.LAND, "sea": style.SEA, "white": WHITE}


def contrast(a: str, b: str) -> float:
    """WCAG 2.1 contrast ratio of two colours (coloraide's, the palette test's library)."""
    return float(Color(a).contrast(Color(b)))


def test_contrast_of_known_pairs() -> None:
    assert contrast("#000000", WHITE) == pytest.approx(21.0)
    assert contrast("#777777", WHITE) == pytest.approx(4.48, abs=0.01)


SYMBOLS = {
    **{f"corridor {e.value}": e.color for e in style.CORRIDOR_STYLES},
    **{f"node {e.value}": e.color for e in style.NODE_STYLES},
    **{f"status {e.value}": e.color for e in style.STATUS_STYLES},
    **{f"summit {e.value}": e.color for e in style.SUMMIT_STYLES},
    **{f"topic {e.value}": e.color for e in style.TOPIC_STYLES},
    **{f"user layer {i}": c for i, c in enumerate(style.USER_COLORS)},
    "pipeline": style.PIPELINE_COLOR,
    "gas route": style.FLOW_COLOR,
    "highlight": style.HIGHLIGHT,
    "focus ring": style.FOCUS_RING,
}


@pytest.mark.parametrize("name", list(SYMBOLS))
def test_symbols_stand_out_from_land_sea_and_white(name: str) -> None:
    color = SYMBOLS[name]
    low = {bg: round(contrast(color, c), 2) for bg, c in BACKGROUNDS.items()}
    assert min(low.values()) >= 3.0, f"{name} {color}: {low}"


def test_text_colours_read_at_4_5_to_1() -> None:
    assert contrast(style.SECONDARY_TEXT, WHITE) >= 4.5
    assert contrast(style.TEXT, WHITE) >= 4.5
    assert contrast(style.TEXT, style.LAND) >= 4.5
