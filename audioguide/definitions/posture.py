"""The body's position an exercise is done in, and the words that name one: a seated exercise never hears
"keep standing tall". The loader refuses a text said during an exercise (a cue, a reminder, a tip, what is
said on letting go) that names another posture than the exercise's own; the setup may say how to get there."""

from __future__ import annotations

import re
from collections.abc import Iterator

POSTURES = ("standing", "seated", "kneeling", "lying")
WORDS = {
    "standing": re.compile(r"\b(stand|standing|on your feet)\b", re.IGNORECASE),
    "seated": re.compile(r"\b(sit|sitting|seated|in your chair)\b", re.IGNORECASE),
    "kneeling": re.compile(r"\b(kneel|kneeling|on all fours|hands and knees)\b", re.IGNORECASE),
    "lying": re.compile(r"\b(lie|lying)\b", re.IGNORECASE),
}
SAID_DURING = ("cue", "text", "release", "tips", "start_cue", "switch_cue", "side_cue")  # not setup or position


def names_another(text: str, posture: str) -> str | None:
    """The word in text that names a posture other than posture (None when it names none or the same)."""
    for other, words in WORDS.items():
        found = words.search(text)
        if other != posture and found:
            return found.group(0)
    return None


def said_during(raw: object, where: str) -> Iterator[tuple[str, str]]:
    """(key path, text) for every text of an exercise's raw table said while it is done."""
    if isinstance(raw, dict):
        for key, value in raw.items():
            path = f"{where}.{key}"
            if key in SAID_DURING:
                texts = [value] if isinstance(value, str) else value if isinstance(value, list) else []
                for i, text in enumerate(texts):
                    if isinstance(text, str):
                        yield (path if isinstance(value, str) else f"{path}[{i}]"), text
            elif isinstance(value, (dict, list)):
                yield from said_during(value, path)
    elif isinstance(raw, list):
        for i, value in enumerate(raw):
            yield from said_during(value, f"{where}[{i}]")
