"""The PowerPoint export of a briefing (python-pptx): a title slide, then one 16:9 slide per
scene with its title, the map as a picture (with the live map's labels and a legend), the
scene's text and a one-line source credit; the last slides list every source.

Briefers paste slides into their own decks, so every string is set as text in a text frame
(python-pptx writes it as XML text, escaped), never as markup; characters XML cannot hold are
dropped.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any, Final

import geopandas as gpd

from corridormap import briefing, i18n
from corridormap.export.pdf import appendix_refs, source_entry
from corridormap.export.png import source_line
from corridormap.export.static_map import SLIDE_IN, Drawn, map_picture
from corridormap.export.views import (
    ExportView,
    made_text,
    md_to_plain,
    newest_source,
    scene_counter,
)
from corridormap.i18n import _

#: Characters XML 1.0 cannot hold (control characters but tab and newline, lone surrogates).
_NOT_XML: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_MAP_IN: Final = (8.9, 5.7)
_SOURCES_PER_SLIDE: Final = 16
#: python-pptx's fitting breaks lines only between words: a text with a longer word (a URL)
#: keeps its size, and PowerPoint wraps it.
_FIT_WORD: Final = 40
#: The size that text the fitter cannot fit gets (python-pptx tries sizes down to 1 pt).
_MIN_FIT_PT: Final = 8
#: The language each run of text is marked in (spelling, hyphenation, screen readers), by the
#: language in force: names of ``MSO_LANGUAGE_ID``.
_LANGUAGE_IDS: Final = {"en": "ENGLISH_UK", "tr": "TURKISH", "az": "AZERI_LATIN", "ru": "RUSSIAN"}


def _language_id() -> Any:
    from pptx.enum.lang import MSO_LANGUAGE_ID  # noqa: PLC0415

    return getattr(MSO_LANGUAGE_ID, _LANGUAGE_IDS[i18n.current()])


def xml_text(text: str) -> str:
    """``text`` as a text frame can hold it (characters XML cannot hold are dropped)."""
    return _NOT_XML.sub("", text)


def _text_box(
    slide: Any,
    box: tuple[float, float, float, float],
    paragraphs: Sequence[str],
    size: float,
    *,
    bold: bool = False,
    color: str = "1F2328",
    italic: bool = False,
    shrink: bool = True,
) -> Any:
    from pptx.dml.color import RGBColor  # noqa: PLC0415
    from pptx.enum.text import MSO_AUTO_SIZE  # noqa: PLC0415
    from pptx.util import Inches, Pt  # noqa: PLC0415

    shape = slide.shapes.add_textbox(*(Inches(v) for v in box))
    frame = shape.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    language = _language_id()
    for i, text in enumerate(paragraphs):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = para.add_run()
        run.text = xml_text(text)
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.italic = italic
        run.font.name = "DejaVu Sans"
        run.font.language_id = language
        rgb = (int(color[i : i + 2], 16) for i in (0, 2, 4))
        run.font.color.rgb = RGBColor(*rgb)  # type: ignore[no-untyped-call]
    words = frame.text.split()
    if shrink and words and max(len(w) for w in words) <= _FIT_WORD:
        # The size at which the text fits the box, measured with the font itself (DejaVu
        # Sans, as the maps), so that no slide's text runs out of its box.
        try:
            frame.fit_text(
                font_family="DejaVu Sans",
                max_size=round(size),
                bold=bold,
                italic=italic,
                font_file=_font_file(bold, italic),
            )
        except TypeError:
            # python-pptx's fitter cannot break a line whose one word (split at spaces only)
            # is wider than the box at every size, and fails inside (_break_line gives None):
            # such text gets the smallest size the fitter would try, and wraps where it can.
            for para in frame.paragraphs:
                for run in para.runs:
                    run.font.size = Pt(_MIN_FIT_PT)
    return shape


@lru_cache(maxsize=4)
def _font_file(bold: bool, italic: bool) -> str:
    from matplotlib.font_manager import FontProperties, findfont  # noqa: PLC0415

    prop = FontProperties(
        family="DejaVu Sans",
        weight="bold" if bold else "normal",
        style="italic" if italic else "normal",
    )
    return str(findfont(prop))


def render_pptx(
    b: briefing.Briefing,
    views: Sequence[ExportView],
    frames: Mapping[str, gpd.GeoDataFrame],
) -> tuple[bytes, list[Drawn]]:
    """The deck and what each scene's map drew."""
    from pptx import Presentation  # noqa: PLC0415
    from pptx.util import Inches  # noqa: PLC0415

    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(SLIDE_IN[0]), Inches(SLIDE_IN[1])
    prs.core_properties.title = xml_text(b.title)[:255]
    prs.core_properties.author = "corridormap"
    prs.core_properties.language = i18n.current()  # the language the deck is written in
    blank = prs.slide_layouts[6]
    w = SLIDE_IN[0]
    cover = prs.slides.add_slide(blank)
    _text_box(cover, (0.6, 0.9, w - 1.2, 1.6), [b.title], 34, bold=True)
    if b.description:
        _text_box(cover, (0.6, 2.6, w - 1.2, 1.4), [md_to_plain(b.description)], 16,
                  color="333333")  # fmt: skip
    scenes = [f"{i}. {v.title}" for i, v in enumerate(views, start=1)]
    _text_box(cover, (0.6, 4.1, w - 1.2, 2.4), [_("Scenes"), *scenes], 13)
    foot = _("corridormap · newest source date {date} · {made}").format(
        date=newest_source(views), made=made_text()
    )
    _text_box(cover, (0.6, 6.7, w - 1.2, 0.5), [foot], 10, color="555555")
    drawn: list[Drawn] = []
    for number, view in enumerate(views, start=1):
        slide = prs.slides.add_slide(blank)
        _text_box(slide, (0.4, 0.15, w - 0.8, 0.3), [scene_counter(number, len(views))], 10,
                  color="666666")  # fmt: skip
        _text_box(slide, (0.4, 0.42, w - 0.8, 0.75), [view.title], 24, bold=True)
        picture, d = map_picture(view, frames, _MAP_IN)
        drawn.append(d)
        shape = slide.shapes.add_picture(io.BytesIO(picture), Inches(0.4), Inches(1.25),
                                         Inches(_MAP_IN[0]), Inches(_MAP_IN[1]))  # fmt: skip
        # its alternative text (python-pptx names a picture by its file): what the map shows
        alt = _("Map: {description}").format(description=view.description)
        shape._element.nvPicPr.cNvPr.set("descr", xml_text(alt))
        right = 0.4 + _MAP_IN[0] + 0.25
        texts = [md_to_plain(view.text)] if view.text else []
        _text_box(slide, (right, 1.25, w - right - 0.4, 3.9), texts or [""], 13)
        _text_box(slide, (right, 5.2, w - right - 0.4, 1.7), [view.description], 10,
                  italic=True, color="444444")  # fmt: skip
        _text_box(slide, (0.4, 7.0, w - 0.8, 0.4), [source_line(view)], 8, color="444444")
    refs = appendix_refs(views)
    for start in range(0, max(1, len(refs)), _SOURCES_PER_SLIDE):
        slide = prs.slides.add_slide(blank)
        chunk = refs[start : start + _SOURCES_PER_SLIDE]
        _text_box(slide, (0.4, 0.25, w - 0.8, 0.6), [_("Sources")], 22, bold=True)
        lines = [source_entry(ref, scenes_of) for ref, scenes_of in chunk] or [_("No sources.")]
        _text_box(slide, (0.4, 0.95, w - 0.8, 6.3), lines, 9, color="222222", shrink=False)
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue(), drawn


def pptx_briefing(
    b: briefing.Briefing,
    views: Sequence[ExportView],
    frames: Mapping[str, gpd.GeoDataFrame],
) -> bytes:
    """A briefing as a PowerPoint deck (16:9): a title slide, a slide per scene, sources."""
    return render_pptx(b, views, frames)[0]
