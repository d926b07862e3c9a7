"""Texts -> clips through the cache: what is missing is rendered, by real voices in spawned worker processes.

pyttsx3 (espeak-ng) is not thread-safe and hangs after fork, so workers are spawned, one engine each; Ctrl-C
is the parent's to handle: it cancels the queue and terminates the workers at once.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import numpy as np

from .. import audio, files
from ..errors import AudioError, AudioguideError, SpeechError
from ..model import SAMPLE_RATE
from .cache import ClipCache
from .engines import Engine, EngineSpec, make_engine
from .text import normalise

TRIM_THRESHOLD_DB = -45.0   # quieter edges are silence
TRIM_MARGIN_S = 0.02
MIN_PARALLEL = 4            # fewer new clips than this are rendered in this process

Progress = Callable[[int, int], None]


def render_clip(engine: Engine, cache: ClipCache, text: str) -> np.ndarray:
    """Render text, trim it, store it in the cache and return it."""
    spoken = normalise(text)
    if not spoken:
        raise SpeechError(f"nothing to say in {text!r}: it holds no words once markup and symbols are removed")
    path = cache.path(engine.identity(), text)
    with files.scratch(path) as raw:
        try:
            engine.render(spoken, raw)
        except AudioguideError:
            raise
        except Exception as e:  # pyttsx3, piper and onnxruntime raise errors of their own: converted here
            raise SpeechError(f"{engine.spec.name} failed to say {text!r}: {str(e) or type(e).__name__}") from e
        try:
            samples, rate = audio.read_wav(raw)
        except AudioError as e:
            raise SpeechError(f"{engine.spec.name} wrote no readable audio for {text!r}: {e.reason}") from e
    clip = audio.trim_silence(audio.resample(samples, rate), TRIM_THRESHOLD_DB, TRIM_MARGIN_S)
    if clip.size == 0:
        raise SpeechError(f"the speech engine rendered silence for {text!r}")
    cache.store(path, clip)
    return clip


_worker_engine: Engine | None = None


def _worker_init(spec: EngineSpec) -> None:
    global _worker_engine
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it ends the pool
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent()
    _worker_engine = make_engine(spec)


def _die_with_parent() -> None:
    """Ask Linux to kill this worker when its parent dies, whatever signal ended the parent (even SIGKILL, which
    leaves no chance to clean up): a voice model holds hundreds of megabytes."""
    PR_SET_PDEATHSIG = 1
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return  # not Linux: the parent's clean-up on the way out still ends the pool
    if os.getppid() == 1:  # the parent died before the request took hold
        os._exit(1)


def _worker_render(job: tuple[str, str]) -> tuple[str, str]:
    root, text = job
    cache = ClipCache(Path(root))
    render_clip(_worker_engine, cache, text)
    return text, str(cache.path(_worker_engine.identity(), text))


class Speaker:
    """Renders texts with one engine through the cache; new clips are rendered in spawned processes."""

    def __init__(self, spec: EngineSpec = EngineSpec(), cache: ClipCache | None = None, jobs: int | None = None):
        self.engine = make_engine(spec)
        self.spec = self.engine.spec
        self.cache = cache or ClipCache()
        self.cache.ensure()
        self.jobs = jobs or os.cpu_count() or 1
        self.rendered = 0

    def clips(self, texts: Iterable[str], progress: Progress | None = None) -> dict[str, np.ndarray]:
        """Every text's clip, rendering the ones not cached yet."""
        clips = self._through_cache(texts, self.cache.load, lambda clip: clip, progress)
        self.cache.remember(self.engine.identity(), {text: len(clip) for text, clip in clips.items()})
        return clips

    def durations(self, texts: Iterable[str], progress: Progress | None = None) -> dict[str, int]:
        """Every text's clip length in samples; cached clips are measured from their headers alone."""
        lengths = self._through_cache(texts, self.cache.length, len, progress)
        self.cache.remember(self.engine.identity(), lengths)
        return lengths

    def remembered(self) -> dict[str, int]:
        """Clip lengths the cache has recorded for this engine: a hint for planning, which durations() checks."""
        return self.cache.remembered(self.engine.identity())

    def _through_cache(self, texts, read, from_clip, progress):
        identity = self.engine.identity()
        out, missing = {}, []
        for text in dict.fromkeys(texts):
            found = read(self.cache.path(identity, text))
            if found is None:
                missing.append(text)
            else:
                out[text] = found
        if missing:
            out.update({text: from_clip(clip) for text, clip in self._render(missing, progress).items()})
        return out

    def _render(self, texts: list[str], progress: Progress | None) -> dict[str, np.ndarray]:
        self.rendered += len(texts)
        if len(texts) < MIN_PARALLEL or self.jobs == 1 or not self.engine.parallel:
            out = {}
            for i, text in enumerate(texts, 1):
                out[text] = render_clip(self.engine, self.cache, text)
                if progress:
                    progress(i, len(texts))
            return out
        return self._render_in_workers(texts, progress)

    def _render_in_workers(self, texts: list[str], progress: Progress | None) -> dict[str, np.ndarray]:
        context = multiprocessing.get_context("spawn")  # pyttsx3 hangs after fork
        pool = ProcessPoolExecutor(min(self.jobs, len(texts)), mp_context=context, initializer=_worker_init,
                                   initargs=(self.spec,))
        out = {}
        try:
            futures = [pool.submit(_worker_render, (str(self.cache.root), text)) for text in texts]
            for i, future in enumerate(as_completed(futures), 1):
                text, path = future.result()
                clip = self.cache.load(Path(path))
                if clip is None:
                    raise SpeechError(f"a rendered clip vanished from the cache: {path}")
                out[text] = clip
                if progress:
                    progress(i, len(texts))
        except BrokenProcessPool as e:
            raise SpeechError(f"a speech worker process died: {e}") from e
        except BaseException:
            # Ctrl-C or an error: drop the queue and stop the workers now, not once the queue has drained
            pool.shutdown(wait=False, cancel_futures=True)
            for child in multiprocessing.active_children():
                child.terminate()
            raise
        pool.shutdown()
        return out


def say(text: str, output: Path, spec: EngineSpec = EngineSpec(), cache: ClipCache | None = None) -> tuple[float, str]:
    """Render text into the WAV file output; return its length in seconds and the engine that spoke it."""
    speaker = Speaker(spec, cache)
    clip = speaker.clips([text])[text]
    with files.atomic_output(Path(output)) as tmp:
        audio.write_wav(tmp, clip)
    return len(clip) / SAMPLE_RATE, speaker.spec.name
