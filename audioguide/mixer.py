"""Timeline + speech clips + sounds (+ music) -> finished PCM blocks at podcast loudness.

Every clip is placed sample-exactly into one buffer per block; each block only sees the events that overlap
it, so time and memory stay flat however long the session is. Before any block is made, the gain that brings
the session to the target loudness is worked out from the clips themselves (see loudness.py), and every clip
is peak-limited to the ceiling that gain leaves: the limiter acts before the gain, so nothing clips.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import numpy as np

from . import loudness
from .model import SAMPLE_RATE, SOUND_KINDS, SPEECH, Timeline

BLOCK_S = 10.0
SPEECH_RMS = 10 ** (-20 / 20)   # every speech clip is brought to this level before the master gain
BEEP_PEAK_DB = 6.0              # beeps peak this far above the speech level: clear, not startling
GATE = 10 ** (-40 / 20)         # samples quieter than this do not count towards a clip's level
DUCK_ATTACK_S = 0.15
DUCK_RELEASE_S = 0.5
MUSIC_FADE_IN_S = 3.0
MUSIC_FADE_OUT_S = 5.0
MUSIC_CROSSFADE_S = 2.0
GAIN_PASSES = 6
MAX_LIMITING_DB = 12.0
GAIN_TOLERANCE_DB = 0.1       # far inside the +-1 LU the target allows


@dataclass(frozen=True, slots=True)
class MixSettings:
    block_s: float = BLOCK_S
    loudness_lufs: float = -16.0
    peak_dbfs: float = -2.0          # sample-peak ceiling after gain; leaves room for true peak and the encoder
    channels: int = 1
    music_level_db: float = -18.0    # music bed level relative to the speech
    duck_db: float = 15.0            # how far the music dips under speech and beeps


@dataclass(frozen=True, slots=True)
class Music:
    """A music bed ready to loop: frames x channels, float32 at SAMPLE_RATE, its tail crossfaded into its head."""

    loop: np.ndarray


@dataclass(frozen=True, slots=True)
class Mix:
    """A mix ready to render: levelled, limited sources and the master gain that reaches the target."""

    timeline: Timeline
    sources: tuple[tuple[int, np.ndarray], ...]
    gain: float
    loudness_before_gain: float
    settings: MixSettings
    music: Music | None = None

    @property
    def gain_db(self) -> float:
        return loudness.db(self.gain)

    def blocks(self) -> Iterator[np.ndarray]:
        """Yield float32 blocks (n, or n x channels) whose lengths add up to timeline.n_samples."""
        block = round(self.settings.block_s * SAMPLE_RATE)
        n_total = self.timeline.n_samples
        ducks = _duck_spans(self.timeline) if self.music is not None else None
        first = 0
        for b0 in range(0, n_total, block):
            b1 = min(b0 + block, n_total)
            voice = np.zeros(b1 - b0, dtype=np.float32)
            while first < len(self.sources) and self.sources[first][0] + len(self.sources[first][1]) <= b0:
                first += 1
            for start, audio in self.sources[first:]:
                if start >= b1:
                    break
                lo, hi = max(start, b0), min(start + len(audio), b1)
                if hi > lo:
                    voice[lo - b0:hi - b0] += audio[lo - start:hi - start]
            out = voice if self.settings.channels == 1 else np.repeat(voice[:, None], self.settings.channels, 1)
            if self.music is not None:
                bed = _music_block(self.music, ducks, b0, b1, n_total, self.settings.duck_db)
                out = out + (bed[:, 0] if self.settings.channels == 1 else bed)
            out *= np.float32(self.gain)
            np.clip(out, -1.0, 1.0, out=out)
            yield out


def prepare(timeline: Timeline, clips: Mapping[str, np.ndarray], sounds: Mapping[str, np.ndarray],
            settings: MixSettings = MixSettings(), music: np.ndarray | None = None) -> Mix:
    """Level every source, find the gain to the target loudness, and limit before that gain.

    Only one levelled clip exists at a time while the gain is sought (memory grows with the number of distinct
    clips, never with their copies); the limited clips that the blocks are made of are kept at the end.
    """
    beep = SPEECH_RMS * 10 ** (BEEP_PEAK_DB / 20)
    scales = {("speech", text): clip_scale(clip) for text, clip in clips.items()}
    scales.update({("sound", kind): beep / max(float(np.abs(s).max()), 1e-9) for kind, s in sounds.items()})

    def levelled(key: tuple[str, str]) -> np.ndarray:
        kind, name = key
        raw = clips[name].astype(np.float32) / 32768 if kind == "speech" else sounds[name].astype(np.float32)
        return raw * np.float32(scales[key])

    starts: dict[tuple[str, str], list[int]] = defaultdict(list)
    for e in sorted(timeline.events, key=lambda e: e.start):
        if e.kind == SPEECH or e.kind in SOUND_KINDS:
            starts[("speech", e.text) if e.kind == SPEECH else ("sound", e.kind)].append(e.start)
    bed = Music(_loopable(_level_music(music, settings))) if music is not None else None
    music_steps = _music_energy(bed, timeline, settings) if bed is not None else None
    ceiling = 10 ** (settings.peak_dbfs / 20)

    def shortfall(gain_db: float) -> tuple[float, float]:
        """How far the gain is from the one that would reach the target, with limiting at this gain."""
        gain = 10 ** (gain_db / 20)
        measured = _loudness(timeline, starts, lambda key: loudness.limit(levelled(key), ceiling / gain),
                             music_steps, settings.channels)
        return settings.loudness_lufs - measured - gain_db, measured

    # Limiting lowers the loudness a little, which calls for more gain, which limits more: find the fixed
    # point with the secant method (two or three measurements), starting from no gain and no limiting. The
    # search stays within MAX_LIMITING_DB above the unlimited gain: material that would need more than that
    # is not speech, and the ceiling still holds (below) at the cost of some loudness.
    g0, (f0, measured) = 0.0, shortfall(0.0)
    if not np.isfinite(f0):  # silence: nothing to measure, nothing to gain
        f0 = 0.0
    low, high = f0, f0 + MAX_LIMITING_DB
    g1 = f0
    for _ in range(GAIN_PASSES):
        f1, measured_here = shortfall(g1)
        if not np.isfinite(f1):
            break
        measured = measured_here
        if abs(f1) < GAIN_TOLERANCE_DB:
            break
        step = f1 * (g1 - g0) / (f1 - f0) if abs(f1 - f0) > 1e-9 else -f1
        g0, f0, g1 = g1, f1, float(np.clip(g1 - step, low, high))
    gain = 10 ** (g1 / 20)
    limited = {key: loudness.limit(levelled(key), ceiling / gain) for key in starts}
    peak = max((float(np.abs(a).max()) for a in limited.values() if a.size), default=0.0)
    if peak * gain > ceiling:  # not converged (very peaky material): keep the ceiling, lose a little loudness
        gain = ceiling / peak
    sources = tuple(sorted(((start, limited[key]) for key, at in starts.items() for start in at),
                           key=lambda s: s[0]))
    return Mix(timeline, sources, float(gain), float(measured), settings, bed)


def mix(timeline: Timeline, clips: Mapping[str, np.ndarray], sounds: Mapping[str, np.ndarray],
        settings: MixSettings = MixSettings(), music: np.ndarray | None = None) -> Iterator[np.ndarray]:
    """The finished session as blocks: prepare() then Mix.blocks()."""
    return prepare(timeline, clips, sounds, settings, music).blocks()


def clip_scale(clip: np.ndarray) -> float:
    """The factor that brings a speech clip (int16) to the common speech level (RMS over non-silent samples)."""
    x = clip.astype(np.float32) / 32768
    loud = x[np.abs(x) > GATE]
    rms = float(np.sqrt(np.mean(loud.astype(np.float64) ** 2))) if loud.size else 0.0
    return SPEECH_RMS / rms if rms > 0 else 1.0


def level_clip(clip: np.ndarray) -> np.ndarray:
    """A speech clip as float32 at the common speech level."""
    return clip.astype(np.float32) / 32768 * np.float32(clip_scale(clip))


def _loudness(timeline, starts, source, music_steps, channels) -> float:
    """Integrated loudness of the session as it would be mixed, from per-clip K-weighted energies."""
    steps = np.zeros(-(-timeline.n_samples // loudness.STEP))
    for key, at in starts.items():
        loudness.add_energy(steps, at, loudness.k_energy(source(key)), weight=channels)  # voice: every channel
    if music_steps is not None:
        steps += music_steps
    return loudness.integrated(steps)


# -- music bed ---------------------------------------------------------------------------------------

def _level_music(music: np.ndarray, settings: MixSettings) -> np.ndarray:
    x = music.astype(np.float32)
    if x.ndim == 1:
        x = x[:, None]
    x = x[:, :1] if settings.channels == 1 else np.repeat(x, 2, 1) if x.shape[1] == 1 else x[:, :2]
    rms = float(np.sqrt(np.mean(x.astype(np.float64) ** 2))) or 1.0
    return x * np.float32(SPEECH_RMS * 10 ** (settings.music_level_db / 20) / rms)


def _loopable(x: np.ndarray) -> np.ndarray:
    """The track with its tail crossfaded into its head, so that it loops without a seam."""
    fade = min(round(MUSIC_CROSSFADE_S * SAMPLE_RATE), len(x) // 4)
    if fade < 2:
        return x
    body = x[:len(x) - fade].copy()
    ramp = np.linspace(0.0, 1.0, fade, dtype=np.float32)[:, None]
    body[:fade] = x[:fade] * ramp + x[len(x) - fade:] * (1 - ramp)
    return body


def _music_block(music: Music, spans: np.ndarray, b0: int, b1: int, n_total: int, duck_db: float) -> np.ndarray:
    """The music bed for samples b0..b1: looped, faded in and out, ducked under the spans."""
    index = np.arange(b0, b1)
    gain = _music_gain(spans, index, n_total, duck_db).astype(np.float32)
    return music.loop[index % len(music.loop)] * gain[:, None]


def _music_gain(spans: np.ndarray, t: np.ndarray, n_total: int, duck_db: float) -> np.ndarray:
    """The music's gain at samples t: the fades at both ends of the session times the ducking."""
    fade = np.minimum(1.0, np.minimum(t / (MUSIC_FADE_IN_S * SAMPLE_RATE),
                                      (n_total - t) / (MUSIC_FADE_OUT_S * SAMPLE_RATE)))
    return fade * 10 ** (-duck_db * _duck_depth(spans, t) / 20)


def _duck_spans(timeline: Timeline) -> np.ndarray:
    """Merged [start, end) spans (samples) where speech or beeps sound: the music dips there."""
    spans = sorted((e.start, e.end) for e in timeline.events if e.kind == SPEECH or e.kind in SOUND_KINDS)
    merged: list[list[int]] = []
    gap = round((DUCK_ATTACK_S + DUCK_RELEASE_S) * SAMPLE_RATE)
    for start, end in spans:
        if merged and start - merged[-1][1] < gap:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return np.array(merged, dtype=np.int64).reshape(-1, 2)


def _duck_depth(spans: np.ndarray, t: np.ndarray) -> np.ndarray:
    """How far down the music is at samples t (0 = full level, 1 = fully ducked), with raised-cosine ramps.

    Spans are merged when closer than attack + release, so only the last span starting (less its attack)
    at or before t can reach it.
    """
    attack, release = round(DUCK_ATTACK_S * SAMPLE_RATE), round(DUCK_RELEASE_S * SAMPLE_RATE)
    if len(spans) == 0:
        return np.zeros(len(t))
    i = np.searchsorted(spans[:, 0] - attack, t, side="right") - 1
    span = spans[np.maximum(i, 0)]
    rise = np.clip((t - (span[:, 0] - attack)) / attack, 0, 1)
    fall = np.clip(((span[:, 1] + release) - t) / release, 0, 1)
    depth = np.where(i >= 0, np.minimum(rise, fall), 0.0)
    return 0.5 - 0.5 * np.cos(np.pi * depth)


def _music_energy(music: Music, timeline: Timeline, settings: MixSettings) -> np.ndarray:
    """K-weighted energy of the ducked, faded music bed per 100 ms step (for the loudness estimate)."""
    n_steps = -(-timeline.n_samples // loudness.STEP)
    period = len(music.loop)
    starts = np.arange(n_steps) * loudness.STEP
    ends = np.minimum(starts + loudness.STEP, timeline.n_samples)
    steps = np.zeros(n_steps)
    for channel in range(music.loop.shape[1]):
        # energy of [a, b) in the endless loop: whole periods plus the remainder (filtered over two
        # periods so the filter has settled into the loop)
        cumulative = loudness.k_energy(np.tile(music.loop[:, channel], 2))
        grains = np.arange(len(cumulative)) * loudness.GRAIN

        def upto(p: np.ndarray) -> np.ndarray:  # energy before p in the second period, where the filter has settled
            return np.interp(period + p, grains, cumulative) - np.interp(period, grains, cumulative)

        per_loop = upto(np.array([period]))[0]
        steps += ((ends // period) * per_loop + upto(ends % period)
                  - (starts // period) * per_loop - upto(starts % period))
    centres = np.minimum(starts + loudness.STEP // 2, timeline.n_samples - 1)
    return steps * _music_gain(_duck_spans(timeline), centres, timeline.n_samples, settings.duck_db) ** 2
