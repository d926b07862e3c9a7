"""Text made safe for the formats audioguide writes: XML (feed, SVG, page), WebVTT and SRT.

Definitions refuse control characters, but a title read back from an MP3's tag or a chapters file may hold
anything: whatever reaches a file passes through here, so every file audioguide writes parses.
"""

from __future__ import annotations

import re

# Characters XML 1.0 does not allow at all (control characters other than tab and line breaks, lone surrogates,
# and the two non-characters U+FFFE and U+FFFF).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def xml(text: str) -> str:
    """Text without the characters XML cannot carry (escaping is the writer's job)."""
    return _NOT_XML.sub("", text)


def vtt(text: str) -> str:
    """A WebVTT cue's text: '-->' would end a cue's timing line, '&' and '<' start entities and tags."""
    return xml(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def srt(text: str) -> str:
    """An SRT cue's text: no '-->' (parsers take a line holding it for a timing line)."""
    return xml(text).replace("-->", "->")
