"""Streaks and weekly minutes from the days practised. A day the followed program rests does not break a streak
(nor count in it); today not done yet does not break it either: it is still today."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

ONE_DAY = dt.timedelta(days=1)


def streaks(done: Iterable[dt.date], today: dt.date, rest_days: frozenset[dt.date] = frozenset()) -> tuple[int, int]:
    """(current streak, longest streak) in days practised."""
    days = set(done)
    if not days:
        return 0, 0
    longest, run = 0, 0
    day = min(days)
    while day <= today:
        if day in days:
            run += 1
        elif day not in rest_days and day != today:
            run = 0
        longest = max(longest, run)
        day += ONE_DAY
    return run, longest


def minutes_by_week(played: Iterable[tuple[dt.date, float]]) -> dict[str, float]:
    """Minutes played in each ISO week ("2026-W49"), in order."""
    weeks: dict[str, float] = {}
    for day, seconds in sorted(played):
        year, week, _ = day.isocalendar()
        key = f"{year}-W{week:02d}"
        weeks[key] = weeks.get(key, 0.0) + seconds / 60
    return {k: round(v, 1) for k, v in weeks.items()}
