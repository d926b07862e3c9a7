"""The command line: the only package that imports click. Each command is one call into the library, then printing.

common.py holds the group, the error handling and the shared options; each other module holds the commands
of one subject.
"""

from . import config, library, programs, serving, sessions, settings, voices  # noqa: F401  (each registers its commands)
from .common import cli, main

settings.take_environment(cli)   # every option gets its AUDIOGUIDE_* variable

__all__ = ["cli", "main"]
