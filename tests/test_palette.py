"""The palette: categories shown together can be told apart, also with colour-blind vision.

Colour differences are CIEDE2000 (coloraide); colour-vision deficiencies are simulated with
coloraide's filters (Brettel for protanopia, deuteranopia and tritanopia).
"""

from __future__ import annotations

from itertools import combinations

import pytest
from coloraide import Color

from corridormap import style

VISIONS = (None, "protan", "deutan", "tritan")


def differences(a: str, b: str) -> dict[str, float]:
    """ΔE2000 between two colours in normal vision and under each simulated deficiency."""
    out = {}
    for vision in VISIONS:
        x, y = Color(a), Color(b)
        if vision is not None:
            x, y = x.filter(vision), y.filter(vision)
        out[vision or "normal"] = x.delta_e(y, method="2000")
    return out


BARS = {"normal": style.MIN_DELTA_E, **style.MIN_DELTA_E_CVD}
USER_BARS = {
    "normal": style.USER_MIN_DELTA_E,
    **dict.fromkeys(("protan", "deutan", "tritan"), style.USER_MIN_DELTA_E_CVD),
}


def too_close(a: str, b: str, bars: dict[str, float] = BARS) -> list[str]:
    """The visions in which ``a`` and ``b`` are closer than the palette allows."""
    return [f"{v} ΔE {d:.1f}" for v, d in differences(a, b).items() if d < bars[v]]


@pytest.mark.parametrize("group", sorted(style.category_groups()))
def test_categories_shown_together_are_distinct(group: str) -> None:
    colors = style.category_groups()[group]
    problems = [
        f"{n1} {c1} / {n2} {c2}: {', '.join(close)}"
        for (n1, c1), (n2, c2) in combinations(colors.items(), 2)
        if (close := too_close(c1, c2))
    ]
    assert not problems, "\n".join(problems)


def test_the_check_catches_the_old_pipeline_orange() -> None:
    # Zangezur vermillion against Okabe-Ito orange, the pipelines' colour before: too close
    # for deuteranopes. The measure must say so, or it could not guard anything.
    assert too_close(style.corridor_color("zangezur"), style.OKABE_ITO["orange"])


def test_users_layers_take_no_shipped_colour() -> None:
    shipped = style.shipped_colors()
    users = [c.lower() for c in style.USER_COLORS]
    assert len(set(users)) == len(users)
    problems = [
        f"user {u} / shipped {s}: {', '.join(close)}"
        for u in users
        for s in sorted(shipped)
        if (close := too_close(u, s, USER_BARS))
    ]
    problems += [
        f"user {a} / user {b}: {', '.join(close)}"
        for a, b in combinations(users, 2)
        if (close := too_close(a, b, USER_BARS))
    ]
    assert not problems, "\n".join(problems)


def test_user_colours_cycle_without_a_shipped_colour() -> None:
    drawn = {style.user_color(i).lower() for i in range(40)}
    assert drawn == {c.lower() for c in style.USER_COLORS}
    assert not drawn & style.shipped_colors()
