"""Any length for any routine: shorter than the whole routine, a session keeps the exercises that fit (by
priority, then order) and says so; longer than the routine's own rounds, it says the routine again, up to four
hours. Pure: speech lengths come from the fake durations."""

from dataclasses import replace

import pytest
from conftest import FakeDurations, fake_durations

from audioguide import compiler, language
from audioguide.compiler.fitting import MAX_LENGTH_S
from audioguide.errors import LengthError
from audioguide.model import SAMPLE_RATE, SPEECH

LENGTHS_MIN = (3, 4, 5, 20, 45, 60)


def _exercises_said(timeline) -> list[str]:
    return [c.title.split(": ", 1)[-1] for c in timeline.chapters if c.title not in ("Intro", "Outro")]


@pytest.mark.parametrize("minutes", LENGTHS_MIN)
def test_every_built_in_routine_fills_common_lengths_to_the_sample(library, minutes):
    for routine in library.routines.values():
        timeline = compiler.plan(routine, minutes * 60, fake_durations)
        assert timeline.n_samples == minutes * 60 * SAMPLE_RATE, (routine.id, minutes)
        said = _exercises_said(timeline)
        assert said, (routine.id, minutes)
        holding = [e.text for e in timeline.events if e.kind == SPEECH and e.text.startswith("Today: ")]
        kept = len(dict.fromkeys(said))
        if kept < len(routine.items):  # what it holds is said, in words, and the count the cues give agrees
            assert holding == [f"Today: {language.number(kept)} of the "
                               f"{language.number(len(routine.items))} exercises."], (routine.id, minutes)
            assert any(f"of {kept}:" in (e.text or "") for e in timeline.events), (routine.id, minutes)
        else:
            assert holding == [], (routine.id, minutes)


def test_a_short_session_keeps_the_first_exercises_and_drops_the_optional_first(library):
    routine = library.routine("thoracic-mobility")
    low, _ = compiler.length_range(routine, fake_durations)
    shortest = compiler.plan(routine, low, fake_durations)
    assert _exercises_said(shortest) == [routine.items[0].exercise.title]
    steps = compiler.keeping(routine, fake_durations)
    assert [len(kept) for _, kept in steps] == list(range(1, len(routine.items) + 1))
    assert [s for s, _ in steps] == sorted(s for s, _ in steps) and steps[0][0] == pytest.approx(low)
    optional = next(item.exercise.title for item in routine.items if item.optional)
    assert all(optional not in kept for _, kept in steps[:-1])  # the optional item is the last one brought in
    for seconds, kept in steps:  # each length given keeps exactly what it says
        assert tuple(dict.fromkeys(_exercises_said(compiler.plan(routine, seconds + 1, fake_durations)))) == kept


def test_priority_decides_what_a_short_session_keeps(library):
    routine = library.routine("thoracic-mobility")
    last = len(routine.items) - 1
    favoured = replace(routine, items=tuple(replace(item, priority=5 if i == last else 0)
                                            for i, item in enumerate(routine.items)))
    low, _ = compiler.length_range(favoured, fake_durations)
    assert _exercises_said(compiler.plan(favoured, low, fake_durations)) == [routine.items[last].exercise.title]


def test_longer_than_its_rounds_the_routine_is_said_again_up_to_four_hours(library):
    routine = library.routine("desk-reset")
    own_longest = compiler.fitting.Layouts(routine, FakeDurations()).bounds()[1].duration_s
    timeline = compiler.plan(routine, 3 * own_longest, fake_durations)
    rounds = sum(1 for c in timeline.chapters if c.title.startswith("Round ")) // len(routine.items)
    assert rounds > routine.rounds.max and timeline.n_samples == round(3 * own_longest * SAMPLE_RATE)
    assert compiler.length_range(routine, fake_durations)[1] == MAX_LENGTH_S
    assert compiler.plan(routine, MAX_LENGTH_S, fake_durations).n_samples == MAX_LENGTH_S * SAMPLE_RATE
    with pytest.raises(LengthError, match=r"^a session lasts at most 240 minutes, asked for 241$"):
        compiler.plan(routine, MAX_LENGTH_S + 60, fake_durations)


def test_a_program_rotates_which_exercises_its_short_sessions_leave_out(library):
    routine = library.routine("thoracic-mobility")
    shortest = [compiler.fitting.Layouts(routine, FakeDurations(), turn=turn).bounds()[0].duration_s
                for turn in range(4)]
    kept = []
    for turn in range(4):  # each a week's first session (fitted freely), as a program's new weeks are
        fitted = compiler.plan_series([(routine, max(shortest) + 1, 1, turn)], fake_durations)[0]
        kept.append(tuple(dict.fromkeys(_exercises_said(fitted.timeline))))
    assert all(len(k) < len(routine.items) for k in kept)
    assert len({k[0] for k in kept}) == 4  # a different exercise leads each time: each gets its turn
