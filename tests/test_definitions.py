import pytest

from audioguide import definitions
from audioguide.errors import DefinitionError, UnknownNameError

EXPECTED = ["y-lift-off", "foam-roll-extension", "spinal-elongation", "cat-cow", "thread-the-needle"]


@pytest.fixture(scope="module")
def builtins():
    return definitions.load_library(include_user=False)


def test_the_builtin_routine_strings_the_five_exercises_in_order(builtins):
    routine = builtins.routine("thoracic-mobility")
    assert [item.exercise.id for item in routine.items] == EXPECTED
    assert any("not medical advice" in line for line in routine.intro)
    assert routine.outro


def test_builtin_exercises_follow_the_article(builtins):
    ex = builtins.exercises
    y_lift = ex["y-lift-off"]
    assert "wall" in y_lift.position and y_lift.phases[0].hold_s.max == 5
    assert y_lift.reps.default == 10
    foam = ex["foam-roll-extension"]
    assert any("towel" in a for a in foam.alternatives)
    assert any("ribs down" in t.lower() for t in (*foam.tips, *foam.setup))
    assert ex["spinal-elongation"].phases[0].hold_s.min >= 20
    assert ex["cat-cow"].reps.default >= 10
    needle = ex["thread-the-needle"]
    assert needle.sides and needle.side_names == ("left", "right")
    assert any("eyes" in t for t in (*needle.tips, *needle.setup))
    for exercise in ex.values():
        for phase in exercise.phases:
            assert phase.hold_s is None or exercise.id == "spinal-elongation" or phase.hold_s.max <= 5


def test_unknown_routine_lists_the_known_ones(builtins):
    with pytest.raises(UnknownNameError, match=r"unknown routine 'thoracic'; did you mean thoracic-mobility\?"
                                               r" \(known routines: thoracic-mobility\)"):
        builtins.routine("thoracic")


def test_a_user_file_overrides_a_builtin_and_says_so(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text('[exercises.cat-cow]\ntitle = "My cat cow"\n[[exercises.cat-cow.phases]]\ncue = "Go."\n')
    library = definitions.load_library([path], include_user=False)
    assert library.exercises["cat-cow"].title == "My cat cow"
    assert library.routine("thoracic-mobility").items[3].exercise.title == "My cat cow"
    assert any("overrides" in n and "cat-cow" in n for n in library.notices)


def test_errors_name_file_key_and_line(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('[exercises.x]\ntitle = "X"\nreps = { min = 10, max = 4 }\n'
                    '[[exercises.x.phases]]\ncue = "Go."\nhold = { min_s = 1, max_s = 2, maxx = 3 }\n')
    with pytest.raises(DefinitionError) as info:
        definitions.load_files([path])
    lines = str(info.value).splitlines()
    assert lines == [
        f"{path}:3: exercises.x.reps.max: must be >= min (10), found 4",
        f"{path}:6: exercises.x.phases[0].hold.maxx: unknown key; did you mean 'max_s'?",
    ]
