"""What every command shares: the group, the one place errors become "Error:" lines, the progress bar, and the
options several commands take."""

from __future__ import annotations

import sys
import traceback
from enum import IntEnum
from pathlib import Path

import click

from .. import __version__, defaults, times
from ..errors import AudioguideError

DEFAULT_BASE_URL = defaults.BASE_URL


class Exit(IntEnum):
    OK = 0
    ERROR = 1
    USAGE = 2
    INTERRUPTED = 130
    TERMINATED = 143


class Group(click.Group):
    """Turns AudioguideError into one line on stderr and exit 1; Ctrl-C into exit 130."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except AudioguideError as e:
            if ctx.meta.get("traceback"):
                traceback.print_exc()
            for line in str(e).splitlines():
                click.echo(f"Error: {line}", err=True)
            ctx.exit(Exit.ERROR)
        except KeyboardInterrupt as e:  # Ctrl-C, or SIGTERM (audioguide.__main__.Terminated)
            terminated = type(e).__name__ == "Terminated"
            click.echo("Terminated." if terminated else "Interrupted.", err=True)
            ctx.exit(Exit.TERMINATED if terminated else Exit.INTERRUPTED)


class Bar:
    """A one-line progress bar on stderr when it is a terminal; silent otherwise or with --quiet."""

    def __init__(self, quiet: bool):
        self.enabled = not quiet and sys.stderr.isatty()
        self.stage = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        width = 30
        filled = int(width * done / total) if total else width
        percent = 100 * done // total if total else 100
        click.echo(f"\r{stage:<11}[{'#' * filled}{'.' * (width - filled)}] {percent:3d}%", err=True, nl=False)
        self.stage = stage

    def __enter__(self) -> Bar:
        return self

    def __exit__(self, *exc) -> None:
        if self.enabled and self.stage:
            click.echo("", err=True)


def lengths(minutes: str | None, length: str | None) -> list[float]:
    """The session lengths asked for with --minutes 5,10 or --length 5m,12m30s (the default when neither)."""
    if minutes is not None and length is not None:
        # one from the command line beats one from the environment or the config file
        ctx = click.get_current_context(silent=True)
        sources = [ctx.get_parameter_source(n) if ctx else None for n in ("minutes", "length")]
        if sources[0] == sources[1] or click.core.ParameterSource.COMMANDLINE not in sources:
            raise click.UsageError("give either --minutes or --length, not both")
        minutes, length = (minutes, None) if sources[0] == click.core.ParameterSource.COMMANDLINE else (None, length)
    text = length if length is not None else minutes
    if text is None:
        return [defaults.LENGTH_S]
    found = [times.parse_length(part) for part in text.split(",") if part.strip()]
    if not found:
        raise click.BadParameter(f"expected one or more lengths, found {text!r}", param_hint="--minutes/--length")
    return list(dict.fromkeys(found))


def one_length(minutes: str | None, length: str | None) -> float:
    """The one session length a command that makes one session takes."""
    found = lengths(minutes, length)
    if len(found) > 1:
        raise click.UsageError("this command takes one length; 'build' takes several")
    return found[0]


definitions_option = click.option("--definitions", "-d", "definition_paths", multiple=True,
                            type=click.Path(exists=True, dir_okay=False, path_type=Path),
                            help="Extra definition file(s) to load (repeatable).")
quiet_option = click.option("--quiet", "-q", is_flag=True, help="No progress bar.")


def names(*sections: str, files: bool = False):
    """Shell completion for an argument naming something in the library ('routines', 'exercises', 'programs'):
    the names that start with what is typed; a path's files when files are accepted and no name matches."""
    def complete(ctx: click.Context, param: click.Parameter, incomplete: str):
        from click.shell_completion import CompletionItem

        from .. import definitions
        try:
            library = definitions.load_library(list(ctx.params.get("definition_paths") or ()))
            found = sorted(n for s in sections for n in getattr(library, s) if n.startswith(incomplete))
        except AudioguideError:
            found = []  # a broken file: offer no names rather than print an error mid-command-line
        if files and not found:
            return [CompletionItem(incomplete, type="file")]
        return found
    return complete

class Folder(click.Path):
    """A folder's path; an empty one is refused (it would quietly mean the current folder)."""

    def __init__(self, exists: bool = False):
        super().__init__(file_okay=False, exists=exists, path_type=Path)

    def convert(self, value, param, ctx):
        if isinstance(value, str) and not value.strip():
            self.fail("expected a folder, found an empty name", param, ctx)
        return super().convert(value, param, ctx)


def output_dir_option(help: str, default: Path = defaults.OUTPUT_DIR):
    return click.option("--output-dir", "-o", type=Folder(), default=default, show_default=True, help=help)


sessions_dir_option = click.option("--output-dir", "-o", type=Folder(exists=True),
                             default=defaults.OUTPUT_DIR, show_default=True, help="The folder of built sessions.")
feed_title_option = click.option("--title", default=None,
                                 help=f"The podcast's title [default: the program's, or {defaults.FEED_TITLE!r}].")
cache_dir_option = click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
                          help="Speech clip cache [default: $XDG_CACHE_HOME/audioguide].")


def engine_options(f):
    f = click.option("--engine", default=defaults.ENGINE, show_default=True,
                     help="Speech engine: auto (piper when installed, else pyttsx3), pyttsx3, piper, "
                          "or tone (a stand-in needing no TTS).")(f)
    f = click.option("--voice", default=None, help="Voice id of the engine (see 'audioguide voices').")(f)
    f = click.option("--rate", type=click.IntRange(60, 400), default=None,
                     help="Speaking rate in words per minute.")(f)
    return cache_dir_option(f)


def engine_spec(engine: str, voice: str | None, rate: int | None):
    """The EngineSpec the engine options ask for (the model is imported here, when a command runs)."""
    from ..model import EngineSpec
    return EngineSpec(engine, voice, rate)


def length_options(f):
    f = click.option("--minutes", "-m", default=None,
                     help=f"Session length in minutes [default: {times.minutes(defaults.LENGTH_S)}].")(f)
    f = click.option("--length", "-l", default=None, help="Session length as a duration, e.g. 12m30s.")(f)
    f = click.option("--seed", type=click.IntRange(0), default=None,
                     help="Which phrasings and tips are said where [default: from the routine].")(f)
    return definitions_option(f)


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
        from .. import config
        from . import settings
        ctx.default_map = settings.default_map(settings.checked(config.load()))


def notes(notices) -> None:
    for notice in notices:
        click.echo(f"Note: {notice}", err=True)


def main() -> None:
    cli(prog_name="audioguide")
