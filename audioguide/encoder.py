"""PCM blocks -> a CBR MP3 with a Xing/Info header, through one ffmpeg process."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import defaults
from .audio import ffmpeg_path, to_pcm16
from .errors import EncodeError
from .mixer import loudness
from .model import SAMPLE_RATE

BITRATE_KBPS = defaults.BITRATE_KBPS
# libmp3lame drops some of the high-frequency energy that K-weighting counts: measured on the built-in
# routine, the encoded file reads 0.3 to 0.5 LU quieter than the mix (96 to 192 kbps). A mix aims this much
# higher than its target so the MP3 lands on it.
LOUDNESS_LOSS_LU = 0.4
# A podcast's MP3 stays under -1 dBTP. The encoder's quantisation moves the peaks of speech and beeps by up to
# 1.4 dB at 96 kbps, differently for inputs one rounding apart (measured): only the decoded file can tell, and
# a file over this is encoded again a little quieter (studio).
TRUE_PEAK_MAX_DBTP = -1.2   # -1 dBTP as ffmpeg's ebur128 measures it, with room for the two meters to differ
PEAK_PASSES = 3             # a file still over after the third is kept: it is at most a few tenths over


@dataclass(frozen=True, slots=True)
class EncodeSettings:
    bitrate_kbps: int = BITRATE_KBPS
    channels: int = 1


def encode(blocks: Iterable[np.ndarray], path: Path, n_samples: int, settings: EncodeSettings = EncodeSettings(),
           progress: Callable[[int, int], None] | None = None) -> None:
    """Stream float32 blocks (n, or n x channels) into ffmpeg and write a CBR MP3 with a Xing/Info header.

    Blocks go down the pipe as 16-bit PCM, what the encoder would make of them anyway: half the bytes of
    float32, and ffmpeg reads it as fast as it reads a WAV file.
    """
    cmd = [ffmpeg_path(), "-nostdin", "-v", "error", "-y",
           "-f", "s16le", "-ar", str(SAMPLE_RATE), "-ac", str(settings.channels), "-i", "pipe:0",
           "-c:a", "libmp3lame", "-b:a", f"{settings.bitrate_kbps}k", "-ar", str(SAMPLE_RATE),
           "-write_xing", "1", "-id3v2_version", "0", "-write_id3v1", "0", "-map_metadata", "-1",
           "-f", "mp3", str(path)]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdin is not None and proc.stderr is not None
    done = 0
    try:
        for block in blocks:
            proc.stdin.write(to_pcm16(block))
            done += len(block)
            if progress:
                progress(done, n_samples)
        proc.stdin.close()
    except BrokenPipeError:
        pass
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    err = proc.stderr.read().decode(errors="replace").strip()
    if proc.wait() != 0:
        raise EncodeError(_reason(err, path))
    if done != n_samples:
        raise EncodeError(f"the mixer produced {done} samples, the timeline has {n_samples}")


OS_REASONS = ("No space left on device", "File too large", "Disk quota exceeded", "Read-only file system",
              "Permission denied")


def _reason(err: str, path: Path) -> str:
    """ffmpeg's complaint as one line that names the file the user knows (not a temporary one)."""
    found = next((reason for reason in OS_REASONS if reason in err), None)
    if found:
        return f"cannot write {path.name}: {found}"
    first = next((line for line in err.splitlines() if line.strip()), "no message").replace(str(path), path.name)
    return f"ffmpeg failed to encode {path.name}: {first}"


def true_peak_db(path: Path, channels: int = 1, stretch_s: float = 10.0) -> float:
    """The true peak (dBTP) of an encoded file as a player decodes it, read in stretches (memory stays flat)."""
    cmd = [ffmpeg_path(), "-nostdin", "-v", "error", "-i", str(path), "-f", "f32le", "-ac", str(channels),
           "-ar", str(SAMPLE_RATE), "pipe:1"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    near = 10 ** ((TRUE_PEAK_MAX_DBTP - 3) / 20)   # only the points near the limit are interpolated
    size = round(stretch_s * SAMPLE_RATE) * 4 * channels
    # Each stretch is read with the last 16 samples before it: the first 8 of them were read already, the last
    # 8 waited for this stretch (the interpolator reaches 8 samples after a point).
    peak, carry = 0.0, np.zeros((0, channels), dtype=np.float32)
    try:
        while data := proc.stdout.read(size):
            x = np.concatenate([carry, np.frombuffer(data[:len(data) - len(data) % (4 * channels)],
                                                     dtype="<f4").reshape(-1, channels)])
            start = max(0, len(carry) - 8)
            peak = max(peak, *(loudness.true_peak(x[:, c], near, start, max(start, len(x) - 8))
                               for c in range(channels)))
            carry = x[-16:]
        peak = max(peak, *(loudness.true_peak(carry[:, c], near, max(0, len(carry) - 8)) for c in range(channels)))
    finally:
        err = proc.stderr.read().decode(errors="replace").strip()
        code = proc.wait()
    if code != 0:
        raise EncodeError(_reason(err, path))
    return loudness.db(peak)
