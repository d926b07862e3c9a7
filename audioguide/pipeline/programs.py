"""Programs: a daily practice built session by session, each week doing a little more than the one before.

The sessions of a week are planned in order (compiler.plan_series), so no rep, hold or round is taken back
within a week.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .. import __version__, compiler, language, times
from ..definitions import loader
from ..errors import AudioguideError, LengthError, PlanError
from ..model import Program
from ..publish import session as session_files
from ..schedule import Session, calendar, last_day, sessions
from ..speech import ClipCache
from . import naming
from .options import DEFAULTS, BuildOptions, Outcome, Progress
from .voicing import check_tools, in_language, speaking

if TYPE_CHECKING:
    from .studio import Studio


@dataclass(frozen=True, slots=True)
class CalendarDay:
    """One day of a program as 'program show' prints it."""

    day: int
    date: dt.date
    session: Session | None                  # None: a rest day
    plan: compiler.Fitted | None = None
    error: AudioguideError | None = None
    progressed: tuple[str, ...] = ()         # what grew since the session before


def program_calendar(name: str, start: dt.date, options: BuildOptions = DEFAULTS,
                     progress: Progress | None = None) -> tuple[Program, list[CalendarDay], list[str]]:
    """Every day of the program from start, each session planned with the chosen voice's lengths as its cache
    knows them: nothing is rendered, and what was estimated is said in a notice (a build measures it)."""
    program, notices = _program(name, options)
    options = in_language(options, program.language)
    check_tools(options.engine)
    estimated: set[str] = set()
    with speaking(options.engine, program.language, ClipCache(options.cache_dir)) as speaker:
        planned = plan_sessions(sessions(program, start), compiler.estimating(speaker.cached_length, estimated))
    notices = [*notices, *speaker.notices]
    if estimated:
        notices.append(f"lengths are estimated where speech is not rendered yet ({len(estimated)} texts): a build "
                       "measures them, and may come out a little different")
    days: list[CalendarDay] = []
    before: tuple[Session, compiler.Fitted] | None = None
    for day, date, session in calendar(program, start):
        plan = planned.get(session.number) if session else None
        fitted = plan if isinstance(plan, compiler.Fitted) else None
        days.append(CalendarDay(day, date, session, fitted, plan if isinstance(plan, AudioguideError) else None,
                                _progressed(before, session, fitted) if session else ()))
        if fitted is not None and session is not None:
            before = (session, fitted)
    return program, days, notices


def build_program(name: str, start: dt.date, options: BuildOptions = DEFAULTS, days: Iterable[int] | None = None,
                  through: dt.date | None = None, progress: Progress | None = None) -> tuple[Program, list[Outcome]]:
    """Build the program's sessions from start (only the days given, or only those up to through): one MP3
    per session, tagged with its day and date. A session already built with the same inputs is left as it is."""
    if options.name:
        naming.check(options.name, naming.PROGRAM_FIELDS)
    program, notices = _program(name, options)
    wanted_days = set(days) if days is not None else None
    everything = sessions(program, start)
    wanted = [s for s in everything if (wanted_days is None or s.day in wanted_days)
              and (through is None or s.date <= through)]
    if not wanted:
        raise PlanError(_nothing_asked(program, start, wanted_days, through))
    names = stems(options, program, wanted)
    from ..publish import cover, tags  # with the studio's numpy, mixer and encoder: what only rendering waits for
    from .studio import Studio
    studio = Studio(in_language(options, program.language), progress, tuple(notices))  # now the tools and folder
    identity = studio.speaker.engine.identity()
    outcomes: dict[int, Outcome] = {}
    todo = []
    for session, stem in zip(wanted, names):
        target = studio.folder / f"{stem}.mp3"
        digest = _inputs(session, start, options, identity)
        if _built(target, digest):
            outcomes[session.number] = Outcome(f"day {session.day}", up_to_date=True, path=target)
        else:
            todo.append((session, target, digest))
    if todo:
        last = max(s.number for s, _, _ in todo)
        weeks = {s.week for s, _, _ in todo}
        with studio.speaker:
            planned = _plan(studio, program, [s for s in everything if s.week in weeks and s.number <= last])
            clips = studio.clips(p.timeline for s, _, _ in todo if isinstance(p := planned[s.number],
                                                                                 compiler.Fitted))
        for session, target, digest in todo:
            plan = planned[session.number]
            label = f"day {session.day}"
            if isinstance(plan, AudioguideError):
                outcomes[session.number] = Outcome(label, error=plan)
                continue
            info = tags.TrackInfo(title=session.title(plan.timeline.duration_s), artist=options.artist or tags.ARTIST,
                                  album=options.album or program.title, track=session.number, year=session.date.year,
                                  cover_jpeg=cover.for_program(program.id, program.title,
                                                                    language.phrase("cover_day", program.language,
                                                                                    day=session.day)))
            outcomes[session.number] = studio.render(label, target, plan.timeline, clips, info,
                                                     {"session": _about(session), "inputs": digest})
    return program, [outcomes[s.number] for s in wanted]


def today(name: str, start: dt.date, options: BuildOptions = DEFAULTS, progress: Progress | None = None,
          on: dt.date | None = None) -> tuple[int, Outcome | None]:
    """Build (or find, when it is up to date) the session of the day on (today by default): its day number and
    its outcome, or None on a rest day."""
    program, _ = _program(name, options)
    on = on or dt.date.today()
    day = (on - start).days + 1
    practice = program.advance == "practice"  # the first session not done yet: a missed day skips nothing, and
    if day < 1 or (day > last_day(program) and not practice):  # the program lasts until every one is done
        end = start + dt.timedelta(days=last_day(program) - 1)
        raise LengthError(f"{program.id} runs from {start} to {end}; {on} is not one of its days")
    if practice:
        from .practice import todays_session
        session, _ = todays_session(program, start, on)
        if session is None and day > last_day(program) and on.weekday() in program.weekdays:
            raise LengthError(f"every session of {program.id} (started {start}) is done")
        if session is None:
            return day, None
        day = session.day
    elif not any(s.day == day for s in sessions(program, start)):
        return day, None
    _, outcomes = build_program(name, start, options, days=[day], progress=progress)
    return day, outcomes[0]


def stems(options: BuildOptions, program: Program, chosen: list[Session]) -> list[str]:
    """The file names (without .mp3) of the chosen sessions of the program."""
    return naming.distinct([_stem(options, program, s) for s in chosen],
                           f"{options.name!r} gives several sessions the same file name; put {{day}} or {{date}} in it")


def _stem(options: BuildOptions, program: Program, session: Session) -> str:
    template = options.name
    if not template:
        return naming.clean(session.file_stem() + naming.variant(options.engine.voice, options.music, options.language))
    return naming.stem(template, {"program": program.id, "routine": session.routine.id,
                                  "length": times.label(session.length_s), "date": session.date.isoformat(),
                                  "day": f"{session.day:02d}"})


def _program(name: str, options: BuildOptions) -> tuple[Program, list[str]]:
    library = loader.load_library(list(options.definition_paths))
    return library.speaking(options.language).program(name), library.notices


def _plan(studio: Studio, program: Program, chosen: list[Session]) -> dict[int, compiler.Fitted | AudioguideError]:
    return plan_sessions(chosen, studio.measure)


def plan_sessions(chosen: list[Session], measure: compiler.Measure) -> dict[int, compiler.Fitted | AudioguideError]:
    """Plan the chosen sessions week by week, in order: no week takes back what its earlier days reached."""
    planned: dict[int, compiler.Fitted | AudioguideError] = {}
    for week in sorted({s.week for s in chosen}):
        series = [s for s in chosen if s.week == week]
        fitted = compiler.plan_series([(s.routine, s.length_s, s.seed, s.number) for s in series], measure)
        planned.update({s.number: f for s, f in zip(series, fitted)})
    return planned


def _progressed(before: tuple[Session, compiler.Fitted] | None, session: Session,
                fitted: compiler.Fitted | None) -> tuple[str, ...]:
    """What this session does more of than the one before: new exercises, reps, holds, sets, rounds."""
    if before is None or fitted is None:
        return ("first session",) if before is None and fitted is not None else ()
    old_session, old = before
    changes = []
    old_items = {i.exercise.id: i.exercise for i in old_session.routine.items}
    for item in session.routine.items:
        ex = item.exercise
        if ex.id not in old_items:
            changes.append(f"new: {ex.title}")
            continue
        a, b = compiler.amounts(old_items[ex.id], old.level), compiler.amounts(ex, fitted.level)
        if b.reps != a.reps:
            changes.append(f"{ex.title} {a.reps}->{b.reps} reps")
        if b.sets != a.sets:
            changes.append(f"{ex.title} {a.sets}->{b.sets} sets")
        for x, y in zip(a.holds_s, b.holds_s):
            if x != y:
                changes.append(f"{ex.title} hold {x:g}->{y:g} s")
    if fitted.rounds != old.rounds:
        changes.append(f"{old.rounds}->{fitted.rounds} rounds")
    return tuple(changes)


def _nothing_asked(program: Program, start: dt.date, days: set[int] | None, through: dt.date | None) -> str:
    """Why the days asked for hold no session of the program."""
    last = last_day(program)
    if through is not None and through < start:
        return f"no session: --through {through.isoformat()} is before the start, {start.isoformat()}"
    if days is not None and min(days) > last:
        return f"no session on the days asked for: {program.id} has days 1 to {last}"
    return f"no session on the days asked for: they are rest days of {program.id}"


def _about(session: Session) -> dict:
    """What the feed needs to know of a program's episode (kept in its .plan.json)."""
    program = session.program
    return {"program": program.id, "program_title": program.title, "program_description": program.description,
            "weeks": program.n_weeks, "day": session.day, "date": session.date.isoformat(), "week": session.week,
            "episode": session.number}


def _inputs(session: Session, start: dt.date, options: BuildOptions, identity: dict) -> str:
    """A digest of everything the session's MP3 is made from: same digest, same file."""
    stamps = [_stamp(p) for p in (options.music, options.sounds_dir) if p is not None]
    if options.sounds_dir is not None and Path(options.sounds_dir).is_dir():
        stamps += [_stamp(p) for p in sorted(Path(options.sounds_dir).iterdir())]
    used = replace(options, output_dir=Path("."), cache_dir=None, definition_paths=())
    key = {"audioguide": __version__, "program": repr(session.program), "start": start.isoformat(),
           "day": session.day, "options": repr(used), "voice": identity, "files": stamps}
    return hashlib.sha256(json.dumps(key, sort_keys=True, default=str).encode()).hexdigest()


def _stamp(path: Path) -> list:
    try:
        stat = Path(path).stat()
        return [str(path), stat.st_size, stat.st_mtime_ns]
    except OSError:
        return [str(path)]


def _built(target: Path, digest: str) -> bool:
    """True when target and all its sidecars exist and were made from these inputs."""
    if not session_files.is_whole(target):
        return False
    try:
        made = session_files.read_json(session_files.beside(target, session_files.PLAN))
        return isinstance(made, dict) and made.get("inputs") == digest
    except (OSError, ValueError):
        return False

