"""Image preparation: hostile and awkward uploads are rejected clearly and cheaply; photos come out upright."""

from __future__ import annotations

import io
import struct
import subprocess
import sys
import textwrap
import zlib
from pathlib import Path

import pytest
from PIL import Image

from ocr.prepare import ImageRejected, prepare_image

ROOT = Path(__file__).resolve().parents[2]


def _jpeg(
    size: tuple[int, int] = (800, 500), colour: tuple[int, int, int] = (200, 180, 160), **save: object
) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG", **save)
    return buffer.getvalue()


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def huge_png(width: int = 20000, height: int = 20000) -> bytes:
    """A valid 1-bit PNG of width × height white pixels, a few hundred kilobytes on disk."""
    compressor = zlib.compressobj(9)
    row = b"\x00" + b"\xff" * ((width + 7) // 8)
    body = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", body)
        + _png_chunk(b"IEND", b"")
    )


def _code(data: bytes, **options: object) -> str:
    with pytest.raises(ImageRejected) as caught:
        prepare_image(data, **options)
    assert caught.value.message_zh  # every rejection says why, in Chinese
    return caught.value.code


def test_non_image_bytes_are_rejected():
    assert _code(b"%PDF-1.7 not a photo at all" * 40) == "not_an_image"
    assert _code(b"") == "not_an_image"


def test_truncated_jpeg_is_rejected():
    data = _jpeg((1200, 900), quality=90)
    assert _code(data[: len(data) // 2]) == "image_truncated"


def test_truncated_png_is_rejected():
    buffer = io.BytesIO()
    Image.effect_noise((600, 400), 40).convert("RGB").save(buffer, "PNG")
    assert _code(buffer.getvalue()[:-5000]) == "image_truncated"


def test_decompression_bomb_is_rejected_from_its_header_in_bounded_memory():
    # Run in a fresh interpreter so its peak RSS measures this rejection alone.
    script = textwrap.dedent(
        """
        import resource, sys
        from tests.ocr.test_ocr_prepare import huge_png
        from ocr.prepare import ImageRejected, prepare_image
        data = huge_png()
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        try:
            prepare_image(data)
        except ImageRejected as error:
            print(error.code, len(data), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)
        """
    )
    completed = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True
    )
    code, size, grown_kb = completed.stdout.split()
    assert code == "image_too_large"
    assert int(size) < 2 * 1024 * 1024  # small on disk ...
    assert int(grown_kb) < 50 * 1024  # ... and refused without decoding 400 megapixels


def test_more_pixels_than_the_limit_is_rejected_even_below_pillows_own_guard():
    assert _code(huge_png(8000, 8000)) == "image_too_large"


def test_file_over_the_byte_limit_is_rejected():
    assert _code(_jpeg(), max_bytes=1000) == "file_too_large"


def test_tiny_and_unsupported_images_are_rejected():
    assert _code(_jpeg((120, 80))) == "image_too_small"
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300)).save(buffer, "PPM")
    assert _code(buffer.getvalue()) == "unsupported_format"


def test_exif_orientation_is_applied():
    # Upright: 600 wide, 400 tall, red in the top-left corner. Stored turned, tagged to be turned back.
    upright = Image.new("RGB", (600, 400), (255, 255, 255))
    upright.paste((255, 0, 0), (0, 0, 100, 100))
    exif = Image.Exif()
    exif[0x0112] = 6  # the viewer must turn the stored pixels 90° clockwise
    buffer = io.BytesIO()
    upright.transpose(Image.Transpose.ROTATE_90).save(buffer, "JPEG", exif=exif, quality=95)
    prepared = prepare_image(buffer.getvalue()).image
    assert prepared.size == (600, 400)
    red, green, _ = prepared.getpixel((20, 20))
    assert red > 200 and green < 60


def test_large_photo_is_downscaled_to_the_target_longest_side():
    prepared = prepare_image(_jpeg((4000, 3000), quality=80))
    assert prepared.image.size == (2000, 1500)
    assert prepared.original_size == (4000, 3000)
    assert prepared.format == "JPEG"
    assert prepared.image.mode == "RGB"


def test_transparent_png_becomes_rgb_on_white():
    buffer = io.BytesIO()
    Image.new("RGBA", (500, 300), (0, 0, 0, 0)).save(buffer, "PNG")
    prepared = prepare_image(buffer.getvalue()).image
    assert prepared.mode == "RGB"
    assert prepared.getpixel((10, 10)) == (255, 255, 255)
