"""One layout of a routine: items, rounds and a level chosen, every event placed cue by cue, in samples.

Each spoken cue takes exactly its measured length (or an estimate, noted, when it has not been measured), so a
layout built from measured speech matches the rendered audio to the sample.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ..errors import PlanError
from .phrases import holding
from ..model import (
    COUNTDOWN_WORDS,
    HOLD,
    REST,
    SAMPLE_RATE,
    SOUND_LENGTH_S,
    SPEECH,
    Chapter,
    Event,
    Exercise,
    Phase,
    Range,
    Routine,
    Timeline,
)

GAP_S = 0.35          # silence after a spoken cue
SHORT_GAP_S = 0.2     # silence after a short cue before a movement or beep
BEEP_GAP_S = 0.25     # silence after a beep before the next cue
TAIL_S = 1.0          # silence after the end bell
LEAD_IN_S = 0.75      # silence before the first word: Bluetooth earbuds that sleep in silence wake on sound and
                      # swallow what comes in their first half second
CHARS_PER_S = 13.0    # estimate for speech not yet measured (a rendered clip replaces it)


@dataclass(frozen=True, slots=True)
class Choice:
    """Which items, how many rounds, and how far up their ranges the quantities go."""

    rounds: int
    dropped: frozenset[int]
    level: float


@dataclass(frozen=True, slots=True)
class Amounts:
    """How much of one exercise a level gives: reps (per side), sets and each phase's hold in seconds."""

    reps: int
    sets: int
    holds_s: tuple[float, ...]


def amounts(ex: Exercise, level: float) -> Amounts:
    """The reps, sets and holds of an exercise at a level, on the grids people count in."""
    holds = tuple(_pick(p.hold_s, level, 1 if p.hold_s.max - p.hold_s.min >= 1 else 0.5) if p.hold_s else 0.0
                  for p in ex.phases)
    return Amounts(int(_pick(ex.reps, level, 1)), int(_pick(ex.sets, level, 1)), holds)


def quantities(routine: Routine, level: float) -> tuple:
    """Everything a level decides in a layout (rests, and each exercise's reps, sets, holds and set rests):
    levels with the same quantities give the same layout, since amounts move in steps."""
    return (_pick(routine.rest_s, level, 0.5),
            *((amounts(item.exercise, level), _pick(item.exercise.set_rest_s, level, 0.5)) for item in routine.items))


def _pick(span: Range, level: float, step: float) -> float:
    """The value of span at level, on a grid of step, kept inside the span."""
    value = round(span.at(level) / step) * step
    return min(max(value, span.min), span.max)


class _Writer:
    """Appends events one after another, tracking the time cursor in samples and the texts it had to estimate."""

    def __init__(self, durations: Mapping[str, int], seed: int, estimate: Callable[[str], int] | None = None):
        self.durations = durations
        self.seed = seed
        self.estimate = estimate or _guess
        self.offsets: dict[tuple[str, int], int] = {}
        self.estimated: set[str] = set()
        self.t = 0
        self.events: list[Event] = []
        self.chapters: list[tuple[str, int]] = []
        self.turns: Counter[str] = Counter()

    def chapter(self, title: str) -> None:
        self.chapters.append((title, self.t))

    def measured(self, text: str) -> bool:
        """True when the text's length is known; otherwise it is noted as estimated."""
        if text in self.durations:
            return True
        self.estimated.add(text)
        return False

    def length(self, text: str) -> int:
        """The text's measured length in samples, else an estimate (noted in self.estimated)."""
        if self.measured(text):
            return int(self.durations[text])
        return self.estimate(text)

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
        self.events.append(Event(REST, self.t, self.t, len(self.chapters) - 1))
        self.wait(seconds)

    def variant(self, options: tuple[str, ...], key: str, values: Mapping[str, object],
                fullest_first: bool = False) -> str:
        """The next phrasing variant in turn, so the session does not repeat itself word for word.

        Where the rotation starts depends on the seed, so days differ; with fullest_first the first turn is
        always the first (fullest) variant and the rotation runs over the others.
        """
        turn = self.turns[key]
        self.turns[key] += 1
        return _fill(options[self.pick(key, turn, len(options), fullest_first)], values)

    def pick(self, key: str, turn: int, n: int, fullest_first: bool = False) -> int:
        """Which of n variants the turn-th use of key says."""
        if fullest_first:
            return 0 if turn == 0 or n == 1 else 1 + (self._offset(key, n - 1) + turn - 1) % (n - 1)
        return (self._offset(key, n) + turn) % n

    def _offset(self, key: str, n: int) -> int:
        if (key, n) not in self.offsets:
            digest = hashlib.sha256(f"{self.seed}:{key}".encode()).digest()
            self.offsets[(key, n)] = int.from_bytes(digest[:4], "big") % n
        return self.offsets[(key, n)]


def _guess(text: str) -> int:
    """A length for a text no one has measured: about what the voices take."""
    return round((0.25 + len(text) / CHARS_PER_S) * SAMPLE_RATE)


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


def layout(routine: Routine, choice: Choice, durations: Mapping[str, int], seed: int = 0,
           estimate: Callable[[str], int] | None = None) -> tuple[Timeline, set[str]]:
    """The routine laid out as choice says (phrasings rotated from where seed says), and the texts whose lengths
    had to be estimated (with estimate, or the compiler's own guess)."""
    w = _Writer(durations, seed, estimate)
    items = [item for i, item in enumerate(routine.items) if i not in choice.dropped]
    w.chapter("Intro")
    w.wait(LEAD_IN_S)
    for line in routine.intro:
        w.say(_fill(line, {"title": routine.title, "count": len(items), "rounds": choice.rounds}))
    if choice.dropped:  # a short session says what it holds
        w.say(holding(len(items), len(routine.items)))
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
    return Timeline(routine.title, routine.id, w.t, tuple(w.events), chapters, SAMPLE_RATE), w.estimated


def _exercise(w: _Writer, ex: Exercise, level: float, first_time: bool, next_title: str) -> None:
    reps, sets, holds = dataclasses.astuple(amounts(ex, level))
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
    reps = base["reps"]
    values = {**base, "rep": rep, "side": side, "remaining": reps - rep}
    rep_beeped = False
    for index, (phase, hold) in enumerate(zip(ex.phases, holds)):
        values["seconds"] = hold
        start = w.say(w.variant(phase.cue, f"{ex.id}:{index}:{block}", values, fullest_first=True),
                      gap_s=SHORT_GAP_S)
        w.t = max(w.t, start + _samples(phase.move_s))
        if phase.hold_s is not None and hold > 0:
            _hold(w, ex, index, hold, values)
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


def _hold(w: _Writer, ex: Exercise, index: int, hold: float, values: dict) -> None:
    phase = ex.phases[index]
    hold = _room_for_halfway(w, ex, index, hold, values)
    begin = w.t
    end = begin + _samples(hold)
    if "hold_start" in phase.beeps:
        w.sound("hold_start", at=begin)
    w.events.append(Event(HOLD, begin, end, len(w.chapters) - 1))
    ticks = _countdown(w, phase, end)
    free_from = begin + _samples(SOUND_LENGTH_S["hold_start"] + BEEP_GAP_S)
    free_to = (ticks[0] if ticks else end) - _samples(BEEP_GAP_S)
    _reminders(w, ex, index, hold, begin, free_from, free_to, values)
    w.t = end
    if "hold_end" in phase.beeps:
        w.sound("hold_end")
    for line in phase.release:
        w.say(_fill(line, values))


def _countdown(w: _Writer, phase: Phase, end: int) -> list[int]:
    """Count down the last seconds of a hold ending at end, with ticks or said numbers, one a second (a said
    number longer than its second spaces them all out); return where each starts."""
    if not phase.countdown_spoken:
        ticks = [end - _samples(k) for k in range(phase.countdown, 0, -1)]
        for tick in ticks:
            w.sound("tick", at=tick)
        return ticks
    words = [COUNTDOWN_WORDS[k - 1] for k in range(phase.countdown, 0, -1)]
    slot = max(SAMPLE_RATE, max(w.length(word) for word in words) + _samples(SHORT_GAP_S))
    starts = [end - slot * k for k in range(phase.countdown, 0, -1)]
    for start, word in zip(starts, words):
        w.events.append(Event(SPEECH, start, start + w.length(word), len(w.chapters) - 1, word))
    return starts


def _quiet_tail_s(phase: Phase) -> float:
    """Seconds at the end of a hold kept free of speech: the count-down ticks and a gap before them."""
    return phase.countdown + BEEP_GAP_S + GAP_S


def _where(ex: Exercise, phase: int, reminder: int) -> str:
    """Where a reminder is defined, as definition errors say it: 'my.toml: exercises.x.phases[0].reminders[1]'."""
    key = f"exercises.{ex.id}.phases[{phase}].reminders[{reminder}]"
    return f"{ex.source}: {key}" if ex.source else key


def _room_for_halfway(w: _Writer, ex: Exercise, index: int, hold: float, values: dict) -> float:
    """Lengthen the hold (within its max) when a half-time reminder would not fit before the count-down."""
    phase = ex.phases[index]
    assert phase.hold_s is not None  # reminders come with a hold (checked when the definitions are read)
    for number, reminder in enumerate(phase.reminders):
        if not reminder.at_half:
            continue
        texts = [_fill(t, {**values, "remaining": round(hold / 2)}) for t in reminder.text]
        if not all([w.measured(t) for t in texts]):  # a list, so every missing text is noted for measuring
            continue
        shortest = min(w.length(t) for t in texts) / SAMPLE_RATE
        needed = 2 * (shortest + _quiet_tail_s(phase))
        if needed > hold:
            if needed > phase.hold_s.max:
                raise PlanError(f"{_where(ex, index, number)}: the half-time reminder {texts[0]!r} needs a hold of "
                                f"{needed:.1f} s, "
                                f"longer than the longest hold ({phase.hold_s.max:g} s) by "
                                f"{needed - phase.hold_s.max:.1f} s")
            hold = min(math.ceil(needed), phase.hold_s.max)
    return hold


def _reminders(w: _Writer, ex: Exercise, index: int, hold: float, begin: int, free_from: int, free_to: int,
               values: dict) -> None:
    """Place reminders inside a hold: the variant in turn, else the shortest that fits.

    A 'seconds left' reminder that cannot fit in any variant is an error (no hold length helps); periodic
    reminders that would collide with another one are left out.
    """
    phase = ex.phases[index]
    wanted: list[tuple[int, tuple[str, ...], str, float, bool, int]] = []
    for i, r in enumerate(phase.reminders):
        key = f"{ex.id}:{phase.name}:reminder{i}"
        if r.at_half:
            wanted.append((begin + _samples(hold / 2), r.text, key, hold / 2, False, i))
        elif r.remaining_s is not None and r.remaining_s < hold:
            wanted.append((begin + _samples(hold - r.remaining_s), r.text, key, r.remaining_s, True, i))
        elif r.every_s is not None:
            k = 1
            while r.every_s * k < hold:
                wanted.append((begin + _samples(r.every_s * k), r.text, key, hold - r.every_s * k, False, i))
                k += 1
    taken: list[tuple[int, int]] = []
    gap = _samples(GAP_S)
    for at, options, key, remaining, must_fit, number in wanted:
        values = {**values, "remaining": round(remaining)}
        texts = sorted({_fill(o, values) for o in options}, key=lambda t: (w.length(t), t))
        preferred = _fill(options[w.pick(key, w.turns[key], len(options))], values)
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
            if must_fit and short > 0 and all([w.measured(t) for t in texts]):
                raise PlanError(f"{_where(ex, index, number)}: the reminder {texts[0]!r} does not fit between "
                                f"{remaining:g} s before "
                                f"the end of the hold and the count-down: {short:.1f} s too long")
