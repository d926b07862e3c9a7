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
from ..model import Program
from ..schedule import Session, calendar, grew, sessions
from . import state


MAX_PLAYED_S = log.MAX_PLAYED_S


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
    found, _ = todays_session(program, following.start, today)
    if found is None:
        raise UsageError(f"today is not a session day of {program.id} (started {following.start})")
    entry = log.Entry(today, found.file_stem() + ".mp3", found.length_s if played_s is None else played_s,
                      found.routine.id, program.id, found.day)
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


def todays_session(program: Program, start: dt.date, today: dt.date | None = None) -> tuple[Session | None, bool]:
    """The session of today and whether it is done: by the calendar (today's date decides), or, for a program
    that advances by practice, the first session not done yet (a missed day skips nothing); None on a rest day
    (a weekday the program rests) or outside the program."""
    today = today or dt.date.today()
    planned = sessions(program, start)
    logged = [e for e in log.entries(files.state_dir()) if e.program == program.id]
    done_days = {e.day for e in logged}
    if program.advance != "practice":
        found = next((s for s in planned if s.date == today), None)
        return found, bool(found and found.day in done_days)
    done_today = next((s for s in planned for e in logged if e.done_on == today and e.day == s.day), None)
    if done_today is not None:
        return done_today, True
    if today < start or today.weekday() not in program.weekdays:
        return None, False
    return next((s for s in planned if s.day not in done_days), None), False


def today_card(definition_paths: tuple[Path, ...] = (), today: dt.date | None = None) -> dict:
    """What the page's Today card shows: the followed program's day (its session, or a rest day and when the
    next session is), or, with none followed, the built-in program to start."""
    library = loader.load_library(list(definition_paths))
    following = state.followed()
    if following is None or following.program not in library.programs:
        return {"program": None, "offer": sorted(library.programs)[0] if library.programs else None}
    program = library.program(following.program)
    today = today or dt.date.today()
    days = calendar(program, following.start)
    session, done = todays_session(program, following.start, today)
    card: dict = {"program": program.id, "title": program.title, "start": following.start.isoformat(),
                  "days": len(days), "day": session.day if session else (today - following.start).days + 1,
                  "advance": program.advance, "session": None,
                  "next_date": next((d.isoformat() for _, d, s in days if d > today and s is not None), None)}
    if session is not None:
        card["session"] = {"title": session.title(), "routine": session.routine.title, "done": done,
                           "equipment": list(session.routine.equipment),
                           "minutes": round(session.length_s / 60, 1), "file": session.file_stem() + ".mp3",
                           "grew": grew(_before(program, following.start, session), session)}
    return card


def _before(program: Program, start: dt.date, session: Session) -> Session | None:
    return next((s for s in sessions(program, start) if s.number == session.number - 1), None)


def time_of_day(text: str) -> dt.time | None:
    """HH:MM (00:00 to 23:59) as a time, or None."""
    import re
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", text.strip())
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        return None
    return dt.time(int(match.group(1)), int(match.group(2)))


def reminders(name: str | None, start: dt.date | None, at: dt.time, page_url: str = "",
              definition_paths: tuple[Path, ...] = ()) -> tuple[str, bytes]:
    """An iCalendar (RFC 5545) of the program's sessions at a time of day (the followed program without a name):
    one event per session day, its title and length, a link to the page. Floating local times: 07:30 wherever
    the phone is, as a habit is. (the program's id, the calendar's bytes)"""
    import icalendar

    chosen, first = state.program_and_start(name, start)
    program = loader.load_library(list(definition_paths)).program(chosen)
    ical = icalendar.Calendar()
    ical.add("prodid", "-//audioguide//practice reminders//EN")
    ical.add("version", "2.0")
    ical.add("x-wr-calname", program.title)
    stamp = dt.datetime.now(dt.UTC).replace(microsecond=0)
    for session in sessions(program, first):
        event = icalendar.Event()
        event.add("uid", f"{program.id}-{first.isoformat()}-day{session.day}@audioguide")
        event.add("dtstamp", stamp)
        event.add("dtstart", dt.datetime.combine(session.date, at))
        event.add("duration", dt.timedelta(seconds=round(session.length_s)))
        event.add("summary", session.title())
        event.add("description", f"{session.routine.title}, about {round(session.length_s / 60)} minutes."
                                 + (f" Open the page to play it: {page_url}" if page_url else ""))
        if page_url:
            event.add("url", page_url)
        ical.add_component(event)
    return program.id, ical.to_ical()
