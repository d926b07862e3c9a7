"""The tables of one definition file -> Exercise and Routine, every mistake collected with its key path and line."""

from __future__ import annotations

import re
import string
import unicodedata
from pathlib import Path
from typing import Any

from .. import files, language
from ..errors import DefinitionError, did_you_mean
from ..model import (COUNT_MODES, DEFAULT_REST_S, DEFAULT_SET_REST_S, PHASE_BEEPS,
                     SIDE_MODES, Exercise, Item, Phase, Range, Reminder, Routine)
from ..times import MAX_SESSION_S
from . import posture
from .bounds import (MAX_HOLD_S, MAX_ITEMS, MAX_MISTAKES, MAX_MOVE_S, MAX_REPS, MAX_REST_S, MAX_ROUNDS, MAX_SETS,
                     MAX_TEXT, SPOKEN_COUNTDOWN, reminder_misfit, speaks, too_long)
from .where import find_line, join, kind, plain, quoted

PLACEHOLDERS = ("rep", "reps", "side", "seconds", "next", "remaining", "position", "count", "round",
                "rounds", "title")
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")

EXERCISE_KEYS = ("title", "language", "summary", "position", "posture", "equipment", "alternatives", "setup", "safety", "reps",
                 "sets", "set_rest_s", "tempo_s", "sides", "side_mode", "side_names", "switch_cue",
                 "side_cue", "count", "tips", "tip_every", "start_cue", "phases")
PHASE_KEYS = ("name", "cue", "move_s", "hold", "beeps", "countdown", "reminders", "release")
REMINDER_KEYS = ("text", "at", "remaining_s", "every_s")
ROUTINE_KEYS = ("title", "language", "description", "intro", "outro", "transition", "round_cue", "rest_s", "rounds",
                "items")
ITEM_KEYS = ("exercise", "optional", "priority")


class Reader:
    """Validates the tables of one file, collecting every mistake with its key path and line."""

    def __init__(self, path: Path, text: str):
        self.path = path
        self.language = language.DEFAULT   # of the table being read: its defaults are said in it
        self.file_language = language.DEFAULT
        self.lines = text.splitlines()
        self.errors: list[DefinitionError] = []
        self.unreported = 0   # mistakes past MAX_MISTAKES: counted, not located (locating is the slow part)

    # -- reporting ---------------------------------------------------------------------------------

    def fail(self, key: str, message: str) -> None:
        if len(self.errors) >= MAX_MISTAKES:
            self.unreported += 1
            return
        self.errors.append(DefinitionError(message, self.path, key or None, find_line(self.lines, key)))

    def check_keys(self, table: dict, allowed: tuple[str, ...], where: str) -> None:
        for key in table:
            if key not in allowed:
                hint = did_you_mean(key, allowed, n=1, quote=repr) or f"; expected one of: {', '.join(allowed)}"
                self.fail(join(where, key), f"unknown key{hint}")

    # -- scalars -----------------------------------------------------------------------------------

    def text(self, table: dict, key: str, where: str, required: bool = False, default: str = "") -> str:
        if key not in table:
            if required:
                self.fail(join(where, key), "missing; expected a string")
            return default
        value = table[key]
        if not isinstance(value, str):
            self.fail(join(where, key), f"expected a string, found {kind(value)}")
            return default
        return self._check_text(value, join(where, key)) or default

    def texts(self, table: dict, key: str, where: str, required: bool = False,
              default: tuple[str, ...] = ()) -> tuple[str, ...]:
        """A string or a list of strings (phrasing variants or sentences)."""
        if key not in table:
            if required:
                self.fail(join(where, key), "missing; expected a string or a list of strings")
            return default
        value = table[key]
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list) or not values:
            self.fail(join(where, key), f"expected a string or a non-empty list of strings, found {kind(value)}")
            return default
        out = []
        for i, v in enumerate(values):
            k = join(where, key) + (f"[{i}]" if isinstance(value, list) else "")
            if not isinstance(v, str):
                self.fail(k, f"expected a string, found {kind(v)}")
            elif (checked := self._check_text(v, k)):
                out.append(checked)
        return tuple(out) or default

    def _check_text(self, value: str, key: str) -> str | None:
        value = " ".join(value.split())
        if not value:
            self.fail(key, "expected some text, found an empty string")
            return None
        if len(value) > MAX_TEXT:
            self.fail(key, f"must be at most {MAX_TEXT} characters, found {len(value)}")
            return None
        control = next((c for c in value if unicodedata.category(c) == "Cc"), None)
        if control is not None:
            self.fail(key, f"expected text without control characters, found {control!r}")
            return None
        try:
            fields = [(name, spec, conv) for _, name, spec, conv in string.Formatter().parse(value)
                      if name is not None]
        except ValueError as e:
            self.fail(key, f"bad placeholder braces ({e}); write {{{{ and }}}} for literal braces")
            return None
        for name, spec, conv in fields:
            if name not in PLACEHOLDERS:
                hint = did_you_mean(name, PLACEHOLDERS, n=1, quote=lambda p: f"{{{p}}}")
                self.fail(key, f"unknown placeholder {{{name}}}{hint} (known: "
                               f"{', '.join('{' + p + '}' for p in PLACEHOLDERS)})")
                return None
            if spec or conv:
                shown = "{" + name + (f"!{conv}" if conv else "") + (f":{spec}" if spec else "") + "}"
                self.fail(key, f"expected a plain placeholder such as {{{name}}}, found {quoted(shown)}")
                return None
        if not speaks(value):
            self.fail(key, f"expected words to speak, found {quoted(value)}")
            return None
        return value

    def number(self, table: dict, key: str, where: str, lo: float, hi: float, default: float | None = None,
               integer: bool = False, required: bool = False) -> Any:  # float, or None only without a default
        if key not in table:
            if required:
                self.fail(join(where, key), "missing; expected a number")
            return default
        return self._number(table[key], join(where, key), lo, hi, default, integer)

    def _number(self, value: Any, key: str, lo: float, hi: float, default: float | None, integer: bool):
        want = "a whole number" if integer else "a number"
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (integer and isinstance(value, float)
                                                                             and not value.is_integer()):
            self.fail(key, f"expected {want}, found {kind(value)}")
            return default
        if value != value or not lo <= value <= hi:
            self.fail(key, f"must be between {plain(lo)} and {plain(hi)}, found {plain(value)}")
            return default
        return int(value) if integer else float(value)

    def choice(self, table: dict, key: str, where: str, options: tuple[str, ...], default: str) -> str:
        if key not in table:
            return default
        value = table[key]
        if value not in options:
            self.fail(join(where, key), f"expected one of {', '.join(map(repr, options))}, found {kind(value)}")
            return default
        return value

    def range(self, table: dict, key: str, where: str, lo: float, hi: float, default: Range | None,
              seconds: bool = False) -> Any:  # a Range, or the default given (None for no hold)
        """A fixed number, or a table {min, default, max} (with _s suffixes for seconds)."""
        if key not in table:
            return default
        value, k = table[key], join(where, key)
        integer = not seconds
        if not isinstance(value, dict):
            fixed = self._number(value, k, lo, hi, None, integer)
            return Range.fixed(fixed) if fixed is not None else default
        suffix = "_s" if seconds else ""
        names = tuple(n + suffix for n in ("min", "default", "max"))
        self.check_keys(value, names, k)
        parts = {}
        for name in names:
            if name in value:
                parts[name] = self._number(value[name], join(k, name), lo, hi, None, integer)
        lo_v, hi_v = parts.get(names[0]), parts.get(names[2])
        if names[0] not in value or names[2] not in value:
            missing = [n for n in (names[0], names[2]) if n not in value]
            self.fail(k, f"missing {' and '.join(missing)}; a range needs {names[0]} and {names[2]}")
            return default
        if lo_v is None or hi_v is None or None in parts.values():
            return default
        if hi_v < lo_v:
            self.fail(join(k, names[2]), f"must be >= {names[0]} ({plain(lo_v)}), found {plain(hi_v)}")
            return default
        mid = parts.get(names[1])
        if mid is None:
            mid = lo_v + (hi_v - lo_v) / 2
            mid = round(mid) if integer else mid
        elif not lo_v <= mid <= hi_v:
            self.fail(join(k, names[1]), f"must be between {names[0]} ({plain(lo_v)}) and {names[2]} "
                                          f"({plain(hi_v)}), found {plain(mid)}")
            return default
        return Range(lo_v, mid, hi_v)

    def table_list(self, table: dict, key: str, where: str, required: bool = False) -> list[tuple[str, dict]]:
        if key not in table:
            if required:
                self.fail(join(where, key), f"missing; expected at least one [[{join(where, key)}]] table")
            return []
        value = table[key]
        if not isinstance(value, list) or not value or not all(isinstance(v, dict) for v in value):
            self.fail(join(where, key), f"expected a list of tables ([[{join(where, key)}]]), found {kind(value)}")
            return []
        return [(f"{join(where, key)}[{i}]", v) for i, v in enumerate(value)]

    # -- exercises ---------------------------------------------------------------------------------

    def exercise(self, raw: dict, where: str, ex_id: str) -> Exercise | None:
        before = len(self.errors)
        self.check_keys(raw, EXERCISE_KEYS, where)
        tempo = self.number(raw, "tempo_s", where, 0.2, MAX_MOVE_S, default=None)
        phases = tuple(p for p in (self.phase(t, k, tempo) for k, t in self.table_list(raw, "phases", where,
                                                                                        required=True)) if p)
        ex = Exercise(
            id=ex_id,
            title=self.text(raw, "title", where, required=True),
            phases=phases,
            summary=self.text(raw, "summary", where),
            position=self.text(raw, "position", where),
            posture=self.choice(raw, "posture", where, posture.POSTURES, ""),
            equipment=self.texts(raw, "equipment", where),
            alternatives=self.texts(raw, "alternatives", where),
            setup=self.texts(raw, "setup", where),
            safety=self.text(raw, "safety", where),
            reps=self.range(raw, "reps", where, 1, MAX_REPS, Range.fixed(1)),
            sets=self.range(raw, "sets", where, 1, MAX_SETS, Range.fixed(1)),
            set_rest_s=self.range(raw, "set_rest_s", where, 0, MAX_REST_S, DEFAULT_SET_REST_S, seconds=True),
            sides=self.choice(raw, "sides", where, ("none", "both"), "none") == "both",
            side_mode=self.choice(raw, "side_mode", where, SIDE_MODES, SIDE_MODES[0]),
            side_names=self._side_names(raw, where),
            switch_cue=self.texts(raw, "switch_cue", where, default=language.variants("switch_cue", self.language)),
            side_cue=self.texts(raw, "side_cue", where, default=language.variants("side_cue", self.language)),
            count=self.choice(raw, "count", where, COUNT_MODES, COUNT_MODES[0]),
            tips=self.texts(raw, "tips", where),
            tip_every=int(self.number(raw, "tip_every", where, 1, MAX_REPS, default=3, integer=True)),
            start_cue=self.texts(raw, "start_cue", where, default=language.variants("start_cue", self.language)),
            source=str(self.path),
            language=self.language,
        )
        if len(self.errors) == before and (long := too_long(ex, MAX_SESSION_S)):
            self.fail(join(where, long[0]), long[1])
        for key, text in posture.said_during(raw, where) if ex.posture and ex.language == "en" else ():
            if word := posture.names_another(text, ex.posture):
                self.fail(key, f"says {word!r}, but the exercise is done {ex.posture}: {quoted(text)}")
        return ex if len(self.errors) == before else None

    def _side_names(self, raw: dict, where: str) -> tuple[str, str]:
        default = language.variants("side_names", self.language)
        names = self.texts(raw, "side_names", where, default=default)
        if len(names) != 2:
            self.fail(join(where, "side_names"), f"expected two names, found {len(names)}")
            return default[0], default[1]
        return names[0], names[1]

    def phase(self, raw: dict, where: str, tempo: float | None) -> Phase | None:
        self.check_keys(raw, PHASE_KEYS, where)
        hold = self.range(raw, "hold", where, 0, MAX_HOLD_S, None, seconds=True) if "hold" in raw else None
        beeps = self._beeps(raw, where, hold is not None)
        countdown, spoken = self._countdown(raw, where)
        if countdown and hold is None and "hold" not in raw:
            self.fail(join(where, "countdown"), "a count-down needs a hold in the same phase")
        elif countdown and hold is not None and countdown > hold.min - 1 and spoken:
            self.fail(join(where, "countdown"), f"a spoken count-down takes the last {countdown} seconds: the "
                                                 f"shortest hold must be at least {countdown + 1} s, found "
                                                 f"{plain(hold.min)}")
        elif countdown and hold is not None and countdown > hold.min - 1:
            self.fail(join(where, "countdown"), f"must be at most the shortest hold less one second "
                                                 f"({plain(max(hold.min - 1, 0))}), found {countdown}")
        tables = self.table_list(raw, "reminders", where)
        reminders = tuple(r for r in (self.reminder(t, k) for k, t in tables) if r)
        if reminders and hold is None:
            self.fail(join(where, "reminders"), "reminders need a hold in the same phase")
        elif hold is not None and len(reminders) == len(tables):
            for (key, _), reminder in zip(tables, reminders):
                problem = reminder_misfit(reminder, hold.max, countdown)
                if problem:
                    self.fail(join(key, "text"), problem)
        move = self.number(raw, "move_s", where, 0, MAX_MOVE_S, default=tempo if tempo is not None else 2.0)
        return Phase(
            name=self.text(raw, "name", where, default="phase"),
            cue=self.texts(raw, "cue", where, required=True),
            move_s=move,
            hold_s=hold,
            beeps=beeps,
            countdown=countdown,
            countdown_spoken=spoken,
            reminders=reminders,
            release=self.texts(raw, "release", where),
        )

    def _countdown(self, raw: dict, where: str) -> tuple[int, bool]:
        """countdown = N (ticks over the last N seconds of the hold) or "spoken" ("Three. Two. One.")."""
        value = raw.get("countdown", 0)
        if value == "spoken":
            return SPOKEN_COUNTDOWN, True
        if isinstance(value, str):
            self.fail(join(where, "countdown"), f"expected a whole number of ticks or \"spoken\", found {value!r}")
            return 0, False
        return int(self._number(value, join(where, "countdown"), 0, 10, 0, integer=True)), False

    def _beeps(self, raw: dict, where: str, has_hold: bool) -> tuple[str, ...]:
        default = ("hold_start", "hold_end") if has_hold else ()
        if "beeps" not in raw:
            return default
        value, key = raw["beeps"], join(where, "beeps")
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(key, f"expected a list of beep names, found {kind(value)}")
            return default
        for i, name in enumerate(value):
            if name not in PHASE_BEEPS:
                self.fail(f"{key}[{i}]", f"expected one of {', '.join(map(repr, PHASE_BEEPS))}, found {name!r}")
            elif name.startswith("hold") and not has_hold:
                self.fail(f"{key}[{i}]", f"{name!r} needs a hold in the same phase")
        return tuple(v for v in value if v in PHASE_BEEPS)

    def reminder(self, raw: dict, where: str) -> Reminder | None:
        self.check_keys(raw, REMINDER_KEYS, where)
        when = [k for k in ("at", "remaining_s", "every_s") if k in raw]
        if len(when) != 1:
            self.fail(where, "expected exactly one of at = \"half\", remaining_s or every_s, "
                             f"found {', '.join(when) or 'none'}")
            return None
        if "at" in raw and raw["at"] != "half":
            self.fail(join(where, "at"), f"expected 'half', found {kind(raw['at'])}")
            return None
        return Reminder(
            text=self.texts(raw, "text", where, required=True),
            at_half="at" in raw,
            remaining_s=self.number(raw, "remaining_s", where, 1, MAX_HOLD_S),
            every_s=self.number(raw, "every_s", where, 5, MAX_HOLD_S),
        )

    # -- routines ----------------------------------------------------------------------------------

    def routine(self, raw: dict, where: str, rt_id: str, known: dict[str, Exercise],
                raw_exercises: dict) -> Routine | None:
        before = len(self.errors)
        self.check_keys(raw, ROUTINE_KEYS, where)
        items = []
        for key, item in self.table_list(raw, "items", where, required=True)[:MAX_ITEMS + 1]:
            items.append(self.item(item, key, known, raw_exercises))
        if len(items) > MAX_ITEMS:
            self.fail(join(where, "items"), f"at most {MAX_ITEMS} items, found more")
        routine = Routine(
            id=rt_id,
            title=self.text(raw, "title", where, required=True),
            items=tuple(i for i in items if i),
            description=self.text(raw, "description", where),
            intro=self.texts(raw, "intro", where),
            outro=self.texts(raw, "outro", where),
            transition=self.texts(raw, "transition", where, default=language.variants("transition", self.language)),
            round_cue=self.texts(raw, "round_cue", where, default=language.variants("round_cue", self.language)),
            rest_s=self.range(raw, "rest_s", where, 0, MAX_REST_S, DEFAULT_REST_S, seconds=True),
            rounds=self.range(raw, "rounds", where, 1, MAX_ROUNDS, Range.fixed(1)),
            language=self.language,
        )
        if routine.items and all(i.optional for i in routine.items):
            self.fail(join(where, "items"), "at least one item must not be optional")
        if len(self.errors) == before and routine.items:
            self._filled(routine, where)
        if None in items:
            return None  # an item's exercise has mistakes of its own (reported there): no routine without it
        return routine if len(self.errors) == before else None

    def _filled(self, routine: Routine, where: str) -> None:
        """Texts stay within MAX_TEXT once {title} and {next} are filled with the longest title they can get."""
        title = max([len(routine.title), *(len(i.exercise.title) for i in routine.items)])
        texts = [*routine.intro, *routine.outro, *routine.transition, *routine.round_cue]
        for item in routine.items:
            ex = item.exercise
            texts += [*ex.setup, *ex.tips, *ex.start_cue, *ex.switch_cue, *ex.side_cue,
                      *(t for p in ex.phases for t in (*p.cue, *p.release, *(x for r in p.reminders for x in r.text)))]
        for text in texts:
            filled = len(text) + (text.count("{title}") + text.count("{next}")) * title
            if filled > MAX_TEXT:
                self.fail(where, f"a text comes to {filled} characters with its titles filled in, more than "
                                 f"{MAX_TEXT}: {quoted(text)}")
                return

    def item(self, raw: dict, where: str, known: dict[str, Exercise], raw_exercises: dict) -> Item | None:
        overrides = {k: v for k, v in raw.items() if k not in ITEM_KEYS}
        self.check_keys(overrides, (*ITEM_KEYS, *EXERCISE_KEYS), where)
        optional = raw.get("optional", False)
        if not isinstance(optional, bool):
            self.fail(join(where, "optional"), f"expected true or false, found {kind(optional)}")
        if not (type(priority := raw.get("priority", 0)) is int and -100 <= priority <= 100):
            self.fail(join(where, "priority"), f"expected a whole number from -100 to 100, found {kind(priority)}")
        ex_id = raw.get("exercise")
        if not isinstance(ex_id, str):
            self.fail(join(where, "exercise"), "missing; expected an exercise id" if ex_id is None
                      else f"expected an exercise id, found {kind(ex_id)}")
            return None
        if ex_id not in known:
            if ex_id in raw_exercises:
                return None  # that exercise has errors of its own, already reported
            self.fail(join(where, "exercise"), f"unknown exercise {ex_id!r}" + (did_you_mean(ex_id, known) or (
                f"; if another file defines it, give that file too (-d FILE) or put it in {files.config_dir()}")))
            return None
        exercise = known[ex_id]
        if overrides and not set(overrides) - set(EXERCISE_KEYS):
            merged = self.exercise({**raw_exercises[ex_id][0], **overrides}, where, ex_id)
            exercise = merged or exercise
        return Item(exercise=exercise, optional=bool(optional), priority=priority if type(priority) is int else 0)
