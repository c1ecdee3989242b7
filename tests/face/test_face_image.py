"""Decoding uploads: orientation, transparency, size limits and bytes that are not photos."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from app.face.image import ImageRejected, decode_image
from tests.face import samples

LIMITS = {"max_side": 1280, "max_pixels": 40_000_000}


def test_exif_orientation_is_applied() -> None:
    upright = samples.astronaut()[:, :400]  # 512 tall, 400 wide
    decoded = decode_image(samples.exif_rotated(upright), **LIMITS)
    assert decoded.shape == (512, 400, 3)
    # Still the same picture: the top-left corner's colour survives the round trip.
    assert (
        np.abs(
            decoded[:40, :40].astype(int).mean(axis=(0, 1)) - upright[:40, :40, ::-1].mean(axis=(0, 1))
        ).max()
        < 12
    )


@pytest.mark.parametrize(("fmt", "factor"), [("JPEG", 5.5), ("PNG", 3.0)])
def test_large_photos_are_reduced_to_the_longest_side(fmt: str, factor: float) -> None:
    big = samples.resized(samples.astronaut(), factor)  # 2816 px JPEG decodes at half scale first
    decoded = decode_image(samples.encode(big, fmt), **LIMITS)
    assert decoded.shape == (1280, 1280, 3)


def test_transparent_png_is_flattened_on_white() -> None:
    picture = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    decoded = decode_image(buffer.getvalue(), **LIMITS)
    assert decoded.dtype == np.uint8 and decoded.shape == (64, 64, 3)
    assert (decoded == 255).all()


def test_greyscale_becomes_three_channels() -> None:
    decoded = decode_image(samples.encode(samples.coins()[:, :, 0].copy(), "PNG"), **LIMITS)
    assert decoded.shape == (303, 384, 3)


def test_sixteen_bit_greyscale_keeps_its_tones() -> None:
    ramp = np.linspace(0, 65535, 64 * 64).reshape(64, 64).astype(np.uint16)
    buffer = io.BytesIO()
    Image.fromarray(ramp).save(buffer, format="PNG")
    decoded = decode_image(buffer.getvalue(), **LIMITS)
    assert decoded[0, 0, 0] == 0 and decoded[-1, -1, 0] == 255 and 100 < decoded[32, 0, 0] < 160


@pytest.mark.parametrize(
    "data",
    [b"", b"not an image at all", samples.encode(samples.coins())[:300], b"GIF89a" + b"\0" * 64],
    ids=["empty", "text", "truncated_jpeg", "gif"],
)
def test_bytes_that_are_not_a_photo_are_refused(data: bytes) -> None:
    with pytest.raises(ImageRejected) as caught:
        decode_image(data, **LIMITS)
    assert caught.value.code == "not_an_image"


def test_a_decompression_bomb_is_refused_before_decoding() -> None:
    bomb = Image.new("1", (9000, 9000))  # 81 MP, a few kilobytes as PNG
    buffer = io.BytesIO()
    bomb.save(buffer, format="PNG")
    assert len(buffer.getvalue()) < 100_000
    with pytest.raises(ImageRejected) as caught:
        decode_image(buffer.getvalue(), **LIMITS)
    assert caught.value.code == "image_too_large"
