"""The stages composed: definitions -> (schedule) -> compiler -> speech -> mixer -> encoder -> publish.

Each command of the CLI is one call here (or into a stage's public face); nothing here knows about click.
options.py says what a build is asked for and gives (light: no numpy); studio.py holds what every build shares
and renders one session; routines.py builds routines at one length or several; programs.py builds a program's
sessions day by day. Names are imported when first used, so a command pays only for the stages it runs.
"""

from importlib import import_module

_LATER = {"DEFAULT_LENGTH_S": "options", "DEFAULTS": "options", "BuildOptions": "options", "BuildResult": "options",
          "Outcome": "options", "Progress": "options", "CalendarDay": "programs", "build_program": "programs",
          "program_calendar": "programs", "today": "programs", "build": "routines", "build_many": "routines",
          "describe": "routines", "facts": "routines", "length_range": "routines", "plan": "routines", "check_tools": "studio"}

__all__ = ["DEFAULTS", "DEFAULT_LENGTH_S", "BuildOptions", "BuildResult", "CalendarDay", "Outcome", "Progress", "build",
           "build_many", "build_program", "check_tools", "describe", "facts", "length_range", "plan", "program_calendar",
           "today"]


def __getattr__(name: str):
    if name in _LATER:
        return getattr(import_module(f".{_LATER[name]}", __name__), name)
    raise AttributeError(f"module 'audioguide.pipeline' has no attribute {name!r}")
