"""Turn uploaded bytes into an upright, reduced BGR array for OpenCV, refusing what is not a photo."""

from __future__ import annotations

import io

import cv2
import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

# Phone cameras and WeChat produce JPEG (MPO opens as JPEG); PNG and WebP come from screenshots and
# forwarded pictures. Fewer decoders, fewer parsers exposed to uploads.
ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP")


class ImageRejected(ValueError):
    """The bytes are not a usable photo; `code` is "not_an_image" or "image_too_large"."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code


def decode_image(data: bytes, *, max_side: int, max_pixels: int) -> np.ndarray:
    """Decode `data` into a BGR uint8 array, EXIF orientation applied, longest side at most `max_side`."""
    if not data:
        raise ImageRejected("not_an_image", "empty upload")
    try:
        picture = Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS)
        # Opening reads only the header: refuse decompression bombs before any pixel is decoded.
        width, height = picture.size
        if width * height > max_pixels:
            raise ImageRejected("image_too_large", f"{width}x{height} exceeds {max_pixels} pixels")
        # JPEG can decode at 1/2, 1/4 or 1/8 scale directly: a 12-MP selfie decodes in a fraction.
        picture.draft("RGB", (max_side, max_side))
        picture = ImageOps.exif_transpose(picture)
        picture = _as_rgb(picture)
    except ImageRejected:
        raise
    except Image.DecompressionBombError as error:  # Pillow's own, larger limit
        raise ImageRejected("image_too_large", str(error)) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ImageRejected("not_an_image", f"{type(error).__name__}: {error}") from error
    if max(picture.size) > max_side:
        picture.thumbnail((max_side, max_side), Image.Resampling.BICUBIC, reducing_gap=2.0)
    return cv2.cvtColor(np.asarray(picture), cv2.COLOR_RGB2BGR)


def _as_rgb(picture: Image.Image) -> Image.Image:
    """Flatten transparency onto white (a cut-out portrait should not turn black) and convert to RGB."""
    if picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info:
        rgba = picture.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    if picture.mode in ("I;16", "I"):
        # 16-bit greyscale PNG: Pillow's own conversion clips everything above 255 to white.
        pixels = np.asarray(picture, dtype=np.float64) / 257.0
        return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).convert("RGB")
    return picture.convert("RGB")
