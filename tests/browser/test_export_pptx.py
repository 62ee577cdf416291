"""The presentation page's PowerPoint download in a real browser: a deck named by the
briefing's key, a title slide then a slide per scene with its map picture and title."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from harness import PageProbe, StreamlitServer, download, wait_for_map

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).parent / "artifacts"


def test_the_presentation_downloads_the_briefing_as_slides(
    page: Any, probe: PageProbe, streamlit_server: StreamlitServer
) -> None:
    from pptx import Presentation  # noqa: PLC0415

    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(streamlit_server.url + "present?briefing=gabala-2025&scene=1")
    wait_for_map(page, probe=probe)
    page.wait_for_selector("text=Scene 1 of 7")
    button = page.get_by_role("button", name="Slides (PowerPoint)")
    button.scroll_into_view_if_needed()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "present-downloads.png"), full_page=True)
    deck = download(page, button)
    assert deck.suggested_filename == "gabala-2025.pptx"
    slides = list(Presentation(deck.path()).slides)
    assert len(slides) >= 1 + 7 + 1  # title, scenes, sources
    for number, slide in enumerate(slides[1:8], start=1):
        words = " ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
        assert f"Scene {number} of 7" in words
        assert sum(1 for s in slide.shapes if s.shape_type == 13) == 1  # the map picture
    assert probe.blocked == []  # nothing left the machine
