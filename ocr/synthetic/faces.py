"""Draw both faces of a fake resident ID card (85.6 × 54 mm) with Noto CJK fonts.

The layout follows the second-generation card: labels on the left of the portrait face,
a multi-line address, the number at the bottom, a plain silhouette where the photo goes; the
emblem face carries a simplified red seal (not the national emblem), the titles, the
issuing authority and the validity period.
"""

from __future__ import annotations

import math
import random

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from ocr.synthetic.fonts import cjk_font
from ocr.synthetic.identities import FakeIdentity

CARD_MM = (85.6, 54.0)
LABEL_COLOUR = (38, 120, 190)
TEXT_COLOUR = (24, 24, 28)


class _Canvas:
    """A card-sized image with millimetre coordinates."""

    def __init__(self, px_per_mm: float, rng: random.Random) -> None:
        self.scale = px_per_mm
        size = (round(CARD_MM[0] * px_per_mm), round(CARD_MM[1] * px_per_mm))
        self.image = _card_background(size, rng)
        self.draw = ImageDraw.Draw(self.image)

    def px(self, mm: float) -> int:
        return round(mm * self.scale)

    def font(self, style: str, size_mm: float, *, monospace: bool = False) -> ImageFont.FreeTypeFont:
        return cjk_font(style, self.px(size_mm), monospace=monospace)

    def text(self, x_mm: float, y_mm: float, text: str, font: ImageFont.FreeTypeFont, colour: tuple) -> float:
        """Draw `text` with its top-left at (x, y) mm; return the x (mm) where it ends."""
        self.draw.text((self.px(x_mm), self.px(y_mm)), text, font=font, fill=colour)
        return x_mm + self.draw.textlength(text, font=font) / self.scale

    def spaced(
        self, x_mm: float, y_mm: float, text: str, font: ImageFont.FreeTypeFont, pitch_mm: float
    ) -> None:
        """Draw `text` one character every `pitch_mm`, as the card prints its number and titles."""
        for index, character in enumerate(text):
            self.text(x_mm + index * pitch_mm, y_mm, character, font, TEXT_COLOUR)

    def text_width_mm(self, text: str, font: ImageFont.FreeTypeFont) -> float:
        return self.draw.textlength(text, font=font) / self.scale


def draw_portrait_face(identity: FakeIdentity, rng: random.Random, px_per_mm: float = 12.0) -> Image.Image:
    """The face with the name, sex, ethnicity, birth date, address, number and a silhouette."""
    canvas = _Canvas(px_per_mm, rng)
    _draw_silhouette(canvas, rng)
    label = canvas.font("sans", 2.7)
    value = canvas.font(rng.choice(("sans", "serif")), 3.3)
    name_font = canvas.font("sans", 3.9)
    left, value_x, jitter = 6.0, 16.5, rng.uniform(-0.4, 0.4)

    canvas.text(left, 6.5 + jitter, "姓名", label, LABEL_COLOUR)
    canvas.text(value_x, 6.0 + jitter, identity.name, name_font, TEXT_COLOUR)
    canvas.text(left, 13.5 + jitter, "性别", label, LABEL_COLOUR)
    canvas.text(value_x, 13.2 + jitter, identity.printed_sex, value, TEXT_COLOUR)
    canvas.text(27.0, 13.5 + jitter, "民族", label, LABEL_COLOUR)
    canvas.text(36.0, 13.2 + jitter, identity.ethnicity, value, TEXT_COLOUR)
    canvas.text(left, 20.5 + jitter, "出生", label, LABEL_COLOUR)
    birth = identity.birth_date
    x = canvas.text(value_x, 20.2 + jitter, str(birth.year), value, TEXT_COLOUR)
    x = canvas.text(x + 0.8, 20.5 + jitter, "年", label, LABEL_COLOUR)
    x = canvas.text(x + 1.2, 20.2 + jitter, str(birth.month), value, TEXT_COLOUR)
    x = canvas.text(x + 0.8, 20.5 + jitter, "月", label, LABEL_COLOUR)
    x = canvas.text(x + 1.2, 20.2 + jitter, str(birth.day), value, TEXT_COLOUR)
    canvas.text(x + 0.8, 20.5 + jitter, "日", label, LABEL_COLOUR)
    canvas.text(left, 27.5 + jitter, "住址", label, LABEL_COLOUR)
    for row, line in enumerate(_wrap(canvas, identity.address, value, width_mm=35.0)):
        canvas.text(value_x, 27.2 + jitter + row * 4.6, line, value, TEXT_COLOUR)
    canvas.text(left, 46.0, "公民身份号码", label, LABEL_COLOUR)
    number_font = canvas.font("sans-bold", 3.9, monospace=True)
    canvas.spaced(27.5, 45.4, identity.id_number, number_font, pitch_mm=2.75)
    return canvas.image


def draw_emblem_face(identity: FakeIdentity, rng: random.Random, px_per_mm: float = 12.0) -> Image.Image:
    """The face with the seal, the titles, the issuing authority and the validity period."""
    canvas = _Canvas(px_per_mm, rng)
    _draw_seal(canvas, centre_mm=(14.0, 14.5), radius_mm=8.5)
    canvas.spaced(27.0, 7.0, "中华人民共和国", canvas.font("sans-bold", 4.3), pitch_mm=6.2)
    canvas.spaced(24.0, 16.5, "居民身份证", canvas.font("serif-bold", 7.0), pitch_mm=10.8)
    label = canvas.font("sans", 2.8)
    value = canvas.font(rng.choice(("sans", "serif")), 3.3)
    canvas.text(13.5, 38.0, "签发机关", label, LABEL_COLOUR)
    canvas.text(29.5, 37.6, identity.issuing_authority, value, TEXT_COLOUR)
    canvas.text(13.5, 45.0, "有效期限", label, LABEL_COLOUR)
    canvas.text(29.5, 44.6, identity.printed_validity, value, TEXT_COLOUR)
    return canvas.image


def _wrap(canvas: _Canvas, text: str, font: ImageFont.FreeTypeFont, width_mm: float) -> list[str]:
    lines, current = [], ""
    for character in text:
        if current and canvas.text_width_mm(current + character, font) > width_mm:
            lines.append(current)
            current = ""
        current += character
    return [*lines, current] if current else lines


def _card_background(size: tuple[int, int], rng: random.Random) -> Image.Image:
    """A pale card with faint wave lines, like the guilloche of the real card."""
    width, height = size
    base = (rng.randint(236, 250), rng.randint(240, 250), rng.randint(238, 252))
    image = Image.new("RGB", size, base)
    draw = ImageDraw.Draw(image)
    step = max(6, width // 60)
    phase = rng.uniform(0, math.tau)
    for offset in range(-height, height * 2, step):
        points = [
            (x, offset + height * 0.08 * math.sin(x / width * math.tau * 1.5 + phase))
            for x in range(0, width + 8, 8)
        ]
        draw.line(points, fill=(base[0] - 14, base[1] - 6, base[2] - 2), width=1)
    return image.filter(ImageFilter.GaussianBlur(0.6))


def _draw_silhouette(canvas: _Canvas, rng: random.Random) -> None:
    """A plain head-and-shoulders shape where the photo goes: no person's image."""
    left, top, right, bottom = (canvas.px(v) for v in (55.0, 6.0, 81.0, 40.5))
    shade = rng.randint(150, 190)
    colour = (shade - 20, shade - 10, shade)
    centre_x = (left + right) // 2
    head_w, head_h = (right - left) * 0.42, (bottom - top) * 0.42
    head_top = top + (bottom - top) * 0.12
    canvas.draw.ellipse(
        (centre_x - head_w / 2, head_top, centre_x + head_w / 2, head_top + head_h), fill=colour
    )
    shoulders_top = head_top + head_h * 0.9
    canvas.draw.ellipse(
        (
            left + (right - left) * 0.05,
            shoulders_top,
            right - (right - left) * 0.05,
            bottom + (bottom - top) * 0.4,
        ),
        fill=colour,
    )
    canvas.draw.rectangle((left, bottom, right, canvas.px(CARD_MM[1])), fill=canvas.image.getpixel((2, 2)))


def _draw_seal(canvas: _Canvas, centre_mm: tuple[float, float], radius_mm: float) -> None:
    """A red disc with five yellow stars: a stand-in for the emblem, not a copy of it."""
    cx, cy, radius = canvas.px(centre_mm[0]), canvas.px(centre_mm[1]), canvas.px(radius_mm)
    canvas.draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=(200, 40, 40))
    yellow = (245, 200, 60)
    _star(canvas.draw, (cx - radius * 0.35, cy - radius * 0.3), radius * 0.32, yellow)
    for angle in (-50, -20, 10, 40):
        rad = math.radians(angle)
        _star(canvas.draw, (cx + radius * 0.3 * math.cos(rad), cy - radius * 0.3 + radius * 0.45 * math.sin(rad)),
              radius * 0.1, yellow)  # fmt: skip
    canvas.draw.arc((cx - radius * 0.8, cy - radius * 0.8, cx + radius * 0.8, cy + radius * 0.8), 20, 160,
                    fill=yellow, width=max(1, radius // 10))  # fmt: skip


def _star(draw: ImageDraw.ImageDraw, centre: tuple[float, float], radius: float, colour: tuple) -> None:
    points = []
    for index in range(10):
        r = radius if index % 2 == 0 else radius * 0.4
        angle = math.radians(-90 + index * 36)
        points.append((centre[0] + r * math.cos(angle), centre[1] + r * math.sin(angle)))
    draw.polygon(points, fill=colour)
