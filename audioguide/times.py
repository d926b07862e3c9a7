"""Lengths and clock times, parsed and formatted in one place for every stage and command."""

from __future__ import annotations

import math
import re

from .errors import LengthError

MAX_SESSION_S = 4 * 3600


def parse_length(text: str) -> float:
    """Parse a session length ('10', '12.5', '12m30s', '45s', '1h5m') into seconds (plain numbers are minutes)."""
    value = text.strip().lower()
    try:
        minutes = float(value)
    except ValueError:
        match = re.fullmatch(r"(?:(\d+(?:\.\d+)?)h)?\s*(?:(\d+(?:\.\d+)?)m(?:in)?)?\s*(?:(\d+(?:\.\d+)?)s)?", value)
        if not value or not match or not any(match.groups()):
            raise LengthError(f"length: expected minutes such as 12.5 or a duration such as 12m30s, found {text!r}")
        h, m, s = (float(g) if g else 0.0 for g in match.groups())
        seconds = h * 3600 + m * 60 + s
    else:
        if not math.isfinite(minutes):
            raise LengthError(f"length: expected a number of minutes, found {text!r}")
        seconds = minutes * 60
    if seconds <= 0 or seconds > MAX_SESSION_S:
        raise LengthError(f"length: must be more than 0 and at most {MAX_SESSION_S // 3600} hours, found {text!r}")
    return seconds


def label(length_s: float) -> str:
    """A stable ASCII label for a length, as file names carry it: 10m, 12m30s, 1h05m."""
    h, m, s = _hms(round(length_s))
    text = f"{h}h{m:02d}m" if h else f"{m}m"
    return text + (f"{s:02d}s" if s else "")


def spoken(length_s: float) -> str:
    """A length for people: '10 minutes', '12 min 30 s', '1 h 5 min'."""
    h, m, s = _hms(round(length_s))
    if not h and not s:
        return f"{m} minute{'s' if m != 1 else ''}"
    parts = [f"{h} h" if h else "", f"{m} min" if m else "", f"{s} s" if s else ""]
    return " ".join(p for p in parts if p)


def clock(seconds: float, places: int = 0, hours: bool = False) -> str:
    """A clock reading, rounded to places decimals: '01:39', '01:38.500', '00:01:39' (hours shown when asked or
    needed)."""
    scale = 10 ** places
    ticks = round(seconds * scale)
    whole, fraction = divmod(ticks, scale)
    h, m, s = _hms(whole)
    text = f"{h:02d}:{m:02d}:{s:02d}" if hours or h else f"{m:02d}:{s:02d}"
    return text + (f".{fraction:0{places}d}" if places else "")


def minutes(seconds: float, rounding: str | None = None) -> str:
    """Minutes as a number: to one decimal rounded 'up' (a least length) or 'down' (a most), else as given."""
    if rounding is None:
        return f"{seconds / 60:g}"
    tenths = seconds / 6
    tenths = math.ceil(tenths - 1e-9) if rounding == "up" else math.floor(tenths + 1e-9)
    return f"{tenths / 10:g}"


def _hms(total: int) -> tuple[int, int, int]:
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    return h, m, s
