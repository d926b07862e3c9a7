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
DEFAULT_DESCRIPTION = "Voice-guided exercise sessions, built with audioguide."


SESSION_HOUR_UTC = 6  # a program's episode is published early on its session's date


@dataclass(frozen=True, slots=True)
class Episode:
    path: Path
    title: str
    duration_s: float
    published: dt.datetime
    chapters: tuple[tuple[float, str], ...]
    session: dict | None = None       # a program's session: program, program_title, day, date, week, episode

    @property
    def program(self) -> str | None:
        return self.session["program"] if self.session else None

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
    """Every MP3 in folder with what the feed needs, newest first (a program's sessions by their dates)."""
    found = []
    for path in Path(folder).glob("*.mp3"):
        if path.name.startswith(".") or path.is_symlink():
            continue  # a build in progress, or a link the server would not follow
        found.append(_read(path))
    return sorted(found, key=lambda e: (e.published, e.path.name), reverse=True)


def one_program(found: list[Episode]) -> dict | None:
    """The session info of the program every episode belongs to, when they all belong to one."""
    programs = {e.program for e in found}
    return found[0].session if found and len(programs) == 1 and None not in programs else None


def heading(found: list[Episode], title: str | None = None) -> tuple[str, str]:
    """The title and description of a folder of episodes: the title given, else the program's (when they are
    one program's sessions), else audioguide's own."""
    program = one_program(found)
    if program is not None:
        return title or program["program_title"], program.get("program_description") or DEFAULT_DESCRIPTION
    return title or DEFAULT_TITLE, DEFAULT_DESCRIPTION


def _read(path: Path) -> Episode:
    try:
        audio = MP3(str(path))
        tags = ID3(str(path))
        published = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.timezone.utc)
    except (MutagenError, OSError) as e:
        raise FeedError(f"{path}: not a readable MP3: {e}") from e
    title = str(tags["TIT2"]) if "TIT2" in tags else path.stem
    session = _session(sidecars.beside(path, ".plan.json"))
    if session is not None:
        published = dt.datetime.combine(dt.date.fromisoformat(session["date"]), dt.time(SESSION_HOUR_UTC),
                                        dt.timezone.utc)
    return Episode(path, title, audio.info.length, published, _chapters(sidecars.beside(path, ".chapters.json")),
                   session)


def _session(path: Path) -> dict | None:
    """A program session's info from the plan beside the MP3; None for a routine's session."""
    if not path.exists():
        return None
    try:
        session = json.loads(path.read_text(encoding="utf-8")).get("session")
        if session is not None:
            dt.date.fromisoformat(session["date"])
            int(session["episode"]), int(session["week"]), str(session["program"])
        return session
    except (OSError, UnicodeDecodeError, ValueError, TypeError, KeyError, AttributeError) as e:
        raise FeedError(f"{path}: not a readable plan file: {e}") from e


def _chapters(path: Path) -> tuple[tuple[float, str], ...]:
    """The (start, title) pairs of a Podcasting 2.0 chapters file; none when there is no such file."""
    if not path.exists():
        return ()
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        return tuple((float(c["startTime"]), str(c["title"])) for c in doc.get("chapters", []))
    except (OSError, UnicodeDecodeError, ValueError, TypeError, KeyError, AttributeError) as e:
        raise FeedError(f"{path}: not a readable chapters file: {e}") from e
