"""log, log add: the practice log (what was done, streaks, minutes a week)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import click

from .app import cli
from .options import definitions_option, json_option
from .report import echo_json


@cli.group(invoke_without_command=True)
@json_option
@definitions_option
@click.pass_context
def log(ctx, as_json, definition_paths):
    """The practice log: each session done, the streak (the followed program's rest days do not break it) and
    the minutes of each week. The page records a session played to its end; 'log add' records one by hand.

    \b
    Example:
        audioguide log
        audioguide log add output/thoracic-four-weeks-day03.mp3
        audioguide log add --today
    """
    if ctx.invoked_subcommand is not None:
        return
    from ..pipeline import practice
    found = practice.history(tuple(definition_paths))
    if as_json:
        echo_json({"entries": [dataclasses.asdict(e) for e in found.entries], "streak_days": found.streak_days,
                   "longest_days": found.longest_days, "minutes_by_week": found.minutes_by_week})
        return
    for e in found.entries:
        what = f"{e.program} day {e.day}" if e.program else e.routine or "-"
        click.echo(f"{e.done_on}  {what:<28} {e.file}  {e.played_s / 60:.1f} min")
    weeks = found.minutes_by_week
    this_week = f"; the last week practised: {list(weeks.values())[-1]:g} minutes ({list(weeks)[-1]})" if weeks else ""
    click.echo(f"Streak: {found.streak_days} day{'s' if found.streak_days != 1 else ''} "
               f"(longest {found.longest_days}){this_week}")


@log.command(name="add")
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--today", "today", is_flag=True, help="Today's session of the program you follow (no file needed).")
@click.option("--minutes", type=click.FloatRange(0, 360, min_open=True), default=None,
              help="How much was played [default: the whole session].")
@definitions_option
def add(file, today, minutes, definition_paths):
    """Record a session as done today: its MP3 FILE, or --today for the followed program's.

    \b
    Example:
        audioguide log add output/thoracic-mobility-10m.mp3
        audioguide log add --today --minutes 6
    """
    from ..pipeline import practice
    if (file is None) == (not today):
        raise click.UsageError("give a session's FILE or --today (one of them)")
    played = None if minutes is None else minutes * 60
    entry = practice.record_today(played, tuple(definition_paths)) if today else practice.record_file(file, played)
    click.echo(f"Logged {entry.file} on {entry.done_on} ({entry.played_s / 60:.1f} min)")
