"""Locate the Noto CJK fonts that Debian's fonts-noto-cjk package installs."""

from __future__ import annotations

import functools
from pathlib import Path

from PIL import ImageFont

FONT_DIRS = (
    Path("/usr/share/fonts/opentype/noto"),
    Path("/usr/share/fonts/truetype/noto"),
    Path("/usr/share/fonts"),
)
FONT_FILES = {
    "sans": "NotoSansCJK-Regular.ttc",
    "sans-bold": "NotoSansCJK-Bold.ttc",
    "serif": "NotoSerifCJK-Regular.ttc",
    "serif-bold": "NotoSerifCJK-Bold.ttc",
}


class FontsMissing(RuntimeError):
    """The CJK fonts are not installed; the message names the Debian package to install."""


@functools.cache
def font_file(style: str) -> Path:
    """The path of the Noto CJK font file for `style` ("sans", "sans-bold", "serif", "serif-bold")."""
    file_name = FONT_FILES[style]
    for directory in FONT_DIRS:
        direct = directory / file_name
        if direct.is_file():
            return direct
        found = next(directory.rglob(file_name), None) if directory.is_dir() else None
        if found:
            return found
    raise FontsMissing(
        f"{file_name} not found under {', '.join(map(str, FONT_DIRS))}: "
        "install the Debian package fonts-noto-cjk (apt-get install fonts-noto-cjk)"
    )


@functools.cache
def _simplified_chinese_index(path: Path, monospace: bool) -> int:
    """The face index of the Simplified Chinese face inside a .ttc collection."""
    for index in range(16):
        try:
            family, _ = ImageFont.truetype(str(path), 10, index=index).getname()
        except OSError:
            break
        if family and family.endswith("SC") and ("Mono" in family) == monospace:
            return index
    return 0


@functools.cache
def cjk_font(style: str, size_px: int, *, monospace: bool = False) -> ImageFont.FreeTypeFont:
    """A loaded Simplified Chinese face of `style` at `size_px` pixels."""
    path = font_file(style)
    return ImageFont.truetype(str(path), max(4, size_px), index=_simplified_chinese_index(path, monospace))
