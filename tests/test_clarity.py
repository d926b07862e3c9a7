"""Is the speech understandable where people exercise? An independent recogniser (Whisper tiny.en, tests/clarity.py)
transcribes rendered cues in quiet, in pink noise and in the babble of six talkers; the figures of docs/voices.md
come from the same judge's base model over every voice (scripts/voices). This file judges the built-in texts
and languages clip by clip; tests/test_clarity_mixed.py judges new sentences and the finished, mixed MP3."""

import numpy as np
import pytest
from clarity import BABBLE_FLOOR, DEFAULT, cue_texts, heard, noises, recall, rendered

from audioguide import speech
from audioguide.definitions import loader as definitions_loader
from audioguide.model import SAMPLE_RATE
from audioguide.speech import kokoro

pytestmark = [pytest.mark.slow, pytest.mark.voice,
              pytest.mark.skipif(not kokoro.available(), reason="Kokoro is not installed (scripts/setup installs it)")]

@pytest.fixture(scope="module")
def noise(clip_cache):
    return noises(clip_cache)


@pytest.fixture(scope="module")
def texts():
    return cue_texts(definitions_loader.load_library(include_user=False).routine("thoracic-mobility"))


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
    """Every third cue, tip and intro of the built-in routine (every built-in text: scripts/voices) said by the default
    voice, and the share of its words the recogniser hears in six-talker babble at 6 dB SNR."""
    sample = texts[::3]
    clips = rendered(DEFAULT, sample, clip_cache)
    return {t: recall(t, heard(clips[t], noise["babble"], 6.0)) for t in sample}


def test_the_default_voice_is_understood_in_babble(built_ins_heard):
    assert float(np.mean(list(built_ins_heard.values()))) >= BABBLE_FLOOR


def test_the_fallback_voices_are_understood_in_quiet(texts, clip_cache):
    """piper (the voice when Kokoro's files are missing) and espeak-ng (when no neural voice is installed): the
    floors sit under their measured recall in quiet (docs/voices.md) and catch a broken voice, variant or rate."""
    for spec, floor in ((speech.EngineSpec("piper"), 0.8), (speech.EngineSpec("pyttsx3"), 0.5)):
        clips = rendered(spec, texts[:8], clip_cache)
        assert float(np.mean([recall(t, heard(clips[t])) for t in texts[:8]])) >= floor, spec


def test_few_built_in_cues_are_lost_in_babble(built_ins_heard):
    """Cues, tips and intro of the built-in routine by the default voice in babble at 6 dB: at most one in
    eight loses half its words to tiny.en, which loses short commands to the talkers around them ("Arch, and
    look up." is "Our Chamber come"; base hears "Arch and look out"). The goal, none under 0.7 with base, is
    measured by scripts/voices (docs/voices.md lists the texts under it)."""
    assert len(built_ins_heard) >= 20
    lost = {t: round(r, 2) for t, r in built_ins_heard.items() if r < 0.5}
    assert len(lost) <= len(built_ins_heard) / 8, lost


# Recall of each language's default voice on its built-in cues in quiet, Whisper base told the language
# (docs/voices.md, scripts/languages): the goal is 0.9. German has no neural voice here: its default is espeak-ng
# with MBROLA's de6 diphones (the test set-up installs them), 0.875 on this sample (espeak-ng's own German 0.617);
# its floor sits under what it measures, and the gap to 0.9 is the open part of issue 27.
LANGUAGE_FLOORS = {"es": 0.9, "fr": 0.9, "it": 0.9, "pt": 0.9, "de": 0.8}


@pytest.mark.parametrize("tag", sorted(LANGUAGE_FLOORS))
def test_each_language_is_understood_by_a_judge_told_the_language(tag, clip_cache):
    """A sample of each language's built-in cues, said by its default voice and heard by Whisper base told the
    language (numbers as words, each word by its sound: homophones are no loss), in quiet."""
    routine = definitions_loader.load_library(include_user=False).speaking(tag).routine("thoracic-mobility")
    sample = [*routine.intro[:2], *(item.exercise.phases[0].cue[0] for item in routine.items[:2])]
    clips = rendered(speech.EngineSpec("auto", language=tag), sample, clip_cache)
    scores = [recall(t, heard(clips[t], judge="base", language=tag), tag) for t in sample]
    assert float(np.mean(scores)) >= LANGUAGE_FLOORS[tag], dict(zip(sample, scores))
