import os
import tomllib
from pathlib import Path

import pytest
import tomli_w
from hypothesis import given
from hypothesis import strategies as st

from audioguide.definitions import loader as definitions_loader
from audioguide.errors import AudioguideError, DefinitionError, UnknownNameError

EXPECTED = ["y-lift-off", "foam-roll-extension", "spinal-elongation", "cat-cow", "thread-the-needle"]


@pytest.fixture(scope="module")
def builtins():
    return definitions_loader.load_library(include_user=False)


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
                                               r" \(known routines: desk-reset, thoracic-mobility\)"):
        builtins.routine("thoracic")


def test_a_user_file_overrides_a_builtin_and_says_so(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text('[exercises.cat-cow]\ntitle = "My cat cow"\n[[exercises.cat-cow.phases]]\ncue = "Go."\n')
    library = definitions_loader.load_library([path], include_user=False)
    assert library.exercises["cat-cow"].title == "My cat cow"
    assert library.routine("thoracic-mobility").items[3].exercise.title == "My cat cow"
    assert any("overrides" in n and "cat-cow" in n for n in library.notices)


def test_errors_name_file_key_and_line(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('[exercises.x]\ntitle = "X"\nreps = { min = 10, max = 4 }\n'
                    '[[exercises.x.phases]]\ncue = "Go."\nhold = { min_s = 1, max_s = 2, maxx = 3 }\n')
    with pytest.raises(DefinitionError) as info:
        definitions_loader.load_files([path])
    lines = str(info.value).splitlines()
    assert lines == [
        f"{path}:3: exercises.x.reps.max: must be >= min (10), found 4",
        f"{path}:6: exercises.x.phases[0].hold.maxx: unknown key; did you mean 'max_s'?",
    ]


# -- the bad-file corpus: each file beside the exact message it must produce ---------------------------

BAD = sorted((Path(__file__).parent / "data" / "bad").glob("*.toml"))


def test_the_corpus_is_large_enough():
    assert len(BAD) >= 30
    assert all(p.with_suffix(".err").exists() for p in BAD)


@pytest.mark.parametrize("path", BAD, ids=[p.stem for p in BAD])
def test_bad_file_gives_its_exact_message(path, monkeypatch):
    monkeypatch.chdir(path.parent)
    with pytest.raises(DefinitionError) as info:
        definitions_loader.load_files([path.name])
    assert str(info.value) + "\n" == path.with_suffix(".err").read_text()


# -- random mutations of the good files raise DefinitionError and nothing else -----------------------

GOOD = [*definitions_loader.builtin_files(), Path(__file__).parent / "data" / "short.toml"]
VALUES = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True),
                   st.text(max_size=30), st.lists(st.text(max_size=10), max_size=3),
                   st.dictionaries(st.sampled_from(["min", "max", "min_s", "max_s", "default", "x"]),
                                   st.integers(-5, 1000), max_size=3))


def _paths(node, prefix=()):
    """Every key path in a parsed document, through tables and lists of tables."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*prefix, key)
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            if isinstance(value, dict):
                yield from _paths(value, (*prefix, i))


def _parent(doc, path):
    for step in path[:-1]:
        doc = doc[step]
    return doc


@given(data=st.data())
def test_mutations_only_ever_raise_definition_errors(data, tmp_path):
    source = data.draw(st.sampled_from(GOOD))
    doc = tomllib.loads(source.read_text())
    for _ in range(data.draw(st.integers(1, 3))):
        paths = list(_paths(doc))
        if not paths:
            break
        path = data.draw(st.sampled_from(paths))
        parent = _parent(doc, path)
        action = data.draw(st.sampled_from(["replace", "delete", "rename"]))
        if action == "delete":
            del parent[path[-1]]
        elif action == "rename" and isinstance(parent, dict):
            parent[data.draw(st.text(min_size=1, max_size=12))] = parent.pop(path[-1])
        else:
            parent[path[-1]] = data.draw(VALUES)
    try:
        text = tomli_w.dumps(_drop_none(doc))
    except (TypeError, ValueError):  # a mutation TOML cannot express (e.g. a list mixing tables and values)
        return
    target = tmp_path / "mutated.toml"
    target.write_text(text)
    try:
        definitions_loader.load_files([target])
    except DefinitionError as e:
        assert str(e) and all(line.startswith(str(target)) for line in str(e).splitlines())


def _drop_none(node):
    if isinstance(node, dict):
        return {k: _drop_none(v) for k, v in node.items() if v is not None}
    if isinstance(node, list):
        return [_drop_none(v) for v in node if v is not None]
    return node



ONE_REP = '[exercises.x]\ntitle = "X"\nreps = 2\n[[exercises.x.phases]]\ncue = "Up."\nhold = 3\n'


def test_a_library_read_again_sees_every_change_to_its_files(tmp_path):
    """The last library is kept while its files are unchanged (a server's pages ask for it each time); a file
    rewritten in place with the same size and its time set back as it was is read again, and what a caller
    does to the library it got is not in the next one."""
    path, then = tmp_path / "x.toml", (1_700_000_000_000_000_000,) * 2
    path.write_text(ONE_REP)
    os.utime(path, ns=then)
    definitions_loader.load_library([path], include_user=False)
    kept = definitions_loader.load_library([path], include_user=False)      # the kept one
    kept.exercises.clear()
    kept.notices.append("mine")
    again = definitions_loader.load_library([path], include_user=False)
    assert again.exercises["x"].reps.default == 2 and "mine" not in again.notices
    path.write_text(ONE_REP.replace("reps = 2", "reps = 3"))
    os.utime(path, ns=then)                                                   # same inode, size and time
    assert definitions_loader.load_library([path], include_user=False).exercises["x"].reps.default == 3
    path.unlink()
    with pytest.raises(AudioguideError):
        definitions_loader.load_library([path], include_user=False)


def test_a_file_changed_in_the_last_seconds_is_read_every_time(tmp_path):
    """Its size and times may not show a second change made in the same tick of the file system's clock."""
    path = tmp_path / "x.toml"
    path.write_text(ONE_REP)
    assert definitions_loader._signature([(path, "path")]) is None
    os.utime(path, (1_700_000_000,) * 2)
    assert definitions_loader._signature([(path, "path")]) is not None
