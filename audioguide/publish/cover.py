"""Cover art: a 1400x1400 JPEG showing the routine's title and the session length.

The colours and pattern come from a hash of the routine id, so every routine has its own look and the same
routine always looks the same.
"""

from __future__ import annotations

import colorsys
import hashlib
import io
import textwrap

from PIL import Image, ImageDraw, ImageFont

SIZE = 1400
MAX_BYTES = 300_000


def _palette(key: str) -> tuple[tuple[int, int, int], tuple[int, int, int], int]:
    digest = hashlib.sha256(key.encode()).digest()
    hue = int.from_bytes(digest[:2], "big") / 65536
    dark = colorsys.hls_to_rgb(hue, 0.22, 0.55)
    light = colorsys.hls_to_rgb((hue + 0.08) % 1, 0.42, 0.6)
    def rgb(c: tuple[float, float, float]) -> tuple[int, int, int]:
        return round(c[0] * 255), round(c[1] * 255), round(c[2] * 255)
    return rgb(dark), rgb(light), digest[2]


def render(routine_id: str, title: str, length: str) -> bytes:
    """The cover as JPEG bytes (under MAX_BYTES)."""
    dark, light, seed = _palette(routine_id)
    image = Image.new("RGB", (SIZE, SIZE), dark)
    draw = ImageDraw.Draw(image)
    for i in range(SIZE):  # a vertical gradient from dark to light
        t = i / SIZE
        draw.line([(0, i), (SIZE, i)], fill=tuple(round(d + (b - d) * t) for d, b in zip(dark, light)))
    cx, cy = SIZE * (0.55 + (seed % 7) / 40), SIZE * 0.78
    for r in range(180 + seed % 90, SIZE * 2, 70 + seed % 30):  # rings, like sound spreading
        draw.ellipse([cx - r, cy - r, cx + r, cy + r], outline=tuple(min(255, c + 28) for c in light), width=4)
    big = ImageFont.load_default(size=150)
    small = ImageFont.load_default(size=90)
    tiny = ImageFont.load_default(size=56)
    y = 170
    lines = textwrap.wrap(title, width=14)
    if len(lines) > 4:
        lines = [*lines[:3], textwrap.shorten(" ".join(lines[3:]), width=14, placeholder="…")]
    for line in lines:
        draw.text((110, y), line, font=big, fill="white")
        y += 175
    draw.text((110, y + 40), length, font=small, fill=(255, 255, 255))
    draw.text((110, SIZE - 150), "audioguide", font=tiny, fill=(235, 235, 235))
    for quality in (88, 80, 70, 60, 50):
        out = io.BytesIO()
        image.save(out, "JPEG", quality=quality, optimize=True)
        if out.tell() < MAX_BYTES:
            return out.getvalue()
    return out.getvalue()


def for_program(program_id: str, title: str, label: str) -> bytes:
    """A program's cover: its own look (from its id), its title, and a label such as 'Day 3' or '4 weeks'."""
    return render("program:" + program_id, title, label)
