"""Pacing: cues, holds, counts and count-downs land where a person moving at the planned tempo expects them."""

from dataclasses import replace

import pytest
from conftest import FakeDurations, fake_durations

from audioguide import compiler
from audioguide.compiler.holds import SHORT_GAP_S
from audioguide.model import HOLD, SAMPLE_RATE, SPEECH, Exercise, Item, Phase, Range, Routine


def _hold_routine(countdown=3, spoken=True, hold=Range(8, 10, 12)):
    phase = Phase("hold", ("Hold it there.",), 2.0, hold, ("hold_start", "hold_end"), countdown,
                  release=("And release.",), countdown_spoken=spoken)
    exercise = Exercise("timed", "Timed", (phase,), reps=Range(2, 2, 2), count="none")
    return Routine("r", "R", (Item(exercise),))


def _spoken_countdowns(timeline):
    holds = [e for e in timeline.events if e.kind == HOLD]
    said = [e for e in timeline.events if e.kind == SPEECH]
    return [(hold, [e for e in said if hold.start < e.start < hold.end]) for hold in holds]


def test_a_spoken_countdown_says_each_number_on_its_second():
    timeline = compiler.compile_timeline(_hold_routine(), 45, FakeDurations())
    for hold, inside in _spoken_countdowns(timeline):
        assert [e.text for e in inside] == ["Three.", "Two.", "One."]
        assert [hold.end - e.start for e in inside] == [3 * SAMPLE_RATE, 2 * SAMPLE_RATE, SAMPLE_RATE]
        assert not [e for e in timeline.events if e.kind == "tick" and hold.start <= e.start < hold.end]


def test_a_slow_voice_spaces_the_numbers_out_and_still_ends_with_the_hold():
    class Slow(dict):  # every number takes 1.3 s to say
        def __contains__(self, text):
            return True

        def __getitem__(self, text):
            return round(1.3 * SAMPLE_RATE) if text in ("Three.", "Two.", "One.") else fake_durations([text])[text]

    timeline = compiler.compile_timeline(_hold_routine(hold=Range(10, 10, 12)), 45, Slow())
    for hold, inside in _spoken_countdowns(timeline):
        assert [e.text for e in inside] == ["Three.", "Two.", "One."]
        for a, b in zip(inside, inside[1:]):
            assert b.start - a.end >= round(SHORT_GAP_S * SAMPLE_RATE) - 1  # never overlapping, a breath between
        assert inside[-1].end <= hold.end


def test_ticks_stay_ticks():
    timeline = compiler.compile_timeline(_hold_routine(spoken=False), 45, FakeDurations())
    for hold, inside in _spoken_countdowns(timeline):
        assert inside == []
        ticks = [e.start for e in timeline.events if e.kind == "tick" and hold.start <= e.start < hold.end]
        assert [hold.end - t for t in ticks] == [3 * SAMPLE_RATE, 2 * SAMPLE_RATE, SAMPLE_RATE]


@pytest.mark.parametrize("minutes", [5, 10, 20])
def test_every_movement_gets_its_time_and_no_more_waiting_than_the_cue(library, minutes):
    """A hold (or the next phase) starts move_s after the cue that asks for the movement began, or just after
    that cue ends when the cue is longer: never sooner (the person is still moving), never idly later."""
    routine = library.routine("thoracic-mobility")
    timeline = compiler.compile_timeline(routine, minutes * 60, FakeDurations())
    move = {item.exercise.title: p.move_s for item in routine.items for p in item.exercise.phases if p.hold_s}
    said = [e for e in timeline.events if e.kind == SPEECH]
    checked = 0
    for hold in (e for e in timeline.events if e.kind == HOLD):
        title = timeline.chapters[hold.chapter].title.split(": ", 1)[-1]  # "Round 2: Cat cow" -> "Cat cow"
        cue = max((e for e in said if e.end <= hold.start), key=lambda e: e.end)  # the cue that asks for it
        earliest = cue.start + round(move[title] * SAMPLE_RATE)
        assert hold.start >= earliest
        assert hold.start <= max(earliest, cue.end + round(SHORT_GAP_S * SAMPLE_RATE)) + 1
        checked += 1
    assert checked >= 5


def test_a_rep_count_comes_once_the_rep_is_done(library):
    """Counted reps: the number is said after the rep's last movement, before the next rep's first cue."""
    routine = library.routine("thoracic-mobility")
    first = routine.items[0].exercise
    counted = replace(routine, items=(replace(routine.items[0], exercise=replace(first, count="spoken")),))
    timeline = compiler.compile_timeline(counted, compiler.length_range(counted, lambda t: fake_durations(t))[0] + 30,
                                FakeDurations())
    last_phase = first.phases[-1]
    said = [e for e in timeline.events if e.kind == SPEECH]
    numbers = [e for e in said if e.text.isdigit()]
    assert [int(e.text) for e in numbers[:3]] == [1, 2, 3]
    for number in numbers:
        cue = max((e for e in said if e.end <= number.start and e.text in last_phase.cue), key=lambda e: e.start)
        assert number.start >= cue.start + round(last_phase.move_s * SAMPLE_RATE)
