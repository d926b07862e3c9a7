"""Where a mistake is and what was found: key paths, their lines in the file, and values described briefly."""

from __future__ import annotations

import json
import re
from typing import Any

SHOWN_CHARS = 40


def join(where: str, key: str) -> str:
    """The key path of key inside where, quoted as TOML would where the key needs it (a long key is cut)."""
    if len(key) > SHOWN_CHARS:
        key = key[:SHOWN_CHARS - 3] + "..."
    if not re.fullmatch(r"[A-Za-z0-9_-]+", key):
        key = json.dumps(key)  # control characters escaped: messages stay one line
    return f"{where}.{key}" if where else key


def kind(value: Any) -> str:
    """'a string 'abc'', 'an integer 3', 'an empty list': what was found, briefly."""
    names = {bool: "a boolean", int: "an integer", float: "a number", str: "a string", list: "a list",
             dict: "a table"}
    text = repr(value) if isinstance(value, (int, float)) else None
    if isinstance(value, bool):
        text = "true" if value else "false"
    if isinstance(value, (list, dict)) and not value:
        return f"an empty {'list' if isinstance(value, list) else 'table'}"
    if isinstance(value, str):
        text = quoted(value)
    name = names.get(type(value), type(value).__name__)
    return f"{name} {text}" if text else name


def quoted(text: str) -> str:
    """A string as Python would quote it, cut to SHOWN_CHARS with an ellipsis."""
    return repr(text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS - 3] + "...")


def plain(value: float) -> str:
    """A number as a person writes it: 3, 2.5."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def find_line(lines: list[str], key: str) -> int | None:
    """Best-effort line (1-based) of a key path such as exercises.cat-cow.phases[1].hold.max_s.

    tomllib keeps no positions, so this walks the text: table headers for the path so far, then
    `name =` assignments (also inside inline tables), each search starting where the last one matched.
    """
    if not key:
        return None
    line, found_any, header = 0, False, []
    for part in re.split(r"\.(?![^\[]*\])", key):
        name, index = re.fullmatch(r"(.*?)(?:\[(\d+)\])?", part).groups()  # type: ignore[union-attr]  # always matches
        header.append(name)
        dotted = r"\s*\.\s*".join(re.escape(h) for h in header)
        if index is not None:
            hits = [i for i in range(line, len(lines)) if re.match(rf"^\s*\[\[\s*{dotted}\s*\]\]", lines[i])]
            if len(hits) > int(index):
                line, found_any = hits[int(index)], True
                continue
        patterns = (rf"^\s*\[\[?\s*{dotted}\s*(\]|\.)", rf"^\s*{re.escape(name)}\s*=",
                    rf"[{{,]\s*{re.escape(name)}\s*=")
        hit = next((i for i in range(line, len(lines)) if any(re.search(p, lines[i]) for p in patterns)), None)
        if hit is None:
            break
        line, found_any = hit, True
    return line + 1 if found_any else None


BARE_WORDS = {"true", "false", "inf", "nan"}


def toml_cause(message: str, line_text: str) -> str:
    """The likely cause of a TOML parser's complaint about a line, in the words of someone writing one: a text
    without quotes, a string left open (which the parser may call an unclosed array). "" when none is seen."""
    value = line_text.partition("=")[2].strip() if "=" in line_text else ""
    if message.startswith("Invalid value") and value[:1].isalpha() and value.split()[0] not in BARE_WORDS:
        key = line_text.partition("=")[0].strip()
        return f"text needs quotes: {key} = {json.dumps(value)}"
    quotes = len(re.findall(r'(?<!\\)"', line_text.replace('"""', "")))
    if quotes % 2:
        return ('a string is not closed on this line: a " is missing, or a " inside a text needs a backslash '
                '(\\") or single quotes around the text')
    return ""
