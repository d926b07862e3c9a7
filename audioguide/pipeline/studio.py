"""What every build shares: its options, the checked tools and folders, the voice, and rendering one session
(mix, encode, tag, sidecars) from a planned timeline."""

from __future__ import annotations

from dataclasses import replace

from pathlib import Path

import numpy as np

from .. import audio, encoder, files, mixer
from ..errors import AudioguideError
from ..mixer import sounds
from ..model import SAMPLE_RATE, Timeline
from ..publish import session, sidecars, split, tags
from ..speech import ClipCache, Speaker
from .options import BuildOptions, BuildResult, Outcome, Progress
from .voicing import check_tools, measure_with, speaking


class Studio:
    """What every session of one build shares: the checked tools and folders, the voice, the sounds, the music."""

    def __init__(self, options: BuildOptions, progress: Progress | None, notices: tuple[str, ...] = (),
                 speaker: Speaker | None = None):
        check_tools(options.engine)
        self.options = options
        self.progress = progress
        self.notices = notices
        self.folder = files.ensure_folder(options.output_dir, "output folder")
        files.sweep(self.folder)
        self.speaker = speaker or speaking(options.engine, options.engine.language, ClipCache(options.cache_dir))
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
        engine = self.speaker.engine  # the voice it chose for the language, where it chooses one
        return {"engine": spec.name, "voice": getattr(engine, "voice", None) or spec.voice or engine.DEFAULT_VOICE,
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
