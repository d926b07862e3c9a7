"""Files beside the MP3, from the timeline: WebVTT and SRT transcripts, Podcasting 2.0 JSON chapters, the
plan as JSON and as a picture. Each is made by a pure function returning text; write() puts them all in place.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from .. import files, times
from ..model import HOLD, SPEECH, Timeline
from . import picture, safe
from .session import COVER, PLAN, SIDECARS, beside

VTT_LINE = 65


def _stamp(seconds: float, comma: bool = False) -> str:
    stamp = times.clock(seconds, places=3, hours=True)
    return stamp.replace(".", ",") if comma else stamp


def cues(timeline: Timeline) -> list[tuple[float, float, str]]:
    """Every spoken cue as (start_s, end_s, text), in time order."""
    spoken = sorted((e for e in timeline.events if e.kind == SPEECH), key=lambda e: e.start)
    return [(e.start_s, e.end_s, e.text or "") for e in spoken]


def vtt(timeline: Timeline) -> str:
    """WebVTT with one cue per spoken text, lines of at most VTT_LINE characters."""
    out = ["WEBVTT", ""]
    for i, (start, end, text) in enumerate(cues(timeline), 1):
        out += [str(i), f"{_stamp(start)} --> {_stamp(end)}", *textwrap.wrap(safe.vtt(text), VTT_LINE), ""]
    return "\n".join(out)


def srt(timeline: Timeline) -> str:
    out = []
    for i, (start, end, text) in enumerate(cues(timeline), 1):
        out += [str(i), f"{_stamp(start, comma=True)} --> {_stamp(end, comma=True)}",
                *textwrap.wrap(safe.srt(text), VTT_LINE), ""]
    return "\n".join(out)


def chapters_json(timeline: Timeline) -> str:
    """Podcasting 2.0 JSON chapters (https://github.com/Podcastindex-org/podcast-namespace, chapters.md)."""
    chapters = [{"startTime": round(c.start_s, 3), "endTime": round(c.end_s, 3), "title": c.title}
                for c in timeline.chapters]
    return json.dumps({"version": "1.2.0", "chapters": chapters}, indent=1, ensure_ascii=False) + "\n"


def plan_json(timeline: Timeline, extra: dict | None = None) -> str:
    """The exact timeline as JSON (the same as 'audioguide plan --json'), with extra keys (a program's session,
    the digest of a build's inputs) beside it."""
    return json.dumps({**timeline.to_dict(), **(extra or {})}, indent=1) + "\n"


def plan_text(timeline: Timeline) -> str:
    """The timeline for reading: one line per event (time, chapter, what), then the end."""
    lines = []
    for event in timeline.events:
        if event.kind == HOLD:
            what = f"hold {event.end_s - event.start_s:.1f} s"
        else:
            what = f'"{event.text}"' if event.text else event.kind
        lines.append(f"{times.clock(event.start_s, 3)}  {timeline.chapters[event.chapter].title[:28]:<28}  {what}")
    return "\n".join([*lines, f"{times.clock(timeline.duration_s, 3)}  end"]) + "\n"


def write(mp3: Path, timeline: Timeline, extra: dict | None = None, cover_jpeg: bytes = b"") -> None:
    """Write every sidecar beside the MP3: transcripts, chapters, the plan (with extra in it), its picture, and
    the cover (the page and the lock screen show it)."""
    made = {".vtt": vtt(timeline), ".srt": srt(timeline), ".chapters.json": chapters_json(timeline),
            PLAN: plan_json(timeline, extra), ".svg": picture.render(timeline)}
    for suffix in SIDECARS:
        if suffix == COVER:
            files.write_bytes(beside(mp3, suffix), cover_jpeg)
        else:
            files.write_text(beside(mp3, suffix), made[suffix])


def transcript(timeline: Timeline) -> str:
    """The whole text, chapter by chapter (the MP3's unsynchronised lyrics)."""
    parts = []
    for chapter in timeline.chapters:
        said = [t for s, e, t in cues(timeline) if chapter.start_s <= s < chapter.end_s]
        parts.append("\n".join([chapter.title.upper(), *said]))
    return "\n\n".join(parts) + "\n"
