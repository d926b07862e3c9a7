import pytest

from audioguide import compiler
from audioguide.errors import LengthError
from audioguide.model import HOLD, SAMPLE_RATE, SOUND_KINDS, SPEECH

from conftest import FakeDurations


@pytest.fixture
def thoracic(library):
    return library.routine("thoracic-mobility")


@pytest.mark.parametrize("minutes", [5, 7.25, 10, 12.5, 20, 45])
def test_duration_is_exact(thoracic, minutes):
    timeline = compiler.compile(thoracic, minutes * 60, FakeDurations())
    assert timeline.n_samples == round(minutes * 60 * SAMPLE_RATE)
    assert timeline.chapters[-1].end == timeline.n_samples
    assert max(e.end for e in timeline.events) <= timeline.n_samples
    tail = timeline.n_samples - max(e.end for e in timeline.events)
    assert tail <= 2 * SAMPLE_RATE


@pytest.mark.parametrize("minutes", [5, 10, 20])
def test_speech_and_sounds_never_overlap(thoracic, minutes):
    timeline = compiler.compile(thoracic, minutes * 60, FakeDurations())
    audible = sorted((e for e in timeline.events if e.kind in (SPEECH, *SOUND_KINDS)), key=lambda e: e.start)
    for a, b in zip(audible, audible[1:]):
        assert a.end <= b.start, f"{a} overlaps {b}"


def test_chapters_are_contiguous_and_cover_every_exercise(thoracic):
    timeline = compiler.compile(thoracic, 600, FakeDurations())
    titles = [c.title for c in timeline.chapters]
    assert titles == ["Intro", *[i.exercise.title for i in thoracic.items], "Outro"]
    assert timeline.chapters[0].start == 0
    for a, b in zip(timeline.chapters, timeline.chapters[1:]):
        assert a.end == b.start and a.start < a.end


def test_every_hold_has_start_and_end_beeps(thoracic):
    timeline = compiler.compile(thoracic, 600, FakeDurations())
    starts = {e.start for e in timeline.events if e.kind == "hold_start"}
    ends = {e.start for e in timeline.events if e.kind == "hold_end"}
    holds = [e for e in timeline.events if e.kind == HOLD]
    assert holds
    for hold in holds:
        assert hold.start in starts and hold.end in ends


def test_a_cue_announcing_a_hold_ends_before_it(thoracic):
    timeline = compiler.compile(thoracic, 600, FakeDurations())
    speech = [e for e in timeline.events if e.kind == SPEECH]
    for hold in (e for e in timeline.events if e.kind == HOLD):
        before = [s for s in speech if s.start < hold.start]
        assert before[-1].end <= hold.start


def test_short_sessions_drop_the_optional_item_long_ones_add_rounds(thoracic):
    short = compiler.compile(thoracic, 4.5 * 60, FakeDurations())
    assert "Spinal elongation" not in [c.title for c in short.chapters]
    full = compiler.compile(thoracic, 10 * 60, FakeDurations())
    assert "Spinal elongation" in [c.title for c in full.chapters]
    long = compiler.compile(thoracic, 45 * 60, FakeDurations())
    assert any(c.title.startswith("Round 2: ") for c in long.chapters)


def test_both_sides_get_the_same_reps(thoracic):
    timeline = compiler.compile(thoracic, 600, FakeDurations())
    chapter = [c.title for c in timeline.chapters].index("Thread the needle")
    events = [e for e in timeline.events if e.chapter == chapter]
    switch = next(e for e in events if e.text and e.text.startswith("Switch sides"))
    reps_before = sum(1 for e in events if e.kind == "rep" and e.start < switch.start)
    reps_after = sum(1 for e in events if e.kind == "rep" and e.start > switch.start)
    assert reps_before == reps_after > 0


def test_too_short_and_too_long_name_the_bound(thoracic):
    low, high = compiler.feasible_range_s(thoracic, FakeDurations())
    with pytest.raises(LengthError, match=r"thoracic-mobility needs at least [\d.]+ minutes, asked for 1"):
        compiler.compile(thoracic, 60, FakeDurations())
    with pytest.raises(LengthError, match=r"thoracic-mobility lasts at most [\d.]+ minutes"):
        compiler.compile(thoracic, high + 120, FakeDurations())
    assert compiler.compile(thoracic, low + 0.01, FakeDurations()).n_samples == round((low + 0.01) * SAMPLE_RATE)


def test_unmeasured_texts_are_reported_then_measured(thoracic):
    first = compiler.compile(thoracic, 600, {})
    assert set(first.texts()) <= first.unmeasured
    measured = FakeDurations()
    durations = {t: measured[t] for t in first.unmeasured}
    for _ in range(5):
        again = compiler.compile(thoracic, 600, durations)
        if not again.unmeasured:
            break
        durations.update({t: measured[t] for t in again.unmeasured})
    assert not again.unmeasured
    assert again == compiler.compile(thoracic, 600, FakeDurations())


@pytest.mark.parametrize("text, seconds", [("10", 600), ("12.5", 750), ("12m30s", 750), ("45s", 45),
                                           ("1h5m", 3900), (" 3m ", 180)])
def test_parse_length(text, seconds):
    assert compiler.parse_length(text) == seconds


@pytest.mark.parametrize("text", ["", "abc", "-3", "0", "12x", "nan", "5h"])
def test_parse_length_refuses(text):
    with pytest.raises(LengthError, match="length: "):
        compiler.parse_length(text)
