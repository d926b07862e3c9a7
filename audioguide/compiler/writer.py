"""The layout's pen: a time cursor in samples that places cues, sounds, waits and rests one after another,
rotates phrasing variants from where a seed says, and notes the texts whose lengths it had to estimate."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Mapping

from ..model import REST, SAMPLE_RATE, SOUND_LENGTH_S, SPEECH, Event

GAP_S = 0.35          # silence after a spoken cue
BEEP_GAP_S = 0.25     # silence after a beep before the next cue
CHARS_PER_S = 13.0    # estimate for speech not yet measured (a rendered clip replaces it)


class Writer:
    """Appends events one after another, tracking the time cursor in samples and the texts it had to estimate."""

    def __init__(self, durations: Mapping[str, int], seed: int, estimate: Callable[[str], int] | None = None,
                 language: str = "en"):
        self.durations = durations
        self.language = language   # what the compiler says itself is said in it
        self.seed = seed
        self.estimate = estimate or guess
        self.offsets: dict[tuple[str, int], int] = {}
        self.estimated: set[str] = set()
        self.t = 0
        self.events: list[Event] = []
        self.chapters: list[tuple[str, int]] = []
        self.turns: Counter[str] = Counter()
        self.last_hold: dict[str, set[str]] = {}  # per exercise phase: the reminders said in its last hold

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
        self.t = start + n + samples(gap_s)
        return start

    def sound(self, kind: str, at: int | None = None, gap_s: float = BEEP_GAP_S) -> None:
        start = self.t if at is None else at
        n = samples(SOUND_LENGTH_S[kind])
        self.events.append(Event(kind, start, start + n, len(self.chapters) - 1))
        if at is None:
            self.t = start + n + samples(gap_s)

    def wait(self, seconds: float) -> None:
        self.t += samples(seconds)

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
        return fill(options[self.pick(key, turn, len(options), fullest_first)], values)

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


def guess(text: str) -> int:
    """A length for a text no one has measured: about what the voices take."""
    return round((0.25 + len(text) / CHARS_PER_S) * SAMPLE_RATE)


def fill(template: str, values: Mapping[str, object]) -> str:
    if "{" not in template:
        return template
    return template.format_map(_Blank(values))


class _Blank(dict):
    def __init__(self, values):
        super().__init__({k: say_number(v) for k, v in values.items()})

    def __missing__(self, key):
        return ""


def say_number(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def samples(seconds: float) -> int:
    return round(seconds * SAMPLE_RATE)
