"""The practice log as the doors use it: a session done is recorded (from its MP3 and plan, or today's session of
the followed program), and the history comes back with its streaks and weekly minutes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from .. import files
from ..definitions import loader
from ..errors import UsageError
from ..practice import log
from ..practice.streaks import minutes_by_week, streaks
from ..schedule import calendar, sessions
from . import state


@dataclass(frozen=True, slots=True)
class History:
    entries: list[log.Entry]
    streak_days: int
    longest_days: int
    minutes_by_week: dict[str, float]


def record_file(mp3: Path, played_s: float | None = None, on: dt.date | None = None) -> log.Entry:
    """A session MP3 done (whole, unless played_s says how much): what it was read from its tag and plan."""
    from ..publish.episodes import read
    episode = read(mp3)
    session = episode.session or {}
    entry = log.Entry(on or dt.date.today(), Path(mp3).name, episode.duration_s if played_s is None else played_s,
                      episode.routine, str(session.get("program", "")), session.get("day"))
    log.add(files.state_dir(), entry)
    return entry


def record_today(played_s: float | None = None, definition_paths: tuple[Path, ...] = ()) -> log.Entry:
    """Today's session of the followed program done (by hand: no file needed)."""
    following = state.followed()
    if following is None:
        raise UsageError("no program is followed: audioguide program follow ID, or name the session's file")
    program = loader.load_library(list(definition_paths)).program(following.program)
    today = dt.date.today()
    found = next((s for s in sessions(program, following.start) if s.date == today), None)
    if found is None:
        raise UsageError(f"today is not a session day of {program.id} (started {following.start})")
    entry = log.Entry(today, found.file_stem() + ".mp3", played_s or found.length_s, found.routine.id, program.id,
                      found.day)
    log.add(files.state_dir(), entry)
    return entry


def history(definition_paths: tuple[Path, ...] = ()) -> History:
    """Every entry with the current and longest streaks (the followed program's rest days do not break one)."""
    found = log.entries(files.state_dir())
    today = dt.date.today()
    rest: frozenset[dt.date] = frozenset()
    following = state.followed()
    if following is not None:
        library = loader.load_library(list(definition_paths))
        if following.program in library.programs:
            days = calendar(library.program(following.program), following.start)
            rest = frozenset(date for _, date, session in days if session is None)
    current, longest = streaks((e.done_on for e in found), today, rest)
    return History(found, current, longest, minutes_by_week((e.done_on, e.played_s) for e in found))
