"""Synthetic resident ID card photos for tests and the benchmark: fake people, both faces, degradations.

Deterministic by seed. Needs the fonts of Debian's fonts-noto-cjk package. Run
`python -m ocr.synthetic OUTDIR` to write a set of JPEGs with their truth as JSON lines.
"""

from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass

from ocr.synthetic.degrade import Scenario, hard_scenario, normal_scenario, photograph
from ocr.synthetic.faces import draw_emblem_face, draw_portrait_face
from ocr.synthetic.fonts import FontsMissing
from ocr.synthetic.identities import FakeIdentity, make_identity

__all__ = [
    "FakeIdentity",
    "FontsMissing",
    "Scenario",
    "SyntheticCard",
    "corrupt_one_digit",
    "make_card",
    "make_identity",
    "make_set",
]


@dataclass(frozen=True)
class SyntheticCard:
    """One generated photo and the truth behind it."""

    name: str
    side: str  # "portrait" | "emblem"
    image_bytes: bytes
    identity: FakeIdentity
    scenario: Scenario
    printed_id_number: str  # differs from identity.id_number on a corrupted card

    @property
    def expected_fields(self) -> dict[str, str]:
        """What a perfect reading of this photo returns."""
        return self.identity.expected_fields(self.side)

    @property
    def id_number_corrupted(self) -> bool:
        """True when the printed number was altered so that it fails its check character."""
        return self.printed_id_number != self.identity.id_number


def corrupt_one_digit(number: str, rng: random.Random) -> str:
    """Change one of the sequence digits, so the printed number fails GB 11643's check character."""
    position = rng.randrange(14, 17)
    replacement = rng.choice([d for d in "0123456789" if d != number[position]])
    return number[:position] + replacement + number[position + 1 :]


def make_card(
    seed: int,
    *,
    side: str = "portrait",
    difficulty: str = "normal",
    quarter_turns: int = 0,
    corrupt_id_number: bool = False,
    exif_rotated: bool = False,
    scenario: Scenario | None = None,
    name: str | None = None,
) -> SyntheticCard:
    """Generate one photo of a fake card; the same arguments always give the same bytes."""
    rng = random.Random(f"doudi-card-{seed}")
    identity = make_identity(rng)
    if name is not None:
        identity = dataclasses.replace(identity, name=name)
    printed = corrupt_one_digit(identity.id_number, rng) if corrupt_id_number else identity.id_number
    if scenario is None:
        scenario = hard_scenario(rng) if difficulty == "hard" else normal_scenario(rng)
    scenario = dataclasses.replace(
        scenario, quarter_turns=quarter_turns or scenario.quarter_turns, exif_rotated=exif_rotated
    )
    px_per_mm = rng.uniform(10.0, 15.0)
    drawn_identity = dataclasses.replace(identity, id_number=printed)
    face = draw_emblem_face if side == "emblem" else draw_portrait_face
    card = face(drawn_identity, rng, px_per_mm)
    tags = "-".join(scenario.tags) or "custom"
    suffix = f"{'-rot' + str(quarter_turns * 90) if quarter_turns else ''}{'-corrupt' if corrupt_id_number else ''}"
    return SyntheticCard(
        name=f"{seed:04d}-{side}-{tags}{suffix}",
        side=side,
        image_bytes=photograph(card, scenario, rng),
        identity=identity,
        scenario=scenario,
        printed_id_number=printed,
    )


def make_set(
    count: int, *, difficulty: str, first_seed: int = 0, emblem_every: int = 4
) -> list[SyntheticCard]:
    """`count` photos of one difficulty; every `emblem_every`-th is an emblem face."""
    return [
        make_card(
            first_seed + index,
            side="emblem" if emblem_every and index % emblem_every == emblem_every - 1 else "portrait",
            difficulty=difficulty,
        )
        for index in range(count)
    ]
