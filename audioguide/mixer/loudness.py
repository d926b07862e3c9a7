"""Loudness (ITU-R BS.1770) and true-peak limiting, in numpy alone (no scipy.signal: 1.2 s to import).

The session is a sum of clips that do not overlap, placed at known samples, over an optional music bed. Its
integrated loudness is therefore computed from the K-weighted energy of each distinct clip, added up per
100 ms step where the clips land: no pass over the whole session is needed to know its gain.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from ..model import SAMPLE_RATE

STEP = SAMPLE_RATE // 10        # 100 ms: the hop of BS.1770's 400 ms gating blocks
BLOCK_STEPS = 4                 # 400 ms
ABSOLUTE_GATE = -70.0
RELATIVE_GATE = -10.0
TAIL = SAMPLE_RATE // 20        # filter ring-out kept after each clip
GRAIN = SAMPLE_RATE // 100      # 10 ms: the resolution of a clip's energy curve
LIMIT_BLOCK = 32                # the limiter's gain changes at most every 32 samples (0.7 ms)


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
# The K-weighting's impulse response that counts: its slowest part, the 38 Hz high-pass (two poles, 4.2 ms), has
# fallen under 1e-9 of its start by 0.1 s. Filtering is convolution with it, done by FFT in blocks.
K_REACH = SAMPLE_RATE // 10
FFT_BLOCK = 1 << 17             # samples of each FFT when a signal is longer than one (a music bed)


@functools.lru_cache(maxsize=32)
def _k_response(size: int) -> np.ndarray:
    """The K-weighting's frequency response at the bins of a real FFT of size samples (complex64: the FFT of
    float32 samples is done in float32)."""
    delay = np.exp(-2j * np.pi * np.arange(size // 2 + 1) / size)   # z^-1 on the unit circle
    response = np.ones(size // 2 + 1, dtype=np.complex128)
    for b0, b1, b2, _, a1, a2 in K_SOS:
        response *= (b0 + delay * (b1 + delay * b2)) / (1 + delay * (a1 + delay * a2))
    return response.astype(np.complex64)


def _fft_size(n: int) -> int:
    """The smallest of 2^k and 3 * 2^k at least n: sizes the FFT is fast at, and few of them, so responses repeat."""
    power = 1 << max(0, (n - 1).bit_length())
    return power * 3 // 4 if power * 3 // 4 >= n else power


def k_weighted(x: np.ndarray) -> np.ndarray:
    """Mono x through the K-weighting filter from rest (what sosfilt(K_SOS, x) gives, to float32 rounding), as
    float32: by FFT convolution with its response, one block for a clip, overlapping blocks (overlap-save) for
    a longer signal, so memory stays a few blocks whatever its length."""
    n = len(x)
    size = _fft_size(n + K_REACH) if n + K_REACH <= FFT_BLOCK else FFT_BLOCK
    hop, response = size - K_REACH, _k_response(size)
    out = np.empty(n, dtype=np.float32)
    block = np.zeros(size, dtype=np.float32)
    for start in range(0, n, hop):
        block[:] = 0.0
        lo = start - K_REACH                     # each block starts K_REACH before the samples it answers for
        piece = x[max(lo, 0):start + hop]
        block[max(lo, 0) - lo:max(lo, 0) - lo + len(piece)] = piece
        filtered = np.fft.irfft(np.fft.rfft(block) * response, size)
        out[start:start + hop] = filtered[K_REACH:K_REACH + min(hop, n - start)]
    return out


def k_energy(x: np.ndarray) -> np.ndarray:
    """Cumulative K-weighted energy of a mono clip (with its filter tail) at every GRAIN samples:
    cs[j] = energy of the samples before j * GRAIN. Finer than the 100 ms steps by far, and 441 times smaller
    than a per-sample sum."""
    n = len(x) + TAIL
    padded = np.concatenate([x, np.zeros(TAIL + (-n) % GRAIN, dtype=x.dtype)])
    y = k_weighted(padded)
    grains = (y * y).reshape(-1, GRAIN).sum(axis=1, dtype=np.float64)
    return np.concatenate([[0.0], np.cumsum(grains)])


def back_to_back(clips: list[np.ndarray]) -> float:
    """Integrated loudness (LUFS) of mono clips played one after another: how loud they are while they sound."""
    clips = [c for c in clips if c.size]
    return back_to_back_energies([k_energy(c) for c in clips], [len(c) for c in clips])


def back_to_back_energies(energies: list[np.ndarray], lengths: list[int], at_least_s: float = 2.0) -> float:
    """back_to_back() from the clips' k_energy curves and lengths in samples, repeated until they last
    at_least_s: a short beep is measured as a run of beeps, not as one beep in a 400 ms block of silence."""
    total = sum(lengths)
    if total == 0:
        return -math.inf
    repeats = max(1, math.ceil(at_least_s * SAMPLE_RATE / total))
    steps = np.zeros(-(-total * repeats // STEP) + 1)
    offset = 0
    for _ in range(repeats):
        for energy, length in zip(energies, lengths):
            add_energy(steps, [offset], energy)
            offset += length
    return integrated(steps)


def add_energy(steps: np.ndarray, starts: np.ndarray | list[int], cumulative: np.ndarray, weight: float = 1.0) -> None:
    """Add a clip's K-weighted energy (from k_energy) into 100 ms steps, once for each sample in starts."""
    at = np.asarray(starts, dtype=np.int64)
    n = (len(cumulative) - 1) * GRAIN
    first = at // STEP
    last = np.minimum((at + n - 1) // STEP, len(steps) - 1)
    keep = first <= last
    at, first, last = at[keep], first[keep], last[keep]
    if at.size == 0:
        return
    counts = last - first + 2                      # step edges per placement
    offsets = np.repeat(np.cumsum(counts) - counts, counts)
    edge_steps = np.repeat(first, counts) + (np.arange(counts.sum()) - offsets)
    edges = np.clip(edge_steps * STEP - np.repeat(at, counts), 0, n) / GRAIN
    energy = np.interp(edges, np.arange(len(cumulative)), cumulative)
    inside = np.ones(len(edges), dtype=bool)
    inside[np.cumsum(counts) - 1] = False           # the last edge of a placement at no step
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


# True peaks (BS.1770-4 annex 2): the waveform between samples, read at three points between each pair by a
# 16-tap windowed-sinc interpolator (within 0.1 dB of 4x oversampling on speech and beeps). Only samples near
# the ceiling are looked at: between two samples under half of it, nothing reaches it.
TRUE_PEAK_PHASES = (0.25, 0.5, 0.75)
_TAPS = np.arange(-7, 9)
_WINDOWED = np.stack([np.sinc(_TAPS - p) * (0.5 + 0.5 * np.cos(np.pi * (_TAPS - p) / 8.5))
                      for p in TRUE_PEAK_PHASES], axis=1)
_INTERPOLATORS = (_WINDOWED / _WINDOWED.sum(axis=0)).astype(np.float32)   # 16 taps x 3 phases, unity at DC


def true_peaks(x: np.ndarray, near: float = 0.0) -> np.ndarray:
    """Per sample of x (mono, or frames x channels: the loudest channel), the highest magnitude of the waveform
    from that sample to the next, samples and the points between them. Pairs of samples both under near are
    given their sample magnitudes only (near=0 looks everywhere)."""
    peak = np.abs(x) if x.ndim == 1 else np.abs(x).max(axis=1)
    if peak.size < 2:
        return peak
    pair = np.maximum(peak[:-1], peak[1:])
    at = np.flatnonzero(pair >= near)
    if at.size == 0:
        return peak
    channels = x[:, None] if x.ndim == 1 else x
    padded = np.pad(channels, ((7, 8), (0, 0)))
    out = peak.copy()
    if at.size > peak.size // 4:   # most points: filter the whole (16 taps a phase) rather than gather windows
        between = np.zeros(len(peak) - 1, dtype=np.float32)
        for c in range(padded.shape[1]):
            for p in range(len(TRUE_PEAK_PHASES)):
                filtered = np.convolve(padded[:, c], _INTERPOLATORS[::-1, p], "valid")[:len(between)]
                np.maximum(between, np.abs(filtered), out=between)
        out[:-1] = np.maximum(out[:-1], between)
        return out
    windows = padded[at[:, None] + (_TAPS + 7)[None, :]]                 # points x 16 taps x channels
    between = np.abs(np.einsum("ntc,tp->npc", windows, _INTERPOLATORS)).max(axis=(1, 2))
    out[at] = np.maximum(out[at], between)
    return out


def block_peaks(x: np.ndarray) -> np.ndarray:
    """The true peak of every LIMIT_BLOCK samples of x (mono or frames x channels), for limit(peaks=)."""
    peak = true_peaks(x)
    return np.pad(peak, (0, (-len(peak)) % LIMIT_BLOCK)).reshape(-1, LIMIT_BLOCK).max(axis=1)


def true_peak(x: np.ndarray, near: float = 0.0, start: int = 0, stop: int | None = None, block: int = 4096) -> float:
    """The highest magnitude of mono x's waveform from sample start to stop, between samples too, read with x's
    samples around them (beyond x's ends, silence); exact where it reaches near (under near, the samples' own
    peak). Only the stretches whose samples reach near are interpolated, so a long session costs a few passes."""
    stop = len(x) if stop is None else stop
    if stop <= start:
        return 0.0
    span = np.abs(x[start:min(stop + 1, len(x))])   # a pair's second sample may lie just past stop
    edges = np.arange(0, stop - start, block)
    peaks = np.maximum.reduceat(span, edges)
    best = float(peaks.max())
    for at in edges[peaks >= near]:   # interpolate these stretches, with the interpolator's reach around them
        lo, hi = start + int(at), min(start + int(at) + block, stop)
        a, b = max(0, lo - 8), min(len(x), hi + 8)
        best = max(best, float(true_peaks(x[a:b], near)[lo - a:hi - a].max()))
    return best


def limit(x: np.ndarray, ceiling: float, window_s: float = 0.003, true_peak: bool = True,
          peaks: np.ndarray | None = None) -> np.ndarray:
    """Look-ahead true-peak limiter: neither a sample of the result nor the waveform between samples exceeds
    ceiling (to the interpolator's accuracy), and the gain moves smoothly. x is mono, or frames x channels (one
    gain for all channels, so the image does not move). With true_peak False only the samples are held under
    ceiling: for a stretch cut out of a longer sound, whose cut edges would read as steps.

    The gain each 32-sample block needs (from its loudest point) is spread to the blocks within window_s
    (plus one) on either side by a running minimum, then smoothed by a running mean over window_s, so the
    gain is already down when a peak arrives. Every block's gain is then at most what it and both its
    neighbours need, so the gain can be drawn as straight lines between block centres and still hold the
    ceiling at every sample. peaks, from block_peaks(x), saves reading them again for another ceiling.
    """
    if peaks is not None:
        blocks = peaks
    else:
        if x.size == 0 or np.abs(x).max() <= ceiling * (0.5 if true_peak else 1.0):
            return x   # a true peak is not 6 dB over the samples but in test signals built for it
        peak = true_peaks(x, near=ceiling * 0.5) if true_peak else (np.abs(x) if x.ndim == 1 else np.abs(x).max(axis=1))
        blocks = np.pad(peak, (0, (-len(peak)) % LIMIT_BLOCK)).reshape(-1, LIMIT_BLOCK).max(axis=1)
    if x.size == 0 or blocks.max() <= ceiling:
        return x
    half = max(1, round(window_s * SAMPLE_RATE / LIMIT_BLOCK))
    need = np.minimum(1.0, ceiling / np.maximum(blocks, 1e-12))
    gain = _running(np.min, need, half + 1)
    gain = _running(np.mean, gain, half)
    gain = gain.astype(np.float32)
    following = np.append(gain[1:], gain[-1])
    ramp = np.arange(LIMIT_BLOCK, dtype=np.float32) / LIMIT_BLOCK
    curve = (gain[:, None] + (following - gain)[:, None] * ramp[None, :]).ravel()[:len(x)]
    out = (x * (curve if x.ndim == 1 else curve[:, None])).astype(x.dtype)
    return np.clip(out, -ceiling, ceiling)  # rounding in the running mean can leave a hair above


def _running(reduce, x: np.ndarray, reach: int) -> np.ndarray:
    """reduce (np.min, np.mean) over the 2 * reach + 1 values centred on each of x's, edges repeated outward."""
    padded = np.pad(x, reach, mode="edge")
    return reduce(np.lib.stride_tricks.sliding_window_view(padded, 2 * reach + 1), axis=1)


def db(value: float) -> float:
    return 20 * math.log10(value) if value > 0 else -math.inf
