"""Streaks from the days practised, the followed program's rest days not breaking them; minutes per ISO week."""

import datetime as dt

from audioguide.practice.streaks import minutes_by_week, streaks

D = dt.date(2026, 12, 7)  # a Monday


def days(*offsets):
    return [D + dt.timedelta(days=o) for o in offsets]


def test_a_streak_counts_days_in_a_row_and_today_not_done_yet_does_not_break_it():
    assert streaks([], D) == (0, 0)
    assert streaks(days(0), D) == (1, 1)
    assert streaks(days(-2, -1), D) == (2, 2)            # today still to do
    assert streaks(days(-3, -1), D) == (1, 1)            # a missed day breaks it
    assert streaks(days(-6, -5, -4, -1, 0), D) == (2, 3)  # the longest is kept


def test_rest_days_of_the_program_neither_break_nor_count():
    rest = frozenset(days(-2))
    assert streaks(days(-3, -1, 0), D, rest) == (3, 3)
    assert streaks(days(-3, -1, 0), D) == (2, 2)


def test_minutes_are_summed_per_iso_week():
    played = [(D, 300.0), (D + dt.timedelta(days=6), 420.0), (D + dt.timedelta(days=7), 60.0), (D, 30.0)]
    assert minutes_by_week(played) == {"2026-W50": 12.5, "2026-W51": 1.0}
