"""The [programs.ID] tables of a file -> Program: weeks of sessions built from routines, growing week by week."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..errors import did_you_mean
from ..model import WEEKDAYS, Program, Routine, Weeks
from .bounds import MAX_ROUNDS
from .reader import Reader
from .where import join, kind, plain

PROGRAM_KEYS = ("title", "language", "description", "days", "intro", "rotate_order", "advance", "weeks")
ADVANCES = ("calendar", "practice")  # practice: a missed day does not skip a session
WEEK_KEYS = ("weeks", "routine", "exercises", "minutes", "rounds")
MAX_WEEKS = 52
MINUTES = (0.5, 240.0)


def read_program(reader: Reader, raw: dict, where: str, program_id: str, routines: dict[str, Routine],
                 broken_routines: set[str]) -> Program | None:
    """The program in raw, or None with every mistake reported on reader (with its key path and line)."""
    before = len(reader.errors)
    reader.check_keys(raw, PROGRAM_KEYS, where)
    rotate = raw.get("rotate_order", False)
    if not isinstance(rotate, bool):
        reader.fail(join(where, "rotate_order"), f"expected true or false, found {kind(rotate)}")
    tables = reader.table_list(raw, "weeks", where, required=True)
    weeks = [w for key, table in tables if (w := _weeks(reader, table, key, routines, broken_routines))]
    program = Program(
        id=program_id,
        title=reader.text(raw, "title", where, required=True),
        weeks=tuple(weeks),
        weekdays=_weekdays(reader, raw, where),
        description=reader.text(raw, "description", where),
        intro=reader.texts(raw, "intro", where),
        rotate_order=rotate is True,
        advance=reader.choice(raw, "advance", where, ADVANCES, ADVANCES[0]),
        language=reader.language,
    )
    if len(reader.errors) > before or len(weeks) < len(tables):
        return None  # the mistakes are reported (here, or on a routine that has its own)
    _check_coverage(reader, program, where)
    return program if len(reader.errors) == before else None


def _weekdays(reader: Reader, raw: dict, where: str) -> tuple[int, ...]:
    value, key = raw.get("days", "daily"), join(where, "days")
    if value == "daily":
        return tuple(range(7))
    names = value if isinstance(value, list) else None
    if not names or not all(isinstance(n, str) for n in names):
        reader.fail(key, f"expected \"daily\" or a list of weekdays ({', '.join(WEEKDAYS)}), found {kind(value)}")
        return tuple(range(7))
    days = []
    for i, name in enumerate(names):
        if name.lower()[:3] not in WEEKDAYS or len(name) < 3:
            reader.fail(f"{key}[{i}]", f"expected a weekday ({', '.join(WEEKDAYS)}), found {kind(name)}")
        elif WEEKDAYS.index(name.lower()[:3]) in days:
            reader.fail(f"{key}[{i}]", f"{name!r} is listed twice")
        else:
            days.append(WEEKDAYS.index(name.lower()[:3]))
    return tuple(sorted(days)) or tuple(range(7))


def _weeks(reader: Reader, raw: dict, where: str, routines: dict[str, Routine],
           broken_routines: set[str]) -> Weeks | None:
    before = len(reader.errors)
    reader.check_keys(raw, WEEK_KEYS, where)
    numbers = _week_numbers(reader, raw.get("weeks"), join(where, "weeks"))
    routine = _routine(reader, raw, where, routines, broken_routines)
    first, last = _minutes(reader, raw.get("minutes"), join(where, "minutes"))
    rounds = reader.number(raw, "rounds", where, 1, MAX_ROUNDS, integer=True)
    if len(reader.errors) > before or routine is None:
        return None
    return Weeks(numbers, routine, first, last, int(rounds) if rounds is not None else None)


def _week_numbers(reader: Reader, value: Any, key: str) -> tuple[int, ...]:
    values = [value] if isinstance(value, int) and not isinstance(value, bool) else value
    if value is None:
        reader.fail(key, "missing; expected a week number or a list of them, such as [2, 3]")
        return ()
    if not isinstance(values, list) or not values or not all(isinstance(v, int) and not isinstance(v, bool)
                                                              for v in values):
        reader.fail(key, f"expected a week number or a list of them, such as [2, 3], found {kind(value)}")
        return ()
    bad = [v for v in values if not 1 <= v <= MAX_WEEKS]
    if bad:
        reader.fail(key, f"weeks are numbered from 1 to {MAX_WEEKS}, found {bad[0]}")
        return ()
    return tuple(sorted(set(values)))


def _routine(reader: Reader, raw: dict, where: str, routines: dict[str, Routine],
             broken_routines: set[str]) -> Routine | None:
    name, key = raw.get("routine"), join(where, "routine")
    if not isinstance(name, str):
        reader.fail(key, "missing; expected a routine id" if name is None else f"expected a routine id, found {kind(name)}")
        return None
    if name not in routines:
        if name not in broken_routines:  # a routine with mistakes of its own has them reported already
            reader.fail(key, f"unknown routine {name!r}{did_you_mean(name, routines)}")
        return None
    routine = routines[name]
    if "exercises" not in raw:
        return routine
    wanted, ekey = raw["exercises"], join(where, "exercises")
    if not isinstance(wanted, list) or not wanted or not all(isinstance(w, str) for w in wanted):
        reader.fail(ekey, f"expected a non-empty list of exercise ids from {name!r}, found {kind(wanted)}")
        return None
    have = [item.exercise.id for item in routine.items]
    for i, ex_id in enumerate(wanted):
        if ex_id not in have:
            reader.fail(f"{ekey}[{i}]", f"{name!r} has no exercise {ex_id!r}{did_you_mean(ex_id, have)} "
                                        f"(it has: {', '.join(have)})")
            return None
    items = tuple(replace(item, optional=False) for item in routine.items if item.exercise.id in wanted)
    return replace(routine, items=items)


def _minutes(reader: Reader, value: Any, key: str) -> tuple[float, float]:
    lo, hi = MINUTES
    if value is None:
        reader.fail(key, "missing; expected minutes, such as 5 or { first = 5, last = 7 }")
        return lo, lo
    if isinstance(value, dict):
        reader.check_keys(value, ("first", "last"), key)
        first = reader.number(value, "first", key, lo, hi, required=True)
        last = reader.number(value, "last", key, lo, hi, required=True)
        if first is None or last is None:
            return lo, lo
        if last < first:
            reader.fail(join(key, "last"), f"must be >= first ({plain(first)}): sessions grow through a week, "
                                           f"found {plain(last)}")
        return first, last
    single = reader.number({"minutes": value}, "minutes", key.rsplit(".", 1)[0], lo, hi)
    return (single, single) if single is not None else (lo, lo)


def _check_coverage(reader: Reader, program: Program, where: str) -> None:
    """Every week from 1 to the last has exactly one set of rules."""
    seen: dict[int, int] = {}
    for index, rules in enumerate(program.weeks):
        for week in rules.weeks:
            if week in seen:
                reader.fail(f"{join(where, 'weeks')}[{index}].weeks",
                            f"week {week} already has rules (in weeks[{seen[week]}])")
            seen[week] = index
    missing = [w for w in range(1, program.n_weeks + 1) if w not in seen]
    if missing:
        reader.fail(join(where, "weeks"), f"week {missing[0]} has no rules (weeks run from 1 to "
                                          f"{program.n_weeks}; list each week once)")
