"""The command line: the only module that imports click."""

from __future__ import annotations

import difflib
import json
import re
import sys
import traceback
from enum import IntEnum
from pathlib import Path

import click

from . import compiler, definitions, describe, encoder, feed, pipeline, starters, svg
from .errors import AudioguideError, DefinitionErrors, UnknownNameError
from . import speech
from .speech import ClipCache, EngineSpec, Speaker


DEFAULT_BASE_URL = "http://localhost:8000/"


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

    def close(self) -> None:
        if self.enabled and self.stage:
            click.echo("", err=True)


def _length(minutes: float | None, length: str | None) -> float:
    if minutes is not None and length is not None:
        raise click.UsageError("give either --minutes or --length, not both")
    if length is not None:
        return compiler.parse_length(length)
    return compiler.parse_length(str(minutes if minutes is not None else 10))


_definitions = click.option("--definitions", "-d", "definition_paths", multiple=True,
                            type=click.Path(exists=True, dir_okay=False, path_type=Path),
                            help="Extra definition file(s) to load (repeatable).")
_quiet = click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
_sessions_dir = click.option("--output-dir", "-o", type=click.Path(file_okay=False, exists=True, path_type=Path),
                             default=Path("output"), show_default=True, help="The folder of built sessions.")
_feed_title = click.option("--title", default=feed.DEFAULT_TITLE, show_default=True, help="The podcast's title.")
_cache_dir = click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
                          help="Speech clip cache [default: $XDG_CACHE_HOME/audioguide].")


def _engine_options(f):
    f = click.option("--engine", default="auto", show_default=True,
                     help="Speech engine: auto (piper when installed, else pyttsx3), pyttsx3 or piper.")(f)
    f = click.option("--voice", default=None, help="Voice id of the engine (see 'audioguide voices').")(f)
    f = click.option("--rate", type=click.IntRange(60, 400), default=None,
                     help="Speaking rate in words per minute (pyttsx3).")(f)
    return _cache_dir(f)


def _length_options(f):
    f = click.option("--minutes", "-m", type=float, default=None, help="Session length in minutes [default: 10].")(f)
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
@click.option("--output-dir", "-o", type=click.Path(file_okay=False, path_type=Path), default=Path("output"),
              show_default=True, help="Folder for the MP3 and its plan.")
@_engine_options
@click.option("--sounds", "sounds_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=None, help="Folder of KIND.wav files replacing the built-in beeps.")
@click.option("--bitrate", type=click.Choice(["64", "96", "128", "160", "192"]), default="96", show_default=True,
              help="MP3 bitrate in kbps (constant).")
@click.option("--music", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="A music bed (any format ffmpeg reads), looped, faded and ducked under the voice.")
@click.option("--music-level", type=click.FloatRange(-40, 0), default=-18.0, show_default=True,
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
    bar = Bar(quiet)
    try:
        result = pipeline.build(routine, options, bar)
    finally:
        bar.close()
    _notes(result.notices)
    click.echo(str(result.path))
    if show_chapters:
        for chapter in result.timeline.chapters:
            click.echo(f"  {_clock(chapter.start_s)}  {chapter.title}")
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
    found, notices = pipeline.find_routine(routine, tuple(definition_paths))
    _notes(notices)
    speaker = Speaker(EngineSpec(engine, voice, rate), ClipCache(cache_dir))
    bar = Bar(quiet)
    try:
        timeline = pipeline.plan(found, _length(minutes, length), speaker, bar)
    finally:
        bar.close()
    if svg_path:
        encoder.write_text(svg_path, svg.render(timeline))
    if as_json:
        click.echo(json.dumps(timeline.to_dict(), indent=1))
        return
    for event in timeline.events:
        if event.kind == "hold":
            what = f"hold {event.end_s - event.start_s:.1f} s"
        else:
            what = f'"{event.text}"' if event.text else event.kind
        click.echo(f"{_clock(event.start_s, exact=True)}  {timeline.chapters[event.chapter].title[:28]:<28}  {what}")
    click.echo(f"{_clock(timeline.duration_s, exact=True)}  end")


@cli.command(name="list")
@_definitions
def list_(definition_paths):
    """List the exercises and routines that can be used, with where each comes from.

    \b
    Example:
        audioguide list
    """
    library = _load(definition_paths)
    click.echo("Routines:")
    for rid, r in sorted(library.routines.items()):
        click.echo(f"  {rid:<28} {r.title}  [{library.sources[f'routines.{rid}']}]")
    click.echo("Exercises:")
    for eid, e in sorted(library.exercises.items()):
        click.echo(f"  {eid:<28} {e.title}  [{library.sources[f'exercises.{eid}']}]")


@cli.command()
@click.argument("name")
@_definitions
def show(name, definition_paths):
    """Show one exercise or routine, readably: its phases, ranges, cues and where it comes from.

    \b
    Example:
        audioguide show cat-cow
        audioguide show thoracic-mobility
    """
    library = _load(definition_paths)
    if name in library.routines:
        routine = library.routines[name]
        span = compiler.feasible_range_s(routine, {})
        lines = describe.routine(routine, library.sources[f"routines.{name}"], span)
    elif name in library.exercises:
        lines = describe.exercise(library.exercises[name], library.sources[f"exercises.{name}"])
    else:
        known = sorted([*library.routines, *library.exercises])
        close = difflib.get_close_matches(name, known, n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else " (see 'audioguide list')"
        raise UnknownNameError(f"no exercise or routine called {name!r}{hint}")
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
@click.argument("kind", type=click.Choice(["exercise", "routine"]))
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
    item_id = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    if not definitions.ID_PATTERN.match(item_id):
        raise click.BadParameter(f"expected a name with letters or digits, found {name!r}", param_hint="NAME")
    target = output_dir / f"{item_id}.toml"
    if target.exists():
        raise AudioguideError(f"{target} exists already; choose another name or remove it")
    encoder.write_text(target, starters.render(kind, item_id, str(target)))
    click.echo(str(target))


@cli.command()
@click.option("--engine", default=None, help="Only this engine: pyttsx3 or piper.")
def voices(engine):
    """List the speech engines and their voices; 'auto' picks piper when it is installed.

    \b
    Example:
        audioguide voices
        audioguide voices --engine pyttsx3
    """
    names = [engine] if engine else list(speech.ENGINES)
    click.echo(f"auto -> {speech.resolve('auto')}")
    for name in names:
        try:
            found = speech.make_engine(EngineSpec(name)).voices()
        except AudioguideError as e:
            if engine:
                raise
            click.echo(f"{name}: not available ({e})")
            continue
        click.echo(f"{name}:")
        for v in found:
            click.echo(f"  {v.id:<28} {v.name}{' [' + v.language + ']' if v.language else ''}")
        if name == "pyttsx3":
            click.echo(f"  variants, added as VOICE+VARIANT: {', '.join(sorted(speech.espeak_variants()))}")
            click.echo(f"  default: {speech.Pyttsx3Engine.DEFAULT_VOICE} at {speech.Pyttsx3Engine.DEFAULT_RATE} wpm")
        if name == "piper":
            click.echo("  (or the path of any Piper .onnx voice file)")
            click.echo(f"  default: joe at {speech.PiperEngine.WORDS_PER_MINUTE} wpm")


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
    speaker = Speaker(EngineSpec(engine, voice, rate), ClipCache(cache_dir))
    clip = speaker.clips([text])[text]
    with encoder.atomic_output(output) as tmp:
        speech.write_wav(tmp, clip)
    click.echo(f"{output} ({len(clip) / speech.SAMPLE_RATE:.2f} s, {speaker.spec.name})")


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
    from . import server  # aiohttp is only needed here: keep it out of every other command's start-up

    def ready(url: str) -> None:
        shown = url
        if host in ("0.0.0.0", "::"):
            lan = server.lan_addresses()
            shown = url.replace(host, lan[0]) if lan else url
            click.echo("Listening on every network interface: anyone on your local network can reach these files.")
        else:
            click.echo(f"Listening on {host} only: other devices cannot reach it (use --host 0.0.0.0 for a phone).")
        feed.write(output_dir, shown, title)
        click.echo(f"Feed: {shown}feed.xml")
        click.echo(f"Page: {shown}")
        if sys.stdout.isatty():
            import segno
            segno.make(f"{shown}feed.xml", error="m").terminal(out=sys.stdout, compact=True)
        sys.stdout.flush()

    server.serve(output_dir, host, port, title, ready)


def _load(paths) -> definitions.Library:
    """Load the definitions, telling the user on stderr when one of their files overrides an id."""
    library = definitions.load_library(list(paths))
    _notes(library.notices)
    return library


def _notes(notices) -> None:
    for notice in notices:
        click.echo(f"Note: {notice}", err=True)


def _clock(seconds: float, exact: bool = False) -> str:
    m, s = divmod(seconds, 60)
    return f"{int(m):02d}:{s:06.3f}" if exact else f"{int(m):02d}:{int(s):02d}"


def main() -> None:
    cli(prog_name="audioguide")
