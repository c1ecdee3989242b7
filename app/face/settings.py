"""The tunable numbers of face verification, in one frozen dataclass passed to every call."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FaceSettings:
    """Limits and thresholds, passed to every call. Similarities are SFace cosines in [-1, 1].

    Defaults, as measured by tests/face on public sample images (not yet on pilot pairs):
    - edits of one astronaut photo (crop, rescale, rotation to 15 degrees, JPEG q15, light, grey, blur,
      mirror, EXIF rotation) score 0.81-0.99 against her reference; against an ID-card-style portrait
      reference 0.93-0.96;
    - scikit-image's LFW faces (25 px, enlarged): one person 0.47-0.67; of 4,458 pairs of different
      people none reach 0.52 (highest 0.50), 1.1% fall in the review band [0.38, 0.52);
    - the astronaut against 96 other faces: at most 0.29.
    Hence match at >= 0.52, no match below 0.38, review in between (OpenCV's own SFace threshold is
    0.363); a false match pays a dead or absent person, a review costs a reviewer a glance.
    """

    # Decoding: refuse absurd pixel counts before decoding them (decompression bombs), and work on
    # a copy whose longest side is at most `max_side` (a phone selfie is 3000-4000 px).
    max_pixels: int = 40_000_000
    max_side: int = 1280
    # Detection runs on a further reduced copy (YuNet's cost grows with the pixel count); when it
    # finds nothing there it looks again at `max_side`, so that a far-away face gets "too small".
    detect_max_side: int = 640
    min_detection_score: float = 0.7
    # The face's size is the geometric mean of its box's width and height, in pixels of the image
    # reduced to `max_side`. Below `min_face_size` the aligned 112-px chip is mostly upsampled blur.
    min_face_size: int = 64
    # Another face at least this fraction of the main face's size makes the photo "multiple_faces";
    # smaller ones (people far behind the beneficiary) are ignored and only reported.
    comparable_face_ratio: float = 0.5
    # match when similarity >= match_threshold + review_margin; no_match when below
    # match_threshold - review_margin; review in between.
    match_threshold: float = 0.45
    review_margin: float = 0.07

    def __post_init__(self) -> None:
        if not 0 < self.review_margin < 1 or not -1 < self.match_threshold < 1:
            raise ValueError("match_threshold must lie in (-1, 1) and review_margin in (0, 1)")
        if not 0.3 <= self.min_detection_score <= 1:
            raise ValueError("min_detection_score must lie in [0.3, 1]: the detector drops lower scores")
        if self.detect_max_side > self.max_side:
            raise ValueError("detect_max_side cannot exceed max_side")

    @property
    def match_at(self) -> float:
        """The lowest similarity decided as a match."""
        return self.match_threshold + self.review_margin

    @property
    def no_match_below(self) -> float:
        """Similarities below this are decided as no match."""
        return self.match_threshold - self.review_margin


DEFAULT_SETTINGS = FaceSettings()
