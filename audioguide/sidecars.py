"""Files beside the MP3, from the timeline: WebVTT and SRT transcripts, Podcasting 2.0 JSON chapters.

All are pure functions returning text; pipeline.py writes them atomically beside the MP3.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from .model import SPEECH, Timeline

VTT_LINE = 65


def beside(mp3: Path, suffix: str) -> Path:
    """The path of a file beside the MP3 with the same base name: session.mp3 -> session.vtt."""
    return mp3.with_name(mp3.stem + suffix)


def _stamp(seconds: float, comma: bool = False) -> str:
    ms = round(seconds * 1000)
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{',' if comma else '.'}{ms:03d}"


def cues(timeline: Timeline) -> list[tuple[float, float, str]]:
    """Every spoken cue as (start_s, end_s, text), in time order."""
    spoken = sorted((e for e in timeline.events if e.kind == SPEECH), key=lambda e: e.start)
    return [(e.start_s, e.end_s, e.text) for e in spoken]


def vtt(timeline: Timeline) -> str:
    """WebVTT with one cue per spoken text, lines of at most VTT_LINE characters."""
    out = ["WEBVTT", ""]
    for i, (start, end, text) in enumerate(cues(timeline), 1):
        out += [str(i), f"{_stamp(start)} --> {_stamp(end)}", *textwrap.wrap(text, VTT_LINE), ""]
    return "\n".join(out)


def srt(timeline: Timeline) -> str:
    out = []
    for i, (start, end, text) in enumerate(cues(timeline), 1):
        out += [str(i), f"{_stamp(start, comma=True)} --> {_stamp(end, comma=True)}", *textwrap.wrap(text, VTT_LINE), ""]
    return "\n".join(out)


def chapters_json(timeline: Timeline) -> str:
    """Podcasting 2.0 JSON chapters (https://github.com/Podcastindex-org/podcast-namespace, chapters.md)."""
    chapters = [{"startTime": round(c.start_s, 3), "endTime": round(c.end_s, 3), "title": c.title}
                for c in timeline.chapters]
    return json.dumps({"version": "1.2.0", "chapters": chapters}, indent=1, ensure_ascii=False) + "\n"


def transcript(timeline: Timeline) -> str:
    """The whole text, chapter by chapter (the MP3's unsynchronised lyrics)."""
    parts = []
    for index, chapter in enumerate(timeline.chapters):
        said = [t for s, e, t in cues(timeline) if chapter.start_s <= s < chapter.end_s]
        parts.append("\n".join([chapter.title.upper(), *said]))
    return "\n\n".join(parts) + "\n"
