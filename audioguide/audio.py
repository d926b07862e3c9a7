"""Audio in and out: ffmpeg discovery, 16-bit WAV files, resampling, decoding any file, trimming silence.

Every stage that touches audio samples on disk or through ffmpeg does it here; errors from wave and
ffmpeg become AudioError or MissingToolError at this door.
"""

from __future__ import annotations

import math
import shutil
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from . import files
from .errors import AudioError, MissingToolError
from .model import SAMPLE_RATE

if TYPE_CHECKING:
    import numpy as np

WAV_HEADER = 44


def ffmpeg_path(tool: str = "ffmpeg") -> str:
    """The path of ffmpeg (or ffprobe), or MissingToolError naming the package to install."""
    found = shutil.which(tool)
    if not found:
        raise MissingToolError(f"{tool} is not installed; install it with: apt-get install ffmpeg")
    return found


@dataclass(frozen=True, slots=True)
class WavInfo:
    """What a WAV file's header says, and whether the file holds every frame it announces."""

    rate: int
    channels: int
    width: int
    frames: int
    complete: bool


def wav_info(path: Path) -> WavInfo | None:
    """The header of the WAV file at path, or None when it is missing or not a WAV file."""
    try:
        with wave.open(str(path), "rb") as w:
            rate, channels, width, frames = w.getframerate(), w.getnchannels(), w.getsampwidth(), w.getnframes()
        size = Path(path).stat().st_size
    except (OSError, EOFError, wave.Error):
        return None
    return WavInfo(rate, channels, width, frames, size >= WAV_HEADER + frames * width * channels)


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """Read a 16-bit PCM WAV into an int16 array (mono: channels are averaged) and its sample rate."""
    import numpy as np
    try:
        with wave.open(str(path), "rb") as w:
            width, channels, rate = w.getsampwidth(), w.getnchannels(), w.getframerate()
            frames = w.readframes(w.getnframes())
    except (OSError, EOFError, wave.Error) as e:
        raise AudioError(path, f"not a readable WAV file ({e})") from e
    if width != 2:
        raise AudioError(path, f"expected 16-bit PCM, found {8 * width}-bit")
    data = np.frombuffer(frames[:len(frames) - len(frames) % (2 * channels)], dtype="<i2")
    if channels > 1:
        data = data.reshape(-1, channels).mean(axis=1).astype(np.int16)
    return data, rate


def write_wav(path: Path | BinaryIO, samples: np.ndarray, rate: int = SAMPLE_RATE) -> None:
    """Write mono int16 samples as a 16-bit PCM WAV file (a path, or a file object open for writing)."""
    with wave.open(str(path) if isinstance(path, (str, Path)) else path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples.astype("<i2").tobytes())


def resample(samples: np.ndarray, rate: int) -> np.ndarray:
    """Resample mono int16 PCM to SAMPLE_RATE: a polyphase filter (scipy), the same samples every time.

    (ffmpeg's soxr resampler differs by a step or two from run to run, which moved trimmed clip edges by a
    sample and so the plan after a cache clear.)"""
    import numpy as np
    if rate == SAMPLE_RATE:
        return samples
    from scipy.signal import resample_poly
    step = math.gcd(SAMPLE_RATE, int(rate))
    out = resample_poly(samples.astype(np.float64), SAMPLE_RATE // step, int(rate) // step)
    return np.clip(np.round(out), -32768, 32767).astype(np.int16)


def decode(path: Path, channels: int = 1, max_s: float | None = None) -> np.ndarray:
    """Decode any file ffmpeg reads to float32 at SAMPLE_RATE: (n,) for mono, (n, 2) for stereo.

    Only the first max_s seconds are decoded when given: a file anyone can replace never decides how much
    memory a build takes (a sound is a second long, a music bed is looped). One ffmpeg call, 16-bit PCM
    out: pydub, used here before, reads a .wav whole whatever it is asked for."""
    import numpy as np
    import subprocess

    ffmpeg = ffmpeg_path()
    try:
        found = files.odd_kind(Path(path).stat())
    except OSError as e:
        raise AudioError(path, f"cannot read audio: {e.strerror or e}") from e
    if found:
        raise AudioError(path, f"expected an audio file, found {found}")
    command = [ffmpeg, "-nostdin", "-v", "error", "-i", str(path), *(["-t", f"{max_s:.3f}"] if max_s else []),
               "-map", "0:a:0", "-ac", str(channels), "-ar", str(SAMPLE_RATE), "-f", "s16le", "-"]
    try:
        done = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True)
    except OSError as e:
        raise AudioError(path, f"cannot run ffmpeg: {e.strerror or e}") from e
    if done.returncode != 0:
        raise AudioError(path, f"expected audio that ffmpeg can read; {_ffmpeg_reason(done.stderr, path)}")
    data = done.stdout[:len(done.stdout) - len(done.stdout) % (2 * channels)]
    samples = np.frombuffer(data, dtype="<i2").astype(np.float32) / 32768
    if len(samples) == 0:
        raise AudioError(path, "no audio in the file")
    return samples if channels == 1 else samples.reshape(-1, channels)


def _ffmpeg_reason(stderr: bytes, path: Path) -> str:
    """ffmpeg's own last word on a file, without the file's name."""
    lines = [line.strip() for line in stderr.decode(errors="replace").splitlines() if line.strip()]
    if not lines:
        return "ffmpeg failed without saying why"
    last = lines[-1]
    for prefix in (f"{path}: ", f"{Path(path).name}: "):
        last = last.removeprefix(prefix)
    return f"ffmpeg says: {last[0].lower()}{last[1:]}"


def trim_silence(samples: np.ndarray, threshold_db: float, margin_s: float) -> np.ndarray:
    """Cut int16 samples quieter than threshold_db (dBFS) from both ends, keeping margin_s so onsets stay soft."""
    import numpy as np
    threshold = 10 ** (threshold_db / 20) * 32767
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > threshold)
    if loud.size == 0:
        return samples[:0]
    margin = round(margin_s * SAMPLE_RATE)
    return samples[max(0, loud[0] - margin): loud[-1] + margin + 1]


def to_pcm16(block: np.ndarray) -> bytes:
    """Float samples in [-1, 1] as interleaved little-endian 16-bit PCM, rounded to the nearest step."""
    import numpy as np
    return np.round(np.clip(block, -1.0, 1.0) * 32767).astype("<i2").tobytes()
