"""Built sessions in a folder, read back as episodes: title and length from the MP3, the rest from beside it.

An episode is an MP3 that audioguide built: its .plan.json is beside it. Any other MP3 (a music bed, a file
dropped in) is not an episode; a session that cannot be read is left out with a reason, never failing the rest.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mutagen import MutagenError
from mutagen.id3 import ID3, ID3NoHeaderError
from mutagen.mp3 import MP3

from .. import defaults, language, times
from ..errors import FeedError
from . import session as session_files
from .session import PLAN, beside

GUID_NAMESPACE = uuid.UUID("1b7e6a4e-7d0c-4d6b-9f59-2a6d5b1c0a11")  # audioguide's own: guids are uuid5(name)
DEFAULT_TITLE = defaults.FEED_TITLE
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
    routine: str = ""                 # the routine's id and title, from the plan
    routine_title: str = ""
    made_with: dict | None = None     # the voice (engine, voice) and music it was made with, from the plan
    language: str = "en"              # what is said in it, from the plan

    @property
    def program(self) -> str | None:
        return self.session["program"] if self.session else None

    @property
    def guid(self) -> str:
        """Stable across feed rebuilds: derived from the file name, which is stable across builds."""
        return str(uuid.uuid5(GUID_NAMESPACE, self.path.name))

    def sidecar(self, suffix: str) -> Path:
        return beside(self.path, suffix)

    def description(self) -> str:
        lines = [f"{times.clock(start)} {title}" for start, title in self.chapters]
        heading = language.phrase("chapters_heading", self.language)
        return heading + "\n" + "\n".join(lines) if lines else self.title


def episodes(folder: Path, skipped: list[str] | None = None) -> list[Episode]:
    """Every session audioguide built in folder, newest first (a program's sessions by their dates).

    A session that cannot be read is left out; why goes into skipped, one line each, when a list is given.
    """
    found = []
    for path in sorted(Path(folder).glob("*.mp3")):
        if not session_files.is_session(path):
            continue
        try:
            found.append(_read_cached(path, *_stamp(path), *_stamp(beside(path, PLAN)),
                                      *_stamp(beside(path, ".chapters.json"))))
        except FeedError as e:
            if skipped is not None:
                skipped.append(str(e))
    return sorted(found, key=lambda e: (e.published, e.path.name), reverse=True)


def read(path: Path) -> Episode:
    """One session's episode (its MP3, tag and plan); FeedError when it is not a readable session."""
    return _read(Path(path))


def _stamp(path: Path) -> tuple[int, int]:
    try:
        stat = path.stat()
        return stat.st_mtime_ns, stat.st_size
    except OSError:
        return 0, -1


@functools.lru_cache(maxsize=512)
def _read_cached(path: Path, *stamps: int) -> Episode:
    """Read one episode; the stamps (times and sizes of its files) make a changed file read afresh."""
    return _read(path)


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
        audio: Any = MP3(str(path))
        published = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
    except (MutagenError, OSError) as e:
        raise FeedError(f"{path}: not a readable MP3: {e}") from e
    tags: ID3 | dict = {}
    try:
        tags = ID3(str(path))
    except ID3NoHeaderError:
        tags = {}  # its tag was stripped: the file name stands in for the title
    except (MutagenError, OSError) as e:
        raise FeedError(f"{path}: not a readable MP3 tag: {e}") from e
    title = str(tags["TIT2"]) if "TIT2" in tags else path.stem
    plan = _plan(beside(path, PLAN))
    session = plan.get("session")
    if session is not None:
        published = dt.datetime.combine(dt.date.fromisoformat(session["date"]), dt.time(SESSION_HOUR_UTC),
                                        dt.UTC)
    return Episode(path, title, audio.info.length, published, _chapters(beside(path, ".chapters.json")),
                   session, str(plan.get("routine", "")), str(plan.get("title", "")), plan.get("made_with"),
                   plan["language"])


def _plan(path: Path) -> dict:
    """What the plan beside the MP3 says of the session: its routine, and a program's session info."""
    try:
        plan = _object(json.loads(path.read_text(encoding="utf-8")))
        session = plan.get("session")
        if session is not None:
            _object(session, "session")
            dt.date.fromisoformat(session["date"])
            int(session["episode"]), int(session["week"]), str(session["program"]), str(session["program_title"])
        made = plan.get("made_with")
        made = {k: str(made[k]) for k in ("engine", "voice", "music") if made.get(k)} if isinstance(made, dict) else None
        spoken = plan.get("language")
        return {"routine": plan.get("routine", ""), "title": plan.get("title", ""), "session": session,
                "made_with": made, "language": spoken if isinstance(spoken, str) and language.check(spoken) is None
                else "en"}
    except (OSError, UnicodeDecodeError, ValueError, TypeError, KeyError, AttributeError) as e:
        raise FeedError(f"{path}: not a readable plan file: {_reason(e)}") from e


def _chapters(path: Path) -> tuple[tuple[float, str], ...]:
    """The (start, title) pairs of a Podcasting 2.0 chapters file; none when there is no such file."""
    if not path.exists():
        return ()
    try:
        doc = _object(json.loads(path.read_text(encoding="utf-8")))
        return tuple((float(c["startTime"]), str(c["title"])) for c in doc.get("chapters", []))
    except (OSError, UnicodeDecodeError, ValueError, TypeError, KeyError, AttributeError) as e:
        raise FeedError(f"{path}: not a readable chapters file: {_reason(e)}") from e


def _object(doc: object, key: str = "") -> dict:
    if not isinstance(doc, dict):
        found = type(doc).__name__ if doc is not None else "null"
        raise TypeError(f"{key + ': ' if key else ''}expected a JSON object, found {found}")
    return doc


def _reason(error: Exception) -> str:
    return f"missing {error}" if isinstance(error, KeyError) else str(error)
