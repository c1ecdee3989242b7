"""Fixtures for app.face: the loaded engine, the astronaut reference and a verify helper taking RGB arrays."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from app.face import (
    DEFAULT_SETTINGS,
    FaceAnalysis,
    FaceEngine,
    FaceSettings,
    Reference,
    Verdict,
    default_engine,
    enroll,
    verify,
)
from tests.face import samples

VerifyArray = Callable[..., Verdict]


@pytest.fixture(scope="session")
def engine() -> FaceEngine:
    """The process-wide engine (models hash-checked and loaded once for the session)."""
    return default_engine()


@pytest.fixture(scope="session")
def astronaut_reference(engine: FaceEngine) -> Reference:
    """The reference enrolled from the untouched astronaut photo (lossless PNG)."""
    return enroll(samples.encode(samples.astronaut(), "PNG"), engine=engine)


@pytest.fixture(scope="session")
def card_reference(engine: FaceEngine) -> Reference:
    """The reference enrolled from a synthetic ID card whose portrait is the astronaut."""
    return enroll(samples.encode(samples.id_card()), engine=engine)


@pytest.fixture(scope="session")
def lfw_analyses(engine: FaceEngine) -> dict[int, FaceAnalysis]:
    """The usable analyses of scikit-image's 100 LFW faces, enlarged (5 of them are too blurry to detect)."""
    analyses = {
        index: engine.analyse(samples.encode(samples.lfw_face(index)), DEFAULT_SETTINGS)
        for index in range(100)
    }
    return {index: analysis for index, analysis in analyses.items() if analysis.usable}


@pytest.fixture
def verify_rgb(engine: FaceEngine) -> VerifyArray:
    """Verify an RGB array (sent as JPEG bytes) against a reference."""

    def run(rgb: np.ndarray, reference: Reference, settings: FaceSettings = DEFAULT_SETTINGS) -> Verdict:
        return verify(samples.encode(rgb), reference, settings, engine=engine)

    return run
