"""Where a static map puts its markers and labels: the live map's decluttering, in Python.

The same rules as ``mapbuild.Declutter`` (the browser's), on a frame measured in CSS px with
its origin at the top left: markers are taken by rank (highlights, then the places a scene's
text names, then ports, crossings and summits, then the rest); a marker whose box overlaps one
already kept is hidden unless it ranks 9 or more, and the marker it lost to counts it ("+N").
Kept markers are labelled by rank, as far as the zoom allows (``style.LABEL_RANKS``), at the
first candidate position (right, left, above, below, then the corners and further out for the
places that must be named) free of every marker and label already placed; a label that cannot
fit is dropped, never drawn over another. Country names come last, in the space that is left.

Nothing here draws: ``layout`` returns the markers and label boxes, which ``static_map`` draws
and reports (the tests measure overlaps on the report). Widths come from a ``measure``
callable, so the layout is the same whatever draws it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Final, Literal

from corridormap import i18n, style

#: A label's height in CSS px (the live map's 12px/15px font), and its gap from the marker.
LABEL_H: Final = 15.0
LABEL_GAP: Final = 12.0
COUNTRY_H: Final = 14.0
#: A label's box is at least this many times its font size high (DejaVu Sans' ascent and
#: descent, so that the text drawn stays inside its box).
LINE: Final = 1.3
#: Line spacing (in font sizes) of a name set on several lines, as matplotlib spaces them
#: (the live map's 15 px lines of 12 px text).
LINE_SPACING: Final = 1.25
#: Half the side of a marker's box (pins are 18 px; a route's dots 10 px).
PIN_HALF: Final = 10.0
#: Ranks from which a place is always kept and named (``style.NAMED_RANK``).
MUST_RANK: Final = style.NAMED_RANK
#: The label's font sizes in CSS px: a place, a place that must be named, a country.
FONT_PX: Final = 12.0
STRONG_FONT_PX: Final = 13.0
COUNTRY_FONT_PX: Final = 11.0
#: Inset from the frame's edges that labels keep (CSS px).
EDGE: Final = 2.0

#: ``measure(text, font_px, kind)``: the text's width in CSS px.
Measure = Callable[[str, float, str], float]


@dataclass(frozen=True, slots=True)
class Box:
    x1: float
    y1: float
    x2: float
    y2: float

    def overlaps(self, other: Box) -> bool:
        return (
            self.x1 < other.x2 and other.x1 < self.x2 and self.y1 < other.y2 and other.y1 < self.y2
        )

    def inside(self, width: float, height: float, edge: float = EDGE) -> bool:
        return (
            self.x1 >= edge
            and self.y1 >= edge
            and self.x2 <= width - edge
            and self.y2 <= height - edge
        )


@dataclass(slots=True)
class Place:
    """A point to draw: its label text, rank and position in the frame (CSS px)."""

    label: str
    rank: int
    x: float
    y: float
    key: str = ""  # "layer:id", to tell markers apart in reports
    half: float = PIN_HALF
    more: int = 0  # markers hidden behind this one
    dx: float = 0.0  # where a stack of highlights fans it out
    dy: float = 0.0

    @property
    def px(self) -> float:
        return self.x + self.dx

    @property
    def py(self) -> float:
        return self.y + self.dy

    @property
    def box(self) -> Box:
        return Box(self.px - self.half, self.py - self.half, self.px + self.half,
                   self.py + self.half)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Label:
    """A label placed on the frame: its text, box (CSS px), rank and kind."""

    text: str
    box: Box
    rank: int
    kind: Literal["place", "country"]
    font_px: float

    @property
    def strong(self) -> bool:
        return self.kind == "place" and self.rank >= MUST_RANK


@dataclass(slots=True)
class Layout:
    """What a frame shows: the markers kept (and hidden), and the labels placed."""

    kept: list[Place] = field(default_factory=list)
    hidden: list[Place] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    #: Places that rank 9 or more yet could not be named without covering another label.
    unnamed: list[Place] = field(default_factory=list)


def min_rank(zoom: float) -> int:
    """The lowest rank labelled at ``zoom`` (``style.LABEL_RANKS``)."""
    rank = 99
    for from_zoom, lowest in style.LABEL_RANKS:
        if zoom >= from_zoom:
            rank = lowest
    return rank


def text_box(
    text: str, font_px: float, measure: Measure, kind: str = "place"
) -> tuple[float, float]:
    """The width and height (CSS px) of a label's text, line by line (``style.map_label``)."""
    lines = text.split("\n")
    width = max(measure(line, font_px, kind) for line in lines) + 4
    line_h = max(LABEL_H, font_px * LINE)
    return width, line_h + (len(lines) - 1) * font_px * LINE_SPACING


def _spots(w: float, h: float, far: bool) -> list[tuple[float, float]]:
    g = LABEL_GAP
    spots = [(g, -h / 2), (-g - w, -h / 2), (-w / 2, -g - h), (-w / 2, g)]
    if far:  # the corners, then rings further out
        spots += [(g * 0.6, -g - h * 0.8), (-g * 0.6 - w, -g - h * 0.8),
                  (g * 0.6, g * 0.8), (-g * 0.6 - w, g * 0.8)]  # fmt: skip
        for ring in (1.0, 2.0, 3.0, 4.5, 6.0):
            for step in range(16):
                a = 2 * math.pi * step / 16
                cx, cy = (w / 2 + g) * ring * 1.1 * math.cos(a), (h + g) * ring * math.sin(a)
                spots.append((cx - w / 2, cy - h / 2))
    return spots


def _label_at(
    p: Place, w: float, h: float, size: tuple[float, float], blocks: Sequence[Box], *, far: bool
) -> Box | None:
    for sx, sy in _spots(w, h, far):
        box = Box(p.px + sx, p.py + sy, p.px + sx + w, p.py + sy + h)
        if box.inside(*size) and not any(box.overlaps(b) for b in blocks):
            return box
    return None


def _fan_out(places: Sequence[Place]) -> None:
    """Highlights standing on one spot (several notes at one city) are fanned out around it."""
    stacks: dict[tuple[int, int], list[Place]] = {}
    for p in places:
        p.dx = p.dy = 0.0
        if p.rank >= MUST_RANK:
            stacks.setdefault((round(p.x / 4), round(p.y / 4)), []).append(p)
    for stack in stacks.values():
        if len(stack) < 2:
            continue
        r = 11 + 3 * len(stack)
        for i, p in enumerate(stack):
            a = 2 * math.pi * i / len(stack) - math.pi / 2
            p.dx, p.dy = round(r * math.cos(a)), round(r * math.sin(a))


def _claim_names(
    kept: Sequence[Place],
    size: tuple[float, float],
    measure: Measure,
    *,
    taken: list[tuple[Box, Place]],
    labelled: dict[int, Label],
    label_boxes: list[Box],
    unnamed: list[Place],
) -> None:
    """The places that must be named (rank 9 and more) claim room for their names once all
    their markers stand, before lesser markers come: first free of everything, then free of
    other labels at least (a name may cover a marker)."""
    for p in kept:
        if p.rank < MUST_RANK or not p.label:
            continue
        font = STRONG_FONT_PX
        w, h = text_box(p.label, font, measure)
        boxes = [b for b, _ in taken]
        box = _label_at(p, w, h, size, boxes, far=True) or _label_at(
            p, w, h, size, label_boxes, far=True
        )
        if box is None:
            unnamed.append(p)
            continue
        labelled[id(p)] = Label(p.label, box, p.rank, "place", font)
        label_boxes.append(box)
        taken.append((box, p))


def layout(
    places: Sequence[Place],
    size: tuple[float, float],
    zoom: float,
    measure: Measure,
    countries: Sequence[tuple[str, float, float, bool]] = (),
) -> Layout:
    """Markers and labels of ``places`` on a frame of ``size`` CSS px at ``zoom``.

    ``countries``: (name, x, y, large) in frame px, larger countries first (named from
    ``style.COUNTRY_LABEL_ZOOM``, the others a zoom later).
    """
    out = Layout()
    width, height = size
    ordered = sorted(places, key=lambda p: -p.rank)  # stable: data order within a rank
    _fan_out(ordered)
    taken: list[tuple[Box, Place]] = []
    labelled: dict[int, Label] = {}
    label_boxes: list[Box] = []

    def place(p: Place) -> None:
        """Keep ``p``'s marker, or hide it behind the one it overlaps (unless it must stay)."""
        winner = next((owner for box, owner in taken if p.box.overlaps(box)), None)
        if winner is not None and p.rank < MUST_RANK:
            winner.more += 1
            out.hidden.append(p)
            return
        p.more = 0
        out.kept.append(p)
        taken.append((p.box, p))

    # ``ordered`` runs by rank: the must-name markers first, then their names, then the rest
    must = sum(1 for p in ordered if p.rank >= MUST_RANK)
    for p in ordered[:must]:
        place(p)
    _claim_names(
        out.kept,
        size,
        measure,
        taken=taken,
        labelled=labelled,
        label_boxes=label_boxes,
        unnamed=out.unnamed,
    )
    for p in ordered[must:]:
        place(p)
    threshold = min_rank(zoom)
    blocks = [b for b, _ in taken]
    for p in out.kept:
        if id(p) in labelled:
            out.labels.append(labelled[id(p)])
            continue
        if p.rank >= MUST_RANK or not p.label or p.rank < threshold:
            continue
        if not (0 <= p.px <= width and 0 <= p.py <= height):
            continue
        w, h = text_box(p.label, FONT_PX, measure)
        box = _label_at(p, w, h, size, blocks, far=False)
        if box is not None:
            blocks.append(box)
            out.labels.append(Label(p.label, box, p.rank, "place", FONT_PX))
    if zoom >= style.COUNTRY_LABEL_ZOOM:
        out.labels.extend(_country_labels(countries, size, zoom, measure, blocks))
    return out


def upper(text: str, code: str | None = None) -> str:
    """``text`` in capitals as the language writes them: Turkish and Azerbaijani capitalise
    i as İ and ı as I ("GÜRCİSTAN", not "GÜRCISTAN"), as a browser's ``text-transform`` does
    under ``lang="tr"``."""
    if (code or i18n.current()) in ("tr", "az"):
        text = text.replace("i", "İ").replace("ı", "I")
    return text.upper()


def _country_labels(
    countries: Sequence[tuple[str, float, float, bool]],
    size: tuple[float, float],
    zoom: float,
    measure: Measure,
    blocks: list[Box],
) -> list[Label]:
    """Country names centred on their point, in the room left (larger countries first)."""
    width, height = size
    out = []
    for name, x, y, large in countries:
        if zoom < style.COUNTRY_LABEL_ZOOM + (0 if large else 1):
            continue
        text = upper(name)
        w = measure(text, COUNTRY_FONT_PX, "country") * 1.08 + 4
        h = max(COUNTRY_H, COUNTRY_FONT_PX * LINE)
        box = Box(x - w / 2, y - h / 2, x + w / 2, y + h / 2)
        if not box.inside(width, height, 0.0) or any(box.overlaps(b) for b in blocks):
            continue
        blocks.append(box)
        out.append(Label(text, box, 0, "country", COUNTRY_FONT_PX))
    return out
