"""Planning with measured speech: compile, measure what the layouts needed, compile again until nothing moves.

The compiler stays pure: measure is passed in (the pipeline hands it the speech stage's clip lengths), and
known lengths (what a cache remembers) are only a first guess, each checked by measure before it is trusted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from ..errors import LengthError, PlanError
from ..model import Routine, Timeline
from .fit import Layouts

MAX_PASSES = 6

# measure(texts) -> {text: length in samples} for every text given
Measure = Callable[[list[str]], Mapping[str, int]]


def plan(routine: Routine, length_s: float, measure: Measure, known: Mapping[str, int] | None = None) -> Timeline:
    """The routine laid out to last exactly length_s seconds, every spoken text placed at its measured length.

    Raises LengthError (from measured lengths, never from guesses) when the routine cannot fill length_s.
    """
    def attempt(layouts: Layouts) -> tuple[Timeline | LengthError, Iterable[str]]:
        try:
            timeline = layouts.fit(length_s)
        except LengthError as error:
            shortest, longest = layouts.bounds()  # the error rests on these: measure them before believing it
            return error, [*shortest.texts(), *longest.texts()]
        return timeline, timeline.texts()

    return _settle(routine, measure, known, attempt)


def length_range(routine: Routine, measure: Measure, known: Mapping[str, int] | None = None) -> tuple[float, float]:
    """The shortest and the longest session the routine can fill, in seconds, from measured speech."""
    def attempt(layouts: Layouts) -> tuple[tuple[float, float], Iterable[str]]:
        shortest, longest = layouts.bounds()
        return (shortest.duration_s, longest.duration_s), [*shortest.texts(), *longest.texts()]

    return _settle(routine, measure, known, attempt)


def estimated_range(routine: Routine) -> tuple[float, float]:
    """The shortest and the longest session, in seconds, with every text's length estimated."""
    shortest, longest = Layouts(routine, {}).bounds()
    return shortest.duration_s, longest.duration_s


def _settle(routine: Routine, measure: Measure, known: Mapping[str, int] | None,
            attempt: Callable[[Layouts], tuple[object, Iterable[str]]]):
    """Run attempt until every text it used, and every text any layout estimated, has been measured; return
    its result then (or raise it, when it is an error)."""
    durations = dict(known or {})
    verified: set[str] = set()
    for _ in range(MAX_PASSES):
        layouts = Layouts(routine, durations)
        result, used = attempt(layouts)
        needed = (set(used) | layouts.estimated) - verified
        if needed:
            measured = {text: int(n) for text, n in measure(sorted(needed)).items() if text in needed}
            guessed_right = all(durations.get(text) == n for text, n in measured.items())
            durations.update(measured)
            verified |= needed
            if not guessed_right:
                continue  # lay out again with what was measured
        if isinstance(result, LengthError):
            raise result
        return result
    raise PlanError(f"the plan for {routine.id} did not settle after {MAX_PASSES} passes")
