"""Kokoro-82M, an offline neural voice with 54 voices in nine languages (kokoro-onnx on onnxruntime).

Its files come from the package registries and are verified by assets.py. A voice's name tells its language and
gender: the first letter the language (a US English, b British English, e Spanish, f French, h Hindi, i Italian,
j Japanese, p Brazilian Portuguese, z Mandarin), the second f or m.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .. import audio
from ..errors import MissingToolError, SpeechError, UnknownNameError
from ..model import EngineSpec
from . import assets, espeak, lexicon
from .voice import Voice, onnx_options, package_version, voice_for

LANGUAGES = {"a": ("en-us", "en-US", "American English"), "b": ("en-gb", "en-GB", "British English"),
             "e": ("es", "es", "Spanish"), "f": ("fr-fr", "fr", "French"), "h": ("hi", "hi", "Hindi"),
             "i": ("it", "it", "Italian"), "j": ("ja", "ja", "Japanese"), "p": ("pt-br", "pt-BR", "Brazilian Portuguese"),
             "z": ("cmn", "zh", "Mandarin")}
GENDERS = {"f": "female", "m": "male"}
# Debian 12's espeak-ng 1.51 writes the vowel of "for", "more", "floor" as oː where 1.52 (bundled with kokoro-onnx,
# and what Kokoro was trained on) writes ɔː: with the system's library, put it back. Over the built-in and outside
# sentences this was the only difference between the two (13 of 144 texts).
ESPEAK_1_51 = {"en-us": (("oːɹ", "ɔːɹ"),)}
# Words espeak-ng takes for English inside another language, said as that language says them (French "dos",
# the back, is not DOS): after the switch's marks are gone, their phonemes put right.
SWITCHED = {"fr-fr": (("dˈɒs", "dˈo"),)}
VOICE_NAMES = ("af_alloy af_aoede af_bella af_heart af_jessica af_kore af_nicole af_nova af_river af_sarah af_sky "
               "am_adam am_echo am_eric am_fenrir am_liam am_michael am_onyx am_puck am_santa bf_alice bf_emma "
               "bf_isabella bf_lily bm_daniel bm_fable bm_george bm_lewis ef_dora em_alex em_santa ff_siwis hf_alpha "
               "hf_beta hm_omega hm_psi if_sara im_nicola jf_alpha jf_gongitsune jf_nezumi jf_tebukuro jm_kumo pf_dora "
               "pm_alex pm_santa zf_xiaobei zf_xiaoni zf_xiaoxiao zf_xiaoyi zm_yunjian zm_yunxi zm_yunxia "
               "zm_yunyang").split()


def available() -> bool:
    """True when the kokoro engine can speak: its packages installed and its files in place and verified."""
    try:
        assets.folder()
    except MissingToolError:
        return False
    return True


def describe(voice: str) -> tuple[str, str, str]:
    """(BCP 47 language, accent, gender) of a Kokoro voice name."""
    _, tag, accent = LANGUAGES[voice[0]]
    return tag, accent, GENDERS[voice[1]]


class KokoroEngine:
    """Kokoro through kokoro-onnx: one model in this process on THREADS onnxruntime threads."""

    DEFAULT_VOICE = "am_liam"  # the clearest in pink noise and in babble of the 28 English voices (docs/voices.md)
    # Kokoro's rate is nominal like piper's: NATIVE_RATE is the model at speed 1.0 (about 170 words a minute by the
    # clock with af_heart), a rate r asks for speed r / NATIVE_RATE (Kokoro takes 0.5 to 2.0).
    NATIVE_RATE = 160
    DEFAULT_RATE = 160
    SENTENCE_PAUSE_S = 0.3   # between the sentences of one cue
    CLAUSE_PAUSE_S = 0.1     # at a comma
    # One model, both cores: floats add up in another order with another thread count, so the count is fixed and
    # part of the identity (a text renders to the same samples every time).
    THREADS = 2
    parallel = False

    def __init__(self, spec: EngineSpec):
        self.folder = assets.folder()
        self.spec = spec
        self.voice = voice_for("kokoro", spec, self.DEFAULT_VOICE)
        if self.voice not in VOICE_NAMES:
            raise UnknownNameError(f"unknown kokoro voice {self.voice!r}; see 'audioguide voices --engine kokoro'")
        self.rate = spec.rate or self.DEFAULT_RATE
        self.language = LANGUAGES[self.voice[0]][1]
        self.speed = self.rate / self.NATIVE_RATE
        if not 0.5 <= self.speed <= 2.0:
            raise UnknownNameError(f"kokoro speaks at rates {self.NATIVE_RATE // 2} to {self.NATIVE_RATE * 2}, "
                                   f"asked for {self.rate}")
        self._model: Any = None
        self._espeak = espeak.library()[2]

    def identity(self) -> dict:
        return {"engine": "kokoro", "kokoro-onnx": package_version("kokoro-onnx"), "model": assets.MODEL.sha256[:16],
                "voices": assets.VOICES.sha256[:16], "voice": self.voice, "speed": round(self.speed, 4),
                "threads": self.THREADS, "sentence_pause": self.SENTENCE_PAUSE_S, "clause_pause": self.CLAUSE_PAUSE_S,
                "lexicon": lexicon.VERSION, "espeak-ng": self._espeak,
                **({} if self.language.startswith("en") else {"language_switch": "remove-flags"})}

    def render(self, text: str, path: Path) -> None:
        import numpy as np
        if self._model is None:
            self._model = self._load()
        lang = LANGUAGES[self.voice[0]][0]
        try:
            phonemes = self._phonemes(lexicon.for_kokoro(text), lang)
            for old, new in ESPEAK_1_51.get(lang, ()) if self._espeak.startswith("1.51") else ():
                phonemes = phonemes.replace(old, new)
            samples, rate = self._model.create(phonemes, voice=self.voice, speed=self.speed, lang=lang,
                                               is_phonemes=True, sentence_pause=self.SENTENCE_PAUSE_S,
                                               clause_pause=self.CLAUSE_PAUSE_S)
        except (ValueError, RuntimeError) as e:
            raise SpeechError(f"kokoro could not say {text!r}: {e}") from e
        if not len(samples):
            raise SpeechError(f"kokoro said nothing for {text!r}")
        audio.write_wav(path, np.round(np.clip(samples, -1, 1) * 32767).astype(np.int16), rate)

    def _phonemes(self, text: str, lang: str) -> str:
        """The text's phonemes as Kokoro reads them. In another language than English, espeak-ng switches to
        English for a word it takes for English (French 'dos' as DOS) and marks it '(en)dɒs(fr)'; Kokoro would
        say the marks as letters ('endosfr'): the marks go, the word stays."""
        tokenizer = self._model.tokenizer
        if lang.startswith("en"):
            return tokenizer.phonemize(text, lang)
        import phonemizer
        from kokoro_onnx import tokenizer as module
        with module._espeak_lock:
            said = phonemizer.phonemize(tokenizer.normalize_text(text), lang, preserve_punctuation=True,
                                        with_stress=True, language_switch="remove-flags")
        said = "".join(p for p in said if p in tokenizer.vocab).strip()
        for old, new in SWITCHED.get(lang, ()):
            said = said.replace(old, new)
        return said

    def _load(self):
        import onnxruntime
        from kokoro_onnx import Kokoro, EspeakConfig
        options = onnx_options(self.THREADS)
        try:
            session = onnxruntime.InferenceSession(str(self.folder / assets.MODEL.name), sess_options=options,
                                                   providers=["CPUExecutionProvider"])
            return Kokoro.from_session(session, str(self.folder / assets.VOICES.name),
                                       espeak_config=EspeakConfig(*espeak.library()[:2]))
        except Exception as e:  # onnxruntime and numpy raise their own kinds on a file they cannot read
            raise SpeechError(f"kokoro could not load its files from {self.folder}: {e}; run: {assets.REPAIR}") from e

    def voices(self) -> list[Voice]:
        found = []
        for name in VOICE_NAMES:
            tag, accent, gender = describe(name)
            found.append(Voice(name, f"{name[3:].title()} ({accent}, {gender})", tag))
        return found

    def notes(self) -> list[str]:
        return [f"files: {self.folder}"]

    def close(self) -> None:
        self._model = None

