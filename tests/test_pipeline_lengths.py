"""Any length for any routine with real speech (piper): every built-in routine planned at the lengths people ask
for most and at long ones, exact to the sample, its script checked; the README's several-lengths build; a short
session's MP3 says what it holds."""

import pytest
from conftest import decode
from script_check import faults

from audioguide.definitions import loader
from audioguide.model import SAMPLE_RATE, SPEECH
from audioguide.pipeline import options as pipeline_options
from audioguide.pipeline import routines as pipeline_routines
from audioguide.publish import tags
from audioguide.speech import EngineSpec

pytestmark = pytest.mark.slow
LENGTHS_MIN = (3, 4, 5, 20, 45, 60)


@pytest.mark.parametrize("routine_id", ["thoracic-mobility", "desk-reset"])
def test_every_built_in_routine_is_planned_exactly_at_common_and_long_lengths(routine_id, clip_cache):
    routine = loader.load_library(include_user=False).routine(routine_id)
    found = []
    for minutes in LENGTHS_MIN:
        options = pipeline_options.BuildOptions(length_s=minutes * 60, engine=EngineSpec("piper"),
                                                cache_dir=clip_cache)
        timeline, _ = pipeline_routines.plan(routine_id, options)
        assert timeline.n_samples == minutes * 60 * SAMPLE_RATE, (routine_id, minutes)
        found += faults(routine, timeline)
    assert not found, "\n".join(found)


def test_several_lengths_as_the_readme_writes_them_and_a_short_one_says_what_it_holds(tmp_path, clip_cache):
    options = pipeline_options.BuildOptions(output_dir=tmp_path, engine=EngineSpec("piper"), cache_dir=clip_cache)
    outcomes = pipeline_routines.build_many("thoracic-mobility", [3 * 60, 5 * 60, 10 * 60, 20 * 60], options)
    assert all(o.error is None for o in outcomes), [str(o.error) for o in outcomes]
    for outcome, minutes in zip(outcomes, (3, 5, 10, 20)):
        assert abs(len(decode(outcome.result.path)) / SAMPLE_RATE - minutes * 60) < 0.05
    short = outcomes[0].result
    said = [e.text for e in short.timeline.events if e.kind == SPEECH]
    held = [t for t, _, _ in tags.chapters(short.path) if t not in ("Intro", "Outro")]
    assert f"Today: {('one two three four'.split())[len(held) - 1]} of the five exercises." in said
    assert len(held) < 5 and held[0] == "Y lift off against wall"
