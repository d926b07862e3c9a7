"""The fitter's search lays out only the levels it cannot decide from the layouts it knows, and still gives, to the
sample, what fitting every shape and bisecting every level gives."""

import random

from audioguide.compiler import fitting
from audioguide.compiler.fitting import SEARCH_STEPS, Fitted, Layouts
from audioguide.definitions import loader
from audioguide.errors import LengthError


def _bisect(layouts, rounds, dropped, target, floor):
    """The plain search: every bisection step laid out."""
    top = layouts(rounds, dropped, 1.0)
    if top.n_samples <= target:
        return 1.0, top
    lo, hi = floor, 1.0
    best = layouts(rounds, dropped, lo)
    for _ in range(SEARCH_STEPS):
        mid = (lo + hi) / 2
        timeline = layouts(rounds, dropped, mid)
        if timeline.n_samples <= target:
            lo, best = mid, timeline
        else:
            hi = mid
    return lo, best


def _fit_every_shape(layouts, target, shapes, floor):
    """The plain choice: every shape whose range holds target searched, then the one the rules prefer."""
    found, fallback = [], None
    for rounds, dropped in shapes:
        low = layouts(rounds, dropped, floor)
        if low.n_samples > target:
            if fallback is None and not found and len(shapes) == 1:
                return fitting._pad(Fitted(low, rounds, floor), low.n_samples)
            break
        high = layouts(rounds, dropped, 1.0)
        if high.n_samples < target:
            fallback = Fitted(high, rounds, 1.0)
            continue
        level, timeline = _bisect(layouts, rounds, dropped, target, floor)
        found.append((dropped, Fitted(timeline, rounds, level)))
    if not found:
        return fitting._pad(fallback, target)
    complete = [f for dropped, f in found if not dropped]
    if complete:
        return fitting._pad(min(complete, key=lambda f: abs(f.level - 0.5)), target)
    return fitting._pad(min(found, key=lambda d_f: len(d_f[0]))[1], target)


def _every_built_in_routine():
    library = loader.load_library(include_user=False)
    return [r for lib in (library, *library.translations.values()) for r in lib.routines.values()]


def _cases(count: int, seed: int):
    rng = random.Random(seed)
    for routine in _every_built_in_routine():
        for _ in range(count):
            rounds = rng.choice([None, None, 1, 2])
            yield (routine, rng.choice([rng.uniform(30, 600), rng.uniform(60, 3600)]), rounds,
                   rng.random() * 0.9 if rounds and rng.random() < 0.7 else 0.0, rng.randrange(100))


def _fit(routine, length_s, rounds, floor, seed):
    layouts = Layouts(routine, {}, seed)
    try:
        fitted = layouts.fit(length_s, rounds=rounds, floor=floor)
        return (fitted.level, fitted.rounds, fitted.timeline), len(layouts.done)
    except LengthError as error:
        return str(error), len(layouts.done)


def test_the_search_gives_what_bisecting_every_shape_gives_with_fewer_layouts(monkeypatch):
    cases = list(_cases(2, seed=1))
    fast = [_fit(*case) for case in cases]
    monkeypatch.setattr(fitting, "_search", _bisect)
    monkeypatch.setattr(fitting, "_fit", _fit_every_shape)
    plain = [_fit(*case) for case in cases]
    for case, (got, _), (want, _) in zip(cases, fast, plain):
        assert got == want, f"{case[0].id} {case[0].language} at {case[1]:.0f} s, rounds {case[2]}, floor {case[3]}"
    laid_out, plainly = sum(n for _, n in fast), sum(n for _, n in plain)
    assert laid_out < 0.8 * plainly, (laid_out, plainly)


class _Steps:
    """Layouts of a made-up routine whose quantities are one number, a class per level span, each with a length."""

    routine = None

    def __init__(self, spans: list[tuple[float, int]]):
        self.spans = spans  # (the level the class starts at, its length in samples), in order
        self.asked: list[float] = []

    def row(self, _routine, level: float) -> tuple[float, ...]:
        return (float(sum(start <= level for start, _ in self.spans) - 1),)

    def __call__(self, rounds, dropped, level):
        self.asked.append(level)
        return _Timeline(self.spans[int(self.row(None, level)[0])][1])


class _Timeline:
    def __init__(self, n_samples: int):
        self.n_samples = n_samples


def test_a_search_whose_lengths_do_not_grow_with_the_level_still_ends_within_target(monkeypatch):
    """Should a longer quantity ever give a shorter layout (a class of levels longer than the one after it), the
    answer the known layouts decide may not fit: then every step is laid out, as a plain bisection does."""
    narrow = 0.5 + 2 ** -17 + 2 ** -19   # a class no bisection step lands in, found beside the one too long
    steps = _Steps([(0.0, 10), (0.25, 70), (narrow, 50), (narrow + 2 ** -21, 100)])
    monkeypatch.setattr(fitting, "quantities", steps.row)
    level, timeline = fitting._search(steps, 1, frozenset(), 60, 0.0)
    assert timeline.n_samples <= 60
    assert (level, timeline.n_samples) == (lambda lv, t: (lv, t.n_samples))(*_bisect(steps, 1, frozenset(), 60, 0.0))


def test_a_search_decides_most_steps_from_the_layouts_it_knows(monkeypatch):
    """Lengths growing evenly over 200 classes: a plain bisection lays out about a layout per step, the search a few."""
    steps = _Steps([(k / 200, 1000 + 100 * k) for k in range(200)])
    monkeypatch.setattr(fitting, "quantities", steps.row)
    level, timeline = fitting._search(steps, 1, frozenset(), 13_345, 0.0)
    assert timeline.n_samples == 13_300  # class 123, the longest within target
    assert len({steps.row(None, lv) for lv in steps.asked}) <= 5, steps.asked
