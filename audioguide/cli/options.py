"""The options several commands share, their types, and the lengths they ask for. Each bundle hands a command
its values ready for BuildOptions."""

from __future__ import annotations

import functools
from pathlib import Path

import click
from click.shell_completion import CompletionItem

from .. import defaults, times
from ..errors import LengthError

DEFAULT_BASE_URL = defaults.BASE_URL


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
    try:
        found = [times.parse_length(part) for part in text.split(",") if part.strip()]
    except LengthError as e:  # a usage mistake, exit 2 like any other bad option
        raise click.BadParameter(str(e).removeprefix("length: "), param_hint="--minutes/--length") from None
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
language_option = click.option("--language", "language", default=None, metavar="TAG",
                               help="The routine's (or program's) version in this language: es, fr, de, it, pt "
                                    "[default: English]; the voice follows it.")
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")


class Folder(click.Path):
    """A folder's path; an empty one is refused (it would quietly mean the current folder)."""

    def __init__(self, exists: bool = False):
        super().__init__(file_okay=False, exists=exists, path_type=Path)

    def convert(self, value, param, ctx):
        if isinstance(value, str) and not value.strip():
            self.fail("expected a folder, found an empty name", param, ctx)
        return super().convert(value, param, ctx)


class BaseUrl(click.ParamType):
    """Where a folder is served: an http(s) address with a host, as podcast apps will fetch it."""

    name = "URL"

    def convert(self, value, param, ctx):
        from urllib.parse import urlsplit
        text = str(value).strip()
        try:
            parts = urlsplit(text)
            parts.port  # noqa: B018 (a port out of range raises here)
        except ValueError:
            parts = None
        usable = parts is not None and parts.scheme in ("http", "https") and parts.hostname
        if not usable or any(c.isspace() for c in text):
            self.fail(f"expected an address such as http://192.168.1.20:8000/, found {value!r}", param, ctx)
        return text


def base_url_option(help: str):
    return click.option("--base-url", type=BaseUrl(), default=DEFAULT_BASE_URL, show_default=True, help=help)


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
                     shell_complete=lambda ctx, param, incomplete: [
                         CompletionItem(name) for name in defaults.ENGINES if name.startswith(incomplete)],
                     help="Speech engine: auto (the clearest installed: kokoro, else piper, else pyttsx3), kokoro, "
                          "piper, pyttsx3 (espeak-ng), or tone (a stand-in needing no TTS).")(f)
    f = click.option("--voice", default=None, help="Voice id of the engine (see 'audioguide voices').")(f)
    f = click.option("--rate", type=click.IntRange(60, 400), default=None,
                     help="Speaking rate in words per minute.")(f)
    return cache_dir_option(f)


def engine_spec(engine: str, voice: str | None, rate: int | None):
    """The EngineSpec the engine options ask for (the model is imported here, when a command runs)."""
    from ..model import EngineSpec
    return EngineSpec(engine, voice, rate)


def _gathered(f, options: list, into: str, names: dict[str, str]):
    """f with these options, receiving them as one dict `into` (BuildOptions field -> value)."""
    for option in reversed(options):
        f = option(f)

    def gather(*args, **kwargs):
        kwargs[into] = {field: kwargs.pop(param) for param, field in names.items() if param in kwargs}
        return f(*args, **kwargs)
    return functools.update_wrapper(gather, f)


def publish_options(naming: bool = True):
    """How the session is published: file name, artist and album tags, loudness, split at chapters. The command
    receives them as one `publish` dict, ready for BuildOptions. Without naming: tags and loudness only."""
    def decorate(f):
        options = [
            click.option("--artist", default=None, help="The artist tag [default: audioguide]."),
            click.option("--album", default=None, help="The album tag [default: the routine's or program's title]."),
            click.option("--loudness", "loudness_lufs", type=click.FloatRange(-24, -14),
                         default=defaults.LOUDNESS_LUFS, show_default=True,
                         help="Integrated loudness in LUFS (podcasts: -16; quieter: -23)."),
        ]
        if naming:
            options.insert(0, click.option(
                "--name", "name_template", default=None, metavar="TEMPLATE",
                help="File name of the session, from {routine}, {length}, {date} (and for programs {program}, "
                     "{day}) [default: {routine}-{length}; a program's: PROGRAM-dayNN]."))
            options.append(click.option("--split", is_flag=True,
                                        help="Also one MP3 per chapter in a folder, with an .m3u8 playlist."))
        return _gathered(f, options, "publish", {"name_template": "name", "artist": "artist", "album": "album",
                                                 "loudness_lufs": "loudness_lufs", "split": "split"})
    return decorate


def mix_options(music: bool = True):
    """How the session sounds: beeps, music bed and its levels, bitrate, channels. The command receives them as
    one `mix` dict, ready for BuildOptions. Without music: everything but the --music file (the page picks it)."""
    def decorate(f):
        options = [
            click.option("--sounds", "sounds_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
                         default=None, help="Folder of KIND.wav files replacing the built-in beeps."),
            click.option("--bitrate", type=click.Choice([str(b) for b in defaults.BITRATES_KBPS]),
                         default=str(defaults.BITRATE_KBPS), show_default=True,
                         callback=lambda ctx, param, value: int(value), help="MP3 bitrate in kbps (constant)."),
            click.option("--music-level", type=click.FloatRange(-40, 0), default=defaults.MUSIC_LEVEL_DB,
                         show_default=True, help="Music level in dB relative to the voice."),
            click.option("--music-duck", type=click.FloatRange(0, 40), default=defaults.MUSIC_DUCK_DB,
                         show_default=True, help="How far the music dips under the voice and the beeps, in dB."),
            click.option("--beep-level", type=click.FloatRange(-30, 6), default=defaults.BEEP_LEVEL_DB,
                         show_default=True,
                         help="Beeps and chimes in dB relative to the voice (as loud as heard, K-weighted)."),
            click.option("--stereo", is_flag=True, help="Stereo output (worth it with --music); mono by default."),
        ]
        if music:
            options.insert(2, click.option(
                "--music", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
                help="A music bed (any format ffmpeg reads), looped, faded and ducked under the voice."))
        return _gathered(f, options, "mix", {
            "sounds_dir": "sounds_dir", "bitrate": "bitrate_kbps", "music": "music", "music_level": "music_level_db",
            "music_duck": "music_duck_db", "beep_level": "beep_level_db", "stereo": "stereo"})
    return decorate


def length_options(f):
    f = click.option("--minutes", "-m", default=None,
                     help=f"Session length in minutes [default: {times.minutes(defaults.LENGTH_S)}].")(f)
    f = click.option("--length", "-l", default=None, help="Session length as a duration, e.g. 12m30s.")(f)
    f = click.option("--seed", type=click.IntRange(0), default=None,
                     help="Which phrasings and tips are said where [default: from the routine].")(f)
    return definitions_option(f)
