"""Planning with measured speech: compile, measure what the layouts needed, compile again until nothing moves.

The compiler stays pure: measure is passed in (the pipeline hands it the speech stage's clip lengths), and
known lengths (what a cache remembers) are only a first guess, each checked by measure before it is trusted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

from ..errors import LengthError, PlanError
from ..model import Routine, Timeline
from .fit import SEARCH_STEPS, Fitted, Layouts
from .layout import amounts

MAX_PASSES = 6

# measure(texts) -> {text: length in samples} for every text given
Measure = Callable[[list[str]], Mapping[str, int]]


def plan(routine: Routine, length_s: float, measure: Measure, known: Mapping[str, int] | None = None,
         seed: int = 0) -> Timeline:
    """The routine laid out to last exactly length_s seconds, every spoken text placed at its measured length.

    Raises LengthError (from measured lengths, never from guesses) when the routine cannot fill length_s.
    """
    return fit(routine, length_s, measure, known, seed).timeline


def fit(routine: Routine, length_s: float, measure: Measure, known: Mapping[str, int] | None = None,
        seed: int = 0, rounds: int | None = None, floor: float = 0.0) -> Fitted:
    """As plan(), with the rounds and level chosen; rounds and floor as Layouts.fit takes them."""
    outcome = plan_many(routine, [length_s], measure, known, seed, rounds, floor)[0]
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


def plan_many(routine: Routine, lengths_s: Sequence[float], measure: Measure,
              known: Mapping[str, int] | None = None, seed: int = 0, rounds: int | None = None,
              floor: float = 0.0) -> list[Fitted | LengthError | PlanError]:
    """Plans for several lengths of one routine at once, each text measured once for all of them: for each
    length the fitted plan, or the error that length met (the others are planned all the same)."""
    def attempt(layouts: Layouts) -> tuple[list, Iterable[str]]:
        outcomes, used = [], []
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

    return _settle(routine, measure, known, seed, attempt)


def plan_series(steps: Sequence[tuple[Routine, float, int]], measure: Measure,
                known: Mapping[str, int] | None = None) -> list[Fitted | LengthError | PlanError]:
    """Sessions that follow one another, as (routine, length_s, seed): the first is fitted freely; each later one
    keeps the rounds of the one before and never goes below its level, so no rep, hold or set is taken back.
    A later session that cannot fit its length at that level keeps the level and runs a little longer."""
    out: list[Fitted | LengthError | PlanError] = []
    before: Fitted | None = None
    for routine, length_s, seed in steps:
        try:
            fitted = fit(routine, length_s, measure, known, seed, rounds=before.rounds if before else None,
                         floor=_lowest_level_keeping(routine, before.level) if before else 0.0)
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


def length_range(routine: Routine, measure: Measure, known: Mapping[str, int] | None = None) -> tuple[float, float]:
    """The shortest and the longest session the routine can fill, in seconds, from measured speech."""
    def attempt(layouts: Layouts) -> tuple[tuple[float, float], Iterable[str]]:
        shortest, longest = layouts.bounds()
        return (shortest.duration_s, longest.duration_s), [*shortest.texts(), *longest.texts()]

    return _settle(routine, measure, known, 0, attempt)


def estimated_range(routine: Routine) -> tuple[float, float]:
    """The shortest and the longest session, in seconds, with every text's length estimated."""
    shortest, longest = Layouts(routine, {}).bounds()
    return shortest.duration_s, longest.duration_s


def _settle(routine: Routine, measure: Measure, known: Mapping[str, int] | None, seed: int,
            attempt: Callable[[Layouts], tuple[object, Iterable[str]]]):
    """Run attempt until every text it used, and every text any layout estimated, has been measured."""
    durations = dict(known or {})
    verified: set[str] = set()
    for _ in range(MAX_PASSES):
        layouts = Layouts(routine, durations, seed)
        result, used = attempt(layouts)
        needed = (set(used) | layouts.estimated) - verified
        if needed:
            measured = {text: int(n) for text, n in measure(sorted(needed)).items() if text in needed}
            guessed_right = all(durations.get(text) == n for text, n in measured.items())
            durations.update(measured)
            verified |= needed
            if not guessed_right:
                continue  # lay out again with what was measured
        return result
    raise PlanError(f"the plan for {routine.id} did not settle after {MAX_PASSES} passes")
