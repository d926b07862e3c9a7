"""What every import shares: a workout of timed items and rests, as other apps keep them, made into
audioguide's tables (an exercise per distinct item, held for its time; the rests between; rounds), with a
line for everything that could not be carried over. The loader then judges the tables like any file."""

from __future__ import annotations

import re
import reprlib
import statistics
from dataclasses import dataclass, field

from ...errors import DefinitionError
from ..reader import ID_PATTERN

MAX_HOLD_S = 600      # the definitions' own bound (docs/definitions.md)
MIN_HOLD_S = 3
MAX_ROUNDS = 20
MAX_ITEMS = 200       # timed items in one workout: more is not a workout a person follows


class ImportFault(DefinitionError):
    """A file of another app that cannot be read as that app writes it: what was expected, where, what was found."""


_SHOWN = reprlib.Repr()   # Python 3.11's takes no arguments
_SHOWN.maxlevel, _SHOWN.maxlist, _SHOWN.maxtuple, _SHOWN.maxdict = 2, 4, 4, 4
_SHOWN.maxstring, _SHOWN.maxother = 40, 40


def shown(value: object) -> str:
    """What was found, as a mistake's line quotes it: a few items and characters of it, however large it is."""
    return _SHOWN.repr(value)


@dataclass(frozen=True, slots=True)
class Imported:
    format: str                  # the app's name as a person knows it
    routine_id: str              # the first (often the only) routine
    tables: dict                 # {"exercises": {...}, "routines": {...}}
    notes: list[str]             # what could not be carried over, one line each


def slug(text: str, fallback: str) -> str:
    """An id from a name: 'Push-Ups With Rotation' -> 'push-ups-with-rotation'."""
    made = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60].strip("-")
    return made if ID_PATTERN.match(made or "-") else fallback


def said(text: object) -> str | None:
    """A text worth saying (letters or digits in it), its whitespace tidied; None otherwise."""
    if not isinstance(text, str):
        return None
    tidy = " ".join(text.split())
    return tidy if re.search(r"\w", tidy) else None


@dataclass
class Workout:
    """A workout being carried over: its title, its items in order, the rests, the rounds, and the notes."""

    title: str
    format: str
    notes: list[str] = field(default_factory=list)
    exercises: dict[str, dict] = field(default_factory=dict)
    items: list[dict] = field(default_factory=list)
    rests_s: list[float] = field(default_factory=list)
    rounds: int = 1
    intro: list[str] = field(default_factory=list)
    outro: list[str] = field(default_factory=list)
    hint: str = ""            # a title when the file has none (its name)
    _holds: dict[str, float] = field(default_factory=dict)

    def add(self, name: object, seconds: object, where: str, texts: list[str] | None = None,
            sides: bool = False, field: str = "duration") -> None:
        """One timed item: an exercise held for seconds (per side when sides), its texts said during it."""
        if len(self.items) >= MAX_ITEMS:
            raise ImportFault(f"{where}: expected at most {MAX_ITEMS} timed items in a workout, found more")
        title = said(name) or f"Exercise {len(self.items) + 1}"
        if title != name:
            self.notes.append(f"{where}: no name to say; called it {title!r}")
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
            raise ImportFault(f"{self.format} workout: {where}.{field}: expected seconds as a number, found {shown(seconds)}")
        hold = float(seconds) / (2 if sides else 1)
        if hold <= 0:
            self.notes.append(f"{where}: {title!r} lasts {seconds} s: left out")
            return
        if hold > MAX_HOLD_S or hold < MIN_HOLD_S:
            kept = min(max(hold, MIN_HOLD_S), MAX_HOLD_S)
            self.notes.append(f"{where}: {title!r} held {hold:g} s; audioguide holds {MIN_HOLD_S} to {MAX_HOLD_S} s, "
                              f"so {kept:g} s")
            hold = kept
        exercise_id = slug(title, f"exercise-{len(self.exercises) + 1}")
        if exercise_id not in self.exercises:
            self.exercises[exercise_id] = self._exercise(title, hold, texts or [], sides)
            self._holds[exercise_id] = hold
        item: dict = {"exercise": exercise_id}
        if self._holds[exercise_id] != hold:  # the same exercise for another time here
            item["phases"] = [{**self.exercises[exercise_id]["phases"][0], "hold": _range(hold)}]
        self.items.append(item)

    def rest(self, seconds: object, where: str) -> None:
        if isinstance(seconds, (int, float)) and not isinstance(seconds, bool) and seconds > 0:
            self.rests_s.append(float(seconds))
        elif seconds not in (0, None):
            self.notes.append(f"{where}: a rest of {seconds!r}: expected seconds, left out")

    def _exercise(self, title: str, hold: float, texts: list[str], sides: bool) -> dict:
        phase: dict = {"cue": f"{title}.", "hold": _range(hold)}
        spoken = [t for t in (said(t) for t in texts) if t]
        if spoken:  # said inside the hold, spread over it
            phase["reminders"] = [{"every_s": max(5, round(hold / (len(spoken) + 1))), "text": spoken}]
        exercise: dict = {"title": title, "count": "none", "phases": [phase]}
        if sides:
            exercise.update(sides="both", side_mode="blocks")
        return exercise

    def tables(self, routine_id: str | None = None) -> Imported:
        if not self.items:
            raise ImportFault(f"{self.format}: the workout {self.title!r} has no timed items to carry over")
        title = said(self.title) or said(self.hint) or "Imported workout"
        routine: dict = {"title": title, "description": f"Imported from {self.format}.",
                         "intro": self.intro or [f"{title}."], "outro": self.outro or [f"That is the end of {title}. Well done."]}
        if self.rests_s:
            middle = statistics.median(self.rests_s)
            if max(self.rests_s) - min(self.rests_s) > 1:
                self.notes.append(f"rests of {min(self.rests_s):g} to {max(self.rests_s):g} s became one rest of "
                                  f"about {middle:g} s between exercises (audioguide fits rests to the length)")
            routine["rest_s"] = _range(middle, low=1)
        if self.rounds > 1:
            rounds = min(self.rounds, MAX_ROUNDS)
            routine["rounds"] = {"min": 1, "default": rounds, "max": rounds}
        routine["items"] = self.items
        rid = routine_id or slug(title, "imported")
        return Imported(self.format, rid, {"exercises": self.exercises, "routines": {rid: routine}}, self.notes)


def _range(seconds: float, low: float = MIN_HOLD_S) -> dict:
    """A time as the app had it, with room around it so that audioguide can fit the session to any length."""
    value = round(seconds, 1) if seconds != int(seconds) else int(seconds)
    return {"min_s": max(low, round(seconds / 2)), "default_s": value, "max_s": min(MAX_HOLD_S, round(seconds * 2))}
