"""Turn uploaded bytes into an upright RGB image of bounded size, or reject them with a clear reason.

Guards come before decoding: the header's pixel count is checked first, so a 20000×20000 PNG
that is small on disk is refused without allocating its pixels. JPEGs are decoded straight
at a reduced scale (libjpeg's DCT scaling) when they are much larger than needed.
"""

from __future__ import annotations

import io
import math
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 30 * 1024 * 1024
MAX_PIXELS = 60_000_000  # a 50-MP phone photo passes; decompression bombs do not
MIN_SIDE = 200
TARGET_LONGEST_SIDE = 2000
ACCEPTED_FORMATS = frozenset({"JPEG", "MPO", "PNG", "WEBP", "BMP", "TIFF", "GIF"})


class ImageRejected(ValueError):
    """An upload that is not a usable photo; `code` is stable, `message_zh` is plain Chinese for the resident."""

    def __init__(self, code: str, message_zh: str) -> None:
        super().__init__(f"{code}: {message_zh}")
        self.code = code
        self.message_zh = message_zh


@dataclass(frozen=True)
class PreparedImage:
    """An upright RGB image no larger than the target, with what the upload originally was."""

    image: Image.Image
    original_size: tuple[int, int]
    format: str


def prepare_image(
    data: bytes,
    *,
    longest_side: int = TARGET_LONGEST_SIDE,
    max_pixels: int = MAX_PIXELS,
    max_bytes: int = MAX_BYTES,
) -> PreparedImage:
    """Decode, verify, undo EXIF rotation, convert to RGB and downscale; raise ImageRejected on bad input."""
    if not data:
        raise ImageRejected("not_an_image", "文件是空的，请重新拍照上传")
    if len(data) > max_bytes:
        raise ImageRejected(
            "file_too_large", f"照片文件太大（超过{max_bytes // (1024 * 1024)}MB），请压缩后再上传"
        )
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        _check_header(data, max_pixels)
        image = _open(data)
        original_size, image_format = image.size, image.format or ""
        if image_format == "JPEG" or image_format == "MPO":
            _draft_for(image, longest_side)
        try:
            image.load()
        except (OSError, SyntaxError, ValueError) as error:
            raise ImageRejected("image_truncated", "照片不完整或已损坏，请重新拍照上传") from error
        except Image.DecompressionBombError as error:
            raise _too_large() from error
    image = _upright(image)
    image = _to_rgb(image)
    if max(image.size) > longest_side:
        scale = longest_side / max(image.size)
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        image = image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
    return PreparedImage(image=image, original_size=original_size, format=image_format)


def _check_header(data: bytes, max_pixels: int) -> None:
    """Read only the header: reject what is not an image, is too big, too small, or fails verification."""
    image = _open(data)
    if image.format not in ACCEPTED_FORMATS:
        raise ImageRejected("unsupported_format", "不支持这种图片格式，请上传JPG或PNG照片")
    width, height = image.size
    if width * height > max_pixels:
        raise _too_large()
    if max(width, height) < MIN_SIDE:
        raise ImageRejected("image_too_small", "照片太小，看不清证件上的字，请靠近一些重新拍照")
    try:
        image.verify()
    except Exception as error:  # verify raises whatever the plugin hits on broken data
        raise ImageRejected("image_truncated", "照片不完整或已损坏，请重新拍照上传") from error


def _open(data: bytes) -> Image.Image:
    try:
        return Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise _too_large() from error
    except UnidentifiedImageError as error:
        raise ImageRejected("not_an_image", "这不是一张照片，请上传身份证的照片") from error
    except (OSError, SyntaxError, ValueError) as error:
        raise ImageRejected("image_truncated", "照片不完整或已损坏，请重新拍照上传") from error


def _too_large() -> ImageRejected:
    return ImageRejected("image_too_large", "照片像素太多，无法处理，请用手机相机正常拍照后上传")


def _draft_for(image: Image.Image, longest_side: int) -> None:
    """Ask libjpeg to decode at 1/2, 1/4 or 1/8 scale when that still leaves `longest_side` pixels."""
    ratio = longest_side / max(image.size)
    if ratio < 1:
        image.draft("RGB", (math.ceil(image.width * ratio), math.ceil(image.height * ratio)))


def _upright(image: Image.Image) -> Image.Image:
    """Apply the EXIF orientation tag; a broken EXIF block is ignored rather than fatal."""
    try:
        return ImageOps.exif_transpose(image)
    except Exception:  # malformed EXIF: keep the pixels as stored
        return image


def _to_rgb(image: Image.Image) -> Image.Image:
    """RGB pixels; transparent areas become white, as paper would be."""
    if image.mode == "RGB":
        return image
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")
