"""What a build is asked for and what it gives: options, results, outcomes. Light to import: the command line
reads its defaults from here without loading numpy."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .. import defaults
from ..errors import AudioguideError
from ..model import EngineSpec, Timeline

DEFAULT_LENGTH_S = defaults.LENGTH_S

# progress(stage, done, total)
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """Everything a build can be asked for; the defaults here are the command line's defaults."""

    length_s: float = DEFAULT_LENGTH_S
    output_dir: Path = defaults.OUTPUT_DIR
    engine: EngineSpec = EngineSpec()
    cache_dir: Path | None = None
    sounds_dir: Path | None = None
    bitrate_kbps: int = defaults.BITRATE_KBPS
    definition_paths: tuple[Path, ...] = ()
    music: Path | None = None
    music_level_db: float = defaults.MUSIC_LEVEL_DB
    music_duck_db: float = defaults.MUSIC_DUCK_DB
    beep_level_db: float = defaults.BEEP_LEVEL_DB
    stereo: bool = False
    loudness_lufs: float = defaults.LOUDNESS_LUFS
    seed: int | None = None          # None: from the routine (and a program's day)
    name: str | None = None          # the file name template ({routine}, {length}, {date}, {day}, {program})
    artist: str | None = None        # None: "audioguide"
    album: str | None = None         # None: the routine's (or the program's) title
    split: bool = False              # also one MP3 per chapter and an .m3u8 playlist
    language: str | None = None      # the routine's (or program's) version in this language; None: English


DEFAULTS = BuildOptions()


@dataclass(frozen=True, slots=True)
class BuildResult:
    path: Path
    plan_path: Path
    timeline: Timeline
    rendered_clips: int = 0
    notices: tuple[str, ...] = field(default_factory=tuple)
    split_into: tuple[Path, ...] = ()   # with --split: the folder of parts and the playlist


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one session of a build of several: its result, or the error it met."""

    label: str                              # "10m", or "day 3"
    result: BuildResult | None = None
    error: AudioguideError | None = None
    up_to_date: bool = False                # built before with the same inputs: left as it was
    path: Path | None = None                # the MP3, built now or before
