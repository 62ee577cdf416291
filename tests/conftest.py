"""Fixtures shared by the test modules: the shipped layers and the link vocabulary."""

from __future__ import annotations

from pathlib import Path

import pytest

from corridormap import export, load

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def frames():
    """The shipped layers (a module may define its own ``frames`` for hand-made data)."""
    return load.load_all(ROOT / "data").frames


@pytest.fixture(scope="session")
def vocab(frames):
    return export.vocabulary(frames)
