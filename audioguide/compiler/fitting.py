"""Fitting a length: which items and rounds, and how far up their ranges, so the session lasts exactly as asked.

Every adjustable quantity is a Range; one level for all of them (0 = every min, 0.5 = every default, 1 = every
max) spreads time in proportion across exercises. Short sessions first drop optional items, then, as a coach
would, the items of lowest priority (the later ones among equals) down to one exercise; long ones add rounds,
past the routine's own most until MAX_LENGTH_S (the routine said again). The samples still missing go evenly
into the rests.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from .. import times
from ..errors import LengthError
from ..model import REST, SAMPLE_RATE, Chapter, Event, Routine, Timeline
from .layout import Choice, layout, quantities

SEARCH_STEPS = 16      # level resolution 1/65536: finer than any rep or second step
MAX_LENGTH_S = times.MAX_SESSION_S  # the longest session any routine is made into


@dataclass(frozen=True, slots=True)
class Fitted:
    """A timeline and the choice it was laid out with: how many rounds, how far up the ranges."""

    timeline: Timeline
    rounds: int
    level: float


class Layouts:
    """Layouts of one routine with one set of durations, each choice laid out once; notes every text any of
    them had to estimate (the choice between candidates depended on those estimates too)."""

    def __init__(self, routine: Routine, durations: Mapping[str, int], seed: int = 0,
                 estimate: Callable[[str], int] | None = None, turn: int = 0):
        self.routine = routine
        self.turn = turn  # a program's session number: which exercises a short session leaves out rotates
        self.durations = durations
        self.seed = seed
        self.estimate = estimate
        self.estimated: set[str] = set()
        self.done: dict[tuple, Timeline] = {}

    def __call__(self, rounds: int, dropped: frozenset[int], level: float) -> Timeline:
        key = (rounds, dropped, quantities(self.routine, level))  # a search's nearby levels often share one
        if key not in self.done:
            choice = Choice(rounds, dropped, level)
            self.done[key], estimated = layout(self.routine, choice, self.durations, self.seed, self.estimate)
            self.estimated |= estimated
        return self.done[key]

    def bounds(self) -> tuple[Timeline, Timeline]:
        """The shortest layout (one exercise at every min) and the longest of the routine's own rounds; longer
        sessions repeat it, up to MAX_LENGTH_S."""
        shapes = configs(self.routine, self.turn)
        return self(*shapes[0], 0.0), self(*shapes[-1], 1.0)

    def fit(self, length_s: float, rounds: int | None = None, floor: float = 0.0) -> Fitted:
        """The layout lasting exactly length_s; LengthError when the routine cannot fill it.

        With rounds, only that many rounds of every item are tried; with a floor, no level below it (a program
        never takes back what an earlier day of the week reached): when even the floor's layout is longer than
        length_s, that layout is the answer, a little longer than asked.
        """
        target = round(length_s * SAMPLE_RATE)
        if rounds is not None:
            return _fit(self, target, [(rounds, frozenset())], floor)
        shortest, longest = self.bounds()
        if target < shortest.n_samples:
            raise LengthError(f"{self.routine.id} needs at least {times.minutes(shortest.duration_s, 'up')} minutes, "
                              f"asked for {times.minutes(length_s)}")
        if length_s > MAX_LENGTH_S:
            raise LengthError(f"a session lasts at most {times.minutes(MAX_LENGTH_S)} minutes, "
                              f"asked for {times.minutes(length_s)}")
        shapes = configs(self.routine, self.turn)
        rounds = shapes[-1][0]
        while self(rounds, frozenset(), 1.0).n_samples < target:  # longer than the routine's own most: repeat it
            rounds += 1
            shapes.append((rounds, frozenset()))
        return _fit(self, target, shapes, floor)


def compile_timeline(routine: Routine, length_s: float, durations: Mapping[str, int], seed: int = 0) -> Timeline:
    """Lay the routine out to last exactly length_s seconds.

    durations maps each spoken text to its clip length in samples; texts missing from it are estimated
    (plan() measures them and compiles again). seed picks where each rotation of phrasings starts.
    """
    return Layouts(routine, durations, seed).fit(length_s).timeline


def configs(routine: Routine, turn: int = 0) -> list[tuple[int, frozenset[int]]]:
    """Item sets and round counts from smallest to largest: the required items beyond the first left out too
    (lowest priority first, the later among equals; a program's turn rotates who goes first among equals),
    then the optional items dropped last-first, then rounds."""
    optional = [i for i, item in enumerate(routine.items) if item.optional]
    required = [i for i, item in enumerate(routine.items) if not item.optional]
    kept_first = sorted(required, key=lambda i: (-routine.items[i].priority,
                                                 (required.index(i) - turn) % len(required)))
    first = int(routine.rounds.min)
    configs = [(first, frozenset(optional) | frozenset(kept_first[k:])) for k in range(1, len(kept_first))]
    configs += [(first, frozenset(optional[len(optional) - k:])) for k in range(len(optional), 0, -1)]
    configs += [(r, frozenset()) for r in range(first, int(routine.rounds.max) + 1)]
    return configs


def _fit(layouts: Layouts, target: int, configs: list[tuple[int, frozenset[int]]], floor: float) -> Fitted:
    """Choose items, rounds and level for target; items are dropped only when nothing else fits.

    Every item kept: of the rounds that fit, the one whose level is nearest the defaults. Else the fewest items
    dropped (the earliest such shape). Else the largest shape too short even at its max (rests stretch).
    """
    # the shapes whose shortest layout is not longer than target (configs grow in order): when the first shape
    # keeping every item is one, so are all before it, unread (they are chosen only if no whole one fits)
    whole = next((i for i, (_, dropped) in enumerate(configs) if not dropped), 0)
    skip = whole if whole and layouts(*configs[whole], floor).n_samples <= target else 0
    reachable: list[tuple[int, frozenset[int]]] = list(configs[:skip])
    for rounds, dropped in configs[skip:]:
        low = layouts(rounds, dropped, floor)
        if low.n_samples > target:
            if not reachable and len(configs) == 1:
                return _pad(Fitted(low, rounds, floor), low.n_samples)  # even the floor is longer than asked
            break
        reachable.append((rounds, dropped))
    assert reachable  # the first shape's shortest layout fits (fit checks it against the bounds)

    def fitted(rounds: int, dropped: frozenset[int]) -> Fitted | None:
        if layouts(rounds, dropped, 1.0).n_samples < target:
            return None  # too short even at max
        level, timeline = _search(layouts, rounds, dropped, target, floor)
        return Fitted(timeline, rounds, level)

    complete = [f for rounds, dropped in reachable if not dropped and (f := fitted(rounds, dropped))]
    if complete:
        return _pad(min(complete, key=lambda f: abs(f.level - 0.5)), target)
    for rounds, dropped in sorted(reachable, key=lambda shape: len(shape[1])):
        if dropped and (found := fitted(rounds, dropped)):
            return _pad(found, target)
    rounds, dropped = reachable[-1]
    return _pad(Fitted(layouts(rounds, dropped, 1.0), rounds, 1.0), target)


def _search(layouts: Layouts, rounds: int, dropped: frozenset[int], target: int,
            floor: float) -> tuple[float, Timeline]:
    """The highest level whose layout still fits in target samples (layout length grows with level).

    The answer is the one a plain bisection over the level gives, step for step, but a step is laid out only
    when the layouts known cannot decide it: a level whose every quantity is at most those of a layout that
    fits fits too, one whose every quantity is at least those of a layout too long does not. What is laid out
    instead is a guess: where the length would reach target if it grew evenly between the nearest layout that
    fits and the nearest too long, or, when that guess tells nothing new, the quantities next to one of them.
    """
    top = layouts(rounds, dropped, 1.0)
    if top.n_samples <= target:
        return 1.0, top
    routine = layouts.routine
    # the nearest layouts known to fit and to be too long: (level, samples, quantities)
    ends = [(floor, layouts(rounds, dropped, floor).n_samples, quantities(routine, floor)),
            (1.0, top.n_samples, quantities(routine, 1.0))]

    def known(level: float) -> bool | None:
        row = quantities(routine, level)
        if all(a <= b for a, b in zip(row, ends[0][2])):
            return True
        if all(a >= b for a, b in zip(row, ends[1][2])):
            return False
        return None

    def beside(start: float, row: tuple[float, ...], toward: float) -> float:
        """The level nearest start (whose quantities are row), on the way to toward, with other quantities."""
        near, far = start, toward
        for _ in range(SEARCH_STEPS + 8):
            mid = (near + far) / 2
            near, far = (mid, far) if quantities(routine, mid) == row else (near, mid)
        return far

    def fits(level: float, guessing: bool) -> bool:
        if not guessing:
            return layouts(rounds, dropped, level).n_samples <= target
        while (answer := known(level)) is None:
            (fit_at, fit_n, fit_row), (long_at, long_n, long_row) = ends
            probe = fit_at + (long_at - fit_at) * (target + 0.5 - fit_n) / (long_n - fit_n)
            side = known(probe)
            if side is not None:
                probe = beside(fit_at, fit_row, long_at) if side else beside(long_at, long_row, fit_at)
                if known(probe) is not None:
                    probe = level
            n = layouts(rounds, dropped, probe).n_samples
            ends[n > target] = (probe, n, quantities(routine, probe))
        return answer

    for guessing in (True, False):
        lo, hi = floor, 1.0
        for _ in range(SEARCH_STEPS):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if fits(mid, guessing) else (lo, mid)
        best = layouts(rounds, dropped, lo)
        if best.n_samples <= target:
            break  # else a longer quantity gave a shorter layout somewhere: bisect laying out every step
    return lo, best


def _pad(fitted: Fitted, target: int) -> Fitted:
    """Spread the samples still missing evenly over the rests (marked by zero-length REST events)."""
    timeline = fitted.timeline
    missing = target - timeline.n_samples
    slots = [e.start for e in timeline.events if e.kind == REST]
    extra = [missing * (i + 1) // len(slots) - missing * i // len(slots) for i in range(len(slots))]
    totals = list(itertools.accumulate(extra, initial=0))

    def start(sample: int) -> int:  # something starting at a rest comes after it
        return sample + totals[bisect.bisect_right(slots, sample)]

    def end(sample: int) -> int:  # something ending at a rest comes before it
        return sample + totals[bisect.bisect_left(slots, sample)]

    events = tuple(Event(e.kind, start(e.start), end(e.end) if e.end > e.start else start(e.start), e.chapter,
                         e.text) for e in timeline.events if e.kind != REST)
    starts = [start(c.start) for c in timeline.chapters] + [target]
    chapters = tuple(Chapter(c.title, starts[i], starts[i + 1]) for i, c in enumerate(timeline.chapters))
    padded = Timeline(timeline.title, timeline.routine_id, target, events, chapters, timeline.sample_rate,
                      timeline.language)
    return Fitted(padded, fitted.rounds, fitted.level)
