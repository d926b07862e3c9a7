"""Built sessions in a folder, read back as episodes: title and length from the MP3, chapters from beside it."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass
from pathlib import Path

from mutagen import MutagenError
from mutagen.id3 import ID3
from mutagen.mp3 import MP3

from .. import times
from ..errors import FeedError
from . import sidecars

GUID_NAMESPACE = uuid.UUID("1b7e6a4e-7d0c-4d6b-9f59-2a6d5b1c0a11")  # audioguide's own: guids are uuid5(name)
DEFAULT_TITLE = "audioguide sessions"


@dataclass(frozen=True, slots=True)
class Episode:
    path: Path
    title: str
    duration_s: float
    published: dt.datetime
    chapters: tuple[tuple[float, str], ...]

    @property
    def guid(self) -> str:
        """Stable across feed rebuilds: derived from the file name, which is stable across builds."""
        return str(uuid.uuid5(GUID_NAMESPACE, self.path.name))

    def sidecar(self, suffix: str) -> Path:
        return sidecars.beside(self.path, suffix)

    def description(self) -> str:
        lines = [f"{times.clock(start)} {title}" for start, title in self.chapters]
        return "Exercises:\n" + "\n".join(lines) if lines else self.title


def episodes(folder: Path) -> list[Episode]:
    """Every MP3 in folder with what the feed needs, newest first."""
    found = []
    for path in Path(folder).glob("*.mp3"):
        if path.name.startswith(".") or path.is_symlink():
            continue  # a build in progress, or a link the server would not follow
        found.append(_read(path))
    return sorted(found, key=lambda e: (e.published, e.path.name), reverse=True)


def _read(path: Path) -> Episode:
    try:
        audio = MP3(str(path))
        tags = ID3(str(path))
        published = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.timezone.utc)
    except (MutagenError, OSError) as e:
        raise FeedError(f"{path}: not a readable MP3: {e}") from e
    title = str(tags["TIT2"]) if "TIT2" in tags else path.stem
    return Episode(path, title, audio.info.length, published, _chapters(sidecars.beside(path, ".chapters.json")))


def _chapters(path: Path) -> tuple[tuple[float, str], ...]:
    """The (start, title) pairs of a Podcasting 2.0 chapters file; none when there is no such file."""
    if not path.exists():
        return ()
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        return tuple((float(c["startTime"]), str(c["title"])) for c in doc.get("chapters", []))
    except (OSError, UnicodeDecodeError, ValueError, TypeError, KeyError, AttributeError) as e:
        raise FeedError(f"{path}: not a readable chapters file: {e}") from e
