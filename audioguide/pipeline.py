"""build(): definitions -> compiler -> speech -> mixer -> encoder -> tags, composed."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import compiler, cover, definitions, encoder, mixer, sidecars, sounds, svg, tags
from .errors import AudioguideError, UnknownNameError
from .model import Routine, Timeline
from .speech import ClipCache, EngineSpec, Speaker, require_espeak, resolve

MAX_PLAN_PASSES = 6
TARGET_LUFS = -16.0
# libmp3lame drops some of the high-frequency energy that K-weighting counts: measured on the built-in
# routine, the encoded file reads 0.3 to 0.5 LU quieter than the mix (96 to 192 kbps). The mix aims that much
# higher so the MP3 lands on the target.
MP3_LOUDNESS_LOSS_LU = 0.4

# progress(stage, done, total)
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class BuildOptions:
    length_s: float
    output_dir: Path = Path("output")
    engine: EngineSpec = EngineSpec()
    cache_dir: Path | None = None
    sounds_dir: Path | None = None
    bitrate_kbps: int = 96
    definition_paths: tuple[Path, ...] = ()
    music: Path | None = None
    music_level_db: float = -18.0
    stereo: bool = False


@dataclass(frozen=True, slots=True)
class BuildResult:
    path: Path
    plan_path: Path
    timeline: Timeline
    rendered_clips: int = 0
    notices: tuple[str, ...] = field(default_factory=tuple)


def find_routine(name: str, paths: tuple[Path, ...] = ()) -> tuple[Routine, list[str]]:
    """The routine called name, or the only routine in the file name points to; with load notices."""
    candidate = Path(name)
    if name.endswith(".toml") or candidate.is_file():
        library = definitions.load_library([*paths, candidate])
        own = [r for r in library.routines.values() if r.source == str(candidate)]
        if len(own) != 1:
            found = ", ".join(r.id for r in own) or "none"
            raise UnknownNameError(f"{candidate}: expected exactly one routine in the file, found {found}; "
                                   "name the routine instead and pass the file with --definitions")
        return own[0], library.notices
    library = definitions.load_library(list(paths))
    return library.routine(name), library.notices


def length_label(length_s: float) -> str:
    """A stable ASCII label for a length: 10m, 12m30s, 1h05m."""
    total = round(length_s)
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    label = f"{h}h{m:02d}m" if h else f"{m}m"
    return label + (f"{s:02d}s" if s else "")


def plan(routine: Routine, length_s: float, speaker: Speaker, progress: Progress | None = None) -> Timeline:
    """Compile, rendering every cue the plan needs first, so the timeline is built from measured speech.

    The first pass starts from the lengths the cache remembers (usually one pass is then enough); every
    length the final timeline uses is checked against the clip itself before it is returned.
    """
    durations = speaker.remembered()
    report = (lambda done, total: progress("speech", done, total)) if progress else None
    for _ in range(MAX_PLAN_PASSES):
        timeline = compiler.compile(routine, length_s, durations)
        measured = speaker.durations(sorted(set(timeline.texts()) | timeline.unmeasured), report)
        if not timeline.unmeasured and all(durations[t] == measured[t] for t in timeline.texts()):
            return timeline
        durations.update(measured)
    raise AudioguideError(f"the plan for {routine.id} did not settle after {MAX_PLAN_PASSES} passes")


def build(name: str, options: BuildOptions, progress: Progress | None = None) -> BuildResult:
    """Build the session MP3 for the routine called name (or in the file name) and its plan beside it."""
    encoder.ffmpeg_path()
    if resolve(options.engine.name) == "pyttsx3":
        require_espeak()
    routine, notices = find_routine(name, options.definition_paths)
    speaker = Speaker(options.engine, ClipCache(options.cache_dir))
    timeline = plan(routine, options.length_s, speaker, progress)
    clips = speaker.clips(timeline.texts())
    label = length_label(options.length_s)
    target = Path(options.output_dir) / f"{routine.id}-{label}.mp3"
    channels = 2 if options.stereo else 1
    music = sounds.read_any(options.music, channels) if options.music else None
    settings = mixer.MixSettings(loudness_lufs=TARGET_LUFS + MP3_LOUDNESS_LOSS_LU, channels=channels,
                                 music_level_db=options.music_level_db)
    prepared = mixer.prepare(timeline, clips, sounds.load(options.sounds_dir), settings, music)
    del clips  # the mix keeps its own limited copies: the raw clips need not stay in memory while encoding
    report = (lambda done, total: progress("mix+encode", done, total)) if progress else None
    info = tags.TrackInfo(title=f"{routine.title} ({label})", album=routine.title,
                          track=max(1, round(options.length_s / 60)), year=datetime.date.today().year,
                          cover_jpeg=cover.render(routine.id, routine.title, spoken_length(options.length_s)))
    with encoder.atomic_output(target) as tmp:
        encoder.encode(prepared.blocks(), tmp, timeline.n_samples,
                       encoder.EncodeSettings(options.bitrate_kbps, channels), report)
        tags.write(tmp, timeline, info)
    write_sidecars(target, timeline)
    return BuildResult(target, sidecars.beside(target, ".plan.json"), timeline, speaker.rendered, tuple(notices))


def write_sidecars(mp3: Path, timeline: Timeline) -> None:
    """Transcripts (.vtt, .srt), chapters (.chapters.json), the plan (.plan.json) and its picture (.svg)."""
    for suffix, text in ((".vtt", sidecars.vtt(timeline)), (".srt", sidecars.srt(timeline)),
                         (".chapters.json", sidecars.chapters_json(timeline)),
                         (".plan.json", json.dumps(timeline.to_dict(), indent=1) + "\n"),
                         (".svg", svg.render(timeline))):
        encoder.write_text(sidecars.beside(mp3, suffix), text)


def spoken_length(length_s: float) -> str:
    """A length for people: '10 minutes', '12 min 30 s', '1 h 5 min'."""
    total = round(length_s)
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    if not h and not s:
        return f"{m} minute{'s' if m != 1 else ''}"
    parts = [f"{h} h" if h else "", f"{m} min" if m else "", f"{s} s" if s else ""]
    return " ".join(p for p in parts if p)
