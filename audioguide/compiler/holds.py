"""Inside a hold: its beeps, the count-down (ticks or said numbers, each on its second) and the reminders,
placed where a listener expects them and never over the count-down."""

from __future__ import annotations

import math

from ..errors import PlanError
from ..model import HOLD, SAMPLE_RATE, SOUND_LENGTH_S, SPEECH, Event, Exercise, Phase
from .phrases import countdown
from .writer import BEEP_GAP_S, GAP_S, Writer, fill, samples

SHORT_GAP_S = 0.2     # silence after a short cue before a movement or beep
REMINDER_SPACING_S = 4.0  # at least this much quiet between two reminders of one hold: a reminder, not a lecture


def hold_phase(w: Writer, ex: Exercise, index: int, hold: float, values: dict) -> None:
    phase = ex.phases[index]
    hold = _room_for_halfway(w, ex, index, hold, values)
    begin = w.t
    end = begin + samples(hold)
    if "hold_start" in phase.beeps:
        w.sound("hold_start", at=begin)
    w.events.append(Event(HOLD, begin, end, len(w.chapters) - 1))
    ticks = _countdown(w, phase, end)
    free_from = begin + samples(SOUND_LENGTH_S["hold_start"] + BEEP_GAP_S)
    free_to = (ticks[0] if ticks else end) - samples(BEEP_GAP_S)
    _reminders(w, ex, index, hold, begin, free_from, free_to, values)
    w.t = end
    if "hold_end" in phase.beeps:
        w.sound("hold_end")
    for line in phase.release:
        w.say(fill(line, values))


def _countdown(w: Writer, phase: Phase, end: int) -> list[int]:
    """Count down the last seconds of a hold ending at end, with ticks or said numbers, one a second (a said
    number longer than its second spaces them all out); return where each starts."""
    if not phase.countdown_spoken:
        ticks = [end - samples(k) for k in range(phase.countdown, 0, -1)]
        for tick in ticks:
            w.sound("tick", at=tick)
        return ticks
    words = [countdown(k, w.language) for k in range(phase.countdown, 0, -1)]
    slot = max(SAMPLE_RATE, max(w.length(word) for word in words) + samples(SHORT_GAP_S))
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


def _room_for_halfway(w: Writer, ex: Exercise, index: int, hold: float, values: dict) -> float:
    """Lengthen the hold (within its max) when a half-time reminder would not fit before the count-down."""
    phase = ex.phases[index]
    assert phase.hold_s is not None  # reminders come with a hold (checked when the definitions are read)
    for number, reminder in enumerate(phase.reminders):
        if not reminder.at_half:
            continue
        texts = [fill(t, {**values, "remaining": round(hold / 2)}) for t in reminder.text]
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


def _reminders(w: Writer, ex: Exercise, index: int, hold: float, begin: int, free_from: int, free_to: int,
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
            wanted.append((begin + samples(hold / 2), r.text, key, hold / 2, False, i))
        elif r.remaining_s is not None and r.remaining_s < hold:
            wanted.append((begin + samples(hold - r.remaining_s), r.text, key, r.remaining_s, True, i))
        elif r.every_s is not None:
            k = 1
            while r.every_s * k < hold:
                wanted.append((begin + samples(r.every_s * k), r.text, key, hold - r.every_s * k, False, i))
                k += 1
    taken: list[tuple[int, int]] = []
    gap, spacing = samples(GAP_S), samples(REMINDER_SPACING_S)
    said: set[str] = set()
    before = w.last_hold.get(f"{ex.id}:{phase.name}", set())
    for at, options, key, remaining, must_fit, number in wanted:
        values = {**values, "remaining": round(remaining)}
        texts = sorted({fill(o, values) for o in options}, key=lambda t: (w.length(t), t))
        preferred = fill(options[w.pick(key, w.turns[key], len(options))], values)
        start = max(at, free_from)
        # never twice in one hold; what the last hold said only when nothing else fits
        candidates = sorted(dict.fromkeys([preferred, *texts]), key=lambda t: t in before)
        for text in [t for t in candidates if t not in said]:
            n = w.length(text)
            if start + n + gap > free_to:
                continue
            if any(start < b + spacing and a < start + n + spacing for a, b in taken):
                continue
            taken.append((start, start + n))
            said.add(text)
            w.turns[key] += 1
            w.events.append(Event(SPEECH, start, start + n, len(w.chapters) - 1, text))
            break
        else:
            short = (start + w.length(texts[0]) + gap - free_to) / SAMPLE_RATE
            if must_fit and short > 0 and all([w.measured(t) for t in texts]):
                raise PlanError(f"{_where(ex, index, number)}: the reminder {texts[0]!r} does not fit between "
                                f"{remaining:g} s before "
                                f"the end of the hold and the count-down: {short:.1f} s too long")
    w.last_hold[f"{ex.id}:{phase.name}"] = said
