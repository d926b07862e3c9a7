"""The command line: the only package that imports click. Each command is one call into the library, then printing.

app.py holds the group and the one place errors become exit codes; report.py what is said on stderr, progress.py
the progress bar, options.py and completion.py the options several commands share; each other module holds the
commands of one subject.
"""

from . import config, library, practice, programs, serving, sessions, settings, sharing, voices  # noqa: F401  (each registers its commands)
from .app import cli, main

settings.take_environment(cli)   # every option gets its AUDIOGUIDE_* variable

__all__ = ["cli", "main"]
