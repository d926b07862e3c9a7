"""Text as an engine should get it: no markup, and nothing engines are known to mis-speak."""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any

from .. import language

_UNITS = {"s": "second", "sec": "second", "secs": "second", "min": "minute", "mins": "minute", "h": "hour",
          "hr": "hour", "hrs": "hour", "kg": "kilogram", "lb": "pound", "lbs": "pound", "cm": "centimetre",
          "m": "metre"}


def _said(tag: str) -> dict[str, Any]:
    return language.table(tag)


def _unit(name: str, count: str, tag: str) -> str:
    """A unit after a number in the language's words and plural form: ('second', '5') -> 'seconds'."""
    forms = _said(tag)["units"][name]
    return language.plural(float(count), forms, tag)


def _minutes_and_seconds(match: re.Match, tag: str) -> str:
    minutes, seconds = int(match.group(1)), int(match.group(2))
    said = [f"{minutes} {_unit('minute', str(minutes), tag)}"] if minutes else []
    said += [f"{seconds} {_unit('second', str(seconds), tag)}"] if seconds or not minutes else []
    return " ".join(said)


@functools.cache
def _words(tag: str) -> list[tuple[str, Any]]:
    """The shorthand of the trade and what the language says for it."""
    w = _said(tag)["speech"]
    return [(r"\bL\s*/\s*R\b", w["left_and_right"]), (r"\bR\s*/\s*L\b", w["right_and_left"]),
            (r"\be\.g\.", w["for_example"]), (r"\bi\.e\.", w["that_is"]), (r"\betc\.", w["and_so_on"]),
            (r"\bapprox\.", w["approximately"]), (r"\bvs\.?", "versus"),
            (r"&", f" {w['and']} "), (r"(\d)\s*%", rf"\1 {w['percent']}"), (r"(\d)\s*[x×]\s*(\d)", rf"\1 {w['times']} \2"),
            (r"(?<![\d.])1\s*[x×](?!\w)", w["once"]), (r"(?<![\d.])2\s*[x×](?!\w)", w["twice"]),  # "2x per side"
            (r"(\d)\s*[x×](?!\w)", rf"\1 {w['times']}"), (r"(?<!\w)[x×]\s*(\d)", rf"{w['times']} \1"),  # "3 x"
            (r"\b(\d{1,2}):([0-5]\d)\b", lambda m: _minutes_and_seconds(m, tag))]  # "1:30": a length, not a time


def _unsaid(c: str) -> bool:
    """Emoji and other pictographs, arrows and emoji modifiers: espeak-ng (and so piper) would read '💪' out
    as "flexed biceps" and '→' as "right arrow"."""
    return unicodedata.category(c) in ("So", "Sk") or "\u2190" <= c <= "\u21ff" or "\ufe00" <= c <= "\ufe0f"


def normalise(text: str, tag: str = "en") -> str:
    """The text as an engine should get it: no markup, and nothing engines are known to mis-speak.

    Ranges ("8-12") become "8 to 12", units after numbers ("5 s", "10 min") are spelt out, "L/R" becomes
    "left and right", "2x" and "x 3" are said as "twice" and "times 3", a length "1:30" as "1 minute 30
    seconds", "90°" as "90 degrees", common abbreviations are expanded and ellipses become a pause; emoji and
    arrows are not read out. A text without a letter or a digit says nothing: it normalises to "". The words
    are the language's (tag: the voice's language; its phrase table's [speech] and [units]).
    """
    tag = language.key(tag) or "en"
    said = _said(tag)["speech"]
    text = re.sub(r"<[^>]*>", " ", text)
    text = "".join(c for c in text if c.isspace() or unicodedata.category(c) not in ("Cc", "Cf"))  # zero-widths
    text = re.sub(r"(\d)\s*°", rf"\1 {said['degrees']}", text)
    text = "".join(" " if _unsaid(c) else c for c in text)
    text = re.sub(r"[<>{}\[\]\\|^~`*_#]", " ", text)
    text = text.replace("…", ", ").replace("...", ", ")
    text = re.sub(r"(\d)\s*[-–—]\s*(\d)", rf"\1 {said['to']} \2", text)
    for pattern, words in _words(tag):
        text = re.sub(pattern, words, text, flags=re.IGNORECASE)
    text = re.sub(r"(\d+(?:\.\d+)?)\s*(%s)\b" % "|".join(sorted(_UNITS, key=len, reverse=True)),
                  lambda m: f"{m.group(1)} {_unit(_UNITS[m.group(2).lower()], m.group(1), tag)}",
                  text, flags=re.IGNORECASE)
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    text = re.sub(r",\s*([.!?])", r"\1", text)
    text = " ".join(text.split()).strip(" ,;:")
    return text if any(c.isalnum() for c in text) else ""  # no letter or digit: nothing to say
