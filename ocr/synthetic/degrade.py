"""Photograph-like degradations of a drawn card: tilt, perspective, light, glare, blur, JPEG, size."""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field

import cv2
import numpy as np
from PIL import Image, ImageFilter

EXIF_ORIENTATION_TAG = 0x0112
# EXIF orientation that tells a viewer to turn the stored pixels back by 90 degrees clockwise.
EXIF_ROTATE_90_CW = 6


@dataclass(frozen=True)
class Scenario:
    """How one synthetic photo is taken; every field defaults to a clean scan."""

    tilt_degrees: float = 0.0
    perspective: float = 0.0  # corner jitter as a fraction of the card size
    uneven_light: float = 0.0  # 0..1: how dark the darkest edge gets
    glare: float = 0.0  # 0..1: opacity of a white highlight
    blur_radius: float = 0.0
    noise: float = 0.0  # standard deviation of sensor noise, in grey levels
    phone_photo: bool = False  # the card lies on a desk inside a 12-MP frame
    card_fraction: float = 0.4  # in a phone photo: the card's width over the frame's
    card_width_px: int | None = None  # low resolution: the card is resampled to this width
    quarter_turns: int = 0  # 1 = 90° counter-clockwise, 2 = 180°, 3 = 270°
    exif_rotated: bool = False  # pixels stored turned, with an EXIF orientation tag to undo it
    jpeg_quality: int = 92
    tags: tuple[str, ...] = field(default_factory=tuple)


def normal_scenario(rng: random.Random) -> Scenario:
    """A decent photo: a slight tilt, mild light, good JPEG; half are 12-MP frames the card mostly fills."""
    phone_photo = rng.random() < 0.5
    return Scenario(
        phone_photo=phone_photo,
        card_fraction=rng.uniform(0.6, 0.9),
        tilt_degrees=rng.uniform(-3, 3),
        perspective=rng.uniform(0, 0.02),
        uneven_light=rng.uniform(0, 0.2),
        blur_radius=rng.choice((0.0, 0.0, 0.6)),
        noise=rng.uniform(0, 3),
        jpeg_quality=rng.randint(80, 95),
        tags=("normal", "phone") if phone_photo else ("normal",),
    )


def hard_scenario(rng: random.Random) -> Scenario:
    """A poor photo: two or three of blur, glare, uneven light, perspective, small card, low resolution."""
    kinds = rng.sample(
        ("blur", "glare", "light", "perspective", "phone", "low_res", "jpeg"), k=rng.choice((2, 3))
    )
    if "phone" in kinds and "low_res" in kinds:
        kinds.remove("low_res")
    return Scenario(
        tilt_degrees=rng.uniform(-10, 10),
        perspective=rng.uniform(0.04, 0.09) if "perspective" in kinds else rng.uniform(0, 0.02),
        uneven_light=rng.uniform(0.45, 0.65) if "light" in kinds else rng.uniform(0, 0.15),
        glare=rng.uniform(0.55, 0.85) if "glare" in kinds else 0.0,
        blur_radius=rng.uniform(1.4, 2.4) if "blur" in kinds else 0.0,
        noise=rng.uniform(3, 8),
        phone_photo="phone" in kinds,
        card_fraction=rng.uniform(0.28, 0.5),
        card_width_px=rng.randint(420, 560) if "low_res" in kinds else None,
        jpeg_quality=rng.randint(20, 35) if "jpeg" in kinds else rng.randint(70, 90),
        tags=("hard", *sorted(kinds)),
    )


def photograph(card: Image.Image, scenario: Scenario, rng: random.Random) -> bytes:
    """Apply `scenario` to a drawn card and return the JPEG bytes a phone would upload."""
    np_rng = np.random.default_rng(rng.randrange(2**32))
    image = card
    if scenario.card_width_px:
        height = round(image.height * scenario.card_width_px / image.width)
        image = image.resize((scenario.card_width_px, height), Image.Resampling.LANCZOS)
    if scenario.glare:
        image = _add_glare(image, scenario.glare, rng)
    if scenario.phone_photo:
        image = _place_on_desk(image, scenario, rng, np_rng)
    else:
        image = _tilt_on_margin(image, scenario, rng)
    if scenario.uneven_light:
        image = _uneven_light(image, scenario.uneven_light, rng)
    if scenario.blur_radius:
        image = image.filter(ImageFilter.GaussianBlur(scenario.blur_radius))
    if scenario.noise:
        pixels = np.asarray(image, dtype=np.float32) + np_rng.normal(
            0, scenario.noise, (image.height, image.width, 1)
        )
        image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    turns = {1: Image.Transpose.ROTATE_90, 2: Image.Transpose.ROTATE_180, 3: Image.Transpose.ROTATE_270}
    if scenario.quarter_turns % 4:
        image = image.transpose(turns[scenario.quarter_turns % 4])
    buffer = io.BytesIO()
    if scenario.exif_rotated:
        # Store the pixels turned 90° counter-clockwise and tag them so a viewer turns them back.
        exif = Image.Exif()
        exif[EXIF_ORIENTATION_TAG] = EXIF_ROTATE_90_CW
        image.transpose(Image.Transpose.ROTATE_90).save(
            buffer, "JPEG", quality=scenario.jpeg_quality, exif=exif
        )
    else:
        image.save(buffer, "JPEG", quality=scenario.jpeg_quality)
    return buffer.getvalue()


def _tilt_on_margin(card: Image.Image, scenario: Scenario, rng: random.Random) -> Image.Image:
    """The card on a plain margin, turned a little and seen slightly off-axis."""
    margin = round(card.width * rng.uniform(0.04, 0.1))
    background = tuple(rng.randint(40, 200) for _ in range(3))
    canvas = Image.new("RGB", (card.width + 2 * margin, card.height + 2 * margin), background)
    canvas.paste(card, (margin, margin))
    warped = _warp(np.asarray(canvas), (margin, margin, card.width, card.height), scenario, rng, background)
    return Image.fromarray(warped)


def _place_on_desk(
    card: Image.Image, scenario: Scenario, rng: random.Random, np_rng: np.random.Generator
) -> Image.Image:
    """The card small inside a 4000 × 3000 photo of a textured desk."""
    frame_w, frame_h = (4000, 3000) if rng.random() < 0.5 else (3000, 4000)
    card_w = round(frame_w * scenario.card_fraction)
    card = card.resize((card_w, round(card.height * card_w / card.width)), Image.Resampling.LANCZOS)
    base = np.array([rng.randint(60, 190) for _ in range(3)], dtype=np.float32)
    grain = cv2.resize(
        np_rng.normal(0, 18, (frame_h // 40, frame_w // 40)).astype(np.float32), (frame_w, frame_h)
    )
    desk = np.clip(base + grain[..., None], 0, 255).astype(np.uint8)
    spare_w, spare_h = max(0, frame_w - card.width), max(0, frame_h - card.height)
    x = rng.randint(spare_w // 4, spare_w - spare_w // 4)  # keep the corners in frame after the tilt
    y = rng.randint(spare_h // 4, spare_h - spare_h // 4)
    desk[y : y + card.height, x : x + card.width] = np.asarray(card)
    background = tuple(int(v) for v in base)
    return Image.fromarray(_warp(desk, (x, y, card.width, card.height), scenario, rng, background))


def _warp(
    pixels: np.ndarray,
    card_box: tuple[int, int, int, int],
    scenario: Scenario,
    rng: random.Random,
    fill: tuple,
) -> np.ndarray:
    """Turn the card about its centre and move each corner by up to `perspective` of its size."""
    x, y, w, h = card_box
    source = np.float32([[x, y], [x + w, y], [x + w, y + h], [x, y + h]])
    jitter = np.float32([[rng.uniform(-1, 1) * scenario.perspective * w, rng.uniform(-1, 1) * scenario.perspective * h]
                         for _ in range(4)])  # fmt: skip
    centre = source.mean(axis=0)
    angle = np.deg2rad(scenario.tilt_degrees)
    rotation = np.float32([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    target = (source - centre) @ rotation.T + centre + jitter
    matrix = cv2.getPerspectiveTransform(source, target)
    return cv2.warpPerspective(pixels, matrix, (pixels.shape[1], pixels.shape[0]), borderValue=fill)


def _uneven_light(image: Image.Image, strength: float, rng: random.Random) -> Image.Image:
    """Darken the image along a random direction, as a shadow or a lamp to one side does."""
    height, width = image.height, image.width
    angle = rng.uniform(0, 2 * np.pi)
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    ramp = (xs / width - 0.5) * np.cos(angle) + (ys / height - 0.5) * np.sin(angle)
    gain = 1.0 - strength * (ramp - ramp.min()) / max(1e-6, float(ramp.max() - ramp.min()))
    pixels = np.asarray(image, dtype=np.float32) * gain[..., None]
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


def _add_glare(image: Image.Image, opacity: float, rng: random.Random) -> Image.Image:
    """A soft white highlight, as the laminate reflects a lamp."""
    height, width = image.height, image.width
    cx, cy = rng.uniform(0.2, 0.8) * width, rng.uniform(0.2, 0.8) * height
    rx, ry = rng.uniform(0.1, 0.25) * width, rng.uniform(0.12, 0.35) * height
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    mask = np.exp(-(((xs - cx) / rx) ** 2 + ((ys - cy) / ry) ** 2)) * opacity
    pixels = np.asarray(image, dtype=np.float32)
    blended = pixels * (1 - mask[..., None]) + 255.0 * mask[..., None]
    return Image.fromarray(np.clip(blended, 0, 255).astype(np.uint8))
