"""Program + start date -> the calendar: which day has a session, with which routine, how long, what is said first.

Pure: dates in, sessions out. Day 1 is the start date; week 1 is days 1 to 7. Each session carries its own seed
(from the program and the day), so phrasings differ from day to day and a rebuild says the same words again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, replace

from . import language, times
from .model import Program, Routine


@dataclass(frozen=True, slots=True)
class Session:
    """One day's session of a program."""

    program: Program
    number: int          # 1, 2, ... over the whole program: the podcast's episode number
    day: int             # the calendar day counted from the start date (day 1)
    date: dt.date
    week: int
    nth_in_week: int     # 0 for the week's first session
    routine: Routine     # ready to compile: the week's exercises, the day's order and intro
    length_s: float
    seed: int

    def title(self, length_s: float | None = None) -> str:
        """'Day 3 - Thoracic mobility (6m)', with the length the session came to (asked for, by default)."""
        return language.phrase("session_title", self.routine.language, day=self.day, title=self.routine.title,
                               length=times.label(length_s or self.length_s))

    def file_stem(self) -> str:
        """Sorts in day order: thoracic-four-weeks-day03."""
        width = max(2, len(str(7 * self.program.n_weeks)))
        return f"{self.program.id}-day{self.day:0{width}d}"


def seed_of(*parts: object) -> int:
    """A seed that depends on the parts only (not on Python's hash randomisation)."""
    digest = hashlib.sha256(":".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(digest[:4], "big")


def last_day(program: Program) -> int:
    return 7 * program.n_weeks


def calendar(program: Program, start: dt.date) -> list[tuple[int, dt.date, Session | None]]:
    """Every day of the program: (day, date, its session, or None on a rest day)."""
    found = {s.day: s for s in sessions(program, start)}
    return [(day, start + dt.timedelta(days=day - 1), found.get(day)) for day in range(1, last_day(program) + 1)]


def sessions(program: Program, start: dt.date) -> list[Session]:
    """The program's sessions in order, from the start date."""
    out: list[Session] = []
    for week in range(1, program.n_weeks + 1):
        days = [d for d in range(7 * (week - 1) + 1, 7 * week + 1)
                if (start + dt.timedelta(days=d - 1)).weekday() in program.weekdays]
        rules = program.rules(week)
        for nth, day in enumerate(days):
            number = len(out) + 1
            share = nth / (len(days) - 1) if len(days) > 1 else 0.0
            minutes = rules.first_minutes + (rules.last_minutes - rules.first_minutes) * share
            minutes = round(minutes * 2) / 2  # half minutes: lengths people say
            out.append(Session(program, number, day, start + dt.timedelta(days=day - 1), week, nth,
                               _routine(program, rules.routine, number, day), minutes * 60,
                               seed_of(program.id, day)))
    return out


def _routine(program: Program, routine: Routine, number: int, day: int) -> Routine:
    """The week's routine as this session says it: every item kept, the order turned, the day's intro first."""
    items = tuple(replace(item, optional=False) for item in routine.items)
    if program.rotate_order and len(items) > 1:
        turn = (number - 1) % len(items)
        items = items[turn:] + items[:turn]
    intro = (language.phrase("day", routine.language, day=day, days=last_day(program)),
             *([_advice(program, number)] if program.intro else []), *routine.intro)
    return replace(routine, items=items, intro=intro)


def _advice(program: Program, number: int) -> str:
    """The program's intro for a session: a fixed shuffle of them in turn, so never the same two sessions
    running (when there are two or more)."""
    order = sorted(range(len(program.intro)), key=lambda i: seed_of(program.id, "intro", i))
    return program.intro[order[(number - 1) % len(order)]]


def grew(before: Session | None, now: Session) -> str:
    """What grew since the session before, as the Today card says it: 'Half a minute longer than last time
    (4 minutes, was 3.5). New: Cat-cow.' ('' for the first session, or when nothing changed.)"""
    if before is None:
        return ""
    said = []
    more_s = now.length_s - before.length_s
    if abs(more_s) >= 15:
        said.append(f"{_minutes(abs(more_s)).capitalize()} {'longer' if more_s > 0 else 'shorter'} than last time "
                    f"({_number(now.length_s / 60)} minutes, was {_number(before.length_s / 60)}).")
    had = {item.exercise.id for item in before.routine.items}
    new = [item.exercise.title for item in now.routine.items if item.exercise.id not in had]
    if new:
        said.append("New: " + ", ".join(new) + ".")
    return " ".join(said)


def _number(minutes: float) -> str:
    return f"{minutes:g}" if minutes == int(minutes) else f"{minutes:.1f}".rstrip("0")


def _minutes(seconds: float) -> str:
    minutes = round(seconds / 30) / 2
    if minutes == 0.5:
        return "half a minute"
    if minutes == 1:
        return "a minute"
    return f"{_number(minutes)} minute{'' if minutes == 1 else 's'}"
