"""Programs: the calendar (pure), and planning its sessions week by week with fake speech lengths."""

import datetime as dt
import os

import pytest
from conftest import fake_durations
from hypothesis import given, settings
from hypothesis import strategies as st

from audioguide import compiler, schedule
from audioguide.definitions import loader as definitions_loader
from audioguide.model import SAMPLE_RATE
from audioguide.pipeline.programs import plan_sessions

START = dt.date(2026, 12, 1)  # a Tuesday


@pytest.fixture(scope="module")
def builtin():
    return definitions_loader.load_library(include_user=False).program("thoracic-four-weeks")


def test_the_builtin_program_grows_from_two_exercises_to_the_whole_routine(builtin):
    first, last = builtin.rules(1), builtin.rules(builtin.n_weeks)
    assert builtin.n_weeks == 4 and first.routine.id == "desk-reset"
    assert [i.exercise.id for i in first.routine.items] == ["spinal-elongation", "seated-y-raise"]
    assert first.last_minutes <= 5 and last.first_minutes >= 8
    assert len(last.routine.items) == 5
    sizes = [len(builtin.rules(w).routine.items) for w in range(1, 5)]
    assert sizes == sorted(sizes) and sizes[0] <= 2
    assert any("habit" in line.lower() or "already do" in line for line in builtin.intro)
    assert any("consisten" in line.lower() for line in builtin.intro)


def test_calendar_dates_day_numbers_weeks_and_rest_days(builtin):
    days = schedule.calendar(builtin, START)
    assert len(days) == 28 and days[0][:2] == (1, START) and days[-1][1] == START + dt.timedelta(days=27)
    rest = [d for d, date, s in days if s is None]
    assert rest == [6, 13, 20, 27]  # Sundays
    assert all(date.weekday() == 6 for d, date, s in days if s is None)
    found = schedule.sessions(builtin, START)
    assert [s.number for s in found] == list(range(1, 25))
    assert [s.week for s in found] == [1] * 6 + [2] * 6 + [3] * 6 + [4] * 6
    assert found[2].title(found[2].length_s) == "Day 3 - Desk reset (3m30s)"
    assert found[0].file_stem() == "thoracic-four-weeks-day01"


def test_minutes_grow_through_each_week_and_the_seed_is_the_days(builtin):
    found = schedule.sessions(builtin, START)
    for week in range(1, 5):
        minutes = [s.length_s / 60 for s in found if s.week == week]
        assert minutes == sorted(minutes) and minutes[0] == builtin.rules(week).first_minutes
        assert minutes[-1] == builtin.rules(week).last_minutes
    assert len({s.seed for s in found}) == len(found)
    assert schedule.sessions(builtin, START) == found  # the same dates give the same sessions


def test_the_intro_is_never_the_same_two_sessions_running(builtin):
    advice = [s.routine.intro[1] for s in schedule.sessions(builtin, START)]
    assert all(a != b for a, b in zip(advice, advice[1:]))
    assert set(advice) == set(builtin.intro)
    assert schedule.sessions(builtin, START)[4].routine.intro[0] == "Day 5 of 28."


def test_rotate_order_turns_the_exercises_each_session(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text('[programs.turns]\ntitle = "Turns"\nrotate_order = true\n'
                    '[[programs.turns.weeks]]\nweeks = 1\nroutine = "thoracic-mobility"\nminutes = 8\n')
    program = definitions_loader.load_library([path], include_user=False).program("turns")
    orders = [[i.exercise.id for i in s.routine.items] for s in schedule.sessions(program, START)[:3]]
    assert orders[1] == orders[0][1:] + orders[0][:1] and orders[2] == orders[1][1:] + orders[1][:1]
    assert all(not i.optional for s in schedule.sessions(program, START) for i in s.routine.items)


# -- any program: sessions in bounds, nothing taken back within a week, rest days empty ----------------------

WEEKDAY_NAMES = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
CHOICES = {"thoracic-mobility": ["y-lift-off", "foam-roll-extension", "spinal-elongation", "cat-cow",
                                 "thread-the-needle"],
           "desk-reset": ["spinal-elongation", "seated-y-raise"]}


@st.composite
def program_files(draw):
    n_weeks = draw(st.integers(1, 3))
    days = draw(st.one_of(st.just('"daily"'), st.lists(st.sampled_from(WEEKDAY_NAMES), min_size=1, max_size=7,
                                                         unique=True).map(lambda d: str(d).replace("'", '"'))))
    lines = ['[programs.random]', 'title = "Random"', f"days = {days}",
             f"rotate_order = {str(draw(st.booleans())).lower()}", 'intro = ["Keep going.", "Well done."]']
    for week in range(1, n_weeks + 1):
        routine = draw(st.sampled_from(sorted(CHOICES)))
        chosen = draw(st.lists(st.sampled_from(CHOICES[routine]), min_size=1, unique=True))
        first = draw(st.integers(4, 12))
        last = first + draw(st.integers(0, 4))
        lines += ["[[programs.random.weeks]]", f"weeks = {week}", f'routine = "{routine}"',
                  f"exercises = {str(chosen).replace(chr(39), chr(34))}",
                  f"minutes = {{ first = {first}, last = {last} }}"]
    return "\n".join(lines) + "\n"


@settings(max_examples=500 if os.environ.get("HYPOTHESIS_PROFILE") == "thorough" else 10)
@given(text=program_files(), start=st.dates(dt.date(2026, 1, 1), dt.date(2027, 12, 31)))
def test_any_program_keeps_its_promises(tmp_path_factory, text, start):
    path = tmp_path_factory.mktemp("programs") / "random.toml"
    path.write_text(text)
    program = definitions_loader.load_library([path], include_user=False).program("random")
    days = schedule.calendar(program, start)
    for _, date, session in days:  # rest days are exactly the days not listed, and have no session
        assert (session is None) == (date.weekday() not in program.weekdays)
    found = [s for _, _, s in days if s is not None]
    planned = plan_sessions(found, fake_durations)
    for week in sorted({s.week for s in found}):
        series = [(s, planned[s.number]) for s in found if s.week == week]
        ok = [(s, f) for s, f in series if isinstance(f, compiler.Fitted)]
        for s, fitted in ok:  # in bounds: exact length unless a day kept an earlier day's amounts
            n, asked = fitted.timeline.n_samples, round(s.length_s * SAMPLE_RATE)
            assert n == asked or (n > asked and s.nth_in_week > 0)
            for item in s.routine.items:
                got = compiler.amounts(item.exercise, fitted.level)
                assert item.exercise.reps.min <= got.reps <= item.exercise.reps.max
        for (_, fa), (b, fb) in zip(ok, ok[1:]):  # never less than the day before, within the week
            assert fb.rounds == fa.rounds
            for item in b.routine.items:
                x, y = compiler.amounts(item.exercise, fa.level), compiler.amounts(item.exercise, fb.level)
                assert y.reps >= x.reps and y.sets >= x.sets
                assert all(h2 >= h1 for h1, h2 in zip(x.holds_s, y.holds_s))


def test_what_grew_since_the_session_before_is_said_in_words(builtin):
    found = schedule.sessions(builtin, dt.date(2026, 11, 30))  # a Monday
    by_day = {s.day: s for s in found}
    assert schedule.grew(None, by_day[1]) == ""                              # the first session
    assert schedule.grew(by_day[1], by_day[2]) == ""                         # the same again
    assert schedule.grew(by_day[2], by_day[3]) == "Half a minute longer than last time (3.5 minutes, was 3)."
    assert schedule.grew(by_day[6], by_day[8]) == ("A minute longer than last time (5 minutes, was 4). "
                                                   "New: Y lift off against wall, Cat cow.")
    assert schedule.grew(by_day[8], by_day[6]).startswith("A minute shorter")
