"""Fixtures for the ID-photo pipeline tests: generated card photos (fake people only)."""

from __future__ import annotations

import pytest

from ocr.synthetic import SyntheticCard, make_card


@pytest.fixture(scope="session")
def portrait_card() -> SyntheticCard:
    """A generated photo of the portrait face of a fake card (normal difficulty)."""
    return make_card(101)
