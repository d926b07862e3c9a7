"""The stages composed: definitions -> (schedule) -> compiler -> speech -> mixer -> encoder -> publish.

Each command of the CLI is one call here (or into a stage's public face); nothing here knows about click.
studio.py holds what every build shares and renders one session; routines.py builds routines at one length or
several; programs.py builds a program's sessions day by day.
"""

from .programs import CalendarDay, build_program, program_calendar, today
from .routines import build, build_many, describe, length_range, plan
from .studio import DEFAULT_LENGTH_S, DEFAULTS, BuildOptions, BuildResult, Outcome, Progress, check_tools

__all__ = ["DEFAULTS", "DEFAULT_LENGTH_S", "BuildOptions", "BuildResult", "CalendarDay", "Outcome", "Progress",
           "build", "build_many", "build_program", "check_tools", "describe", "length_range", "plan",
           "program_calendar", "today"]
