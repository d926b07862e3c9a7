"""Texts -> clips through the cache: what is missing is rendered, by real voices in spawned worker processes.

pyttsx3 (espeak-ng) is not thread-safe and hangs after fork, so workers are spawned, one engine each; Ctrl-C
is the parent's to handle: it cancels the queue and terminates the workers at once.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import tempfile
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import numpy as np

from .. import audio, files
from ..errors import AudioError, AudioguideError, FileError, SpeechError
from ..model import SAMPLE_RATE
from .cache import ClipCache
from .engines import Engine, EngineSpec, make_engine
from .text import normalise

TRIM_THRESHOLD_DB = -45.0   # quieter edges are silence
TRIM_MARGIN_S = 0.02
MIN_PARALLEL = 4            # fewer new clips than this are rendered in this process

Progress = Callable[[int, int], None]


def render_clip(engine: Engine, cache: ClipCache, text: str) -> tuple[np.ndarray, str]:
    """Render text, trim it and store it in the cache; return it, and why it could not be stored ('' when it
    was): a cache that cannot take clips slows the next build down, it does not stop this one."""
    spoken = normalise(text)
    if not spoken:
        raise SpeechError(f"nothing to say in {text!r}: it holds no words once markup and symbols are removed")
    with files.scratch(Path(tempfile.gettempdir()) / "clip.wav") as raw:
        try:
            engine.render(spoken, raw)
        except AudioguideError:
            raise
        except Exception as e:  # pyttsx3, piper and onnxruntime raise errors of their own: converted here
            reason = (e.strerror if isinstance(e, OSError) else None) or str(e) or type(e).__name__
            raise SpeechError(f"{engine.spec.name} failed to say {text!r}: {reason}") from e
        try:
            samples, rate = audio.read_wav(raw)
        except AudioError as e:
            raise SpeechError(f"{engine.spec.name} wrote no readable audio for {text!r}: {e.reason}") from e
    clip = audio.trim_silence(audio.resample(samples, rate), TRIM_THRESHOLD_DB, TRIM_MARGIN_S)
    if clip.size == 0:
        raise SpeechError(f"the speech engine rendered silence for {text!r}")
    try:
        cache.store(cache.path(engine.identity(), text), clip)
    except FileError as e:
        return clip, str(e)
    return clip, ""


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


def _worker_render(job: tuple[str, str]) -> tuple[str, np.ndarray, str]:
    root, text = job
    clip, unstored = render_clip(_worker_engine, ClipCache(Path(root)), text)
    return text, clip, unstored


class Speaker:
    """Renders texts with one engine through the cache; new clips are rendered in spawned processes."""

    def __init__(self, spec: EngineSpec = EngineSpec(), cache: ClipCache | None = None, jobs: int | None = None):
        self.notices: list[str] = []
        self.engine = make_engine(spec)
        if spec.name == "auto" and self.engine.spec.name != "piper":
            self.notices.append("the neural voice (piper) is not installed, so espeak-ng speaks; for piper: "
                                "pip install 'audioguide[neural]'")
        self.spec = self.engine.spec
        self.cache = cache or ClipCache()
        try:
            self.cache.ensure()
        except FileError as e:  # build without a cache rather than not at all
            self._scratch = tempfile.TemporaryDirectory(prefix="audioguide-cache-")
            self._unusable(e)
            self.cache = ClipCache(Path(self._scratch.name))
        self.jobs = jobs or os.cpu_count() or 1
        self.rendered = 0
        self.memory: dict[str, np.ndarray] = {}   # clips the cache could not keep, for this run

    def _unusable(self, reason: object) -> None:
        notice = f"the speech cache is not used ({reason}): speech is rendered afresh and not kept"
        if notice not in self.notices:
            self.notices.append(notice)

    def clips(self, texts: Iterable[str], progress: Progress | None = None) -> dict[str, np.ndarray]:
        """Every text's clip, rendering the ones not cached yet."""
        clips = self._through_cache(texts, self._load, lambda clip: clip, progress)
        self._remember({text: len(clip) for text, clip in clips.items()})
        return clips

    def durations(self, texts: Iterable[str], progress: Progress | None = None) -> dict[str, int]:
        """Every text's clip length in samples."""
        lengths = self._through_cache(texts, self._length, len, progress)
        self._remember(lengths)
        return lengths

    def _load(self, text: str) -> np.ndarray | None:
        found = self.memory.get(text)
        return found if found is not None else self.cache.load(self.cache.path(self.engine.identity(), text))

    def _length(self, text: str) -> int | None:
        found = self.memory.get(text)
        return len(found) if found is not None else self.cache.length(self.cache.path(self.engine.identity(), text))

    def _remember(self, lengths: dict[str, int]) -> None:
        try:
            self.cache.remember(self.engine.identity(), lengths)
        except FileError as e:
            self._unusable(e)

    def remembered(self) -> dict[str, int]:
        """Clip lengths the cache has recorded for this engine: a hint for planning, which durations() checks."""
        return self.cache.remembered(self.engine.identity())

    def _through_cache(self, texts, read, from_clip, progress):
        out, missing = {}, []
        for text in dict.fromkeys(texts):
            found = read(text)
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
                out[text] = self._keep(text, *render_clip(self.engine, self.cache, text))
                if progress:
                    progress(i, len(texts))
            return out
        return self._render_in_workers(texts, progress)

    def _keep(self, text: str, clip: np.ndarray, unstored: str) -> np.ndarray:
        if unstored:
            self.memory[text] = clip
            self._unusable(unstored)
        return clip

    def _render_in_workers(self, texts: list[str], progress: Progress | None) -> dict[str, np.ndarray]:
        context = multiprocessing.get_context("spawn")  # pyttsx3 hangs after fork
        pool = ProcessPoolExecutor(min(self.jobs, len(texts)), mp_context=context, initializer=_worker_init,
                                   initargs=(self.spec,))
        out = {}
        try:
            futures = [pool.submit(_worker_render, (str(self.cache.root), text)) for text in texts]
            for i, future in enumerate(as_completed(futures), 1):
                text, clip, unstored = future.result()
                out[text] = self._keep(text, clip, unstored)
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
