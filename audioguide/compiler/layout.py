"""One layout of a routine: items, rounds and a level chosen, every event placed cue by cue, in samples.

Each spoken cue takes exactly its measured length (or an estimate, noted, when it has not been measured), so a
layout built from measured speech matches the rendered audio to the sample.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ..model import SAMPLE_RATE, Chapter, Exercise, Range, Routine, Timeline

from .holds import SHORT_GAP_S, hold_phase
from .phrases import holding, said
from .writer import Writer, fill, samples

TAIL_S = 1.0          # silence after the end bell
SIDE_CHANGE_S = 3.0   # after "Switch sides": turning round or changing arm and leg on all fours takes 2-4 s
POSITION_CHANGE_S = 4.0  # after an exercise's setup when the body changes position (standing to the floor: 3-5 s)
LEAD_IN_S = 0.75      # silence before the first word: Bluetooth earbuds that sleep in silence wake on sound and
                      # swallow what comes in their first half second



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


def quantities(routine: Routine, level: float) -> tuple[float, ...]:
    """Everything a level decides in a layout, as one row of numbers (the rests, and each exercise's reps, sets,
    holds and set rests): levels with the same quantities give the same layout, since amounts move in steps, and
    each number grows (or stays) as the level does."""
    row: list[float] = [_pick(routine.rest_s, level, 0.5)]
    for item in routine.items:
        a = amounts(item.exercise, level)
        row += [a.reps, a.sets, *a.holds_s, _pick(item.exercise.set_rest_s, level, 0.5)]
    return tuple(row)


def _pick(span: Range, level: float, step: float) -> float:
    """The value of span at level, on a grid of step, kept inside the span."""
    value = round(span.at(level) / step) * step
    return min(max(value, span.min), span.max)


def layout(routine: Routine, choice: Choice, durations: Mapping[str, int], seed: int = 0,
           estimate: Callable[[str], int] | None = None) -> tuple[Timeline, set[str]]:
    """The routine laid out as choice says (phrasings rotated from where seed says), and the texts whose lengths
    had to be estimated (with estimate, or the compiler's own guess)."""
    w = Writer(durations, seed, estimate, routine.language)
    items = [item for i, item in enumerate(routine.items) if i not in choice.dropped]
    w.chapter(said("intro_chapter", w.language))
    w.wait(LEAD_IN_S)
    for line in routine.intro:
        w.say(fill(line, {"title": routine.title, "count": len(items), "rounds": choice.rounds}))
    if choice.dropped:  # a short session says what it holds
        w.say(holding(len(items), len(routine.items), w.language))
    rest_s = _pick(routine.rest_s, choice.level, 0.5)
    order = [(round_no, position, item.exercise) for round_no in range(1, choice.rounds + 1)
             for position, item in enumerate(items, start=1)]
    for index, (round_no, position, ex) in enumerate(order):
        title = ex.title if choice.rounds == 1 else said("round_chapter", w.language, round=round_no, title=ex.title)
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
        moving = index == 0 or not ex.posture or ex.posture != order[index - 1][2].posture
        _exercise(w, ex, choice.level, first_time=round_no == 1, next_title=following, moving=moving)
    w.rest(rest_s)
    w.chapter(said("outro_chapter", w.language))
    for line in routine.outro:
        w.say(fill(line, {"title": routine.title}))
    w.sound("bell", gap_s=0)
    w.wait(TAIL_S)
    chapters = tuple(Chapter(title, start, w.chapters[i + 1][1] if i + 1 < len(w.chapters) else w.t)
                     for i, (title, start) in enumerate(w.chapters))
    events = tuple(sorted(w.events, key=lambda e: e.start))  # in time order: reminders are placed after the count-down
    return Timeline(routine.title, routine.id, w.t, events, chapters, SAMPLE_RATE, routine.language), w.estimated


def _exercise(w: Writer, ex: Exercise, level: float, first_time: bool, next_title: str, moving: bool) -> None:
    reps, sets, holds = dataclasses.astuple(amounts(ex, level))
    base = {"reps": reps, "title": ex.title, "next": next_title}
    if first_time:
        for line in ex.setup:
            w.say(fill(line, {**base, "side": ex.side_names[0]}), gap_s=0.6)
        if ex.safety:
            w.say(ex.safety, gap_s=0.6)
    elif ex.position:
        w.say(ex.position, gap_s=0.6)
    if moving and (ex.setup or ex.position):  # time to get there, counted in the plan
        w.wait(POSITION_CHANGE_S)
    sides = ex.side_names if ex.sides else ("",)
    for set_no in range(1, sets + 1):
        if set_no > 1:
            w.say(said("rest", w.language))
            w.rest(_pick(ex.set_rest_s, level, 0.5))
            w.say(said("set", w.language, set=set_no, sets=sets))
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
                w.wait(SIDE_CHANGE_S)
            for rep in range(1, reps + 1):
                _rep(w, ex, base, rep, side, holds, block=f"set{set_no}:{side}")


def _rep(w: Writer, ex: Exercise, base: dict, rep: int, side: str, holds: list[float], block: str) -> None:
    """One rep. Cue variants rotate within a block (a set, or one side of it), so each block opens with the
    first, fullest phrasing."""
    reps = base["reps"]
    values = {**base, "rep": rep, "side": side, "remaining": reps - rep}
    rep_beeped = False
    for index, (phase, hold) in enumerate(zip(ex.phases, holds)):
        values["seconds"] = hold
        start = w.say(w.variant(phase.cue, f"{ex.id}:{index}:{block}", values, fullest_first=True),
                      gap_s=SHORT_GAP_S)
        w.t = max(w.t, start + samples(phase.move_s))
        if phase.hold_s is not None and hold > 0:
            hold_phase(w, ex, index, hold, values)
        if "rep" in phase.beeps:
            w.sound("rep")
            rep_beeped = True
    if ex.count in ("beeps", "both") and not rep_beeped:
        w.sound("rep")
    if ex.count in ("spoken", "both"):
        w.say(str(rep) if reps > 1 else said("done", w.language))
    if ex.tips and rep < reps and rep % ex.tip_every == 0:
        slot = w.turns[f"{ex.id}:tip-slot"]
        w.turns[f"{ex.id}:tip-slot"] += 1
        if len(ex.tips) > 1 or slot % 2 == 0:  # never the same tip at two tip slots in a row
            w.say(w.variant(ex.tips, f"{ex.id}:tips", values))


