"""The script a listener hears, checked over every built-in routine and program day at many lengths (quick:
speech lengths are the fake durations), and the checker shown to catch each seam when it is put back."""

import datetime as dt
from dataclasses import replace

import pytest
from conftest import fake_durations
from script_check import faults

from audioguide import compiler
from audioguide.compiler import holds, layout
from audioguide.model import HOLD, SAMPLE_RATE, SPEECH
from audioguide.schedule import sessions

LENGTHS_MIN = (3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60)


@pytest.mark.parametrize("minutes", LENGTHS_MIN)
def test_every_built_in_routine_reads_as_a_coach_would_say_it(library, minutes):
    found = []
    for routine in library.routines.values():
        found += faults(routine, compiler.plan(routine, minutes * 60, fake_durations, seed=minutes))
    assert not found, "\n".join(found)


def test_every_day_of_the_built_in_program_reads_well(library):
    found = []
    for program in library.programs.values():
        for session in sessions(program, dt.date(2026, 1, 5)):
            timeline = compiler.plan(session.routine, session.length_s, fake_durations, session.seed)
            found += [f"day {session.day}: {f}" for f in faults(session.routine, timeline)]
    assert not found, "\n".join(found)


# -- each seam put back is caught --------------------------------------------------------------------

def _thoracic(library, minutes=10):
    routine = library.routine("thoracic-mobility")
    return routine, compiler.plan(routine, minutes * 60, fake_durations)


def test_a_switch_of_sides_with_no_time_is_caught(library, monkeypatch):
    monkeypatch.setattr(layout, "SIDE_CHANGE_S", 0.0)
    assert any("no time to change sides" in f for f in faults(*_thoracic(library)))


def test_no_time_to_get_into_position_is_caught(library, monkeypatch):
    monkeypatch.setattr(layout, "POSITION_CHANGE_S", 0.0)
    assert any("no time to get into position" in f for f in faults(*_thoracic(library)))


def test_events_out_of_time_order_are_caught(library):
    routine, timeline = _thoracic(library)
    shuffled = replace(timeline, events=(timeline.events[5], *timeline.events[:5], *timeline.events[6:]))
    assert any("out of time order" in f for f in faults(routine, shuffled))


def _one_reminder_every(library, every_s):
    routine = library.routine("desk-reset")
    elongation = next(i.exercise for i in routine.items if i.exercise.id == "spinal-elongation")
    phase = elongation.phases[0]
    every = next(r for r in phase.reminders if r.every_s)
    repeated = replace(phase, reminders=(replace(every, every_s=every_s, text=(every.text[0],)),))
    return replace(routine, items=(replace(routine.items[0], exercise=replace(elongation, phases=(repeated,))),))


def test_a_reminder_is_never_said_twice_in_one_hold_and_reminders_keep_their_distance(library):
    routine = _one_reminder_every(library, 5.0)
    timeline = compiler.plan(routine, 240, fake_durations)
    for hold in (e for e in timeline.events if e.kind == HOLD):
        said = [e for e in timeline.events if e.kind == SPEECH and hold.start <= e.start < hold.end
                and e.text not in ("Three.", "Two.", "One.")]
        assert len({e.text for e in said}) == len(said)
        assert all((b.start - a.end) / SAMPLE_RATE >= holds.REMINDER_SPACING_S for a, b in zip(said, said[1:]))


def test_a_reminder_twice_in_one_hold_is_caught(library):
    routine = _one_reminder_every(library, 5.0)
    timeline = compiler.plan(routine, 240, fake_durations)
    hold = next(e for e in timeline.events if e.kind == HOLD)
    reminder = next(e for e in timeline.events if e.kind == SPEECH and hold.start <= e.start < hold.end)
    again = replace(reminder, start=reminder.end + SAMPLE_RATE, end=2 * reminder.end - reminder.start + SAMPLE_RATE)
    doubled = replace(timeline, events=tuple(sorted((*timeline.events, again), key=lambda e: e.start)))
    assert any("said twice in one hold" in f for f in faults(routine, doubled))


def test_a_posture_word_of_another_body_position_is_caught(library):
    routine = library.routine("desk-reset")
    seated = next(i for i in routine.items if i.exercise.posture == "seated")
    phase = seated.exercise.phases[0]
    standing = replace(phase, cue=tuple(f"{c} Keep standing tall." for c in phase.cue))
    bad = replace(routine, items=(replace(seated, exercise=replace(seated.exercise, phases=(standing,
                                                                                       *seated.exercise.phases[1:]))),))
    assert any("says 'standing'" in f for f in faults(bad, compiler.plan(bad, 180, fake_durations)))


def test_an_intro_that_promises_every_exercise_in_a_short_session_is_caught(library):
    routine = library.routine("thoracic-mobility")
    promising = replace(routine, intro=("These five exercises loosen your upper back.", *routine.intro[1:]))
    low, _ = compiler.length_range(promising, fake_durations)
    assert any("promises 5 exercises" in f for f in faults(promising, compiler.plan(promising, low, fake_durations)))


def test_a_short_session_that_never_says_what_it_holds_is_caught(library, monkeypatch):
    routine = library.routine("thoracic-mobility")
    low, _ = compiler.length_range(routine, fake_durations)
    timeline = compiler.plan(routine, low, fake_durations)
    silent = replace(timeline, events=tuple(e for e in timeline.events
                                            if not (e.kind == SPEECH and e.text.startswith("Today: "))))
    assert any("never says so" in f for f in faults(routine, silent))


def test_a_count_under_speech_is_caught(library):
    routine, timeline = _thoracic(library)
    said = next(e for e in timeline.events if e.kind == SPEECH)
    tick = replace(next(e for e in timeline.events if e.kind in ("tick", "rep")), start=said.start, end=said.start + 100)
    crowded = replace(timeline, events=tuple(sorted((*timeline.events, tick), key=lambda e: e.start)))
    assert any(" under " in f and f.split(": a ")[1].startswith(tick.kind) for f in faults(routine, crowded))
