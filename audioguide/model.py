"""Frozen dataclasses passed between the stages: definitions in, timeline out."""

from __future__ import annotations

from dataclasses import dataclass

from . import defaults, language

SAMPLE_RATE = 44100

# Every sound the compiler can place, with the length of the slot it reserves for it.
SOUND_LENGTH_S = {
    "rep": 0.12,
    "hold_start": 0.30,
    "hold_end": 0.30,
    "tick": 0.07,
    "chime": 0.80,
    "bell": 1.60,
}
SOUND_KINDS = tuple(SOUND_LENGTH_S)
SPEECH = "speech"
HOLD = "hold"
REST = "rest"   # a zero-length mark where the fitter may lengthen a rest; never in a finished timeline

COUNT_MODES = ("spoken", "beeps", "both", "none")
# what a definition that says nothing else gets, in English (audioguide/language/phrases/en.toml owns them)
DEFAULT_SWITCH_CUE = language.variants("switch_cue")
DEFAULT_SIDE_CUE = language.variants("side_cue")
DEFAULT_START_CUE = language.variants("start_cue")
DEFAULT_TRANSITION = language.variants("transition")
DEFAULT_ROUND_CUE = language.variants("round_cue")
SIDE_MODES = ("blocks", "alternating")
PHASE_BEEPS = ("rep", "hold_start", "hold_end")


@dataclass(frozen=True, slots=True)
class Range:
    """An adjustable quantity: the compiler picks a value in [min, max], default when it can."""

    min: float
    default: float
    max: float

    @classmethod
    def fixed(cls, value: float) -> Range:
        return cls(value, value, value)

    def at(self, level: float) -> float:
        """Interpolate: level 0 is min, 0.5 is default, 1 is max."""
        if level <= 0.5:
            return self.min + (self.default - self.min) * (level / 0.5)
        return self.default + (self.max - self.default) * ((level - 0.5) / 0.5)


DEFAULT_SET_REST_S = Range(5, 10, 30)
DEFAULT_REST_S = Range(3, 8, 20)
DEFAULT_SIDE_NAMES: tuple[str, str] = language.variants("side_names")[:2]  # type: ignore[assignment]


@dataclass(frozen=True, slots=True)
class Reminder:
    """A cue spoken inside a long hold: at half time, with N seconds left, or every N seconds."""

    text: tuple[str, ...]
    at_half: bool = False
    remaining_s: float | None = None
    every_s: float | None = None


@dataclass(frozen=True, slots=True)
class Phase:
    """One part of a rep: a spoken cue, a movement, and optionally a hold."""

    name: str
    cue: tuple[str, ...]
    move_s: float
    hold_s: Range | None = None
    beeps: tuple[str, ...] = ()
    countdown: int = 0               # the last seconds of the hold counted down
    reminders: tuple[Reminder, ...] = ()
    release: tuple[str, ...] = ()
    countdown_spoken: bool = False   # the count-down said ("Three. Two. One."), not ticked


@dataclass(frozen=True, slots=True)
class Exercise:
    """An exercise as the user defined it; ranges are resolved by the compiler."""

    id: str
    title: str
    phases: tuple[Phase, ...]
    summary: str = ""
    position: str = ""
    posture: str = ""               # standing, seated, kneeling or lying (definitions/posture.py); "" unsaid
    language: str = "en"            # BCP 47: what its texts are written in (audioguide/language)
    equipment: tuple[str, ...] = ()
    alternatives: tuple[str, ...] = ()
    setup: tuple[str, ...] = ()
    safety: str = ""
    reps: Range = Range.fixed(1)
    sets: Range = Range.fixed(1)
    set_rest_s: Range = DEFAULT_SET_REST_S
    sides: bool = False
    side_mode: str = SIDE_MODES[0]
    side_names: tuple[str, str] = DEFAULT_SIDE_NAMES
    switch_cue: tuple[str, ...] = DEFAULT_SWITCH_CUE
    side_cue: tuple[str, ...] = DEFAULT_SIDE_CUE
    count: str = COUNT_MODES[0]
    tips: tuple[str, ...] = ()
    tip_every: int = 3
    start_cue: tuple[str, ...] = DEFAULT_START_CUE
    source: str = ""          # the file it was defined in (for messages)


@dataclass(frozen=True, slots=True)
class Item:
    """One exercise in a routine, with its overrides already applied."""

    exercise: Exercise
    optional: bool = False
    priority: int = 0       # a short session keeps the items of higher priority (then the earlier ones)


@dataclass(frozen=True, slots=True)
class Routine:
    """A routine as defined: items in order, with what is spoken around them."""

    id: str
    title: str
    items: tuple[Item, ...]
    description: str = ""
    intro: tuple[str, ...] = ()
    outro: tuple[str, ...] = ()
    transition: tuple[str, ...] = DEFAULT_TRANSITION
    round_cue: tuple[str, ...] = DEFAULT_ROUND_CUE
    rest_s: Range = DEFAULT_REST_S
    rounds: Range = Range.fixed(1)
    source: str = ""
    language: str = "en"    # what its texts (and what audioguide says around them) are spoken in

    @property
    def equipment(self) -> tuple[str, ...]:
        """What its exercises need (a wall, a mat), each once, in the order they need it."""
        return tuple(dict.fromkeys(thing for item in self.items for thing in item.exercise.equipment))


@dataclass(frozen=True, slots=True)
class EngineSpec:
    """Which voice speaks: an engine name, a voice and a rate; small and picklable, so speech worker processes
    can build their own engine from it."""

    name: str = defaults.ENGINE
    voice: str | None = None
    rate: int | None = None
    language: str = "en"    # what the texts are in: without a voice named, the engine's clearest voice for it


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True, slots=True)
class Weeks:
    """A program's rules for some of its weeks: which routine (or which of its exercises), how long, how many
    rounds. Minutes grow from the week's first session to its last."""

    weeks: tuple[int, ...]
    routine: Routine
    first_minutes: float
    last_minutes: float
    rounds: int | None = None


@dataclass(frozen=True, slots=True)
class Program:
    """A daily practice over some weeks: sessions on chosen weekdays, a little more each week."""

    id: str
    title: str
    weeks: tuple[Weeks, ...]
    weekdays: tuple[int, ...] = tuple(range(7))   # 0 is Monday; the other days are rest days
    description: str = ""
    intro: tuple[str, ...] = ()                   # one said before each session, never the same twice running
    rotate_order: bool = False                    # the exercises' order turns by one each session
    advance: str = "calendar"                     # calendar: the date decides the day; practice: the next undone
    language: str = "en"
    source: str = ""

    @property
    def n_weeks(self) -> int:
        return max(w for rules in self.weeks for w in rules.weeks)

    def rules(self, week: int) -> Weeks:
        """The rules for one week (every week from 1 to n_weeks has exactly one)."""
        return next(rules for rules in self.weeks if week in rules.weeks)


class _Span:
    """A start and an end in samples, also readable in seconds."""

    __slots__ = ()
    start: int
    end: int

    @property
    def start_s(self) -> float:
        return self.start / SAMPLE_RATE

    @property
    def end_s(self) -> float:
        return self.end / SAMPLE_RATE


@dataclass(frozen=True, slots=True)
class Event(_Span):
    """Something that happens in the session, in samples: speech, a sound, or a (silent) hold span."""

    kind: str
    start: int
    end: int
    chapter: int
    text: str | None = None


@dataclass(frozen=True, slots=True)
class Chapter(_Span):
    """A stretch of the session players list by title: the intro, one exercise, the outro."""

    title: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Timeline:
    """The compiled session: what sounds when, to the sample."""

    title: str
    routine_id: str
    n_samples: int
    events: tuple[Event, ...]
    chapters: tuple[Chapter, ...]
    sample_rate: int = SAMPLE_RATE
    language: str = "en"     # what is said in it (BCP 47)

    @property
    def duration_s(self) -> float:
        return self.n_samples / self.sample_rate

    def texts(self) -> list[str]:
        """Distinct speech texts, in order of first appearance."""
        return list(dict.fromkeys(e.text for e in self.events if e.kind == SPEECH and e.text is not None))

    def to_dict(self) -> dict:
        """The plan as plain data (the --json form and the .plan.json sidecar)."""
        sr = self.sample_rate
        return {
            "title": self.title,
            "routine": self.routine_id,
            "duration_s": self.n_samples / sr,
            "sample_rate": sr,
            "language": self.language,
            "chapters": [{"title": c.title, "start_s": c.start / sr, "end_s": c.end / sr}
                         for c in self.chapters],
            "events": [{"start_s": e.start / sr, "end_s": e.end / sr, "kind": e.kind,
                        **({"text": e.text} if e.text is not None else {}),
                        "chapter": self.chapters[e.chapter].title}
                       for e in self.events],
        }
