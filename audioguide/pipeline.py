"""The stages composed: definitions -> compiler -> speech -> mixer -> encoder -> publish.

Each command of the CLI is one call here (or into a stage's public face); nothing here knows about click.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import audio, compiler, definitions, encoder, files, mixer, times
from .definitions import describe as describing
from .errors import MissingToolError, UnknownNameError, did_you_mean
from .mixer import sounds
from .model import Routine, Timeline
from .publish import cover, sidecars, tags
from .speech import ClipCache, EngineSpec, Speaker, require_espeak, resolve

DEFAULT_LENGTH_S = 10 * 60

# progress(stage, done, total)
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """Everything a build can be asked for; the defaults here are the command line's defaults."""

    length_s: float = DEFAULT_LENGTH_S
    output_dir: Path = Path("output")
    engine: EngineSpec = EngineSpec()
    cache_dir: Path | None = None
    sounds_dir: Path | None = None
    bitrate_kbps: int = encoder.BITRATE_KBPS
    definition_paths: tuple[Path, ...] = ()
    music: Path | None = None
    music_level_db: float = mixer.MUSIC_LEVEL_DB
    stereo: bool = False
    loudness_lufs: float = mixer.TARGET_LUFS


DEFAULTS = BuildOptions()


@dataclass(frozen=True, slots=True)
class BuildResult:
    path: Path
    plan_path: Path
    timeline: Timeline
    rendered_clips: int = 0
    notices: tuple[str, ...] = field(default_factory=tuple)


def build(name: str, options: BuildOptions = DEFAULTS, progress: Progress | None = None) -> BuildResult:
    """Build the session MP3 for the routine called name (or in the file name) and its sidecars beside it."""
    check_tools(options.engine)
    routine, notices = definitions.find_routine(name, options.definition_paths)
    output_dir = files.ensure_folder(options.output_dir, "output folder")
    speaker = Speaker(options.engine, ClipCache(options.cache_dir))
    timeline = _plan(routine, options.length_s, speaker, progress)
    clips = speaker.clips(timeline.texts())
    label = times.label(options.length_s)
    target = output_dir / f"{routine.id}-{label}.mp3"
    channels = 2 if options.stereo else 1
    music = audio.decode(options.music, channels) if options.music else None
    settings = mixer.MixSettings(loudness_lufs=options.loudness_lufs + encoder.LOUDNESS_LOSS_LU, channels=channels,
                                 music_level_db=options.music_level_db)
    prepared = mixer.prepare(timeline, clips, sounds.load(options.sounds_dir), settings, music)
    del clips  # the mix keeps its own limited copies: the raw clips need not stay in memory while encoding
    report = (lambda done, total: progress("mix+encode", done, total)) if progress else None
    info = tags.TrackInfo(title=f"{routine.title} ({label})", album=routine.title,
                          track=max(1, round(options.length_s / 60)), year=datetime.date.today().year,
                          cover_jpeg=cover.render(routine.id, routine.title, times.spoken(options.length_s)))
    with files.atomic_output(target) as tmp:
        encoder.encode(prepared.blocks(), tmp, timeline.n_samples,
                       encoder.EncodeSettings(options.bitrate_kbps, channels), report)
        tags.write(tmp, timeline, info)
    sidecars.write(target, timeline)
    return BuildResult(target, sidecars.beside(target, ".plan.json"), timeline, speaker.rendered, tuple(notices))


def plan(name: str, options: BuildOptions = DEFAULTS, progress: Progress | None = None) -> tuple[Timeline, list[str]]:
    """The timeline a build of the routine called name would have, with the definitions' notices."""
    check_tools(options.engine)
    routine, notices = definitions.find_routine(name, options.definition_paths)
    speaker = Speaker(options.engine, ClipCache(options.cache_dir))
    return _plan(routine, options.length_s, speaker, progress), notices


def describe(name: str, options: BuildOptions = DEFAULTS, progress: Progress | None = None) -> tuple[list[str], list[str]]:
    """The exercise or routine called name as readable lines, with the definitions' notices.

    A routine's shortest and longest lengths are measured with the chosen voice, as a build would measure
    them; without a usable voice they are estimated, and say so.
    """
    library = definitions.load_library(list(options.definition_paths))
    if name in library.routines:
        routine = library.routines[name]
        try:
            span, estimated = length_range(routine, options, progress), False
        except MissingToolError:
            span, estimated = compiler.estimated_range(routine), True
        return describing.routine(routine, library.source(name), span, estimated), library.notices
    if name in library.exercises:
        return describing.exercise(library.exercises[name], library.source(name)), library.notices
    known = [*library.routines, *library.exercises]
    raise UnknownNameError(f"no exercise or routine called {name!r}"
                           + (did_you_mean(name, known) or " (see 'audioguide list')"))


def length_range(routine: Routine, options: BuildOptions = DEFAULTS,
                 progress: Progress | None = None) -> tuple[float, float]:
    """The shortest and longest session the routine can fill with the chosen voice, in seconds."""
    check_tools(options.engine)
    speaker = Speaker(options.engine, ClipCache(options.cache_dir))
    return compiler.length_range(routine, _measure(speaker, progress), speaker.remembered())


def check_tools(engine: EngineSpec) -> None:
    """MissingToolError now, before any work, when ffmpeg or the voice's own program is not installed."""
    audio.ffmpeg_path()
    if resolve(engine.name) == "pyttsx3":
        require_espeak()


def _plan(routine: Routine, length_s: float, speaker: Speaker, progress: Progress | None) -> Timeline:
    return compiler.plan(routine, length_s, _measure(speaker, progress), speaker.remembered())


def _measure(speaker: Speaker, progress: Progress | None) -> compiler.Measure:
    report = (lambda done, total: progress("speech", done, total)) if progress else None
    return lambda texts: speaker.durations(texts, report)
