"""The command line: the only module that imports click. Each command is one call into the library, then printing."""

from __future__ import annotations

import sys
import traceback
from enum import IntEnum
from pathlib import Path

import click

from . import definitions, pipeline, speech, times
from .definitions import starters
from .errors import AudioguideError, DefinitionErrors
from .publish import feed, picture, sidecars
from .publish.episodes import DEFAULT_TITLE
from .speech import ClipCache, EngineSpec

DEFAULT_BASE_URL = "http://localhost:8000/"
DEFAULTS = pipeline.DEFAULTS


class Exit(IntEnum):
    OK = 0
    ERROR = 1
    USAGE = 2
    INTERRUPTED = 130


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
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            ctx.exit(Exit.INTERRUPTED)


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


def _length(minutes: float | None, length: str | None) -> float:
    if minutes is not None and length is not None:
        raise click.UsageError("give either --minutes or --length, not both")
    text = length if length is not None else str(minutes) if minutes is not None else None
    return times.parse_length(text) if text is not None else DEFAULTS.length_s


_definitions = click.option("--definitions", "-d", "definition_paths", multiple=True,
                            type=click.Path(exists=True, dir_okay=False, path_type=Path),
                            help="Extra definition file(s) to load (repeatable).")
_quiet = click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
_sessions_dir = click.option("--output-dir", "-o", type=click.Path(file_okay=False, exists=True, path_type=Path),
                             default=DEFAULTS.output_dir, show_default=True, help="The folder of built sessions.")
_feed_title = click.option("--title", default=DEFAULT_TITLE, show_default=True, help="The podcast's title.")
_cache_dir = click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
                          help="Speech clip cache [default: $XDG_CACHE_HOME/audioguide].")


def _engine_options(f):
    f = click.option("--engine", default=DEFAULTS.engine.name, show_default=True,
                     help="Speech engine: auto (piper when installed, else pyttsx3), pyttsx3, piper, "
                          "or tone (a stand-in needing no TTS).")(f)
    f = click.option("--voice", default=None, help="Voice id of the engine (see 'audioguide voices').")(f)
    f = click.option("--rate", type=click.IntRange(60, 400), default=None,
                     help="Speaking rate in words per minute.")(f)
    return _cache_dir(f)


def _length_options(f):
    f = click.option("--minutes", "-m", type=float, default=None,
                     help=f"Session length in minutes [default: {times.minutes(DEFAULTS.length_s)}].")(f)
    f = click.option("--length", "-l", default=None, help="Session length as a duration, e.g. 12m30s.")(f)
    return _definitions(f)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--traceback", is_flag=True, help="Show the full traceback on errors.")
@click.version_option(package_name="audioguide")
@click.pass_context
def cli(ctx, traceback):
    """Turn exercise definitions into voice-guided MP3 sessions of the length you choose.

    \b
    Example:
        audioguide build thoracic-mobility --minutes 10 --output-dir output
    """
    ctx.meta["traceback"] = traceback


@cli.command()
@click.argument("routine")
@_length_options
@click.option("--output-dir", "-o", type=click.Path(file_okay=False, path_type=Path), default=DEFAULTS.output_dir,
              show_default=True, help="Folder for the MP3 and its plan.")
@_engine_options
@click.option("--sounds", "sounds_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=None, help="Folder of KIND.wav files replacing the built-in beeps.")
@click.option("--bitrate", type=click.Choice([str(b) for b in pipeline.encoder.BITRATES_KBPS]),
              default=str(DEFAULTS.bitrate_kbps), show_default=True, help="MP3 bitrate in kbps (constant).")
@click.option("--music", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="A music bed (any format ffmpeg reads), looped, faded and ducked under the voice.")
@click.option("--music-level", type=click.FloatRange(-40, 0), default=DEFAULTS.music_level_db, show_default=True,
              help="Music level in dB relative to the voice.")
@click.option("--stereo", is_flag=True, help="Stereo output (worth it with --music); mono by default.")
@click.option("--chapters", "show_chapters", is_flag=True, help="Also print the chapter list.")
@click.option("--feed", "refresh_feed", is_flag=True, help="Also refresh feed.xml and index.html in the output folder.")
@click.option("--base-url", default=DEFAULT_BASE_URL, show_default=True, help="With --feed: where the folder is served.")
@_quiet
def build(routine, minutes, length, definition_paths, output_dir, engine, voice, rate, cache_dir, sounds_dir,
          bitrate, music, music_level, stereo, show_chapters, refresh_feed, base_url, quiet):
    """Build the session MP3 for ROUTINE (a name, or a .toml file holding one routine) and print its path.

    \b
    Example:
        audioguide build thoracic-mobility --minutes 10 --output-dir output
        audioguide build ./my-routine.toml --length 12m30s
        audioguide build thoracic-mobility -m 20 --music calm.mp3 --stereo
    """
    options = pipeline.BuildOptions(
        length_s=_length(minutes, length), output_dir=output_dir, engine=EngineSpec(engine, voice, rate),
        cache_dir=cache_dir, sounds_dir=sounds_dir, bitrate_kbps=int(bitrate),
        definition_paths=tuple(definition_paths), music=music, music_level_db=music_level, stereo=stereo)
    with Bar(quiet) as bar:
        result = pipeline.build(routine, options, bar)
    _notes(result.notices)
    click.echo(str(result.path))
    if show_chapters:
        for chapter in result.timeline.chapters:
            click.echo(f"  {times.clock(chapter.start_s)}  {chapter.title}")
    if refresh_feed:
        click.echo(str(feed.write(output_dir, base_url)))


@cli.command()
@click.argument("routine")
@_length_options
@_engine_options
@click.option("--json", "as_json", is_flag=True, help="Print the plan as JSON.")
@click.option("--svg", "svg_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also draw the session as an SVG picture into this file.")
@_quiet
def plan(routine, minutes, length, definition_paths, engine, voice, rate, cache_dir, as_json, svg_path, quiet):
    """Print the timeline of ROUTINE at the chosen length: time, chapter, event.

    Speech not yet in the cache is rendered first, so the plan is exact.

    \b
    Example:
        audioguide plan thoracic-mobility --minutes 10
        audioguide plan thoracic-mobility --length 12m30s --json > plan.json
        audioguide plan thoracic-mobility --minutes 20 --svg plan.svg
    """
    options = pipeline.BuildOptions(length_s=_length(minutes, length), engine=EngineSpec(engine, voice, rate),
                                    cache_dir=cache_dir, definition_paths=tuple(definition_paths))
    with Bar(quiet) as bar:
        timeline, notices = pipeline.plan(routine, options, bar)
    _notes(notices)
    if svg_path:
        picture.write(svg_path, timeline)
    click.echo(sidecars.plan_json(timeline) if as_json else sidecars.plan_text(timeline), nl=False)


@cli.command(name="list")
@_definitions
def list_(definition_paths):
    """List the exercises and routines that can be used, with where each comes from.

    \b
    Example:
        audioguide list
    """
    library = definitions.load_library(list(definition_paths))
    _notes(library.notices)
    click.echo("Routines:")
    for rid, r in sorted(library.routines.items()):
        click.echo(f"  {rid:<28} {r.title}  [{library.source(rid)}]")
    click.echo("Exercises:")
    for eid, e in sorted(library.exercises.items()):
        click.echo(f"  {eid:<28} {e.title}  [{library.source(eid)}]")


@cli.command()
@click.argument("name")
@_definitions
@_engine_options
@_quiet
def show(name, definition_paths, engine, voice, rate, cache_dir, quiet):
    """Show one exercise or routine, readably: its phases, ranges, cues and where it comes from.

    A routine's length range is measured with the chosen voice (rendering what is not cached yet), so it
    matches what 'build' accepts.

    \b
    Example:
        audioguide show cat-cow
        audioguide show thoracic-mobility
    """
    options = pipeline.BuildOptions(engine=EngineSpec(engine, voice, rate), cache_dir=cache_dir,
                                    definition_paths=tuple(definition_paths))
    with Bar(quiet) as bar:
        lines, notices = pipeline.describe(name, options, bar)
    _notes(notices)
    click.echo("\n".join(lines))


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
def validate(paths):
    """Check definition files: print 'ok' for each good file, one line per mistake otherwise.

    Exit code 0 when every file is good, 1 otherwise. Files are checked together, so a routine may use
    exercises from another file given here (or from the built-ins).

    \b
    Example:
        audioguide validate my-exercises.toml my-routine.toml
    """
    try:
        library = definitions.load_files(list(paths))
    except DefinitionErrors as e:
        bad = {err.path for err in e.errors}
        for path in paths:
            if str(path) not in bad:
                click.echo(f"{path}: ok")
        for err in e.errors:
            click.echo(str(err))
        raise click.exceptions.Exit(Exit.ERROR)
    _notes(library.notices)
    for path in paths:
        click.echo(f"{path}: ok")


@cli.command()
@click.argument("kind", type=click.Choice(starters.KINDS))
@click.argument("name")
@click.option("--output-dir", "-o", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="Where to write NAME.toml.")
def new(kind, name, output_dir):
    """Write a commented starter file NAME.toml for an exercise or a routine; it validates as written.

    \b
    Example:
        audioguide new exercise wall-angels
        audioguide new routine morning-back --output-dir ~/.config/audioguide
    """
    click.echo(str(starters.write(kind, name, output_dir)))


@cli.command()
@click.option("--engine", default=None, help="Only this engine: pyttsx3, piper or tone.")
def voices(engine):
    """List the speech engines and their voices; 'auto' picks piper when it is installed.

    \b
    Example:
        audioguide voices
        audioguide voices --engine pyttsx3
    """
    listed = speech.catalogue(engine)
    click.echo("\n".join([f"auto -> {speech.resolve('auto')}", *(line for found in listed for line in found.lines())]))


@cli.command()
@click.argument("text")
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The WAV file to write.")
@_engine_options
def say(text, output, engine, voice, rate, cache_dir):
    """Render TEXT with the chosen engine and voice into a WAV file, to try voices out.

    \b
    Example:
        audioguide say "Lift your arms off the wall." --output lift.wav --engine pyttsx3 --voice gmw/en-us
    """
    seconds, used = speech.say(text, output, EngineSpec(engine, voice, rate), ClipCache(cache_dir))
    click.echo(f"{output} ({seconds:.2f} s, {used})")


@cli.group()
def cache():
    """Look at or empty the speech clip cache.

    \b
    Example:
        audioguide cache info
        audioguide cache clear
    """


@cache.command()
@_cache_dir
def info(cache_dir):
    """Print where the clip cache is, how many clips it holds and their size.

    \b
    Example:
        audioguide cache info
    """
    store = ClipCache(cache_dir)
    count, size = store.info()
    click.echo(f"{store.root}: {count} clips, {size / 1e6:.1f} MB")


@cache.command()
@_cache_dir
def clear(cache_dir):
    """Remove every cached clip; they are rendered again when needed.

    \b
    Example:
        audioguide cache clear
    """
    store = ClipCache(cache_dir)
    click.echo(f"removed {store.clear()} clips from {store.root}")


@cli.command(name="feed")
@_sessions_dir
@click.option("--base-url", default=DEFAULT_BASE_URL, show_default=True,
              help="The address the folder is served at (the feed's links start with it).")
@_feed_title
def feed_command(output_dir, base_url, title):
    """Write feed.xml (a podcast feed of every session in the folder) and index.html (a page to play them).

    \b
    Example:
        audioguide feed --output-dir output --base-url http://192.168.1.20:8000/
    """
    click.echo(str(feed.write(output_dir, base_url, title)))


@cli.command(name="serve")
@_sessions_dir
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; 0.0.0.0 makes it reachable from your local network.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port (0: any free one).")
@_feed_title
def serve_command(output_dir, host, port, title):
    """Serve the folder: the podcast feed, a page to play sessions, and the MP3s with byte ranges.

    Prints the feed's address and a QR code to scan with a phone. Stop it with Ctrl-C.

    \b
    Example:
        audioguide serve --output-dir output --host 0.0.0.0 --port 8000
    """
    from .publish import server  # aiohttp is only needed here: keep it out of every other command's start-up

    def ready(listening: server.Listening) -> None:
        click.echo(listening.reach)
        click.echo(f"Feed: {listening.feed_url}")
        click.echo(f"Page: {listening.url}")
        if sys.stdout.isatty():
            import segno
            segno.make(listening.feed_url, error="m").terminal(out=sys.stdout, compact=True)
        sys.stdout.flush()

    server.serve(output_dir, host, port, title, ready)


def _notes(notices) -> None:
    for notice in notices:
        click.echo(f"Note: {notice}", err=True)


def main() -> None:
    cli(prog_name="audioguide")
