"""What a listener would notice in a session's script, found from its timeline: the checker the script tests
share. Each fault names the routine, the length and the time it happens at."""

from __future__ import annotations

import re

from num2words import num2words

from audioguide import times
from audioguide.compiler.layout import POSITION_CHANGE_S, SIDE_CHANGE_S
from audioguide.definitions.posture import names_another
from audioguide.model import HOLD, SAMPLE_RATE, SPEECH, Routine, Timeline

COUNT_WORDS = {num2words(n): n for n in range(1, 21)} | {str(n): n for n in range(1, 21)}
PROMISE = re.compile(r"\b(" + "|".join(COUNT_WORDS) + r") exercises\b", re.IGNORECASE)
NEARLY_S = 0.05


def faults(routine: Routine, timeline: Timeline) -> list[str]:
    """Everything wrong with the script, one line each: '<routine> at <length>, 03:12.5: what'."""
    name = f"{routine.id} at {times.label(timeline.duration_s)}"
    at = lambda sample: f"{name}, {times.clock(sample / SAMPLE_RATE, 1)}"  # noqa: E731
    out: list[str] = []
    events = timeline.events
    out += [f"{at(b.start)}: out of time order after {a.kind} at {times.clock(a.start / SAMPLE_RATE, 1)}"
            for a, b in zip(events, events[1:]) if b.start < a.start]
    speech = sorted((e for e in events if e.kind == SPEECH), key=lambda e: e.start)
    out += [f"{at(b.start)}: {b.text!r} begins over {a.text!r}" for a, b in zip(speech, speech[1:])
            if b.start < a.end]
    ticks = [e for e in events if e.kind in ("tick", "rep")]
    out += [f"{at(t.start)}: a {t.kind} under {e.text!r}" for t in ticks for e in speech
            if e.start < t.end and t.start < e.end]
    exercises = {item.exercise.title: item.exercise for item in routine.items}
    titles = [c.title.split(": ", 1)[-1] for c in timeline.chapters]
    kept = len(dict.fromkeys(t for t in titles if t in exercises))
    out += _promises(at, speech, kept, len(routine.items))
    out += _chapters(at, timeline, exercises, titles)
    before = None
    for index, title in enumerate(titles):
        ex = exercises.get(title)
        if ex is None:
            continue
        chapter = timeline.chapters[index]
        said = [e for e in speech if chapter.start <= e.start < chapter.end]
        out += _body(at, ex, said, moving=before is None or not ex.posture or ex.posture != before.posture)
        before = ex
    for hold in (e for e in events if e.kind == HOLD):
        inside = [e.text for e in speech if hold.start <= e.start < hold.end and e.text not in COUNTDOWN]
        out += [f"{at(hold.start)}: {t!r} said twice in one hold" for t in set(inside) if inside.count(t) > 1]
    return out


COUNTDOWN = {"Three.", "Two.", "One."}


def _promises(at, speech, kept: int, total: int) -> list[str]:
    out = []
    for e in speech:
        for match in PROMISE.finditer(e.text or ""):
            promised = COUNT_WORDS[match.group(1).lower()]
            if promised not in (kept, total) or (promised == total and kept < total and "of the" not in e.text):
                out.append(f"{at(e.start)}: {e.text!r} promises {promised} exercises; the session has {kept}")
        if (e.text or "").startswith("Today: ") and f"{num2words(kept)} of the" not in e.text:
            out.append(f"{at(e.start)}: {e.text!r}, but the session has {kept} of {total}")
    if kept < total and not any((e.text or "").startswith("Today: ") for e in speech):
        out.append(f"{at(0)}: {kept} of {total} exercises, and the session never says so")
    return out


def _chapters(at, timeline: Timeline, exercises: dict, titles: list[str]) -> list[str]:
    out = []
    starts = [c.start for c in timeline.chapters]
    if starts != sorted(starts) or timeline.chapters[-1].end != timeline.n_samples:
        out.append(f"{at(0)}: chapters out of order or not covering the session")
    for chapter, title in zip(timeline.chapters, titles):
        if title in ("Intro", "Outro"):
            continue
        if title not in exercises:
            out.append(f"{at(chapter.start)}: chapter {chapter.title!r} is no exercise of the routine")
            continue
        opening = [e.text for e in timeline.events if e.kind == SPEECH and chapter.start <= e.start < chapter.end][:2]
        if not any(title in text for text in opening):  # a round's cue may come first, then the exercise's name
            out.append(f"{at(chapter.start)}: chapter {chapter.title!r} does not begin by naming it ({opening!r})")
    return out


def _body(at, ex, said, moving: bool) -> list[str]:
    out = []
    getting_there = {*ex.setup, ex.position, ex.safety}
    for e in said:
        if ex.posture and e.text not in getting_there and "exercise" not in e.text.lower():
            word = names_another(e.text, ex.posture)
            if word:
                out.append(f"{at(e.start)}: {e.text!r} says {word!r} during {ex.id}, done {ex.posture}")
    switches = set(ex.switch_cue)
    for a, b in zip(said, said[1:]):
        if any(a.text == s.format(side=side) for s in switches for side in ex.side_names):
            if (b.start - a.end) / SAMPLE_RATE < SIDE_CHANGE_S - NEARLY_S:
                out.append(f"{at(b.start)}: {b.text!r} {(b.start - a.end) / SAMPLE_RATE:.2f} s after {a.text!r}: "
                           "no time to change sides")
    setup = [e for e in said if e.text in getting_there]
    if setup and moving:
        after = next((e for e in said if e.start > setup[-1].start and e.text not in getting_there), None)
        if after is not None and (after.start - setup[-1].end) / SAMPLE_RATE < POSITION_CHANGE_S - NEARLY_S:
            out.append(f"{at(after.start)}: {after.text!r} {(after.start - setup[-1].end) / SAMPLE_RATE:.2f} s "
                       f"after the setup: no time to get into position")
    return out
