"""Checking that uploaded bytes are a real, sane image before anything is stored."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

from app.errors import AppError

ALLOWED_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
THUMBNAIL_SIDE = 320  # the longest side of every thumbnail we make, in pixels


class ImageRejected(AppError):
    status, code, message = 422, "image_rejected", "这不是一张能用的照片，请重新拍摄或选择照片"


@dataclass(frozen=True)
class ImageInfo:
    """What we learned about an accepted image."""

    content_type: str
    width: int
    height: int


def inspect_image(data: bytes, max_pixels: int, max_side: int) -> ImageInfo:
    """Identify, bound and fully decode an image (at reduced scale for JPEG) so truncation shows.

    Size is checked from the header before decoding, so a decompression bomb is refused without
    allocating its pixels.
    """
    if not data:
        raise ImageRejected("上传的文件是空的，请重新选择照片", code="empty_file")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            fmt = image.format
            width, height = image.size
            if fmt not in ALLOWED_FORMATS:
                raise ImageRejected("只能上传 JPG、PNG 或 WEBP 格式的照片", code="unsupported_image_type")
            if width * height > max_pixels or max(width, height) > max_side:
                raise ImageRejected("照片尺寸太大了，请换一张普通手机照片", code="image_too_large")
            image.verify()
            image = Image.open(io.BytesIO(data))
            if fmt == "JPEG":
                image.draft("RGB", (max(1, width // 8), max(1, height // 8)))
            image.load()
    except ImageRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageRejected("照片尺寸太大了，请换一张普通手机照片", code="image_too_large") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ImageRejected("文件不是完整的照片（可能已损坏），请重新拍摄或选择照片", code="not_an_image") from exc
    return ImageInfo(ALLOWED_FORMATS[fmt], width, height)


def jpeg_bytes(image: Image.Image, quality: int) -> bytes:
    """`image` as a JPEG with no EXIF (no place, no device, no time)."""
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "JPEG", quality=quality, exif=b"")
    return buffer.getvalue()
