"""Exports that work offline: a self-contained interactive HTML, a PNG, a PDF briefing pack.

Every export is built from one or more ``ExportView`` (``views``), so the app, the CLI and the
tests make the same files. Colours, dashes and labels come from ``style`` (through the same
renderers the live map uses); nothing here imports streamlit. One module per format:

* ``html``: the folium map of ``mapbuild`` with everything inlined; opens from ``file://``.
* ``png``: matplotlib on the server (Agg, DejaVu Sans), in Web Mercator like the live map.
* ``pdf``: matplotlib's ``PdfPages`` with TrueType text (extractable), as 16:9 slides: a cover,
  a slide per scene, a sources appendix.
* ``pptx``: a PowerPoint deck (python-pptx): a title slide, a slide per scene, the sources.

``static_map`` draws the map (with the live map's labels, laid out by ``labels``) and
``legend`` its legend, which the PNG, the PDF and the deck share. This module re-exports the
names the app, the CLI and the tests use.
"""

from __future__ import annotations

from typing import Final

from corridormap.export.html import briefing_map, html_briefing, html_view, map_groups, view_map
from corridormap.export.legend import mpl_dashes
from corridormap.export.pdf import appendix_refs, pdf_briefing
from corridormap.export.png import PNG_SIZE_IN, png_briefing, png_view
from corridormap.export.pptx import pptx_briefing
from corridormap.export.views import (
    ExportView,
    SourceRef,
    briefing_views,
    make_view,
    md_to_html,
    md_to_plain,
    named_places,
    scene_box,
    scene_view,
    sources,
    state_view,
    story_box,
    vocabulary,
)

FORMATS: Final = ("html", "png", "pdf", "pptx")

__all__ = [
    "FORMATS",
    "PNG_SIZE_IN",
    "ExportView",
    "SourceRef",
    "appendix_refs",
    "briefing_map",
    "briefing_views",
    "html_briefing",
    "html_view",
    "make_view",
    "map_groups",
    "md_to_html",
    "md_to_plain",
    "mpl_dashes",
    "named_places",
    "pdf_briefing",
    "png_briefing",
    "png_view",
    "pptx_briefing",
    "scene_box",
    "scene_view",
    "sources",
    "state_view",
    "story_box",
    "view_map",
    "vocabulary",
]
