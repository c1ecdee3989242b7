"""Test photos built from images that ship inside scikit-image (astronaut: public domain; lfw_subset; coins).

Each builder returns an RGB uint8 array; `encode` turns one into upload bytes (JPEG or PNG, with an
optional EXIF orientation). The bench uses these too.
"""

from __future__ import annotations

import functools
import io

import numpy as np
from PIL import Image, ImageDraw, ImageEnhance, ImageFilter

# scikit-image's lfw_subset(): the first 100 entries are 25x25 faces. By eye, these indices show one
# person each (shared/face-notes.md); nothing else about identities is known.
SAME_PERSON_GROUPS = ((0, 36, 73, 90), (3, 97))
# The astronaut's face box in the 512x512 original (x, y, width, height), as YuNet finds it.
ASTRONAUT_FACE = (178, 63, 90, 114)


@functools.cache
def astronaut() -> np.ndarray:
    """scikit-image's astronaut (Eileen Collins, NASA, public domain): one face, 512x512."""
    from skimage import data

    return np.ascontiguousarray(data.astronaut())


@functools.cache
def cameraman() -> np.ndarray:
    """scikit-image's camera(): a man behind a camera (a second real face), as RGB."""
    from skimage import data

    return np.ascontiguousarray(np.stack([data.camera()] * 3, axis=-1))


@functools.cache
def coins() -> np.ndarray:
    """scikit-image's coins(): Greek coins, no face, as RGB."""
    from skimage import data

    return np.ascontiguousarray(np.stack([data.coins()] * 3, axis=-1))


@functools.cache
def _lfw() -> np.ndarray:
    from skimage import data

    return data.lfw_subset()[:100]


def lfw_face(index: int, size: int = 400) -> np.ndarray:
    """LFW face `index` (25x25) enlarged to half of a `size` square canvas with its border repeated."""
    face = Image.fromarray((_lfw()[index] * 255).round().astype(np.uint8)).convert("RGB")
    inner = size // 2
    face = face.resize((inner, inner), Image.Resampling.BICUBIC)
    pixels = np.asarray(face)
    pad = (size - inner) // 2
    return np.pad(pixels, ((pad, size - inner - pad), (pad, size - inner - pad), (0, 0)), mode="edge")


def encode(rgb: np.ndarray, fmt: str = "JPEG", *, quality: int = 92, orientation: int | None = None) -> bytes:
    """Upload bytes of an RGB array; `orientation` writes that EXIF Orientation tag (274)."""
    picture = Image.fromarray(rgb)
    buffer = io.BytesIO()
    options: dict = {"quality": quality} if fmt == "JPEG" else {}
    if orientation is not None:
        exif = Image.Exif()
        exif[274] = orientation
        options["exif"] = exif
    picture.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def exif_rotated(rgb: np.ndarray) -> bytes:
    """JPEG bytes stored turned 90° clockwise with EXIF Orientation 8: upright once the tag is applied."""
    stored = np.ascontiguousarray(np.rot90(rgb, k=-1))
    return encode(stored, orientation=8)


def _pil(rgb: np.ndarray) -> Image.Image:
    return Image.fromarray(rgb)


def resized(rgb: np.ndarray, factor: float) -> np.ndarray:
    """`rgb` scaled by `factor`."""
    picture = _pil(rgb)
    size = (round(picture.width * factor), round(picture.height * factor))
    return np.asarray(picture.resize(size, Image.Resampling.BICUBIC))


def selfie_1280(rgb: np.ndarray | None = None) -> np.ndarray:
    """A 960x1280 portrait "phone selfie": the astronaut's head and shoulders filling the frame."""
    rgb = astronaut() if rgb is None else rgb
    crop = rgb[0:384, 90:378]  # 288x384, face centred
    return np.asarray(_pil(crop).resize((960, 1280), Image.Resampling.BICUBIC))


def rotated(rgb: np.ndarray, degrees: float) -> np.ndarray:
    """`rgb` turned by `degrees` about its centre, corners filled grey."""
    return np.asarray(_pil(rgb).rotate(degrees, resample=Image.Resampling.BICUBIC, fillcolor=(128, 128, 128)))


def jpeg_roundtrip(rgb: np.ndarray, quality: int) -> np.ndarray:
    """`rgb` after JPEG compression at `quality`."""
    return np.asarray(Image.open(io.BytesIO(encode(rgb, quality=quality))).convert("RGB"))


def augmentations() -> dict[str, np.ndarray]:
    """Edits of the astronaut photo a beneficiary's phone or a re-upload could produce."""
    base = astronaut()
    return {
        "crop_tight": base[20:300, 110:340],
        "crop_offset": base[0:400, 60:460],
        "resize_down_080": resized(base, 0.8),
        "resize_up_1280": resized(base, 2.5),
        "selfie_1280": selfie_1280(),
        "rotate_8": rotated(base, 8),
        "rotate_minus_15": rotated(base, -15),
        "jpeg_q15": jpeg_roundtrip(base, 15),
        "brighter": np.asarray(ImageEnhance.Brightness(_pil(base)).enhance(1.4)),
        "darker": np.asarray(ImageEnhance.Brightness(_pil(base)).enhance(0.55)),
        "grey": np.asarray(_pil(base).convert("L").convert("RGB")),
        "blur_1": np.asarray(_pil(base).filter(ImageFilter.GaussianBlur(1.0))),
        "mirrored": np.ascontiguousarray(base[:, ::-1]),
    }


def side_by_side(left: np.ndarray, right: np.ndarray, gap: int = 40) -> np.ndarray:
    """Two photos of equal height next to each other on a grey background."""
    height = max(left.shape[0], right.shape[0])
    canvas = np.full((height, left.shape[1] + gap + right.shape[1], 3), 128, dtype=np.uint8)
    canvas[: left.shape[0], : left.shape[1]] = left
    canvas[: right.shape[0], left.shape[1] + gap :] = right
    return canvas


def pasted(canvas: np.ndarray, photo: np.ndarray, top: int, left: int) -> np.ndarray:
    """A copy of `canvas` with `photo` pasted at (top, left)."""
    result = canvas.copy()
    result[top : top + photo.shape[0], left : left + photo.shape[1]] = photo
    return result


def tiny_face(face_size: int = 40, canvas: tuple[int, int] = (1280, 960)) -> np.ndarray:
    """The astronaut's head shrunk so that its face box is about `face_size` px, on a large plain canvas."""
    base = astronaut()
    factor = face_size / np.sqrt(ASTRONAUT_FACE[2] * ASTRONAUT_FACE[3])
    head = resized(base[0:300, 110:340], factor)
    background = np.full((canvas[0], canvas[1], 3), (205, 200, 190), dtype=np.uint8)
    return pasted(background, head, canvas[0] // 2, canvas[1] // 3)


def id_card(portrait: np.ndarray | None = None, width: int = 1280) -> np.ndarray:
    """A card-like image (85.6 x 54 mm proportions) with an ID-photo-sized portrait of the astronaut on the right."""
    height = round(width * 54 / 85.6)
    card = Image.new("RGB", (width, height), (236, 240, 244))
    draw = ImageDraw.Draw(card)
    for row in range(0, height, 6):  # faint guilloche-like stripes
        shade = 228 + (row // 6) % 3 * 4
        draw.line([(0, row), (width, row)], fill=(shade, shade + 3, shade + 6), width=2)
    for line in range(5):  # grey bars where the printed fields would be
        y = round(height * (0.12 + 0.14 * line))
        draw.rectangle(
            [round(width * 0.06), y, round(width * 0.52), y + round(height * 0.05)], fill=(90, 90, 95)
        )
    draw.rectangle(
        [round(width * 0.06), round(height * 0.82), round(width * 0.9), round(height * 0.88)],
        fill=(40, 40, 45),
    )
    # ID photo: 26 x 32 mm head-and-shoulders on a light background, at the card's scale.
    photo_w, photo_h = round(width * 26 / 85.6), round(width * 32 / 85.6)
    head = astronaut()[15:273, 118:328] if portrait is None else portrait
    photo = _pil(head).resize((photo_w, photo_h), Image.Resampling.LANCZOS)
    card.paste(photo, (round(width * 0.6), round(height * 0.1)))
    return np.asarray(card)
