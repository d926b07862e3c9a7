import numpy as np
import pytest
from scipy import signal

from audioguide.mixer import loudness
from audioguide.model import SAMPLE_RATE as SR


def test_k_weighting_matches_the_bs1770_reference_at_48_khz():
    sos = loudness._k_weighting_sos(48000)
    assert np.allclose(sos[0], [1.53512485958697, -2.69169618940638, 1.19839281085285, 1.0,
                                -1.69065929318241, 0.73248077421585], atol=1e-9)
    assert np.allclose(sos[1], [1.0, -2.0, 1.0, 1.0, -1.99004745483398, 0.99007225036621], atol=1e-9)


def test_a_full_scale_997_hz_sine_reads_minus_3_01_lufs():
    # the calibration point of BS.1770: a 0 dBFS 997 Hz sine in one channel is -3.01 LKFS
    x = np.sin(2 * np.pi * 997 * np.arange(10 * SR) / SR).astype(np.float32)
    steps = np.zeros(10 * SR // loudness.STEP)
    loudness.add_energy(steps, [0], loudness.k_energy(x))
    assert loudness.integrated(steps) == pytest.approx(-3.01, abs=0.02)


def test_placed_energy_equals_the_long_way():
    rng = np.random.default_rng(4)
    clip = rng.normal(0, 0.1, SR).astype(np.float32)
    n = 10 * SR
    starts = [1234, 3 * SR + 17, 7 * SR + 4409]
    steps = np.zeros(n // loudness.STEP)
    loudness.add_energy(steps, starts, loudness.k_energy(clip))
    whole = np.zeros(n, dtype=np.float64)
    for s in starts:
        whole[s:s + SR] += clip
    y = signal.sosfilt(loudness.K_SOS, whole)
    direct = (y * y).reshape(-1, loudness.STEP).sum(axis=1)
    # energy curves have 10 ms grains: a step's edges may move up to one grain's share between steps
    assert np.allclose(steps, direct, rtol=0.05, atol=direct.max() * 0.02)
    assert steps.sum() == pytest.approx(direct.sum(), rel=1e-3)
    assert loudness.integrated(steps) == pytest.approx(loudness.integrated(direct), abs=0.01)


def test_gating_ignores_silence():
    x = (0.1 * np.sin(2 * np.pi * 997 * np.arange(5 * SR) / SR)).astype(np.float32)
    steps = np.zeros(60 * SR // loudness.STEP)  # five seconds of tone in a minute of silence
    loudness.add_energy(steps, [10 * SR], loudness.k_energy(x))
    # 47 whole 400 ms blocks of tone and, at each end, blocks a quarter, half and three quarters full: all
    # above the relative gate, none of the silence above the absolute one
    expected = -23.01 + 10 * np.log10((47 + 2 * (0.25 + 0.5 + 0.75)) / 53)
    assert loudness.integrated(steps) == pytest.approx(expected, abs=0.02)
    assert loudness.integrated(np.zeros(100)) == -np.inf


def _sixteen_times_oversampled_peak(x: np.ndarray) -> float:
    return float(np.abs(signal.resample_poly(x, 16, 1)).max())


@pytest.mark.parametrize("seed", range(4))
def test_true_peaks_read_what_16x_oversampling_reads(seed):
    rng = np.random.default_rng(seed)
    # buzzy, speech-like material and sines near the top of the band: where samples miss the peak most
    x = signal.lfilter([1], [1, -0.6], rng.normal(0, 0.15, SR // 2)).astype(np.float32)
    x += (0.3 * np.sin(2 * np.pi * (9000 + 1000 * seed) / SR * np.arange(len(x)) + seed)).astype(np.float32)
    estimated, reference = loudness.db(loudness.true_peaks(x).max()), loudness.db(_sixteen_times_oversampled_peak(x))
    assert abs(estimated - reference) < 0.15
    assert reference > loudness.db(np.abs(x).max()) + 0.01  # the case has peaks between its samples


def test_a_quarter_band_sine_between_its_samples_reads_its_true_peak():
    x = np.sin(2 * np.pi * np.arange(SR) / 4 + np.pi / 4).astype(np.float32)  # samples at 0.707, peaks at 1
    assert loudness.db(np.abs(x).max()) == pytest.approx(-3.01, abs=0.01)
    assert loudness.db(loudness.true_peaks(x).max()) == pytest.approx(0.0, abs=0.15)


def test_the_limiter_holds_true_peaks_under_the_ceiling():
    rng = np.random.default_rng(7)
    x = (signal.lfilter([1], [1, -0.6], rng.normal(0, 0.3, SR)) + 0.4 * np.sin(np.arange(SR) * 2.2)).astype(np.float32)
    ceiling = 0.5
    y = loudness.limit(x, ceiling)
    # within the interpolator's accuracy and what the moving gain itself adds between samples
    assert _sixteen_times_oversampled_peak(y) <= ceiling * 10 ** (0.25 / 20)
    samples_only = loudness.limit(x, ceiling, true_peak=False)
    assert _sixteen_times_oversampled_peak(samples_only) > ceiling * 10 ** (0.5 / 20)  # what true_peak adds


@pytest.mark.parametrize("n", [0, 1, 777, 3 * SR, loudness.FFT_BLOCK - loudness.K_REACH + 1, 4 * loudness.FFT_BLOCK + 5])
def test_the_fft_k_weighting_is_the_iir_filter(n):
    """k_weighted (FFT convolution, in overlapping blocks past one block) gives what scipy's sosfilt gives with the
    filter's own sections, from rest, at every length: one block, one sample over it, many blocks."""
    x = np.random.default_rng(n).normal(0, 0.3, n).astype(np.float32)
    got = loudness.k_weighted(x)
    assert got.shape == x.shape
    if n:
        expected = signal.sosfilt(loudness.K_SOS, x.astype(np.float64))
        assert np.abs(got - expected).max() <= 1e-6 * np.abs(expected).max()
