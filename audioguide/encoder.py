"""PCM blocks -> MP3 through one ffmpeg process; outputs appear atomically or not at all."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import EncodeError, MissingToolError
from .model import SAMPLE_RATE


@dataclass(frozen=True, slots=True)
class EncodeSettings:
    bitrate_kbps: int = 96
    channels: int = 1


def ffmpeg_path(tool: str = "ffmpeg") -> str:
    """The path of ffmpeg (or ffprobe), or MissingToolError naming the package to install."""
    found = shutil.which(tool)
    if not found:
        raise MissingToolError(f"{tool} is not installed; install it with: apt-get install ffmpeg")
    return found


def to_pcm16(block: np.ndarray) -> bytes:
    """Float samples in [-1, 1] as interleaved little-endian 16-bit PCM, rounded to the nearest step."""
    return np.round(np.clip(block, -1.0, 1.0) * 32767).astype("<i2").tobytes()


@contextlib.contextmanager
def atomic_output(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside target; rename it to target only if the block succeeds."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.stem}.", suffix=f".tmp{target.suffix}")
    os.close(fd)
    try:
        yield Path(tmp)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes it private; the result is an ordinary file
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text(target: Path, text: str) -> None:
    with atomic_output(target) as tmp:
        tmp.write_text(text, encoding="utf-8")


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
        raise EncodeError(f"ffmpeg failed to encode {path.name}: {err or 'no message'}")
    if done != n_samples:
        raise EncodeError(f"the mixer produced {done} samples, the timeline has {n_samples}")
