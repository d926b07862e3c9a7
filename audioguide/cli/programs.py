"""program list, show, build, today: a daily practice that grows week by week."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import click

from .. import defaults, times
from .app import Exit, cli
from .completion import names
from .options import (
    definitions_option,
    engine_options,
    language_option,
    engine_spec,
    mix_options,
    output_dir_option,
    publish_options,
    quiet_option,
)
from .progress import Bar
from .report import error, made, notes

_start = click.option("--start", type=click.DateTime(["%Y-%m-%d"]), default=None,
                      help="The program's first day, YYYY-MM-DD [default: today].")


class DayRange(click.ParamType):
    """Days as 3, 1-7 or 1-7,10."""

    name = "DAYS"

    def convert(self, value, param, ctx):
        days: set[int] = set()
        for part in str(value).split(","):
            match = re.fullmatch(r"\s*(\d+)\s*(?:-\s*(\d+)\s*)?", part)
            if not match or int(match.group(1)) < 1 or (match.group(2) and int(match.group(2)) < int(match.group(1))):
                self.fail(f"expected days such as 3, 1-7 or 1-7,10, found {value!r}", param, ctx)
            days.update(range(int(match.group(1)), int(match.group(2) or match.group(1)) + 1))
        return days


def _start_date(start) -> dt.date:
    return start.date() if start else dt.date.today()


def _options(output_dir, engine, voice, rate, cache_dir, definition_paths, mix=None, publish=None, language=None):
    from ..pipeline.options import BuildOptions
    return BuildOptions(output_dir=output_dir, engine=engine_spec(engine, voice, rate), cache_dir=cache_dir,
                        definition_paths=tuple(definition_paths), language=language, **(mix or {}), **(publish or {}))


@cli.group()
def program():
    """Programs: a session a day, a little more each week (list, follow, show, build, today, calendar).

    \b
    Example:
        audioguide program show thoracic-four-weeks --start 2026-12-01
        audioguide program build thoracic-four-weeks --start 2026-12-01 --days 1-7 --output-dir output
    """


@program.command(name="follow")
@click.argument("name", shell_complete=names("programs"))
@_start
@definitions_option
def follow(name, start, definition_paths):
    """Follow program NAME from --start (today by default): 'program today' and 'program show' then need no name.

    Kept in your state folder (~/.local/state/audioguide); following another program replaces it.

    \b
    Example:
        audioguide program follow thoracic-four-weeks --start 2026-12-01
    """
    from ..pipeline import state
    following = state.follow(name, _start_date(start), tuple(definition_paths))
    day = (dt.date.today() - following.start).days + 1
    click.echo(f"Following {following.program} from {following.start}"
               + (f" (today is day {day})" if day >= 1 else f" (it starts in {1 - day} days)"))


class ClockTime(click.ParamType):
    """A time of day as HH:MM."""

    name = "HH:MM"

    def convert(self, value, param, ctx):
        if isinstance(value, dt.time):
            return value
        from ..pipeline.practice import time_of_day
        found = time_of_day(str(value))
        if found is None:
            self.fail(f"expected a time of day such as 07:30, found {value!r}", param, ctx)
        return found


@program.command(name="calendar")
@click.argument("name", required=False, shell_complete=names("programs"))
@_start
@click.option("--time", "at", type=ClockTime(), required=True, help="When each session is, HH:MM (your habit's time).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The .ics file to write.")
@click.option("--page-url", default="", help="The page's address, linked from each event.")
@definitions_option
def calendar_command(name, start, at, output, page_url, definition_paths):
    """Write the sessions of program NAME (the followed one without NAME) as calendar events at --time.

    Pair the practice with a habit you already have: after the morning coffee, at 07:30. Any calendar app
    imports the file; 'audioguide serve' also offers it to subscribe to (calendar.ics on the page's address).

    \b
    Example:
        audioguide program calendar thoracic-four-weeks --start 2026-12-01 --time 07:30 -o program.ics
    """
    from .. import files
    from ..pipeline import practice
    program_id, data = practice.reminders(name, start.date() if start else None, at, page_url,
                                          tuple(definition_paths))
    files.write_bytes(output, data)
    click.echo(str(output))


@program.command(name="list")
@definitions_option
def list_programs(definition_paths):
    """List the programs that can be followed, with their length and where each comes from.

    \b
    Example:
        audioguide program list
    """
    from ..pipeline import catalogue
    found, notices = catalogue.entries(tuple(definition_paths))
    notes(notices)
    for entry in (e for e in found if e.section == "programs"):
        click.echo(f"  {entry.id:<28} {entry.title} ({entry.weeks} weeks)  [{entry.source}]")


@program.command(name="show")
@click.argument("name", required=False, shell_complete=names("programs"))
@_start
@definitions_option
@engine_options
@language_option
@quiet_option
def show_program(name, start, definition_paths, engine, voice, rate, cache_dir, language, quiet):
    """Print the calendar of program NAME: date, day, routine, length and what progressed since the session before.

    Each session is planned with the chosen voice's lengths as its speech cache knows them; nothing is rendered,
    so speech not made yet is estimated (a note says so) and a build may come out a little different. Without
    NAME, the program you follow, from its start.

    \b
    Example:
        audioguide program show thoracic-four-weeks --start 2026-12-01
    """
    from ..pipeline import state
    name, first = state.program_and_start(name, start.date() if start else None)
    options = _options(defaults.OUTPUT_DIR, engine, voice, rate, cache_dir, definition_paths, language=language)
    with Bar(quiet) as bar:
        from ..pipeline.programs import program_calendar
        found, days, notices = program_calendar(name, first, options, bar)
    notes(notices)
    click.echo(f"{found.title}  [{found.id}]")
    if found.description:
        click.echo(f"  {found.description}")
    for day in days:
        head = f"{day.date}  {day.date:%a}  day {day.day:>2}"
        if day.session is None:
            click.echo(f"{head}  rest day")
        elif day.plan is None:
            click.echo(f"{head}  {day.session.routine.title}: cannot be planned: {day.error}")
        else:
            length = times.label(day.plan.timeline.duration_s)
            grown = "; ".join(day.progressed)
            click.echo(f"{head}  week {day.session.week}  {day.session.routine.title} ({length})"
                       + (f"  {grown}" if grown else ""))


@program.command(name="build")
@click.argument("name", shell_complete=names("programs"))
@_start
@click.option("--days", type=DayRange(), default=None, help="Only these days, e.g. 1-7 or 3,5.")
@click.option("--through", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Only the sessions up to this date, YYYY-MM-DD.")
@output_dir_option("Folder for the episodes.")
@mix_options()
@publish_options()
@definitions_option
@engine_options
@language_option
@quiet_option
def build_program(name, start, days, through, output_dir, mix, publish, definition_paths, engine, voice, rate, language,
                  cache_dir, quiet):
    """Build program NAME's sessions from --start, one MP3 per session, and print their paths.

    A session already built with the same inputs is left as it is ("up to date"). Serve or feed the folder
    to follow the program as a podcast, in session order.

    \b
    Example:
        audioguide program build thoracic-four-weeks --start 2026-12-01 --days 1-7 --output-dir output
        audioguide program build thoracic-four-weeks --start 2026-12-01 --through 2026-12-14
    """
    options = _options(output_dir, engine, voice, rate, cache_dir, definition_paths, mix, publish, language)
    from ..pipeline.requests import BuildRequest
    from ..pipeline.requests import build as make
    asked = BuildRequest(name, start=_start_date(start), days=frozenset(days) if days is not None else None,
                         through=through.date() if through else None)
    with Bar(quiet) as bar:
        outcomes = make(asked, options, bar)
        if outcomes:
            bar.summary(made(outcomes))
    failed = 0
    for outcome in outcomes:
        if outcome.error is not None:
            failed += 1
            error(outcome.error, f"{outcome.label}: ")
        else:
            click.echo(f"{outcome.path}" + ("  (up to date)" if outcome.up_to_date else ""))
    if failed:
        raise click.exceptions.Exit(Exit.ERROR)


@program.command(name="today")
@click.argument("name", required=False, shell_complete=names("programs"))
@_start
@output_dir_option("Folder for the episodes.")
@mix_options()
@publish_options()
@definitions_option
@engine_options
@language_option
@quiet_option
def today(name, start, output_dir, mix, publish, definition_paths, engine, voice, rate, cache_dir, language, quiet):
    """Build (or find) today's session of program NAME and print its path; on a rest day, say so.

    Without NAME, the program you follow ('program follow'), from the day you started it.

    \b
    Example:
        audioguide program today thoracic-four-weeks --start 2026-12-01
        audioguide program today
    """
    from ..pipeline import state
    name, first = state.program_and_start(name, start.date() if start else None)
    options = _options(output_dir, engine, voice, rate, cache_dir, definition_paths, mix, publish, language)
    with Bar(quiet) as bar:
        from ..pipeline.programs import today as todays
        day, outcome = todays(name, first, options, bar)
    if outcome is None:
        click.echo(f"Day {day} is a rest day.", err=True)
        return
    if outcome.error is not None:
        raise outcome.error
    click.echo(str(outcome.path))
