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
GRAIN = SAMPLE_RATE // 100      # 10 ms: the resolution of a clip's energy curve


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
    """Cumulative K-weighted energy of a mono clip (with its filter tail) at every GRAIN samples:
    cs[j] = energy of the samples before j * GRAIN. Finer than the 100 ms steps by far, and 441 times smaller
    than a per-sample sum."""
    n = len(x) + TAIL
    y = signal.sosfilt(K_SOS, np.concatenate([x.astype(np.float64), np.zeros(TAIL + (-n) % GRAIN)]))
    return np.concatenate([[0.0], np.cumsum((y * y).reshape(-1, GRAIN).sum(axis=1))])


def add_energy(steps: np.ndarray, starts: np.ndarray, cumulative: np.ndarray, weight: float = 1.0) -> None:
    """Add a clip's K-weighted energy (from k_energy) into 100 ms steps, once for each sample in starts."""
    starts = np.asarray(starts, dtype=np.int64)
    n = (len(cumulative) - 1) * GRAIN
    first = starts // STEP
    last = np.minimum((starts + n - 1) // STEP, len(steps) - 1)
    keep = first <= last
    starts, first, last = starts[keep], first[keep], last[keep]
    if starts.size == 0:
        return
    counts = last - first + 2                      # step edges per placement
    offsets = np.repeat(np.cumsum(counts) - counts, counts)
    edge_steps = np.repeat(first, counts) + (np.arange(counts.sum()) - offsets)
    edges = np.clip(edge_steps * STEP - np.repeat(starts, counts), 0, n) / GRAIN
    energy = np.interp(edges, np.arange(len(cumulative)), cumulative)
    inside = np.ones(len(edges), dtype=bool)
    inside[np.cumsum(counts) - 1] = False           # the last edge of a placement starts no step
    np.add.at(steps, edge_steps[inside], weight * (energy[1:] - energy[:-1])[inside[:-1]])


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


def db(value: float) -> float:
    return 20 * math.log10(value) if value > 0 else -math.inf
