"""A session encoded in stretches on every core at once and joined into one MP3, as if encoded in one piece.

The stretches are cut at frame boundaries (1152 samples), each in the quietest place near its even share of
the length; their number follows from the length alone, so the same inputs give the same bytes on any
machine. Every stretch but the first is encoded from a few frames early, and every one but the last a few
frames past its end, so the encoder meets each seam in the state it would have had in one piece; only the
frames in between are kept, laid end to end (frames.join moves the main data the bit reservoir carried
across a seam), under one Info header for the whole: frame count, seek table, delay, padding and CRCs.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent import futures
from pathlib import Path

import numpy as np

from ..errors import EncodeError
from ..model import SAMPLE_RATE
from . import frames, lame

Source = Callable[[int, int], Iterable[np.ndarray]]   # (start, stop) -> the mix's blocks of those samples

STRETCH_S = 240.0          # about four minutes each, in an even number of stretches (two cores: two rounds)
MAX_STRETCHES = 16
LEAD_IN_FRAMES = 12        # encoded before a stretch's first kept frame: the reservoir and the model settle
LEAD_OUT_FRAMES = 4        # encoded after its last: the encoder's look-ahead sees what follows
SEARCH_FRAMES = 57         # a seam goes to the quietest frame boundary within 1.5 s of its even place
QUIET_FRAMES = 4           # ... judged by the 4 frames (0.1 s) on either side
FRAME = frames.SAMPLES_PER_FRAME


def stretch_count(n_samples: int) -> int:
    """How many stretches a session of this length is encoded in: by its length alone, never by the machine."""
    return max(1, min(MAX_STRETCHES, 2 * round(n_samples / SAMPLE_RATE / STRETCH_S / 2)))


def encode(source: Source, path: Path, n_samples: int, settings: lame.EncodeSettings = lame.EncodeSettings(),
           progress: Callable[[int, int], None] | None = None, workers: int | None = None) -> None:
    """Encode the samples [0, n_samples) of source into path, in stretches on up to workers cores."""
    count = stretch_count(n_samples)
    if count < 2:
        lame.encode(source(0, n_samples), path, n_samples, settings, progress)
        return
    cuts = [0, *seams(source, n_samples, count, settings.channels)]
    ranges = [(0 if k == 0 else (cut - LEAD_IN_FRAMES) * FRAME,
               n_samples if k + 1 == len(cuts) else (cuts[k + 1] + LEAD_OUT_FRAMES) * FRAME)
              for k, cut in enumerate(cuts)]
    parts = [path.with_name(f".{path.name}.{k}.part") for k in range(len(cuts))]
    try:
        _encode_all(source, ranges, parts, settings, n_samples, progress, workers)
        try:
            _join(parts, cuts, path, settings.channels, n_samples)
        except frames.SeamError:  # a seam the encodings do not meet at: in one piece (never seen in tests)
            lame.encode(source(0, n_samples), path, n_samples, settings, progress)
    finally:
        for part in parts:
            part.unlink(missing_ok=True)


def seams(source: Source, n_samples: int, count: int, channels: int) -> list[int]:
    """The frame each stretch after the first begins with: near k/count of the length, where it is quietest
    (the energy of the QUIET_FRAMES frames either side: the encoder spreads a sound over a frame or two
    before and after it), the nearest such place on a tie."""
    found = []
    for k in range(1, count):
        even = round(k * n_samples / count / FRAME)
        lo, hi = even - SEARCH_FRAMES - QUIET_FRAMES, even + SEARCH_FRAMES + QUIET_FRAMES
        mixed = np.concatenate(list(source(lo * FRAME, hi * FRAME)))
        energy = np.square(mixed.reshape(hi - lo, -1), dtype=np.float64).sum(axis=1)
        window = np.convolve(energy, np.ones(2 * QUIET_FRAMES), "valid")   # window[i]: frames lo+i onward
        candidates = range(even - SEARCH_FRAMES, even + SEARCH_FRAMES + 1)
        found.append(min(candidates, key=lambda f: (window[f - QUIET_FRAMES - lo], abs(f - even))))
    return found


def _encode_all(source: Source, ranges: list[tuple[int, int]], parts: list[Path], settings: lame.EncodeSettings,
                n_samples: int, progress: Callable[[int, int], None] | None, workers: int | None) -> None:
    """Each stretch into its part file, as many at once as there are cores; progress from this thread."""
    done = [0] * len(ranges)
    stop = threading.Event()

    def one(k: int) -> None:
        lo, hi = ranges[k]

        def report(samples: int, _total: int) -> None:
            done[k] = samples
        lame.encode(_until(stop, source(lo, hi)), parts[k], hi - lo, settings, report)

    cores = workers or len(os.sched_getaffinity(0))
    with futures.ThreadPoolExecutor(max_workers=max(1, min(cores, len(ranges)))) as pool:
        running = [pool.submit(one, k) for k in range(len(ranges))]
        try:
            pending = set(running)
            while pending:
                _, pending = futures.wait(pending, timeout=0.2, return_when=futures.FIRST_EXCEPTION)
                if progress:
                    progress(min(n_samples, sum(done) * n_samples // sum(hi - lo for lo, hi in ranges)),
                             n_samples)
                if any(f.done() and f.exception() for f in running):
                    break
            for f in running:
                f.result()
        finally:  # an error, Ctrl-C or a signal: every encoder stops at its next block
            stop.set()


def _until(stop: threading.Event, blocks: Iterable[np.ndarray]) -> Iterator[np.ndarray]:
    for block in blocks:
        if stop.is_set():
            raise EncodeError("stopped")
        yield block


def _join(parts: list[Path], cuts: list[int], path: Path, channels: int, n_samples: int) -> None:
    try:
        datas = [part.read_bytes() for part in parts]
    except OSError as e:
        raise EncodeError(lame.reason(e.strerror or str(e), path)) from e
    heads = [next(frames.frames(data)) for data in datas]   # each part's own Info frame
    stretches = [frames.Stretch(memoryview(data)[head.size:], 0 if k == 0 else cut - LEAD_IN_FRAMES, cut,
                                cuts[k + 1] if k + 1 < len(cuts) else None)
                 for k, (data, head, cut) in enumerate(zip(datas, heads, cuts))]
    pieces, sizes = frames.join(stretches)   # views of the parts' bytes: the whole is never copied in memory
    crc = 0
    for piece in pieces:
        crc = frames.crc16_many(piece, crc)
    info = frames.info_frame(datas[0][:heads[0].size], channels, sizes, n_samples)
    try:
        with open(path, "wb") as out:
            out.write(frames.with_crcs(info, channels, crc))
            for piece in pieces:
                out.write(piece)
    except OSError as e:
        raise EncodeError(lame.reason(e.strerror or str(e), path)) from e
