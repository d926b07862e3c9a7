"""Loudness (ITU-R BS.1770) and peak limiting, in numpy and scipy.

The session is a sum of clips that do not overlap, placed at known samples, over an optional music bed. Its
integrated loudness is therefore computed from the K-weighted energy of each distinct clip, added up per
100 ms step where the clips land: no pass over the whole session is needed to know its gain.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import ndimage, signal

from .model import SAMPLE_RATE

STEP = SAMPLE_RATE // 10        # 100 ms: the hop of BS.1770's 400 ms gating blocks
BLOCK_STEPS = 4                 # 400 ms
ABSOLUTE_GATE = -70.0
RELATIVE_GATE = -10.0
TAIL = SAMPLE_RATE // 20        # filter ring-out kept after each clip


def _k_weighting_sos(rate: int = SAMPLE_RATE) -> np.ndarray:
    """BS.1770 K-weighting (high shelf, then RLB high-pass) as second-order sections for any sample rate."""
    f0, gain_db, q = 1681.974450955533, 3.999843853973347, 0.7071752369554196
    k = math.tan(math.pi * f0 / rate)
    vh = 10 ** (gain_db / 20)
    vb = vh ** 0.4996667741545416
    a0 = 1 + k / q + k * k
    shelf = [(vh + vb * k / q + k * k) / a0, 2 * (k * k - vh) / a0, (vh - vb * k / q + k * k) / a0,
             1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0]
    f0, q = 38.13547087602444, 0.5003270373238773
    k = math.tan(math.pi * f0 / rate)
    a0 = 1 + k / q + k * k
    highpass = [1.0, -2.0, 1.0, 1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0]
    return np.array([shelf, highpass])


K_SOS = _k_weighting_sos()


def k_energy(x: np.ndarray) -> np.ndarray:
    """Cumulative K-weighted energy of a mono clip (with its filter tail): cs[i] = energy of samples < i."""
    y = signal.sosfilt(K_SOS, np.concatenate([x.astype(np.float64), np.zeros(TAIL)]))
    return np.concatenate([[0.0], np.cumsum(y * y)])


def add_energy(steps: np.ndarray, start: int, cumulative: np.ndarray, weight: float = 1.0) -> None:
    """Add a clip's K-weighted energy (from k_energy) into 100 ms steps, the clip starting at sample start."""
    n = len(cumulative) - 1
    first, last = start // STEP, min((start + n - 1) // STEP, len(steps) - 1)
    if first > last:
        return
    edges = np.clip(np.arange(first, last + 2) * STEP - start, 0, n)
    steps[first:last + 1] += weight * np.diff(cumulative[edges])


def integrated(steps: np.ndarray) -> float:
    """Gated integrated loudness in LUFS from per-100 ms K-weighted energies (summed over channels)."""
    if len(steps) < BLOCK_STEPS:
        steps = np.pad(steps, (0, BLOCK_STEPS - len(steps)))
    window = np.convolve(steps, np.ones(BLOCK_STEPS), mode="valid") / (BLOCK_STEPS * STEP)
    with np.errstate(divide="ignore"):
        block_lufs = -0.691 + 10 * np.log10(window)
    kept = window[block_lufs > ABSOLUTE_GATE]
    if kept.size == 0:
        return -math.inf
    relative = -0.691 + 10 * np.log10(kept.mean()) + RELATIVE_GATE
    kept = window[block_lufs > max(relative, ABSOLUTE_GATE)]
    return -0.691 + 10 * math.log10(kept.mean())


def limit(x: np.ndarray, ceiling: float, window_s: float = 0.003) -> np.ndarray:
    """Look-ahead peak limiter: no sample of the result exceeds ceiling, and the gain moves smoothly.

    The gain each sample needs is spread to the samples within window_s on either side (a running minimum),
    then smoothed by a running mean no wider than that, so the gain is already down when a peak arrives.
    """
    peak = np.abs(x)
    if peak.size == 0 or peak.max() <= ceiling:
        return x
    half = max(1, round(window_s * SAMPLE_RATE))
    need = np.minimum(1.0, ceiling / np.maximum(peak, 1e-12))
    gain = ndimage.minimum_filter1d(need, size=2 * half + 1, mode="nearest")
    gain = ndimage.uniform_filter1d(gain, size=2 * half + 1, mode="nearest")
    out = (x * gain).astype(x.dtype)
    return np.clip(out, -ceiling, ceiling)  # rounding in the running mean can leave a hair above


def true_peak(x: np.ndarray) -> float:
    """Peak of the signal 4x oversampled (BS.1770 annex 2), as a linear amplitude."""
    if x.size == 0:
        return 0.0
    return float(np.max(np.abs(signal.resample_poly(x.astype(np.float64), 4, 1))))


def db(value: float) -> float:
    return 20 * math.log10(value) if value > 0 else -math.inf
