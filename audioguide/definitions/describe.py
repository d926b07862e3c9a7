"""Exercises and routines as readable text (audioguide show)."""

from __future__ import annotations

from collections.abc import Sequence

from .. import times
from ..model import Exercise, Range, Routine


def _range(span: Range, unit: str = "") -> str:
    fmt = lambda v: f"{v:g}{unit}"  # noqa: E731
    if span.min == span.max:
        return fmt(span.min)
    return f"{fmt(span.min)} to {fmt(span.max)} (default {fmt(span.default)})"


def exercise(ex: Exercise, source: str = "") -> list[str]:
    lines = [f"{ex.title}  [{ex.id}{', ' + source if source else ''}]"]
    if ex.summary:
        lines.append(f"  {ex.summary}")
    for label, value in (("Position", ex.position), ("Equipment", ", ".join(ex.equipment)),
                         ("Instead", ", ".join(ex.alternatives)), ("Safety", ex.safety)):
        if value:
            lines.append(f"  {label}: {value}")
    lines.append(f"  Reps: {_range(ex.reps)}" + (f" x sets {_range(ex.sets)}, rest {_range(ex.set_rest_s, ' s')}"
                                                  if ex.sets.max > 1 else ""))
    if ex.sides:
        lines.append(f"  Sides: {' and '.join(ex.side_names)}, {ex.side_mode}")
    lines.append(f"  Counting: {ex.count}")
    if ex.setup:
        lines.append("  Setup:")
        lines += [f"    - {line}" for line in ex.setup]
    for i, phase in enumerate(ex.phases, 1):
        hold = f", hold {_range(phase.hold_s, ' s')}" if phase.hold_s else ""
        beeps = f", beeps: {', '.join(phase.beeps)}" if phase.beeps else ""
        countdown = (f", count-down {phase.countdown} s{' spoken' if phase.countdown_spoken else ''}"
                     if phase.countdown else "")
        lines.append(f"  Phase {i} ({phase.name}): move {phase.move_s:g} s{hold}{beeps}{countdown}")
        lines += [f"    say: {cue}" for cue in phase.cue]
        for reminder in phase.reminders:
            when = ("at half time" if reminder.at_half else f"{reminder.remaining_s:g} s before the end"
                    if reminder.remaining_s is not None else f"every {reminder.every_s:g} s")
            lines.append(f"    {when}: {' | '.join(reminder.text)}")
        lines += [f"    after: {line}" for line in phase.release]
    if ex.tips:
        lines.append(f"  Tips (every {ex.tip_every} reps):")
        lines += [f"    - {tip}" for tip in ex.tips]
    return lines


def routine(rt: Routine, source: str = "", length_s: tuple[float, float] | None = None,
            estimated: bool = False, keeps: Sequence[tuple[float, tuple[str, ...]]] = (),
            languages: Sequence[str] = ()) -> list[str]:
    lines = [f"{rt.title}  [{rt.id}{', ' + source if source else ''}]"]
    if rt.description:
        lines.append(f"  {rt.description}")
    if len(languages) > 1 or languages and languages[0] != "en":
        lines.append(f"  Languages: {', '.join(languages)} (build --language TAG)")
    if length_s:
        lines.append(f"  Length: {times.minutes(length_s[0], 'up')} to {times.minutes(length_s[1], 'down')} minutes"
                     + (" (estimated)" if estimated else ""))
    if rt.equipment:
        lines.append(f"  You need: {', '.join(rt.equipment)}")
    if len(keeps) > 1:
        lines.append("  Shorter sessions keep (from the length given):")
        lines += [f"    {times.minutes(s, 'up')} min: {', '.join(titles)}" for s, titles in keeps]
    lines.append(f"  Rounds: {_range(rt.rounds)}, and repeated past that for longer sessions; "
                 f"rest between exercises {_range(rt.rest_s, ' s')}")
    lines.append("  Exercises:")
    for i, item in enumerate(rt.items, 1):
        lines.append(f"    {i}. {item.exercise.title} [{item.exercise.id}]{' (optional)' if item.optional else ''}")
    for label, texts in (("Intro", rt.intro), ("Outro", rt.outro)):
        if texts:
            lines.append(f"  {label}:")
            lines += [f"    - {t}" for t in texts]
    return lines
