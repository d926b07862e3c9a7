"""Routine + chosen length + measured speech durations -> Timeline. Pure: no I/O, no audio.

The compiler lays the session out cue by cue, each spoken cue taking exactly its measured length, so the plan
matches the rendered audio to the sample. To hit the chosen length it picks one "level" for every adjustable
quantity (0 = every min, 0.5 = every default, 1 = every max), so time is spread in proportion across exercises;
short sessions first drop optional items, long ones add rounds. What is left over goes into the rests.
"""

from __future__ import annotations

import bisect
import dataclasses
import itertools
import math
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from .errors import LengthError, PlanError
from .model import (HOLD, SAMPLE_RATE, SOUND_LENGTH_S, SPEECH, Chapter, Event, Exercise, Phase, Range,
                    Routine, Timeline)

GAP_S = 0.35          # silence after a spoken cue
SHORT_GAP_S = 0.2     # silence after a short cue before a movement or beep
BEEP_GAP_S = 0.25     # silence after a beep before the next cue
TAIL_S = 1.0          # silence after the end bell
CHARS_PER_S = 13.0    # estimate for speech not yet measured (a rendered clip replaces it)
MAX_SESSION_S = 4 * 3600
SEARCH_STEPS = 16      # level resolution 1/65536: finer than any rep or second step


@dataclass(frozen=True, slots=True)
class _Choice:
    """Which items, how many rounds, and how far up their ranges the quantities go."""

    rounds: int
    dropped: frozenset[int]
    level: float


def parse_length(text: str) -> float:
    """Parse a session length ('10', '12.5', '12m30s', '45s', '1h5m') into seconds (plain numbers are minutes)."""
    value = text.strip().lower()
    try:
        minutes = float(value)
    except ValueError:
        match = re.fullmatch(r"(?:(\d+(?:\.\d+)?)h)?\s*(?:(\d+(?:\.\d+)?)m(?:in)?)?\s*(?:(\d+(?:\.\d+)?)s)?", value)
        if not value or not match or not any(match.groups()):
            raise LengthError(f"length: expected minutes such as 12.5 or a duration such as 12m30s, found {text!r}")
        h, m, s = (float(g) if g else 0.0 for g in match.groups())
        seconds = h * 3600 + m * 60 + s
    else:
        if not math.isfinite(minutes):
            raise LengthError(f"length: expected a number of minutes, found {text!r}")
        seconds = minutes * 60
    if seconds <= 0 or seconds > MAX_SESSION_S:
        raise LengthError(f"length: must be more than 0 and at most {MAX_SESSION_S // 3600} hours, found {text!r}")
    return seconds


def compile(routine: Routine, length_s: float, durations: Mapping[str, int]) -> Timeline:
    """Lay the routine out to last exactly length_s seconds.

    durations maps each spoken text to its clip length in samples; texts missing from it are estimated and
    listed in Timeline.unmeasured, so the caller can render them and compile again.
    """
    target = round(length_s * SAMPLE_RATE)
    durations = _Measured(durations)
    layout = _Layouts(routine, durations)
    shortest, longest = _bounds(routine, layout)
    if target < shortest.n_samples:
        raise LengthError(f"{routine.id} needs at least {_minutes(shortest.n_samples, up=True)} minutes, "
                          f"asked for {_minutes(target)}")
    if target > longest.n_samples:
        raise LengthError(f"{routine.id} lasts at most {_minutes(longest.n_samples, up=False)} minutes, "
                          f"asked for {_minutes(target)}")
    return dataclasses.replace(_fit(routine, target, layout), unmeasured=frozenset(durations.missing))


class _Measured(Mapping):
    """The measured durations, noting every text any candidate layout asked for and did not find: the
    choice between candidates depended on their estimates, so they all need measuring."""

    def __init__(self, durations: Mapping[str, int], cap: int | None = None):
        self.durations = durations
        self.cap = cap
        self.missing: set[str] = set()

    def __getitem__(self, text: str) -> int:
        if text not in self.durations:
            self.missing.add(text)
        return self.durations[text]

    def __contains__(self, text: object) -> bool:
        found = text in self.durations
        if not found:
            self.missing.add(text)
        return found

    def __iter__(self):
        return iter(self.durations)

    def __len__(self) -> int:
        return len(self.durations)


class TooLong(Exception):
    """Raised inside a layout that passes its cap, so absurd definitions are refused quickly."""


def longest_s(routine: Routine, cap_s: float) -> float:
    """The longest session the routine can fill with estimated speech, or TooLong past cap_s seconds."""
    configs = _configs(routine)
    return _layout(routine, _Choice(*configs[-1], 1.0), {}, cap=_samples(cap_s)).n_samples / SAMPLE_RATE


class _Layouts:
    """Layouts of one routine with one set of durations, each choice laid out once."""

    def __init__(self, routine: Routine, durations: Mapping[str, int]):
        self.routine = routine
        self.durations = durations
        self.done: dict[_Choice, Timeline] = {}

    def __call__(self, rounds: int, dropped: frozenset[int], level: float) -> Timeline:
        choice = _Choice(rounds, dropped, level)
        if choice not in self.done:
            self.done[choice] = _layout(self.routine, choice, self.durations)
        return self.done[choice]


def feasible_range_s(routine: Routine, durations: Mapping[str, int]) -> tuple[float, float]:
    """The shortest and longest session the routine can fill, in seconds."""
    shortest, longest = _bounds(routine, _Layouts(routine, durations))
    return shortest.n_samples / SAMPLE_RATE, longest.n_samples / SAMPLE_RATE


def _configs(routine: Routine) -> list[tuple[int, frozenset[int]]]:
    """Item sets and round counts from smallest to largest: optional items dropped last-first, then rounds."""
    optional = [i for i, item in enumerate(routine.items) if item.optional]
    first = int(routine.rounds.min)
    configs = [(first, frozenset(optional[len(optional) - k:])) for k in range(len(optional), 0, -1)]
    configs += [(r, frozenset()) for r in range(first, int(routine.rounds.max) + 1)]
    return configs


def _bounds(routine: Routine, layout: _Layouts) -> tuple[Timeline, Timeline]:
    configs = _configs(routine)
    return layout(*configs[0], 0.0), layout(*configs[-1], 1.0)


def _fit(routine: Routine, target: int, layout: _Layouts) -> Timeline:
    """Choose items, rounds and level for target; optional items are dropped only when nothing else fits."""
    fitting: list[tuple[bool, int, float, Timeline]] = []
    fallback = None
    for rounds, dropped in _configs(routine):
        low = layout(rounds, dropped, 0.0)
        if low.n_samples > target:
            break
        high = layout(rounds, dropped, 1.0)
        if high.n_samples < target:
            fallback = high  # too short even at max: rests will stretch if nothing larger fits
            continue
        level, timeline = _search(layout, rounds, dropped, target)
        fitting.append((bool(dropped), len(dropped), abs(level - 0.5), timeline))
    if not fitting:
        return _pad(fallback, target)
    complete = [f for f in fitting if not f[0]]
    if complete:  # every item kept: the rounds whose level is nearest the defaults
        return _pad(min(complete, key=lambda f: f[2])[3], target)
    return _pad(min(fitting, key=lambda f: f[1])[3], target)  # drop as few items as possible


def _search(layout: _Layouts, rounds: int, dropped: frozenset[int], target: int) -> tuple[float, Timeline]:
    """The highest level whose layout still fits in target samples (layout length grows with level)."""
    top = layout(rounds, dropped, 1.0)
    if top.n_samples <= target:
        return 1.0, top
    lo, hi = 0.0, 1.0
    best = layout(rounds, dropped, lo)
    for _ in range(SEARCH_STEPS):
        mid = (lo + hi) / 2
        timeline = layout(rounds, dropped, mid)
        if timeline.n_samples <= target:
            lo, best = mid, timeline
        else:
            hi = mid
    return lo, best


def _pad(timeline: Timeline, target: int) -> Timeline:
    """Spread the samples still missing evenly over the rests (marked by zero-length 'rest' events)."""
    missing = target - timeline.n_samples
    slots = [e.start for e in timeline.events if e.kind == "rest"]
    extra = [missing * (i + 1) // len(slots) - missing * i // len(slots) for i in range(len(slots))]
    totals = list(itertools.accumulate(extra, initial=0))

    def start(sample: int) -> int:  # something starting at a rest comes after it
        return sample + totals[bisect.bisect_right(slots, sample)]

    def end(sample: int) -> int:  # something ending at a rest comes before it
        return sample + totals[bisect.bisect_left(slots, sample)]

    events = tuple(Event(e.kind, start(e.start), end(e.end) if e.end > e.start else start(e.start), e.chapter,
                         e.text) for e in timeline.events if e.kind != "rest")
    starts = [start(c.start) for c in timeline.chapters] + [target]
    chapters = tuple(Chapter(c.title, starts[i], starts[i + 1]) for i, c in enumerate(timeline.chapters))
    return Timeline(timeline.title, timeline.routine_id, target, events, chapters, timeline.sample_rate,
                    timeline.unmeasured)


def _minutes(n_samples: int, up: bool | None = None) -> str:
    minutes = n_samples / SAMPLE_RATE / 60
    if up is True:
        minutes = math.ceil(minutes * 10 - 1e-9) / 10
    elif up is False:
        minutes = math.floor(minutes * 10 + 1e-9) / 10
    return f"{minutes:g}"


def _pick(span: Range, level: float, step: float) -> float:
    """The value of span at level, on a grid of step, kept inside the span."""
    value = round(span.at(level) / step) * step
    return min(max(value, span.min), span.max)


class _Writer:
    """Appends events one after another, tracking the time cursor in samples."""

    def __init__(self, durations: Mapping[str, int], cap: int | None = None):
        self.durations = durations
        self.cap = cap
        self.t = 0
        self.events: list[Event] = []
        self.chapters: list[tuple[str, int]] = []
        self.turns: Counter[str] = Counter()

    def chapter(self, title: str) -> None:
        self.chapters.append((title, self.t))

    def length(self, text: str) -> int:
        """The text's measured length in samples, else an estimate (compile() notes which were missing)."""
        if text in self.durations:
            return int(self.durations[text])
        return round((0.25 + len(text) / CHARS_PER_S) * SAMPLE_RATE)

    def say(self, text: str, gap_s: float = GAP_S) -> int:
        """Speak text at the cursor; return where it started."""
        start = self.t
        n = self.length(text)
        self.events.append(Event(SPEECH, start, start + n, len(self.chapters) - 1, text))
        self.t = start + n + _samples(gap_s)
        return start

    def sound(self, kind: str, at: int | None = None, gap_s: float = BEEP_GAP_S) -> None:
        start = self.t if at is None else at
        n = _samples(SOUND_LENGTH_S[kind])
        self.events.append(Event(kind, start, start + n, len(self.chapters) - 1))
        if at is None:
            self.t = start + n + _samples(gap_s)

    def wait(self, seconds: float) -> None:
        self.t += _samples(seconds)

    def rest(self, seconds: float) -> None:
        """A rest that the fitter may lengthen: marked by a zero-length event."""
        self.events.append(Event("rest", self.t, self.t, len(self.chapters) - 1))
        self.wait(seconds)

    def variant(self, options: tuple[str, ...], key: str, values: Mapping[str, object]) -> str:
        """Rotate through phrasing variants so the session does not repeat itself word for word."""
        turn = self.turns[key]
        self.turns[key] += 1
        return _fill(options[turn % len(options)], values)


def _fill(template: str, values: Mapping[str, object]) -> str:
    if "{" not in template:
        return template
    return template.format_map(_Blank(values))


class _Blank(dict):
    def __init__(self, values):
        super().__init__({k: _say_number(v) for k, v in values.items()})

    def __missing__(self, key):
        return ""


def _say_number(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _samples(seconds: float) -> int:
    return round(seconds * SAMPLE_RATE)


def _layout(routine: Routine, choice: _Choice, durations: Mapping[str, int], cap: int | None = None) -> Timeline:
    w = _Writer(durations, cap)
    items = [item for i, item in enumerate(routine.items) if i not in choice.dropped]
    w.chapter("Intro")
    for line in routine.intro:
        w.say(_fill(line, {"title": routine.title, "count": len(items), "rounds": choice.rounds}))
    rest_s = _pick(routine.rest_s, choice.level, 0.5)
    order = [(round_no, position, item.exercise) for round_no in range(1, choice.rounds + 1)
             for position, item in enumerate(items, start=1)]
    for index, (round_no, position, ex) in enumerate(order):
        title = ex.title if choice.rounds == 1 else f"Round {round_no}: {ex.title}"
        if w.events:
            w.rest(rest_s)
        w.chapter(title)
        w.sound("chime")
        values = {"position": position, "count": len(items), "next": ex.title, "title": ex.title,
                  "round": round_no, "rounds": choice.rounds}
        if position == 1 and choice.rounds > 1:
            w.say(w.variant(routine.round_cue, "round", values))
        w.say(w.variant(routine.transition, "transition", values))
        following = order[index + 1][2].title if index + 1 < len(order) else ""
        _exercise(w, ex, choice.level, first_time=round_no == 1, next_title=following)
    w.rest(rest_s)
    w.chapter("Outro")
    for line in routine.outro:
        w.say(_fill(line, {"title": routine.title}))
    w.sound("bell", gap_s=0)
    w.wait(TAIL_S)
    chapters = tuple(Chapter(title, start, w.chapters[i + 1][1] if i + 1 < len(w.chapters) else w.t)
                     for i, (title, start) in enumerate(w.chapters))
    return Timeline(routine.title, routine.id, w.t, tuple(w.events), chapters, SAMPLE_RATE)


def _exercise(w: _Writer, ex: Exercise, level: float, first_time: bool, next_title: str) -> None:
    reps = int(_pick(ex.reps, level, 1))
    sets = int(_pick(ex.sets, level, 1))
    holds = [_pick(p.hold_s, level, 1 if p.hold_s.max - p.hold_s.min >= 1 else 0.5) if p.hold_s else 0.0
             for p in ex.phases]
    base = {"reps": reps, "title": ex.title, "next": next_title}
    if first_time:
        for line in ex.setup:
            w.say(_fill(line, {**base, "side": ex.side_names[0]}), gap_s=0.6)
        if ex.safety:
            w.say(ex.safety, gap_s=0.6)
    elif ex.position:
        w.say(ex.position, gap_s=0.6)
    sides = ex.side_names if ex.sides else ("",)
    for set_no in range(1, sets + 1):
        if set_no > 1:
            w.say("Rest.")
            w.rest(_pick(ex.set_rest_s, level, 0.5))
            w.say(f"Set {set_no} of {sets}.")
        if ex.sides and ex.side_mode == "alternating":
            w.say(w.variant(ex.start_cue, f"{ex.id}:start", base))
            for rep in range(1, reps + 1):
                for side in sides:
                    w.say(w.variant(ex.side_cue, f"{ex.id}:side", {**base, "side": side}), gap_s=SHORT_GAP_S)
                    _rep(w, ex, base, rep, side, holds, block=f"set{set_no}")
            continue
        for side_no, side in enumerate(sides):
            values = {**base, "side": side}
            if side_no == 0:
                if ex.sides:
                    w.say(w.variant(ex.side_cue, f"{ex.id}:side", values).capitalize(), gap_s=SHORT_GAP_S)
                w.say(w.variant(ex.start_cue, f"{ex.id}:start", values))
            else:
                w.say(w.variant(ex.switch_cue, f"{ex.id}:switch", values))
            for rep in range(1, reps + 1):
                _rep(w, ex, base, rep, side, holds, block=f"set{set_no}:{side}")


def _rep(w: _Writer, ex: Exercise, base: dict, rep: int, side: str, holds: list[float], block: str) -> None:
    """One rep. Cue variants rotate within a block (a set, or one side of it), so each block opens with the
    first, fullest phrasing."""
    if w.cap is not None and w.t > w.cap:
        raise TooLong()
    reps = base["reps"]
    values = {**base, "rep": rep, "side": side, "remaining": reps - rep}
    rep_beeped = False
    for phase, hold in zip(ex.phases, holds):
        values["seconds"] = hold
        start = w.say(w.variant(phase.cue, f"{ex.id}:{phase.name}:{id(phase)}:{block}", values), gap_s=SHORT_GAP_S)
        w.t = max(w.t, start + _samples(phase.move_s))
        if phase.hold_s is not None and hold > 0:
            _hold(w, ex, phase, hold, values)
        if "rep" in phase.beeps:
            w.sound("rep")
            rep_beeped = True
    if ex.count in ("beeps", "both") and not rep_beeped:
        w.sound("rep")
    if ex.count in ("spoken", "both"):
        w.say(str(rep) if reps > 1 else "Done.")
    if ex.tips and rep < reps and rep % ex.tip_every == 0:
        slot = w.turns[f"{ex.id}:tip-slot"]
        w.turns[f"{ex.id}:tip-slot"] += 1
        if len(ex.tips) > 1 or slot % 2 == 0:  # never the same tip at two tip slots in a row
            w.say(w.variant(ex.tips, f"{ex.id}:tips", values))


def _hold(w: _Writer, ex: Exercise, phase: Phase, hold: float, values: dict) -> None:
    hold = _room_for_halfway(w, ex, phase, hold, values)
    begin = w.t
    end = begin + _samples(hold)
    if "hold_start" in phase.beeps:
        w.sound("hold_start", at=begin)
    w.events.append(Event(HOLD, begin, end, len(w.chapters) - 1))
    ticks = [end - _samples(k) for k in range(phase.countdown, 0, -1)]
    for tick in ticks:
        w.sound("tick", at=tick)
    free_from = begin + _samples(SOUND_LENGTH_S["hold_start"] + BEEP_GAP_S)
    free_to = (ticks[0] if ticks else end) - _samples(BEEP_GAP_S)
    _reminders(w, ex, phase, hold, begin, free_from, free_to, values)
    w.t = end
    if "hold_end" in phase.beeps:
        w.sound("hold_end")
    for line in phase.release:
        w.say(_fill(line, values))


def _quiet_tail_s(phase: Phase) -> float:
    """Seconds at the end of a hold kept free of speech: the count-down ticks and a gap before them."""
    return phase.countdown + BEEP_GAP_S + GAP_S


def _room_for_halfway(w: _Writer, ex: Exercise, phase: Phase, hold: float, values: dict) -> float:
    """Lengthen the hold (within its max) when a half-time reminder would not fit before the count-down."""
    for reminder in phase.reminders:
        if not reminder.at_half:
            continue
        texts = [_fill(t, {**values, "remaining": round(hold / 2)}) for t in reminder.text]
        if not all([t in w.durations for t in texts]):  # a list, so every missing text is noted for measuring
            continue
        shortest = min(w.length(t) for t in texts) / SAMPLE_RATE
        needed = 2 * (shortest + _quiet_tail_s(phase))
        if needed > hold:
            if needed > phase.hold_s.max:
                raise PlanError(f"{ex.id}: the half-time reminder {texts[0]!r} needs a hold of {needed:.1f} s, "
                                f"longer than the longest hold ({phase.hold_s.max:g} s) by "
                                f"{needed - phase.hold_s.max:.1f} s")
            hold = min(math.ceil(needed), phase.hold_s.max)
    return hold


def _reminders(w: _Writer, ex: Exercise, phase: Phase, hold: float, begin: int, free_from: int, free_to: int,
               values: dict) -> None:
    """Place reminders inside a hold: the variant in turn, else the shortest that fits.

    A 'seconds left' reminder that cannot fit in any variant is an error (no hold length helps); periodic
    reminders that would collide with another one are left out.
    """
    wanted: list[tuple[int, tuple[str, ...], str, float, bool]] = []
    for i, r in enumerate(phase.reminders):
        key = f"{ex.id}:{phase.name}:reminder{i}"
        if r.at_half:
            wanted.append((begin + _samples(hold / 2), r.text, key, hold / 2, False))
        elif r.remaining_s is not None and r.remaining_s < hold:
            wanted.append((begin + _samples(hold - r.remaining_s), r.text, key, r.remaining_s, True))
        elif r.every_s is not None:
            k = 1
            while r.every_s * k < hold:
                wanted.append((begin + _samples(r.every_s * k), r.text, key, hold - r.every_s * k, False))
                k += 1
    taken: list[tuple[int, int]] = []
    gap = _samples(GAP_S)
    for at, options, key, remaining, must_fit in wanted:
        values = {**values, "remaining": round(remaining)}
        texts = sorted({_fill(o, values) for o in options}, key=lambda t: (w.length(t), t))
        preferred = _fill(options[w.turns[key] % len(options)], values)
        start = max(at, free_from)
        for text in [preferred, *texts]:
            n = w.length(text)
            if start + n + gap > free_to:
                continue
            if any(start < b + gap and a < start + n + gap for a, b in taken):
                continue
            taken.append((start, start + n))
            w.turns[key] += 1
            w.events.append(Event(SPEECH, start, start + n, len(w.chapters) - 1, text))
            break
        else:
            short = (start + w.length(texts[0]) + gap - free_to) / SAMPLE_RATE
            if must_fit and short > 0 and all(t in w.durations for t in texts):
                raise PlanError(f"{ex.id}: the reminder {texts[0]!r} does not fit between {remaining:g} s before "
                                f"the end of the hold and the count-down: {short:.1f} s too long")
