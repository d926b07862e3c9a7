"""ID3v2.3 tags for a session MP3: title, artist, album, track, genre, year, comment, length, cover art,
a CTOC + one CHAP per chapter, the transcript (USLT) and the timed cues (SYLT)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mutagen import MutagenError
from mutagen.id3 import (
    APIC,
    CHAP,
    COMM,
    CTOC,
    ID3,
    SYLT,
    TALB,
    TCON,
    TDRC,
    TIT2,
    TLAN,
    TLEN,
    TPE1,
    TRCK,
    USLT,
    CTOCFlags,
    Encoding,
    PictureType,
)
from mutagen.id3._tags import save_frame

from .. import defaults, language, times
from ..errors import TagError
from ..model import Timeline
from . import sidecars

TOC_ID = "toc"
ARTIST = defaults.ARTIST   # the artist when none is asked for


class _ChapterOrderedID3(ID3):
    """mutagen sorts frames by size; this writes CTOC and then the CHAPs last, in playing order,
    because some readers (ffmpeg 5's ID3 demuxer among them) list chapters in file order.

    It overrides mutagen's private ID3._write and uses mutagen.id3._tags.save_frame: pyproject.toml pins
    the mutagen releases this was tested with, and tests/test_publish_tags.py checks the order on each.
    """

    def _write(self, config):
        chapters = self.getall("CTOC") + sorted(self.getall("CHAP"), key=lambda f: f.start_time)
        for frame in chapters:
            del self[frame.HashKey]
        try:
            data = super()._write(config)
        finally:
            for frame in chapters:
                self.add(frame)
        return data + b"".join(save_frame(frame, config=config) for frame in chapters)


@dataclass(frozen=True, slots=True)
class TrackInfo:
    title: str
    artist: str = ARTIST
    album: str = ""
    genre: str = "Fitness"
    track: int | None = None
    track_total: int | None = None   # written as track/total when given (the parts of a split session)
    year: int | None = None
    cover_jpeg: bytes | None = None


def write(path: Path, timeline: Timeline, info: TrackInfo) -> None:
    """Replace any tag in the MP3 at path with ours, saved as ID3v2.3 (the version players read)."""
    tags = _ChapterOrderedID3()
    _describe(tags, info, info.album or timeline.title)
    tags.add(TLEN(encoding=3, text=[str(round(timeline.duration_s * 1000))]))
    spoken = str(language.table(timeline.language)["iso639_2"])
    tags.add(TLAN(encoding=3, text=[spoken]))
    tags.add(COMM(encoding=3, lang=spoken, desc="", text=[contents(timeline)]))
    tags.add(USLT(encoding=3, lang=spoken, desc="", text=sidecars.transcript(timeline)))
    tags.add(SYLT(encoding=Encoding.UTF16, lang=spoken, format=2, type=1, desc="",
                  text=[(text, round(start * 1000)) for start, _, text in sidecars.cues(timeline)]))
    ids = [f"chp{i}" for i in range(len(timeline.chapters))]
    tags.add(CTOC(element_id=TOC_ID, flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED, child_element_ids=ids,
                  sub_frames=[TIT2(encoding=3, text=["Chapters"])]))
    for element_id, chapter in zip(ids, timeline.chapters):
        tags.add(CHAP(element_id=element_id, start_time=round(chapter.start_s * 1000),
                      end_time=round(chapter.end_s * 1000),
                      sub_frames=[TIT2(encoding=3, text=[chapter.title])]))
    _save(tags, path)


def write_part(path: Path, info: TrackInfo) -> None:
    """Tags for one part of a split session: who, what, which track of how many, the cover; no chapters."""
    tags = ID3()
    _describe(tags, info, info.album)
    _save(tags, path)


def _describe(tags: ID3, info: TrackInfo, album: str) -> None:
    """The frames every file gets: title, artist, album, genre, track (n or n/N), year, cover."""
    tags.add(TIT2(encoding=3, text=[info.title]))
    tags.add(TPE1(encoding=3, text=[info.artist]))
    tags.add(TALB(encoding=3, text=[album]))
    tags.add(TCON(encoding=3, text=[info.genre]))
    if info.track is not None:
        total = f"/{info.track_total}" if info.track_total else ""
        tags.add(TRCK(encoding=3, text=[f"{info.track}{total}"]))
    if info.year is not None:
        tags.add(TDRC(encoding=3, text=[str(info.year)]))  # saved as TYER in v2.3
    if info.cover_jpeg:
        tags.add(APIC(encoding=3, mime="image/jpeg", type=PictureType.COVER_FRONT, desc="Cover",
                      data=info.cover_jpeg))


def _save(tags: ID3, path: Path) -> None:
    tags.update_to_v23()  # TDRC -> TYER and the like: save(v2_version=3) alone does not convert frames
    try:
        tags.save(str(path), v2_version=3)
    except (MutagenError, OSError) as e:
        raise TagError(f"cannot write tags to {path.name}: {e}") from e


def contents(timeline: Timeline) -> str:
    """The comment: every chapter with its start time."""
    return "\n".join(f"{times.clock(chapter.start_s)} {chapter.title}" for chapter in timeline.chapters)


def chapters(path: Path) -> list[tuple[str, int, int]]:
    """The chapters in the MP3 at path as (title, start_ms, end_ms), in table-of-contents order."""
    try:
        tags = ID3(str(path))
    except (MutagenError, OSError) as e:
        raise TagError(f"cannot read tags from {path.name}: {e}") from e
    toc = tags.get(f"CTOC:{TOC_ID}")
    order = toc.child_element_ids if toc else [f.element_id for f in tags.getall("CHAP")]
    out = []
    for element_id in order:
        chap = tags[f"CHAP:{element_id}"]
        out.append((str(chap.sub_frames["TIT2"]), chap.start_time, chap.end_time))
    return out
