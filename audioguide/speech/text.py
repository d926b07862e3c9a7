"""Text as an engine should get it: no markup, and nothing engines are known to mis-speak."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

_UNITS = {"s": "second", "sec": "second", "secs": "second", "min": "minute", "mins": "minute", "h": "hour",
          "hr": "hour", "hrs": "hour", "kg": "kilogram", "lb": "pound", "lbs": "pound", "cm": "centimetre",
          "m": "metre"}


def _minutes_and_seconds(match: re.Match) -> str:
    minutes, seconds = int(match.group(1)), int(match.group(2))
    said = [f"{minutes} minute{'' if minutes == 1 else 's'}"] if minutes else []
    said += [f"{seconds} second{'' if seconds == 1 else 's'}"] if seconds or not minutes else []
    return " ".join(said)


_WORDS: list[tuple[str, Any]] = [(r"\bL\s*/\s*R\b", "left and right"), (r"\bR\s*/\s*L\b", "right and left"),
          (r"\be\.g\.", "for example"), (r"\bi\.e\.", "that is"), (r"\betc\.", "and so on"),
          (r"\bapprox\.", "approximately"), (r"\bvs\.?", "versus"),
          (r"&", " and "), (r"(\d)\s*%", r"\1 percent"), (r"(\d)\s*[x×]\s*(\d)", r"\1 times \2"),
          (r"(?<![\d.])1\s*[x×](?!\w)", "once"), (r"(?<![\d.])2\s*[x×](?!\w)", "twice"),  # "2x per side"
          (r"(\d)\s*[x×](?!\w)", r"\1 times"), (r"(?<!\w)[x×]\s*(\d)", r"times \1"),  # "3 x", "reps x 3"
          (r"\b(\d{1,2}):([0-5]\d)\b", _minutes_and_seconds)]  # "1:30" is a length here, not a clock time


def _unsaid(c: str) -> bool:
    """Emoji and other pictographs, arrows and emoji modifiers: espeak-ng (and so piper) would read '💪' out
    as "flexed biceps" and '→' as "right arrow"."""
    return unicodedata.category(c) in ("So", "Sk") or "\u2190" <= c <= "\u21ff" or "\ufe00" <= c <= "\ufe0f"


def normalise(text: str) -> str:
    """The text as an engine should get it: no markup, and nothing engines are known to mis-speak.

    Ranges ("8-12") become "8 to 12", units after numbers ("5 s", "10 min") are spelt out, "L/R" becomes
    "left and right", "2x" and "x 3" are said as "twice" and "times 3", a length "1:30" as "1 minute 30
    seconds", "90°" as "90 degrees", common abbreviations are expanded and ellipses become a pause; emoji and
    arrows are not read out. A text without a letter or a digit says nothing: it normalises to "".
    """
    text = re.sub(r"<[^>]*>", " ", text)
    text = "".join(c for c in text if c.isspace() or unicodedata.category(c) not in ("Cc", "Cf"))  # zero-widths
    text = re.sub(r"(\d)\s*°", r"\1 degrees", text)
    text = "".join(" " if _unsaid(c) else c for c in text)
    text = re.sub(r"[<>{}\[\]\\|^~`*_#]", " ", text)
    text = text.replace("…", ", ").replace("...", ", ")
    text = re.sub(r"(\d)\s*[-–—]\s*(\d)", r"\1 to \2", text)
    for pattern, words in _WORDS:
        text = re.sub(pattern, words, text, flags=re.IGNORECASE)
    text = re.sub(r"(\d+(?:\.\d+)?)\s*(%s)\b" % "|".join(sorted(_UNITS, key=len, reverse=True)),
                  lambda m: f"{m.group(1)} {_UNITS[m.group(2).lower()]}{'' if m.group(1) == '1' else 's'}",
                  text, flags=re.IGNORECASE)
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    text = re.sub(r",\s*([.!?])", r"\1", text)
    text = " ".join(text.split()).strip(" ,;:")
    return text if any(c.isalnum() for c in text) else ""  # no letter or digit: nothing to say
