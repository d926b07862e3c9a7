"""Planning with measured speech: compile, measure what the plan says, compile again until nothing moves.

The compiler stays pure: measure is passed in (the pipeline hands it the speech stage's clip lengths). A plan is
laid out from the lengths measured so far and an estimate for the rest; only the texts the plan actually says
are measured (a cold build renders little it will not use), and it is laid out again until every text it says
has been measured. The estimate is fitted to what was measured (chars to samples), so a plan depends only on
the routine, the length, the seed and the voice: never on what a cache happens to hold.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

from .. import times
from ..errors import LengthError, PlanError
from ..model import Routine, Timeline
from .fitting import MAX_LENGTH_S, SEARCH_STEPS, Fitted, Layouts, configs
from .layout import amounts

MAX_PASSES = 12
EARLY_MARGIN = 0.75  # refused before any speech when under this share of the estimated shortest session
MIN_FIT = 8        # measured texts needed before the estimate is fitted to them

# measure(texts) -> {text: length in samples} for every text given that it can measure: one that renders nothing
# (estimating) leaves out the texts it does not know, and those stay estimated from the ones measured
Measure = Callable[[list[str]], Mapping[str, int]]


def plan(routine: Routine, length_s: float, measure: Measure, seed: int = 0) -> Timeline:
    """The routine laid out to last exactly length_s seconds, every spoken text placed at its measured length.

    Raises LengthError (from measured lengths, never from guesses) when the routine cannot fill length_s.
    """
    return fit_routine(routine, length_s, measure, seed).timeline


def fit_routine(routine: Routine, length_s: float, measure: Measure, seed: int = 0, rounds: int | None = None,
        floor: float = 0.0, turn: int = 0) -> Fitted:
    """As plan(), with the rounds and level chosen; rounds, floor and turn as Layouts takes them."""
    outcome = plan_many(routine, [length_s], measure, seed, rounds, floor, turn)[0]
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


def plan_many(routine: Routine, lengths_s: Sequence[float], measure: Measure, seed: int = 0,
              rounds: int | None = None, floor: float = 0.0, turn: int = 0) -> list[Fitted | LengthError | PlanError]:
    """Plans for several lengths of one routine at once, each text measured once for all of them: for each
    length the fitted plan, or the error that length met (the others are planned all the same)."""
    def attempt(layouts: Layouts) -> tuple[list, Iterable[str]]:
        outcomes: list[Fitted | LengthError | PlanError] = []
        used: list[str] = []
        for length_s in lengths_s:
            try:
                fitted = layouts.fit(length_s, rounds, floor)
                used += fitted.timeline.texts()
                outcomes.append(fitted)
            except LengthError as error:  # the error rests on the bounds: measure them before believing it
                used += [text for bound in layouts.bounds() for text in bound.texts()]
                outcomes.append(error)
            except PlanError as error:  # raised only from measured lengths
                outcomes.append(error)
        return outcomes, used

    return _settle(routine, measure, seed, attempt, turn)


def plan_series(steps: Sequence[tuple[Routine, float, int, int]],
                measure: Measure) -> list[Fitted | LengthError | PlanError]:
    """Sessions that follow one another, as (routine, length_s, seed, turn): the first is fitted freely; each
    later one keeps the rounds of the one before and never goes below its level, so no rep, hold or set is
    taken back. A later session that cannot fit its length at that level keeps the level and runs a little
    longer. The turn (a session's number) rotates which exercises a session too short for all leaves out."""
    out: list[Fitted | LengthError | PlanError] = []
    before: Fitted | None = None
    for routine, length_s, seed, turn in steps:
        try:
            fitted = fit_routine(routine, length_s, measure, seed, rounds=before.rounds if before else None,
                                 floor=_lowest_level_keeping(routine, before.level) if before else 0.0, turn=turn)
        except (LengthError, PlanError) as error:
            out.append(error)
            continue
        out.append(fitted)
        before = fitted
    return out


def _lowest_level_keeping(routine: Routine, level: float) -> float:
    """The lowest level whose reps, sets and holds are all at least those at level (amounts change in steps,
    so a little below level often gives the same; the rests, which are no achievement, may then be shorter)."""
    exercises = [item.exercise for item in routine.items]
    wanted = [amounts(ex, level) for ex in exercises]

    def keeps(candidate: float) -> bool:
        return all(a.reps >= w.reps and a.sets >= w.sets and all(x >= y for x, y in zip(a.holds_s, w.holds_s))
                   for a, w in zip((amounts(ex, candidate) for ex in exercises), wanted))

    lo, hi = 0.0, level
    if keeps(lo):
        return lo
    for _ in range(SEARCH_STEPS):
        mid = (lo + hi) / 2
        lo, hi = (lo, mid) if keeps(mid) else (mid, hi)
    return hi


def length_range(routine: Routine, measure: Measure) -> tuple[float, float]:
    """The shortest session the routine can fill, in seconds, from measured speech, and the longest
    (MAX_LENGTH_S: past its own rounds a routine is said again)."""
    def attempt(layouts: Layouts) -> tuple[tuple[float, float], Iterable[str]]:
        shortest, _ = layouts.bounds()
        return (shortest.duration_s, float(MAX_LENGTH_S)), [*shortest.texts(), *layouts.estimated]

    return _settle(routine, measure, 0, attempt)


def keeping(routine: Routine, measure: Measure) -> list[tuple[float, tuple[str, ...]]]:
    """What sessions shorter than the whole routine keep: (the shortest length in seconds, the exercises kept,
    in order) for each number of exercises, from one exercise up to every item, from measured speech."""
    def attempt(layouts: Layouts) -> tuple[list[tuple[float, tuple[str, ...]]], Iterable[str]]:
        out, used = [], []
        for rounds, dropped in [c for c in configs(routine, layouts.turn) if c[0] == int(routine.rounds.min)]:
            shortest = layouts(rounds, dropped, 0.0)
            out.append((shortest.duration_s, tuple(item.exercise.title for i, item in enumerate(routine.items)
                                                   if i not in dropped)))
            used += shortest.texts()
        return out, [*used, *layouts.estimated]

    return _settle(routine, measure, 0, attempt)


def early_length_error(routine: Routine, length_s: float, known: Mapping[str, int]) -> LengthError | None:
    """The LengthError a plan would end in, found before any speech is rendered: the routine's shortest session
    from the lengths already known (a cache's) and estimates for the rest. Exact when every text it says is
    known; from estimates, only lengths clearly too short (under EARLY_MARGIN of it) are refused. None when
    the length may fit."""
    layouts = Layouts(routine, known)
    shortest, _ = layouts.bounds()
    exact = not layouts.estimated
    if length_s >= (1.0 if exact else EARLY_MARGIN) * shortest.duration_s:
        return None
    return LengthError(f"{routine.id} needs at least {'' if exact else 'about '}"
                       f"{times.minutes(shortest.duration_s, 'up')} minutes, asked for {times.minutes(length_s)}")


def estimated_range(routine: Routine) -> tuple[float, float]:
    """The shortest and the longest session, in seconds, with every text's length estimated."""
    shortest, _ = Layouts(routine, {}).bounds()
    return shortest.duration_s, float(MAX_LENGTH_S)


def _settle(routine: Routine, measure: Measure, seed: int, attempt: Callable[[Layouts], tuple[object, Iterable[str]]],
            turn: int = 0):
    """Run attempt until every text it used has been measured; return its result then (or raise it, when it is
    an error). Texts it did not use stay estimated: they only decided which candidate lost. So do texts measure
    cannot measure (it renders nothing): when it measures none of those asked, nothing would move, and the
    result stands as it is (a view of an empty cache plans in one pass)."""
    durations: dict[str, int] = {}
    unknown: set[str] = set()   # asked for and not measured: estimated for good
    for _ in range(MAX_PASSES):
        layouts = Layouts(routine, durations, seed, _estimator(durations), turn)
        result, used = attempt(layouts)
        needed = sorted(set(used) - set(durations) - unknown)
        measured = measure(needed) if needed else {}
        if not any(text in measured for text in needed):
            if isinstance(result, LengthError):
                raise result
            return result
        durations.update({text: int(measured[text]) for text in needed if text in measured})
        unknown.update(text for text in needed if text not in measured)
    raise PlanError(f"the plan for {routine.id} did not settle after {MAX_PASSES} passes")


def estimating(known: Callable[[str], int | None], estimated: set[str]) -> Measure:
    """A Measure that renders nothing: each text's length as known (a cache's); the others it leaves out, so the
    plan estimates them from the known ones (or the compiler's own guess), and notes them in estimated. For
    views that only print lengths."""
    seen: dict[str, int | None] = {}   # a program's sessions ask for the same texts again and again

    def measure(texts: list[str]) -> dict[str, int]:
        for text in texts:
            if text not in seen:
                seen[text] = known(text)
        found = {text: n for text in texts if (n := seen[text]) is not None}
        estimated.update(text for text in texts if text not in found)
        return found
    return measure


def _estimator(durations: Mapping[str, int]) -> Callable[[str], int] | None:
    """samples = a + b * characters, fitted to the texts measured so far (None: the compiler's own guess)."""
    if len(durations) < MIN_FIT:
        return None
    xs = [len(text) for text in durations]
    ys = list(durations.values())
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    if spread == 0:
        return None
    slope = max(sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys)) / spread, 1.0)
    base = mean_y - slope * mean_x
    return lambda text: max(1, round(base + slope * len(text)))
