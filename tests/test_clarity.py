"""Is the speech understandable where people exercise? An independent recogniser (Whisper tiny.en, tests/clarity.py)
transcribes rendered cues in quiet, in pink noise and in the babble of six talkers; the figures of docs/voices.md
come from the same judge's base model over every voice (scripts/voices)."""

import numpy as np
import pytest
from clarity import babble, cue_texts, cues_heard, heard, music_bed, numbers_heard, pink_noise, recall, sentences

from audioguide import speech
from audioguide.definitions import loader as definitions_loader
from audioguide.model import SAMPLE_RATE
from audioguide.pipeline import options as pipeline_options
from audioguide.pipeline import routines as pipeline_routines
from audioguide.speech import kokoro

pytestmark = [pytest.mark.slow, pytest.mark.voice,
              pytest.mark.skipif(not kokoro.available(), reason="Kokoro is not installed (scripts/setup installs it)")]

DEFAULT = speech.EngineSpec("kokoro")
# Floors under the default voice's measured recall with tiny.en on this sample (docs/voices.md), not the goals:
# the goals are measured with the base model over all the sentences by scripts/voices.
PINK_FLOOR = 0.85
BABBLE_FLOOR = 0.8


@pytest.fixture(scope="module")
def noise(clip_cache):
    return {"pink": pink_noise(), "babble": babble(clip_cache)}


@pytest.fixture(scope="module")
def texts():
    return cue_texts(definitions_loader.load_library(include_user=False).routine("thoracic-mobility"))


def _clips(spec, texts, cache):
    with speech.Speaker(spec, speech.ClipCache(cache)) as speaker:
        return speaker.clips(texts)


def test_the_recogniser_is_a_fair_judge(noise):
    """Silence, and noise alone, give it nothing of a cue (Whisper invents words on near-silence); numbers it
    writes as digits count as the words said."""
    silence = np.zeros(SAMPLE_RATE, dtype=np.int16)
    for bed, snr in ((None, 0.0), (noise["pink"], -20.0), (noise["babble"], -20.0)):
        assert recall("Lift your arms off the wall.", heard(silence + 300, bed, snr)) < 0.2
    assert recall("lift your arms", "lift your arms") == 1.0 and recall("a b", "b") == 0.5
    assert recall("Hold for five seconds.", "Hold for 5 seconds") == 1.0


@pytest.fixture(scope="module")
def built_ins_heard(texts, clip_cache, noise) -> dict[str, float]:
    """Every other cue, tip and intro of the built-in routine (every built-in text: scripts/voices) said by the default
    voice, and the share of its words the recogniser hears in six-talker babble at 6 dB SNR."""
    sample = texts[::2]
    clips = _clips(DEFAULT, sample, clip_cache)
    return {t: recall(t, heard(clips[t], noise["babble"], 6.0)) for t in sample}


def test_the_default_voice_is_understood_in_babble(built_ins_heard):
    assert float(np.mean(list(built_ins_heard.values()))) >= BABBLE_FLOOR


def test_the_fallback_voices_are_understood_in_quiet(texts, clip_cache):
    """piper (the voice when Kokoro's files are missing) and espeak-ng (when no neural voice is installed): the
    floors sit under their measured recall in quiet (docs/voices.md) and catch a broken voice, variant or rate."""
    for spec, floor in ((speech.EngineSpec("piper"), 0.8), (speech.EngineSpec("pyttsx3"), 0.5)):
        clips = _clips(spec, texts[:8], clip_cache)
        assert float(np.mean([recall(t, heard(clips[t])) for t in texts[:8]])) >= floor, spec


def test_the_finished_mp3_still_says_what_the_plan_says(tmp_path, clip_cache):
    """Cut each planned cue out of the decoded MP3 and let the recogniser listen: the cues are there, at
    their planned times, and still understandable after levelling, limiting and MP3 encoding."""
    from conftest import DATA, decode

    options = pipeline_options.BuildOptions(length_s=120, output_dir=tmp_path, engine=DEFAULT,
                                    cache_dir=clip_cache, definition_paths=(DATA / "short.toml",))
    result = pipeline_routines.build("short", options)
    got = cues_heard(decode(result.path), result.timeline.events)
    # Misplaced cues score near 0, so 0.5 tells a working mix from a broken one.
    assert len(got) >= 5 and float(np.mean([score for _, score in got])) >= 0.5, got


def test_a_spoken_countdown_is_heard_in_the_mp3(tmp_path, clip_cache):
    """countdown = "spoken": the recogniser hears three, two, one in that order at the end of each hold in the
    finished MP3, each number on its own second (Kokoro runs "Three. Two. One." said as one text into 1.6 s)."""
    from conftest import decode

    from audioguide.model import HOLD
    routine = tmp_path / "plank.toml"
    routine.write_text('[exercises.plank]\ntitle = "Plank"\nreps = 2\ncount = "none"\n'
                       '[[exercises.plank.phases]]\ncue = "Hold a plank."\nhold = 8\ncountdown = "spoken"\n'
                       'release = "And rest."\n'
                       '[routines.plank-only]\ntitle = "Plank only"\nitems = [{ exercise = "plank" }]\n')
    options = pipeline_options.BuildOptions(length_s=45, output_dir=tmp_path / "out", engine=DEFAULT,
                                    cache_dir=clip_cache, definition_paths=(routine,))
    result = pipeline_routines.build("plank-only", options)
    audio = decode(result.path)
    for hold in (e for e in result.timeline.events if e.kind == HOLD):
        numbers = [e for e in result.timeline.events if e.kind == "speech" and hold.start < e.start < hold.end]
        assert [e.text for e in numbers] == ["Three.", "Two.", "One."]
        assert [round((hold.end - e.start) / SAMPLE_RATE) for e in numbers] == [3, 2, 1]
        stretch = audio[numbers[0].start - SAMPLE_RATE // 10:numbers[-1].end + SAMPLE_RATE // 10]
        got = iter(numbers_heard((np.clip(stretch, -1, 1) * 32767).astype(np.int16), up_to=3))
        assert all(number in got for number in ("three", "two", "one"))  # in this order, among what is heard


def test_the_default_voice_is_understood_in_noise_on_sentences_outside_the_library(clip_cache, noise):
    """Every fourth sentence of tests/data/clarity-sentences.txt, which the library was not tuned on, by the
    default voice in pink noise at 0 dB and in babble at 6 dB SNR. Kokoro renders the same samples every time,
    so the score repeats on one machine; the floors sit under the measured means (docs/voices.md)."""
    sample = sentences()[::4]
    assert len(sample) >= 16
    clips = _clips(DEFAULT, sample, clip_cache)
    for bed, snr, floor in (("pink", 0.0, PINK_FLOOR), ("babble", 6.0, BABBLE_FLOOR)):
        got = float(np.mean([recall(t, heard(clips[t], noise[bed], snr)) for t in sample]))
        assert got >= floor, (bed, got)


def test_cues_under_the_default_music_bed_keep_nine_tenths_of_their_recall(tmp_path, clip_cache):
    """A session built with a music bed at the default level and ducking; each cue cut out of the decoded MP3 at
    its planned place, against the same cue's clip heard without music. The control, the bed 10 dB louder than the
    voice and not ducked, must lose more than that: so the judge hears what music takes. Its cues are outside
    sentences the test above rendered, so little is rendered here."""
    from conftest import decode

    said = [t for t in sentences()[::4] if len(t.split()) >= 5]
    routine = tmp_path / "listen.toml"
    routine.write_text("".join(
        f'[exercises.part{i}]\ntitle = "Part {i + 1}"\nreps = 1\ncount = "none"\nsetup = {a!r}\n'
        f'[[exercises.part{i}.phases]]\ncue = {b!r}\nhold = {{ min_s = 2, default_s = 3, max_s = 30 }}\n'
        for i, (a, b) in enumerate(zip(said[::2], said[1::2])))
        + '[routines.listen]\ntitle = "Listen"\nintro = "Music check."\noutro = "Done."\nitems = ['
        + ", ".join(f'{{ exercise = "part{i}" }}' for i in range(len(said) // 2)) + "]\n")
    bed = music_bed(tmp_path / "bed.wav")

    def kept(name, **music):
        options = pipeline_options.BuildOptions(length_s=150, engine=DEFAULT, cache_dir=clip_cache, music=bed,
                                                output_dir=tmp_path / name, definition_paths=(routine,), **music)
        wet = pipeline_routines.build("listen", options)
        wet_scores = cues_heard(decode(wet.path), wet.timeline.events, min_words=5)
        clips = _clips(DEFAULT, [text for text, _ in wet_scores], clip_cache)  # from the cache: nothing new
        dry_scores = [recall(text, heard(clips[text])) for text, _ in wet_scores]
        assert len(dry_scores) >= 10
        return np.mean([s for _, s in wet_scores]) / np.mean(dry_scores)

    default, control = kept("default"), kept("control", music_level_db=10.0, music_duck_db=0.0)
    assert default >= 0.9 and control < 0.9 and control < default, (default, control)


def test_few_built_in_cues_are_lost_in_babble(built_ins_heard):
    """Cues, tips and intro of the built-in routine by the default voice in babble at 6 dB: at most one in
    eight loses half its words to tiny.en, which loses short commands to the talkers around them ("Arch, and
    look up." is "Our Chamber come"; base hears "Arch and look out"). The goal, none under 0.7 with base, is
    measured by scripts/voices (docs/voices.md lists the texts under it)."""
    assert len(built_ins_heard) >= 20
    lost = {t: round(r, 2) for t, r in built_ins_heard.items() if r < 0.5}
    assert len(lost) <= len(built_ins_heard) / 8, lost


# Recall of each language's default voice on its built-in cues in quiet, Whisper base told the language
# (docs/voices.md, scripts/languages): the goal is 0.9. German has no neural voice here and espeak-ng's German
# is heard far worse: its floor sits under what it measures, and the gap is the open part of issue 27.
LANGUAGE_FLOORS = {"es": 0.9, "fr": 0.9, "it": 0.9, "pt": 0.9, "de": 0.5}


@pytest.mark.parametrize("tag", sorted(LANGUAGE_FLOORS))
def test_each_language_is_understood_by_a_judge_told_the_language(tag, clip_cache):
    """A sample of each language's built-in cues, said by its default voice and heard by Whisper base told the
    language (numbers as words, each word by its sound: homophones are no loss), in quiet."""
    routine = definitions_loader.load_library(include_user=False).speaking(tag).routine("thoracic-mobility")
    sample = [*routine.intro[:2], *(item.exercise.phases[0].cue[0] for item in routine.items[:2])]
    clips = _clips(speech.EngineSpec("auto", language=tag), sample, clip_cache)
    scores = [recall(t, heard(clips[t], judge="base", language=tag), tag) for t in sample]
    assert float(np.mean(scores)) >= LANGUAGE_FLOORS[tag], dict(zip(sample, scores))
