"""The music bed: levelled under the voice, looped with a crossfade, faded in and out, ducked under speech
and beeps with raised-cosine ramps; and its K-weighted energy, for the loudness estimate."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..model import SAMPLE_RATE, SOUND_KINDS, SPEECH, Timeline
from . import loudness

DUCK_ATTACK_S = 0.15
DUCK_RELEASE_S = 0.5
FADE_IN_S = 3.0
FADE_OUT_S = 5.0
CROSSFADE_S = 2.0
MAX_BED_S = 15 * 60   # a bed is looped: its first 15 minutes are all that is read (stereo float32: 320 MB at most)


@dataclass(frozen=True, slots=True)
class Music:
    """A music bed ready to loop: frames x channels, float32 at SAMPLE_RATE, its tail crossfaded into its head."""

    loop: np.ndarray


def prepare(music: np.ndarray, channels: int, rms: float) -> Music:
    """The user's track at an RMS level, in the session's channels, ready to loop."""
    return Music(_loopable(_level(music, channels, rms)))


def _level(music: np.ndarray, channels: int, target_rms: float) -> np.ndarray:
    x = music.astype(np.float32)
    if x.ndim == 1:
        x = x[:, None]
    x = x[:, :1] if channels == 1 else np.repeat(x, 2, 1) if x.shape[1] == 1 else x[:, :2]
    rms = float(np.sqrt(np.mean(x.astype(np.float64) ** 2))) or 1.0
    return x * np.float32(target_rms / rms)


def _loopable(x: np.ndarray) -> np.ndarray:
    """The track with its tail crossfaded into its head, so that it loops without a seam."""
    fade = min(round(CROSSFADE_S * SAMPLE_RATE), len(x) // 4)
    if fade < 2:
        return x
    body = x[:len(x) - fade].copy()
    ramp = np.linspace(0.0, 1.0, fade, dtype=np.float32)[:, None]
    body[:fade] = x[:fade] * ramp + x[len(x) - fade:] * (1 - ramp)
    return body


def block(music: Music, spans: np.ndarray, b0: int, b1: int, n_total: int, duck_db: float) -> np.ndarray:
    """The music bed for samples b0..b1: looped, faded in and out, ducked under the spans."""
    index = np.arange(b0, b1)
    level = gain(spans, index, n_total, duck_db).astype(np.float32)
    return music.loop[index % len(music.loop)] * level[:, None]


def gain(spans: np.ndarray, t: np.ndarray, n_total: int, duck_db: float) -> np.ndarray:
    """The music's gain at samples t: the fades at both ends of the session times the ducking."""
    fade = np.minimum(1.0, np.minimum(t / (FADE_IN_S * SAMPLE_RATE),
                                      (n_total - t) / (FADE_OUT_S * SAMPLE_RATE)))
    return fade * 10 ** (-duck_db * _duck_depth(spans, t) / 20)


def duck_spans(timeline: Timeline) -> np.ndarray:
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


def lufs(music: Music) -> float:
    """The bed's own integrated loudness, undipped (its channels summed, as BS.1770 sums them)."""
    period = len(music.loop)
    steps = np.zeros(-(-period // loudness.STEP) + 1)
    for channel in range(music.loop.shape[1]):
        loudness.add_energy(steps, [0], loudness.k_energy(music.loop[:, channel]))
    return loudness.integrated(steps)


def energy(music: Music, timeline: Timeline, duck_db: float) -> np.ndarray:
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

        def upto(p: np.ndarray, grains: np.ndarray = grains, cumulative: np.ndarray = cumulative) -> np.ndarray:
            # energy before p in the second period, where the filter has settled
            return np.interp(period + p, grains, cumulative) - np.interp(period, grains, cumulative)

        per_loop = upto(np.array([period]))[0]
        steps += ((ends // period) * per_loop + upto(ends % period)
                  - (starts // period) * per_loop - upto(starts % period))
    centres = np.minimum(starts + loudness.STEP // 2, timeline.n_samples - 1)
    return steps * gain(duck_spans(timeline), centres, timeline.n_samples, duck_db) ** 2
