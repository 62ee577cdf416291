"""Text on the static exports: DejaVu Sans measured as matplotlib draws it, words wrapped to a
width, text fitted to a room (shrunk step by step, then cut with "…"), lines written top-down.
``static_map``, ``png``, ``pdf`` and ``pptx`` share it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from matplotlib.figure import Figure as MplFigure

#: The font of every static export (Latin, Turkish, Azerbaijani and Cyrillic letters).
FONT: Final = "DejaVu Sans"


@lru_cache(maxsize=1)
def _text_to_path() -> Any:
    from matplotlib.textpath import TextToPath  # noqa: PLC0415

    return TextToPath()


def _font(size: float, weight: str) -> Any:
    from matplotlib.font_manager import FontProperties  # noqa: PLC0415

    return FontProperties(family=FONT, weight=weight, size=size)


@lru_cache(maxsize=1 << 16)
def _width_at_font_scale(text: str, weight: str) -> float:
    """``text``'s width at matplotlib's measuring size (``TextToPath.FONT_SCALE``), where it
    measures every text: wrapping and fitting ask for the same words and lines at many sizes,
    and each measure lays the text out in FreeType (about a millisecond)."""
    ttp = _text_to_path()
    width, _, _ = ttp.get_text_width_height_descent(
        text, _font(ttp.FONT_SCALE, weight), ismath=False
    )
    return float(width)


def text_width(text: str, size: float, weight: str = "normal") -> float:
    """The width of ``text`` in DejaVu Sans at ``size`` (in the unit of ``size``): the width
    at the measuring size scaled as matplotlib scales it, so the same number it gives."""
    if not text:
        return 0.0
    return float(_width_at_font_scale(text, weight) * (_points(size) / _text_to_path().FONT_SCALE))


@lru_cache(maxsize=1024)
def _points(size: float) -> float:
    """``size`` as matplotlib takes it (e.g. at least 1 pt), once per size: wrapping and
    fitting measure many texts at a few sizes (the weight does not change it)."""
    return float(_font(size, "normal").get_size_in_points())


#: Control characters (but newline): no font draws them.
_CONTROL: Final = re.compile("[\x00-\x09\x0b-\x1f\x7f]")


def _longest_fitting_prefix(word: str, limit: float, size_pt: float, weight: str) -> int:
    """The length of the longest proper prefix of ``word`` no wider than ``limit`` (at least
    1): a binary search, as a prefix grows wider with each letter (a long URL in the sources
    took a measure per letter)."""
    lo, hi = 1, len(word) - 1  # the answer is in [lo, hi]; lo stands when nothing fits
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if text_width(word[:mid], size_pt, weight) <= limit:
            lo = mid
        else:
            hi = mid - 1
    return lo


def wrap_to_width(text: str, width_in: float, size_pt: float, weight: str = "normal") -> list[str]:
    """``text`` broken into lines no wider than ``width_in`` at ``size_pt`` (measured in
    DejaVu Sans; a word longer than a line is broken inside it). Paragraphs stay apart."""
    limit = width_in * 72.0
    lines: list[str] = []
    text = _CONTROL.sub("", text)
    for para in text.split("\n"):
        line = ""
        for whole in (w for w in para.split(" ") if w):  # a no-break space holds
            word = whole
            while text_width(word, size_pt, weight) > limit and len(word) > 1:
                cut = _longest_fitting_prefix(word, limit, size_pt, weight)
                if line:
                    lines.append(line)
                    line = ""
                lines.append(word[:cut])
                word = word[cut:]
            trial = f"{line} {word}" if line else word
            if line and text_width(trial, size_pt, weight) > limit:
                lines.append(line)
                line = word
            else:
                line = trial
        lines.append(line)
    return lines


def fit_text(
    text: str,
    width_in: float,
    size_pt: float,
    *,
    max_lines: int,
    min_pt: float = 6.0,
    weight: str = "normal",
) -> tuple[list[str], float]:
    """Lines and a size at which ``text`` fits ``width_in`` in at most ``max_lines`` lines:
    wrapped, then shrunk step by step down to ``min_pt``; at ``min_pt`` the lines beyond
    ``max_lines`` are cut and the last ends in "…" (never a line wider than the room)."""
    size = size_pt
    while True:
        lines = wrap_to_width(text, width_in, size, weight)
        if len(lines) <= max_lines or size <= min_pt:
            break
        size = max(min_pt, size - 0.5)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and text_width(last + " …", size, weight) > width_in * 72.0:
            last = last[:-1]
        lines[-1] = last.rstrip() + " …"
    return lines, size


def write_lines(
    fig: MplFigure, x: float, y: float, lines: Sequence[str], size: float, **kw: Any
) -> float:
    """Lines top-down from ``y`` (figure fraction); returns the y below the last."""
    step = size * 1.3 / 72 / fig.get_size_inches()[1]
    for line in lines:
        fig.text(x, y, line, fontsize=size, va="top", parse_math=False, **kw)
        y -= step
    return y
