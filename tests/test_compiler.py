import importlib
import json
from pathlib import Path

import pytest
from conftest import FakeDurations, fake_durations
from hypothesis import given
from hypothesis import strategies as st

from audioguide import compiler, times
from audioguide.compiler.layout import LEAD_IN_S
from audioguide.compiler.writer import BEEP_GAP_S, GAP_S
from audioguide.compiler.plan import MAX_PASSES
from audioguide.errors import LengthError, PlanError
from audioguide.model import HOLD, SAMPLE_RATE, SOUND_KINDS, SPEECH, Exercise, Item, Phase, Range, Reminder, Routine


@pytest.fixture
def thoracic(library):
    return library.routine("thoracic-mobility")


@pytest.mark.parametrize("minutes", [5, 7.25, 10, 12.5, 20, 45])
def test_duration_is_exact(thoracic, minutes):
    timeline = compiler.compile_timeline(thoracic, minutes * 60, FakeDurations())
    assert timeline.n_samples == round(minutes * 60 * SAMPLE_RATE)
    assert timeline.chapters[-1].end == timeline.n_samples
    assert max(e.end for e in timeline.events) <= timeline.n_samples
    tail = timeline.n_samples - max(e.end for e in timeline.events)
    assert tail <= 2 * SAMPLE_RATE


@pytest.mark.parametrize("minutes", [5, 10, 20])
def test_speech_and_sounds_never_overlap(thoracic, minutes):
    timeline = compiler.compile_timeline(thoracic, minutes * 60, FakeDurations())
    audible = sorted((e for e in timeline.events if e.kind in (SPEECH, *SOUND_KINDS)), key=lambda e: e.start)
    for a, b in zip(audible, audible[1:]):
        assert a.end <= b.start, f"{a} overlaps {b}"


@pytest.mark.parametrize("minutes", [5, 20])
def test_nothing_sounds_in_the_lead_in(thoracic, minutes):
    timeline = compiler.compile_timeline(thoracic, minutes * 60, FakeDurations())
    first = min(e.start for e in timeline.events if e.kind in (SPEECH, *SOUND_KINDS))
    assert first >= round(LEAD_IN_S * SAMPLE_RATE) >= SAMPLE_RATE // 2
    assert timeline.chapters[0].start == 0


def test_chapters_are_contiguous_and_cover_every_exercise(thoracic):
    timeline = compiler.compile_timeline(thoracic, 600, FakeDurations())
    titles = [c.title for c in timeline.chapters]
    assert titles == ["Intro", *[i.exercise.title for i in thoracic.items], "Outro"]
    assert timeline.chapters[0].start == 0
    for a, b in zip(timeline.chapters, timeline.chapters[1:]):
        assert a.end == b.start and a.start < a.end


def test_every_hold_has_start_and_end_beeps(thoracic):
    timeline = compiler.compile_timeline(thoracic, 600, FakeDurations())
    starts = {e.start for e in timeline.events if e.kind == "hold_start"}
    ends = {e.start for e in timeline.events if e.kind == "hold_end"}
    holds = [e for e in timeline.events if e.kind == HOLD]
    assert holds
    for hold in holds:
        assert hold.start in starts and hold.end in ends


def test_a_cue_announcing_a_hold_ends_before_it(thoracic):
    timeline = compiler.compile_timeline(thoracic, 600, FakeDurations())
    speech = [e for e in timeline.events if e.kind == SPEECH]
    for hold in (e for e in timeline.events if e.kind == HOLD):
        before = [s for s in speech if s.start < hold.start]
        assert before[-1].end <= hold.start


def test_short_sessions_drop_the_optional_item_long_ones_add_rounds(thoracic):
    short = compiler.compile_timeline(thoracic, 4.5 * 60, FakeDurations())
    assert "Spinal elongation" not in [c.title for c in short.chapters]
    full = compiler.compile_timeline(thoracic, 10 * 60, FakeDurations())
    assert "Spinal elongation" in [c.title for c in full.chapters]
    long = compiler.compile_timeline(thoracic, 45 * 60, FakeDurations())
    assert any(c.title.startswith("Round 2: ") for c in long.chapters)


def test_both_sides_get_the_same_reps(thoracic):
    timeline = compiler.compile_timeline(thoracic, 600, FakeDurations())
    chapter = [c.title for c in timeline.chapters].index("Thread the needle")
    events = [e for e in timeline.events if e.chapter == chapter]
    switch = next(e for e in events if e.text and e.text.startswith("Switch sides"))
    reps_before = sum(1 for e in events if e.kind == "rep" and e.start < switch.start)
    reps_after = sum(1 for e in events if e.kind == "rep" and e.start > switch.start)
    assert reps_before == reps_after > 0


def test_too_short_and_too_long_name_the_bound(thoracic):
    low, high = compiler.length_range(thoracic, fake_durations)
    with pytest.raises(LengthError, match=r"thoracic-mobility needs at least [\d.]+ minutes, asked for 1"):
        compiler.compile_timeline(thoracic, 60, FakeDurations())
    with pytest.raises(LengthError, match=r"a session lasts at most 240 minutes, asked for 241"):
        compiler.compile_timeline(thoracic, high + 60, FakeDurations())
    assert compiler.compile_timeline(thoracic, low + 0.01, FakeDurations()).n_samples == round((low + 0.01) * SAMPLE_RATE)


def test_unmeasured_texts_are_reported_then_measured(thoracic):
    asked: list[list[str]] = []

    def measure(texts):
        asked.append(list(texts))
        return fake_durations(texts)

    timeline = compiler.plan(thoracic, 600, measure)
    measured = [t for batch in asked for t in batch]
    said = set(timeline.texts())
    assert len(measured) == len(set(measured))           # each text measured once
    assert said <= set(measured)                         # the plan rests on measured speech alone
    assert len(set(measured) - said) <= 0.1 * len(said)  # and little else was measured (rendered, when cold)
    assert 1 <= len(asked) <= MAX_PASSES
    assert timeline.n_samples == 600 * SAMPLE_RATE


def test_a_view_that_knows_no_length_plans_in_one_pass_and_asks_no_text_twice(thoracic, monkeypatch):
    """estimating() renders nothing: on an empty cache the plan is the compiler's estimates and is laid out once
    (no second pass fitted to guesses); with some lengths known, the unknown texts are asked for once and stay
    estimated, the known ones are placed at their length."""
    planning = importlib.import_module("audioguide.compiler.plan")  # the package names its function plan
    passes: list[object] = []
    monkeypatch.setattr(planning, "Layouts", lambda *a, **k: passes.append(a) or compiler.fitting.Layouts(*a, **k))
    estimated: set[str] = set()
    timeline = compiler.plan(thoracic, 600, compiler.estimating(lambda text: None, estimated))
    assert len(passes) == 1 and set(timeline.texts()) <= estimated
    assert timeline.n_samples == 600 * SAMPLE_RATE

    known = fake_durations(list(estimated)[::2])
    batches: list[list[str]] = []
    some = compiler.estimating(known.get, set())
    timeline = compiler.plan(thoracic, 600, lambda texts: batches.append(list(texts)) or some(texts))
    asked_for = [t for batch in batches for t in batch]
    assert len(asked_for) == len(set(asked_for)) and len(batches) >= 2   # the known ones moved the plan: again
    placed = {e.text: e.end - e.start for e in timeline.events if e.kind == SPEECH}
    assert all(placed[t] == known[t] for t in placed if t in known)
    assert timeline.n_samples == 600 * SAMPLE_RATE


def test_the_plan_depends_on_the_voice_alone_not_on_what_was_measured_before(thoracic):
    """What a cache holds (here: every text of another length measured first) never changes a plan."""
    fresh = compiler.plan(thoracic, 600, fake_durations)
    seen: dict[str, int] = {}

    def caching(texts):
        seen.update(fake_durations(texts))
        return {t: seen[t] for t in texts}

    compiler.plan(thoracic, 1500, caching)
    assert compiler.plan(thoracic, 600, caching) == fresh


def test_a_length_error_rests_on_measured_speech(thoracic):
    def quick(texts):  # a voice much quicker than the compiler's guess: the guess alone would misplace the bound
        return {t: round((0.05 + 0.02 * len(t)) * SAMPLE_RATE) for t in texts}

    low, _ = compiler.length_range(thoracic, quick)
    assert low < compiler.estimated_range(thoracic)[0] - 30
    with pytest.raises(LengthError, match=rf"needs at least {times.minutes(low, 'up')} minutes"):
        compiler.plan(thoracic, low - 1, quick)
    assert compiler.plan(thoracic, low + 0.01, quick).n_samples == round((low + 0.01) * SAMPLE_RATE)


# -- golden timelines: the built-in routine at 5, 10 and 20 minutes, compared exactly ------------------

GOLDEN = Path(__file__).parent / "golden"


@pytest.mark.parametrize("minutes", [5, 10, 20])
def test_golden_timelines(thoracic, minutes, regen_golden):
    """Regenerate with: scripts/test tests/test_compiler.py --regen-golden (then review the diff)."""
    path = GOLDEN / f"thoracic-mobility-{minutes}m.json"
    plan = compiler.compile_timeline(thoracic, minutes * 60, FakeDurations()).to_dict()
    if regen_golden:
        path.write_text(json.dumps(plan, indent=1) + "\n")
    assert plan == json.loads(path.read_text())


# -- properties: random valid routines at any feasible length -------------------------------------------

def _ranges(lo, hi, integer):
    def build(values):
        a, b, c = sorted(values)
        return Range(a, b, c)
    value = st.integers(lo, hi) if integer else st.integers(lo * 2, hi * 2).map(lambda v: v / 2)
    return st.tuples(value, value, value).map(build)


@st.composite
def phases(draw):
    hold = draw(st.one_of(st.none(), _ranges(1, 12, False)))
    countdown = 0
    if hold is not None and hold.min >= 3:
        countdown = draw(st.integers(0, min(3, int(hold.min - 1))))
    reminders = ()
    if hold is not None and draw(st.booleans()):
        reminders = (Reminder(("Keep going.",), every_s=draw(st.sampled_from([5.0, 8.0]))),)
    return Phase(name=draw(st.sampled_from(["up", "down", "out"])), cue=(draw(st.sampled_from(CUES)), "Go."),
                 move_s=draw(st.sampled_from([0.5, 1.0, 2.0, 3.0])), hold_s=hold,
                 beeps=("hold_start", "hold_end") if hold else (), countdown=countdown, reminders=reminders)


CUES = ["Lift your arms.", "Lower them slowly, and breathe.", "Reach your {side} hand under.", "Rep {rep} of {reps}."]


@st.composite
def exercises(draw, index):
    return Exercise(
        id=f"ex{index}", title=f"Exercise {index}", phases=tuple(draw(st.lists(phases(), min_size=1, max_size=3))),
        setup=("Get ready.",), reps=draw(_ranges(1, 8, True)), sets=draw(_ranges(1, 2, True)),
        set_rest_s=draw(_ranges(2, 10, False)), sides=draw(st.booleans()),
        side_mode=draw(st.sampled_from(["blocks", "alternating"])), count=draw(st.sampled_from(["beeps", "both"])),
        tips=tuple(draw(st.lists(st.sampled_from(["Breathe.", "Slowly."]), max_size=2, unique=True))),
        tip_every=draw(st.integers(1, 3)))


@st.composite
def routines(draw):
    n = draw(st.integers(1, 4))
    items = tuple(Item(draw(exercises(i)), optional=i > 0 and draw(st.booleans())) for i in range(n))
    return Routine(id="random", title="Random", items=items, intro=("Hello.",), outro=("Bye.",),
                   rest_s=draw(_ranges(0, 10, False)), rounds=draw(_ranges(1, 3, True)))


@given(routine=routines(), where=st.floats(0, 1))
def test_properties_of_any_routine_at_any_feasible_length(routine, where):
    durations = FakeDurations()
    low, _ = compiler.length_range(routine, fake_durations)
    high = 2 * compiler.fitting.Layouts(routine, durations).bounds()[1].duration_s  # past its own rounds too
    length = low + (high - low) * where
    timeline = compiler.compile_timeline(routine, length, durations)
    sr = SAMPLE_RATE
    assert timeline.n_samples == round(length * sr)
    audible = sorted((e for e in timeline.events if e.kind in (SPEECH, *SOUND_KINDS)), key=lambda e: e.start)
    for a, b in zip(audible, audible[1:]):
        assert a.end <= b.start, (a, b)
    assert timeline.chapters[0].start == 0 and timeline.chapters[-1].end == timeline.n_samples
    for a, b in zip(timeline.chapters, timeline.chapters[1:]):
        assert a.end == b.start and a.start < a.end
    assert timeline.n_samples - max(e.end for e in timeline.events) <= 2 * sr
    starts = {e.start for e in timeline.events if e.kind == "hold_start"}
    ends = {e.start for e in timeline.events if e.kind == "hold_end"}
    by_title = {i.exercise.title: i.exercise for i in routine.items}
    for chapter_index, chapter in enumerate(timeline.chapters):
        exercise = by_title.get(chapter.title.split(": ", 1)[-1])
        if exercise is None:
            continue
        events = [e for e in timeline.events if e.chapter == chapter_index]
        for hold in (e for e in events if e.kind == HOLD):
            assert hold.start in starts and hold.end in ends
            seconds = (hold.end - hold.start) / sr
            assert any(p.hold_s and p.hold_s.min - 1e-6 <= seconds <= p.hold_s.max + 1e-6 for p in exercise.phases)
        if exercise.sides:
            _assert_same_work_on_both_sides(exercise, events)
        reps = sum(1 for e in events if e.kind == "rep")
        sides = 2 if exercise.sides else 1
        assert reps % sides == 0
        per_side = reps // sides
        assert any(exercise.reps.min * s <= per_side <= exercise.reps.max * s
                   for s in range(int(exercise.sets.min), int(exercise.sets.max) + 1))


def _assert_same_work_on_both_sides(exercise, events):
    if exercise.side_mode == "alternating":
        said = [e.text for e in events if e.kind == SPEECH]
        assert said.count("left side.") == said.count("right side.") > 0
        return
    switches = [e.start for e in events if e.text and e.text.startswith("Switch sides")]
    assert switches
    bounds = [0, *switches, 10**12]
    work = []
    for lo, hi in zip(bounds, bounds[1:]):
        part = [e for e in events if lo <= e.start < hi]
        work.append((sum(e.kind == "rep" for e in part), sum(e.end - e.start for e in part if e.kind == HOLD)))
    firsts, seconds = work[0::2], work[1::2]
    assert sum(r for r, _ in firsts) == sum(r for r, _ in seconds)
    assert sum(h for _, h in firsts) == sum(h for _, h in seconds)


def _timed(reminder, hold=Range(10, 20, 30), countdown=3):
    phase = Phase("hold", ("Hold.",), 1.0, hold, ("hold_start", "hold_end"), countdown, (reminder,))
    exercise = Exercise("timed", "Timed", (phase,), count="none")
    return Routine("r", "R", (Item(exercise),))


def test_a_halfway_reminder_lengthens_a_short_hold_within_its_max():
    long_text = "Halfway there. Keep breathing slowly and stay as tall as you can."
    routine = _timed(Reminder((long_text,), at_half=True))
    timeline = compiler.compile_timeline(routine, compiler.length_range(routine, fake_durations)[0], FakeDurations())
    hold = next(e for e in timeline.events if e.kind == HOLD)
    needed = 2 * (FakeDurations()[long_text] / SAMPLE_RATE + 3 + BEEP_GAP_S + GAP_S)
    assert (hold.end - hold.start) / SAMPLE_RATE == min(30, int(needed) + 1) > 10
    assert any(e.text == long_text for e in timeline.events)


def test_a_reminder_that_cannot_fit_reports_by_how_much():
    routine = _timed(Reminder(("Only five seconds are left now, so keep holding.",), remaining_s=5))
    with pytest.raises(PlanError, match=r"^exercises\.timed\.phases\[0\]\.reminders\[0\]: the reminder 'Only five "
                                        r"seconds .*' does not fit between 5 s before the end of the hold and the "
                                        r"count-down: \d+\.\d s too long"):
        compiler.compile_timeline(routine, 60, FakeDurations())
    impossible = _timed(Reminder(("Halfway. " * 12,), at_half=True), hold=Range(4, 4, 6))
    with pytest.raises(PlanError, match=r"needs a hold of [\d.]+ s, longer than the longest hold \(6 s\)"):
        compiler.compile_timeline(impossible, 60, FakeDurations())


def test_placeholders_are_filled_in_cues(library):
    from dataclasses import replace
    routine = library.routine("thoracic-mobility")
    first = routine.items[0].exercise
    lift = replace(first.phases[0], cue=("Rep {rep} of {reps}, {remaining} to go, hold {seconds}.",))
    tipped = replace(first, phases=(lift, *first.phases[1:]), tips=("Then comes {next}.",), tip_every=1)
    routine = replace(routine, items=(replace(routine.items[0], exercise=tipped), *routine.items[1:]))
    timeline = compiler.compile_timeline(routine, 600, FakeDurations())
    said = [e.text for e in timeline.events if e.kind == SPEECH]
    cues = [t for t in said if t.startswith("Rep ")]
    reps = len(cues)
    assert cues[0].startswith(f"Rep 1 of {reps}, {reps - 1} to go, hold ") and cues[-1].startswith(f"Rep {reps} of")
    assert "Then comes Foam roll assisted thoracic extension." in said
