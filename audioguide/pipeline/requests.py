"""What a door asks to be made: one request type for a routine at one or several lengths and for a program's
days, the file names it will make, and the build that makes them. The command line and the page both ask here,
so a request is named, checked and built one way."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..definitions import loader
from ..errors import PlanError, UnknownNameError, did_you_mean
from ..schedule import last_day, sessions
from . import programs, routines
from .options import DEFAULTS, BuildOptions, Outcome, Progress


@dataclass(frozen=True, slots=True)
class BuildRequest:
    """A routine (by name or file) at lengths_s, or, when start is given, a program's sessions from that first
    day: all of them, or only the days given, or only those up to through."""

    name: str
    lengths_s: tuple[float, ...] = ()        # a routine's lengths; none: the options' one length
    start: dt.date | None = None             # a program's first day: the request is for a program
    days: frozenset[int] | None = None
    through: dt.date | None = None
    library_only: bool = False               # name is an id of the library, never a file's path (the page's)

    @property
    def is_program(self) -> bool:
        return self.start is not None

    def lengths(self, options: BuildOptions) -> tuple[float, ...]:
        return self.lengths_s or (options.length_s,)


def targets(request: BuildRequest, options: BuildOptions = DEFAULTS) -> list[str]:
    """The file names the request makes, in order; what can be known before any work is refused here:
    an unknown routine or program (UnknownNameError), a day the program does not have or rests on (PlanError)."""
    library = loader.load_library(list(options.definition_paths)).speaking(options.language)
    if request.is_program:
        assert request.start is not None
        if request.name not in library.programs:
            raise UnknownNameError(f"no program {request.name!r}{did_you_mean(request.name, library.programs)}")
        program = library.programs[request.name]
        last = last_day(program)
        for day in sorted(request.days or ()):
            if not 1 <= day <= last:
                raise PlanError(f"day: expected a day from 1 to {last}, found {day}")
        chosen = [s for s in sessions(program, request.start) if request.days is None or s.day in request.days]
        if request.days and len(request.days) == 1 and not chosen:
            day = min(request.days)
            date = request.start + dt.timedelta(days=day - 1)
            after = next((s for s in sessions(program, request.start) if s.day > day), None)
            raise PlanError(f"day: day {day} ({date:%A} {date}) is a rest day of {program.title}"
                            + (f"; the next session is day {after.day}" if after else ""))
        return [f"{stem}.mp3" for stem in programs.stems(options, program, chosen)]
    if not request.library_only and loader.is_file_name(request.name):
        routine = loader.find_routine(request.name, options.definition_paths)[0]
    elif request.name in library.routines:
        routine = library.routines[request.name]
    else:
        raise UnknownNameError(f"no routine {request.name!r}{did_you_mean(request.name, library.routines)}")
    return [f"{stem}.mp3" for stem in routines.stems(routine.id, request.lengths(options), options)]


def build(request: BuildRequest, options: BuildOptions = DEFAULTS, progress: Progress | None = None) -> list[Outcome]:
    """Make what the request asks for: one Outcome per session, built, up to date, or failed with its error."""
    if request.is_program:  # a program is always the library's: its name is never read as a path
        assert request.start is not None
        _, outcomes = programs.build_program(request.name, request.start, options, request.days, request.through,
                                             progress)
        return outcomes
    return routines.build_many(request.name, request.lengths(options), options, progress,
                               by_file=not request.library_only)
