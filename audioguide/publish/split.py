"""A session split at its chapters: one MP3 per chapter in a folder named after the session, each tagged with
its chapter (title, track n/N, album = the session), and an .m3u8 playlist that plays them in order.

The chapters are cut from the finished MP3 without re-encoding (ffmpeg's stream copy, at MP3 frame edges,
26 ms apart), so each part is the session's own sound, at its loudness."""

from __future__ import annotations

import re
import subprocess
from dataclasses import replace
from pathlib import Path

from .. import audio
from ..errors import EncodeError
from ..model import Timeline
from . import tags
from .tags import TrackInfo


def slug(title: str) -> str:
    """A chapter's title as a file name: ASCII letters and digits, at most 100 of them and their dashes."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:100].strip("-") or "part"


def write(session: Path, timeline: Timeline, info: TrackInfo, album: str) -> list[str]:
    """Cut session (an MP3 in a staging folder) into STEM/NN-chapter.mp3 beside it and write STEM.m3u8; the
    names made (folder, playlist), for committing. album groups the parts in a player: the session's title
    unless the user named one."""
    folder = session.with_suffix("")
    folder.mkdir()
    entries = []
    total = len(timeline.chapters)
    for number, chapter in enumerate(timeline.chapters, 1):
        part = folder / f"{number:02d}-{slug(chapter.title)}.mp3"
        start_s, end_s = chapter.start / timeline.sample_rate, chapter.end / timeline.sample_rate
        _cut(session, part, start_s, end_s)
        tags.write_part(part, replace(info, title=chapter.title, album=album, track=number, track_total=total))
        entries.append(f"#EXTINF:{round(end_s - start_s)},{info.artist} - {chapter.title}\n"
                       f"{folder.name}/{part.name}")
    playlist = session.with_suffix(".m3u8")
    playlist.write_text(f"#EXTM3U\n#PLAYLIST:{info.title}\n" + "\n".join(entries) + "\n", encoding="utf-8")
    return [folder.name, playlist.name]


def _cut(source: Path, target: Path, start_s: float, end_s: float) -> None:
    done = subprocess.run([audio.ffmpeg_path(), "-v", "error", "-nostdin", "-ss", f"{start_s:.3f}", "-to",
                           f"{end_s:.3f}", "-i", str(source), "-map", "0:a", "-c", "copy", "-map_metadata", "-1",
                           "-write_xing", "1", "-id3v2_version", "0", str(target)], capture_output=True, text=True)
    if done.returncode != 0:
        raise EncodeError(f"cannot cut {target.name} out of {source.name}: {done.stderr.strip()[-300:]}")
