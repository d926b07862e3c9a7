"""The true peak of an encoded file, read as a player decodes it."""

from __future__ import annotations

import os
import subprocess
import threading
from concurrent import futures
from pathlib import Path
from typing import IO

import numpy as np

from ..audio import ffmpeg_path
from ..errors import EncodeError
from ..mixer import loudness
from ..model import SAMPLE_RATE
from . import frames
from .lame import reason

# A podcast's MP3 stays under -1 dBTP. The encoder's quantisation moves the peaks of speech and beeps by up to
# 1.4 dB at 96 kbps, differently for inputs one rounding apart (measured): only the decoded file can tell, and
# a file over this is encoded again a little quieter (studio).
TRUE_PEAK_MAX_DBTP = -1.2   # -1 dBTP as ffmpeg's ebur128 measures it, with room for the two meters to differ
PEAK_PASSES = 3             # a file still over after the third is kept: it is at most a few tenths over


PREROLL_FRAMES = 6          # decoded before a piece and dropped: its main data and the decoder's state settle
DECODER_DELAY = 529         # samples every MPEG layer III decoder adds, after the encoder's own delay
MIN_PIECE_FRAMES = 1200     # about 30 s: shorter files are read in one piece


def true_peak_db(path: Path, channels: int = 1, stretch_s: float = 10.0, pieces: int | None = None) -> float:
    """The true peak (dBTP) of an encoded file as a player decodes it (the encoder's delay and padding
    trimmed), read in pieces on every core, each streamed in stretches (memory stays flat).

    A piece is the file's frames from a few before its first (the bit reservoir and the decoder's overlap
    settle in them), decoded alone: from its first frame on, its samples are the whole file's, bit for bit.
    """
    with open(path, "rb") as f:
        data = f.read()
    edges = frames.offsets(data, _after_id3(data))   # frame k of the audio is data[edges[k + 1]:edges[k + 2]]
    frame_count = len(edges) - 2
    if frame_count < 0:
        raise EncodeError(f"{path.name}: no MP3 frames in it")
    counted, delay, padding = frames.info(data[edges[0]:edges[1]], channels)
    if counted != frame_count:
        raise EncodeError(f"{path.name}: its Info header counts {counted} frames, the file holds {frame_count}")
    n_samples = frame_count * frames.SAMPLES_PER_FRAME - delay - padding
    cores = pieces or len(os.sched_getaffinity(0))
    count = max(1, min(cores, frame_count // MIN_PIECE_FRAMES))
    cuts = [round(k * frame_count / count) for k in range(count + 1)]
    offset = delay + DECODER_DELAY        # the file's sample 0 is this far into the frames' decoded samples
    whole = memoryview(data)              # pieces are read from it in place, not copied

    def piece(k: int) -> float:
        first, last = max(0, cuts[k] - PREROLL_FRAMES), min(frame_count, cuts[k + 1] + 1)
        return _decoded_peak(whole[edges[first + 1]:edges[last + 1]], path, channels,
                             first * frames.SAMPLES_PER_FRAME - offset, cuts[k] * frames.SAMPLES_PER_FRAME - offset,
                             min(n_samples, cuts[k + 1] * frames.SAMPLES_PER_FRAME - offset), n_samples, stretch_s)
    if count == 1:
        return loudness.db(piece(0))
    with futures.ThreadPoolExecutor(max_workers=count) as pool:
        return loudness.db(max(pool.map(piece, range(count))))


def _after_id3(data: bytes) -> int:
    """Where the frames begin: after an ID3v2 tag, if the file starts with one."""
    if data[:3] != b"ID3" or len(data) < 10:
        return 0
    return 10 + (data[6] << 21 | data[7] << 14 | data[8] << 7 | data[9]) + (10 if data[5] & 0x10 else 0)


def _decoded_peak(mp3: bytes | memoryview, path: Path, channels: int, at: int, lo: int, hi: int, n_samples: int,
                  stretch_s: float) -> float:
    """The true peak of the file's samples [lo, hi), from frames whose first decoded sample is the file's
    sample at (negative: before the file's start); samples outside the file are silence, as a player has."""
    cmd = [ffmpeg_path(), "-nostdin", "-v", "error", "-f", "mp3", "-i", "pipe:0", "-f", "f32le",
           "-ac", str(channels), "-ar", str(SAMPLE_RATE), "pipe:1"]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    feeder = threading.Thread(target=_feed, args=(proc.stdin, mp3), daemon=True)
    feeder.start()
    near = 10 ** ((TRUE_PEAK_MAX_DBTP - 3) / 20)   # only the points near the limit are interpolated
    size = round(stretch_s * SAMPLE_RATE) * 4 * channels
    # Each stretch is read with the last 16 samples before it: the first 8 of them were read already, the last
    # 8 waited for this stretch (the interpolator reaches 8 samples after a point).
    peak, carry = 0.0, np.zeros((0, channels), dtype=np.float32)
    try:
        while data := proc.stdout.read(size):
            x = np.concatenate([carry, np.frombuffer(data[:len(data) - len(data) % (4 * channels)],
                                                     dtype="<f4").reshape(-1, channels)])
            x_at = at - len(carry)                       # the file's sample at x[0]
            x[:max(0, min(len(x), -x_at))] = 0.0         # before the file's start
            x[max(0, n_samples - x_at):] = 0.0           # the encoder's padding
            start, stop = max(len(carry) - 8, lo - x_at, 0), min(len(x) - 8, hi - x_at)
            if stop > start:
                peak = max(peak, *(loudness.true_peak(x[:, c], near, start, stop) for c in range(channels)))
            carry, at = x[-16:], at + len(x) - len(carry)
        x_at = at - len(carry)
        start, stop = max(len(carry) - 8, lo - x_at, 0), min(len(carry), hi - x_at)
        if stop > start:
            peak = max(peak, *(loudness.true_peak(carry[:, c], near, start, stop) for c in range(channels)))
    finally:
        feeder.join()
        err = proc.stderr.read().decode(errors="replace").strip()
        code = proc.wait()
    if code != 0:
        raise EncodeError(reason(err, path))
    return peak


def _feed(pipe: IO[bytes], data: bytes | memoryview) -> None:
    try:
        pipe.write(data)
        pipe.close()
    except (BrokenPipeError, ValueError):
        pass
