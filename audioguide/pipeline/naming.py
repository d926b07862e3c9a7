"""Session file names from a template: --name "{routine}-{length}-{date}"."""

from __future__ import annotations

import re
import string
from pathlib import Path

from ..errors import UsageError

ROUTINE_FIELDS = ("routine", "length", "date")
PROGRAM_FIELDS = ("program", "routine", "length", "date", "day")
MAX_STEM_BYTES = 200


def check(template: str, fields: tuple[str, ...]) -> None:
    """UsageError unless template is a usable name template with only these fields (checked before any work)."""
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as e:
        raise UsageError(f"--name: expected a template such as '{{routine}}-{{length}}', found {template!r} ({e})") \
            from None
    for _, field, spec, conversion in parsed:
        if field is None:
            continue
        if field not in fields or spec or conversion:
            known = ", ".join(f"{{{f}}}" for f in fields)
            where = "a program's sessions" if "day" in fields else "a routine's sessions ({day} is a program's)"
            raise UsageError(f"--name: expected placeholders among {known} for {where}, found {{{field}}}")
    if not stem(template, {f: "x" for f in fields}):
        raise UsageError(f"--name: expected a template that makes a file name, found {template!r}")


def stem(template: str, values: dict[str, str]) -> str:
    """The file name (without .mp3) the template makes: no folders, no control characters, no leading dot."""
    return clean(template.format(**values))


def clean(name: str) -> str:
    """name as a file name's part: no folders, no control characters, no leading dot, at most 200 bytes."""
    name = re.sub(r"[/\\\x00-\x1f\x7f]+", "-", name).strip(" .-")
    # at most 200 bytes, whole characters: with its longest suffix a name stays under the 255 bytes a file
    # name may have (200 characters of 'é' were 400 bytes, refused only when the MP3 was written)
    return name.encode("utf-8")[:MAX_STEM_BYTES].decode("utf-8", "ignore").rstrip(" .-")


def variant(voice: str | None, music: object | None, tag: str | None = None) -> str:
    """What a default name adds when a session is made in another language, with another voice or with music,
    so that two different sessions never share a name (the 10 minutes with music next to the plain 10
    minutes): '-es', '-bf_emma-rain'."""
    spoken = tag.lower() if tag and tag.lower().split("-")[0] != "en" else ""
    parts = [spoken, voice or "", Path(str(music)).stem if music else ""]
    return "".join("-" + clean(part) for part in parts if clean(part))


def distinct(stems: list[str], why: str) -> list[str]:
    """stems, unless two sessions of one build would get the same file name (the later would replace the
    earlier): then UsageError, saying why."""
    if len(set(stems)) < len(stems):
        raise UsageError(f"--name: {why}")
    return stems
