"""The command group: the one place an error becomes an "Error:" line and its exit code, and the config
file's values become the options' defaults."""

from __future__ import annotations

import traceback
from enum import IntEnum

import click

from .. import __version__
from ..errors import AudioguideError, UsageError
from . import report


class Exit(IntEnum):
    OK = 0
    ERROR = 1
    USAGE = 2
    INTERRUPTED = 130   # Ctrl-C; SIGTERM 143 and SIGHUP 129 come with their exceptions (audioguide.__main__)


class Group(click.Group):
    """Turns AudioguideError into one line on stderr and exit 1; Ctrl-C into exit 130."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except AudioguideError as e:
            if ctx.meta.get("traceback"):
                traceback.print_exc()
            report.error(e)
            ctx.exit(Exit.USAGE if isinstance(e, UsageError) else Exit.ERROR)
        except KeyboardInterrupt as e:  # Ctrl-C, or SIGTERM and SIGHUP (audioguide.__main__.Terminated, HungUp)
            try:
                click.echo(getattr(e, "said", "Interrupted."), err=True)
            except OSError:  # no terminal left to say it on (SIGHUP)
                pass
            ctx.exit(getattr(e, "exit_code", Exit.INTERRUPTED))


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--traceback", is_flag=True, help="Show the full traceback on errors.")
@click.version_option(__version__, prog_name="audioguide")
@click.pass_context
def cli(ctx, traceback):
    """Turn exercise definitions into voice-guided MP3 sessions of the length you choose.

    \b
    Example:
        audioguide build thoracic-mobility --minutes 10 --output-dir output
    """
    ctx.meta["traceback"] = traceback
    if not ctx.resilient_parsing:   # the config file's values become the options' defaults (see settings.py)
        from ..pipeline import settings as config
        from . import settings
        values = settings.checked(ctx.command, config.load())
        if values:
            ctx.default_map = settings.default_map(ctx.command, values)



def main() -> None:
    cli(prog_name="audioguide")
