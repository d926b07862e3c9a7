"""What a definition can amount to, judged without laying it out: whether a text speaks, how long a routine
can last at most. The compiler measures exactly; these bounds only refuse what could never work."""

from __future__ import annotations

import re

from ..model import Exercise, Reminder

MAX_TEXT = 500
MAX_MISTAKES = 50   # reported per file; the rest are counted
MAX_HOLD_S = 600
MAX_REPS = 500
MAX_SETS = 20
MAX_ROUNDS = 20
MAX_REST_S = 600
MAX_MOVE_S = 60
MAX_ITEMS = 100
SPOKEN_COUNTDOWN = 3   # countdown = "spoken" says "Three. Two. One." over the last three seconds

# Placeholders that are always filled with a number, so a text holding one always says something.
NUMBER_PLACEHOLDERS = frozenset({"rep", "reps", "seconds", "remaining", "position", "count", "round", "rounds"})
SPEECH_CHARS_PER_S = 13.0   # a generous speaking rate: the estimate leans short, refusing only the absurd
SPEECH_PAUSE_S = 0.5        # the start of a clip and the gap after it
FASTEST_CHARS_PER_S = 20.0  # quicker than any voice speaks: a reminder refused at this rate fits with none
HOLD_QUIET_S = 0.6          # the compiler's gaps around a hold's beeps and before its count-down (at least)


def speaks(template: str) -> bool:
    """True when the text says something: a letter or digit outside markup, or a number placeholder.

    Speech engines get the text without markup and symbols (speech.text.normalise keeps every letter and
    digit), so a text without any would render as silence.
    """
    text = re.sub(r"<[^>]*>", " ", template)
    text = re.sub(r"\{(\w*)\}", lambda m: " 1 " if m.group(1) in NUMBER_PLACEHOLDERS else " ", text)
    return any(c.isalnum() for c in text)


def too_long(ex: Exercise, longest_s: float) -> tuple[str, str] | None:
    """(key, why) when even the exercise's shortest (every min: reps, sets, holds, rests) lasts longer than
    longest_s, so no session could hold it; the key is the quantity that weighs most. None when it fits."""
    sides = 2 if ex.sides else 1
    rep = [max(p.move_s, _said(p.cue[:1])) + (p.hold_s.min if p.hold_s else 0.0) for p in ex.phases]
    per_set = sides * ex.reps.min * sum(rep) + _said(ex.start_cue[:1])
    total = _said(ex.setup) + ex.sets.min * per_set + (ex.sets.min - 1) * ex.set_rest_s.min
    if total <= longest_s:
        return None
    longest = max(range(len(rep)), key=rep.__getitem__)
    key = "reps" if ex.reps.min >= max(ex.sets.min, 2) else "sets" if ex.sets.min > 1 else f"phases[{longest}].hold"
    plural = lambda n, word: f"{n:g} {word}" + ("s" if n != 1 else "")  # noqa: E731
    return key, (f"even at its shortest ({plural(ex.reps.min, 'rep')}, {plural(ex.sets.min, 'set')}, holds of "
                 f"{', '.join(f'{p.hold_s.min:g} s' for p in ex.phases if p.hold_s) or 'none'}) the exercise lasts "
                 f"{total / 3600:.1f} hours, more than a session can (at most {longest_s / 3600:g} hours)")


def _said(texts: tuple[str, ...]) -> float:
    return sum(len(t) / SPEECH_CHARS_PER_S + SPEECH_PAUSE_S for t in texts)


def reminder_misfit(reminder: Reminder, longest_hold_s: float, countdown: int) -> str | None:
    """Why a reminder can never be said inside the longest hold, or None when it may fit.

    Judged with the fastest speech any voice has: what is refused here fails with every voice; what passes is
    checked again against the measured speech when a session is planned.
    """
    if not reminder.text:
        return None  # its missing text is reported on its own
    shortest = min(len(text) / FASTEST_CHARS_PER_S for text in reminder.text)
    tail = countdown + HOLD_QUIET_S
    if reminder.at_half:
        needed = 2 * (shortest + tail)
        if needed > longest_hold_s:
            return (f"too long for half-way through the longest hold ({longest_hold_s:g} s): even said quickly it "
                    f"needs a hold of {needed:.1f} s")
    elif reminder.remaining_s is not None:
        room = min(reminder.remaining_s, longest_hold_s - HOLD_QUIET_S) - tail
        if shortest > room:
            return (f"too long to be said {reminder.remaining_s:g} s before the end of the hold: even said quickly "
                    f"it takes {shortest:.1f} s, and there are {max(room, 0):.1f} s before the count-down")
    return None
