"""What every build shares: its options, the checked tools and folders, the voice, and rendering one session
(mix, encode, tag, sidecars) from a planned timeline."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from pathlib import Path

import numpy as np

from .. import audio, compiler, encoder, files, language, mixer
from ..errors import AudioguideError, UsageError
from ..mixer import sounds
from ..model import SAMPLE_RATE, EngineSpec, Timeline
from ..publish import session, sidecars, split, tags
from ..speech import ClipCache, Speaker, require_espeak, resolve
from .options import BuildOptions, BuildResult, Outcome, Progress


def check_tools(engine: EngineSpec) -> None:
    """MissingToolError now, before any work, when ffmpeg or the voice's own program is not installed."""
    audio.ffmpeg_path()
    if resolve(engine.name) == "pyttsx3":
        require_espeak()


def in_language(options: BuildOptions, tag: str) -> BuildOptions:
    """The options with the voice speaking the language the texts are written in."""
    return replace(options, engine=replace(options.engine, language=tag))


def speaking(spec, tag: str, cache: ClipCache) -> Speaker:
    """The speaker of a session in the language tag: UsageError when the voice named cannot speak it."""
    speaker = Speaker(replace(spec, language=tag), cache)
    said = speaker.engine.language
    if said and language.key(said) != language.key(tag):
        speaker.close()
        raise UsageError(f"--voice: {speaker.spec.voice or speaker.spec.name} speaks {language.english_name(said)}; "
                         f"the session is in {language.english_name(tag)}: choose one of its voices "
                         f"(audioguide voices --language {language.key(tag)})")
    return speaker


def measure_with(speaker: Speaker, progress: Progress | None) -> compiler.Measure:
    report = (lambda done, total: progress("speech", done, total)) if progress else None
    return lambda texts: speaker.durations(texts, report)


class Known(Mapping):
    """The clip lengths a speaker's cache already holds, looked up as asked (nothing is rendered)."""

    def __init__(self, speaker: Speaker):
        self.speaker = speaker
        self.seen: dict[str, int | None] = {}  # a layout asks 'in' then '[]': each clip's header is read once

    def __getitem__(self, text: str) -> int:
        if text not in self.seen:
            self.seen[text] = self.speaker.cached_length(text)
        found = self.seen[text]
        if found is None:
            raise KeyError(text)
        return found

    def __iter__(self):
        return iter(())

    def __len__(self) -> int:
        return 0


class Studio:
    """What every session of one build shares: the checked tools and folders, the voice, the sounds, the music."""

    def __init__(self, options: BuildOptions, progress: Progress | None, notices: tuple[str, ...] = (),
                 output: bool = True):
        check_tools(options.engine)
        self.options = options
        self.progress = progress
        self.notices = notices
        self.folder = files.ensure_folder(options.output_dir, "output folder") if output else Path(options.output_dir)
        if output:
            files.sweep(self.folder)
        self.speaker = speaking(options.engine, options.engine.language, ClipCache(options.cache_dir))
        self.measure = measure_with(self.speaker, progress)
        self.channels = 2 if options.stereo else 1
        self._music: np.ndarray | None = None
        self._sounds: dict[str, np.ndarray] | None = None

    def clips(self, timelines) -> dict[str, np.ndarray]:
        """The clips of every text the timelines say, rendered once."""
        texts = dict.fromkeys(t for timeline in timelines for t in timeline.texts())
        return self.speaker.clips(texts)

    def render(self, label: str, target: Path, timeline: Timeline, clips: dict[str, np.ndarray],
               info: tags.TrackInfo, extra: dict | None = None) -> Outcome:
        """Mix, encode and tag one session into target, its sidecars beside it; the Outcome says how it went."""
        try:
            return Outcome(label, self._render(target, timeline, clips, info, extra), path=target)
        except AudioguideError as error:
            return Outcome(label, error=error)

    def made_with(self) -> dict:
        """What a listener can tell apart: the voice that spoke (after any fallback) and the music bed."""
        spec = self.speaker.spec
        return {"engine": spec.name, "voice": spec.voice or self.speaker.engine.DEFAULT_VOICE,
                "music": Path(self.options.music).name if self.options.music else None}

    def _render(self, target: Path, timeline: Timeline, clips: dict[str, np.ndarray], info: tags.TrackInfo,
                extra: dict | None) -> BuildResult:
        options = self.options
        if self._sounds is None:
            self._sounds = sounds.load(options.sounds_dir)
            self._music = (audio.decode(options.music, self.channels, max_s=mixer.MAX_BED_S)
                           if options.music else None)
        settings = mixer.MixSettings(loudness_lufs=options.loudness_lufs + encoder.LOUDNESS_LOSS_LU,
                                     channels=self.channels, music_level_db=options.music_level_db,
                                     duck_db=options.music_duck_db, beep_level_db=options.beep_level_db)
        prepared = mixer.prepare(timeline, {t: clips[t] for t in timeline.texts()}, self._sounds, settings,
                                 self._music)
        rate = SAMPLE_RATE
        progress = self.progress
        report = (lambda done, total: progress("mix+encode", done // rate, total // rate)) if progress else None
        with files.staging(target.parent) as stage:  # made whole out of sight, then moved into place at once
            staged = stage / target.name
            try:
                encoding = encoder.EncodeSettings(options.bitrate_kbps, self.channels)
                for _ in range(encoder.PEAK_PASSES):
                    encoder.encode_stretches(prepared.blocks, staged, timeline.n_samples, encoding, report)
                    over_db = encoder.true_peak_db(staged, self.channels) - encoder.TRUE_PEAK_MAX_DBTP
                    if over_db <= 0:
                        break
                    # the encoder lifted a peak past the limit: again, quieter by that and a margin
                    prepared = replace(prepared, gain=prepared.gain * 10 ** (-(over_db + 0.2) / 20))
                tags.write(staged, timeline, info)
                sidecars.write(staged, timeline, {**(extra or {}), "made_with": self.made_with()},
                               info.cover_jpeg or b"")
                parts = split.write(staged, timeline, info, options.album or info.title) if options.split else []
            except AudioguideError as e:  # name the files where the user will look for them
                raise type(e)(str(e).replace(f"{stage}/", f"{target.parent}/")) from e
            with files.lock(target.parent):
                files.commit(stage, target.parent, session.commit_names(target, parts))
        return BuildResult(target, session.beside(target, session.PLAN), timeline, self.speaker.rendered,
                           (*self.notices, *self.speaker.notices), tuple(target.parent / name for name in parts))
