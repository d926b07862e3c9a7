"""Built sessions in a folder, read back as episodes: title and length from the MP3, the rest from beside it.

An episode is an MP3 that audioguide built: its .plan.json is beside it. Any other MP3 (a music bed, a file
dropped in) is not an episode; a session that cannot be read is left out with a reason, never failing the rest.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import uuid
from dataclasses import dataclass, replace
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


SESSION_HOUR_UTC = 6  # a program's episode is published early on its session's date (when that date has come)
DAY_ORDER_STEP = dt.timedelta(minutes=1)  # a program's sessions built at once are dated this far apart, in day order
VERSION_HEX = 12      # the audio's content version: this many hex digits of its sha256


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
    modified: dt.datetime = dt.datetime.fromtimestamp(0, dt.UTC)   # when its MP3 was written
    version: str = ""                 # the audio's content version (of the MP3 after its tag)

    @property
    def program(self) -> str | None:
        return self.session["program"] if self.session else None

    @property
    def guid(self) -> str:
        """Stable across feed rebuilds and identical rebuilds (the file name and its audio); new when the audio
        changed, so that a client fetches the new version once."""
        return str(uuid.uuid5(GUID_NAMESPACE, f"{self.path.name}#{self.version}"))

    def sidecar(self, suffix: str) -> Path:
        return beside(self.path, suffix)

    def description(self) -> str:
        lines = [f"{times.clock(start)} {title}" for start, title in self.chapters]
        heading = language.phrase("chapters_heading", self.language)
        return heading + "\n" + "\n".join(lines) if lines else self.title


def episodes(folder: Path, skipped: list[str] | None = None, now: dt.datetime | None = None) -> list[Episode]:
    """Every session audioguide built in folder, newest first; none dated after now (see dated).

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
    found = dated(found, now or dt.datetime.now(dt.UTC))
    return sorted(found, key=lambda e: (e.published, e.path.name), reverse=True)


def dated(found: list[Episode], now: dt.datetime) -> list[Episode]:
    """The episodes with dates a client trusts: none later than now or than its file was written (a program's
    session built ahead of its day is published when it was built), and each program's sessions dated in day
    order, DAY_ORDER_STEP apart at least, so that a client sorting by date plays them in order."""
    out = [replace(e, published=min(e.published, e.modified, now), modified=min(e.modified, now)) for e in found]
    by_program: dict[str, list[int]] = {}
    for i, e in enumerate(out):
        if e.session is not None:
            by_program.setdefault(e.session["program"], []).append(i)
    for indexes in by_program.values():
        indexes.sort(key=lambda i: (int(out[i].session["episode"]), out[i].path.name))  # type: ignore[index]
        for before, after in zip(reversed(indexes[:-1]), reversed(indexes[1:])):
            latest = out[after].published - DAY_ORDER_STEP
            if out[before].published > latest:
                out[before] = replace(out[before], published=latest)
    return out


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
        modified = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
        version = audio_version(path)
    except (MutagenError, OSError) as e:
        raise FeedError(f"{path}: not a readable MP3: {e}") from e
    published = modified
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
                   plan["language"], modified, version)


def audio_version(path: Path, chunk_bytes: int = 1 << 20) -> str:
    """The content version of an MP3's audio: a digest of everything after its ID3v2 tag, so that retagging
    keeps it and any change to the sound makes a new one."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        head = f.read(10)
        if head[:3] == b"ID3" and len(head) == 10:
            size = 10 + sum((b & 0x7F) << (7 * (3 - i)) for i, b in enumerate(head[6:10]))
            size += 10 if head[5] & 0x10 else 0   # a footer
            f.seek(size)
        else:
            digest.update(head)
        while chunk := f.read(chunk_bytes):
            digest.update(chunk)
    return digest.hexdigest()[:VERSION_HEX]


def _plan(path: Path) -> dict:
    """What the plan beside the MP3 says of the session: its routine, and a program's session info."""
    try:
        plan = _object(session_files.read_json(path))
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
    try:
        doc = _object(session_files.read_json(path))
        return tuple((float(c["startTime"]), str(c["title"])) for c in doc.get("chapters", []))
    except FileNotFoundError:
        return ()
    except (OSError, UnicodeDecodeError, ValueError, TypeError, KeyError, AttributeError) as e:
        raise FeedError(f"{path}: not a readable chapters file: {_reason(e)}") from e


def _object(doc: object, key: str = "") -> dict:
    if not isinstance(doc, dict):
        found = type(doc).__name__ if doc is not None else "null"
        raise TypeError(f"{key + ': ' if key else ''}expected a JSON object, found {found}")
    return doc


def _reason(error: Exception) -> str:
    return f"missing {error}" if isinstance(error, KeyError) else str(error)
