"""The editor's, the import's and the daily practice's endpoints under random and hostile bodies (a hypothesis
fuzz on a real server, bounded): never a 500, nothing written when a request is refused, nothing written
outside the user's definitions folder, nothing at all without the token."""

import copy
import hashlib
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_web_api import TOKEN, InProcess, call
from test_web_editor import NEW

from audioguide import files

pytestmark = pytest.mark.slow

HOSTILE_TEXT = ["", " ", "../x", "..", ".", "/etc/passwd", "a/b", "a\\b", "con", "nul.toml", "\x00", "\x1b[2J",
                "line\nbreak", "é" * 300, "x" * 5000, "my-back", "cat-cow", "thoracic-mobility", "%2e%2e",
                "-rf", "~", "${HOME}", "NaN", "1e309"]
hostile = st.one_of(st.sampled_from(HOSTILE_TEXT), st.text(max_size=40),
                    st.integers(min_value=-2**70, max_value=2**70), st.floats(allow_nan=False), st.booleans(),
                    st.none(), st.just([]), st.just({}), st.just([[[[[]]]]]))
json_values = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                                     st.text(max_size=20)),
                           lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                   st.dictionaries(st.text(max_size=12), inner, max_size=4)),
                           max_leaves=30)


def _paths(tree: object, prefix: tuple = ()) -> list[tuple]:
    """Every key path of a JSON tree, for a mutation to land on."""
    found = [prefix]
    if isinstance(tree, dict):
        for key, value in tree.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(tree, list):
        for i, value in enumerate(tree):
            found += _paths(value, (*prefix, i))
    return found


@st.composite
def mutated_tables(draw) -> dict:
    """The editor's own tables with a few values replaced by hostile ones (so the loader gets deep)."""
    tables = copy.deepcopy(NEW)
    for _ in range(draw(st.integers(1, 3))):
        where = draw(st.sampled_from(_paths(tables)[1:]))
        node = tables
        for key in where[:-1]:
            node = node[key]
        node[where[-1]] = copy.deepcopy(draw(hostile))   # a fresh value: just() shares its object
    return tables


routine_ids = st.one_of(st.sampled_from(["my-back", "new-one", "thoracic-mobility", "cat-cow"]),
                        st.sampled_from(["..", "%2e%2e", "a%2fb", "con", "x" * 300, "%00", "%0a", "evil"]),
                        st.text(alphabet="abcxyz-_.~%0123456789", min_size=1, max_size=12))
requests = st.one_of(
    st.tuples(st.just("PUT"), routine_ids.map(lambda i: f"/api/routines/{i}"),
              st.one_of(mutated_tables(), json_values)),
    st.tuples(st.just("DELETE"), routine_ids.map(lambda i: f"/api/routines/{i}"), st.none()),
    st.tuples(st.just("GET"), routine_ids.map(lambda i: f"/api/routines/{i}/source"), st.none()),
    st.tuples(st.just("POST"), st.just("/api/preview"),
              st.one_of(st.fixed_dictionaries({"routine": st.one_of(st.just("my-back"), hostile),
                                               "minutes": st.one_of(st.sampled_from([3, 0, -1, 1e9, "5", "abc"]),
                                                                    hostile),
                                               "tables": st.one_of(mutated_tables(), json_values)}),
                        json_values)),
    st.tuples(st.just("POST"), st.just("/api/import"),
              st.one_of(st.fixed_dictionaries({"name": st.one_of(st.sampled_from(
                  ["w.json", "w.yaml", "w.csv", "../../w.json", "w.zip", "\x00.json"]), hostile),
                  "text": st.one_of(st.text(max_size=300), st.sampled_from([
                      '{"name": "x", "exercises": [' * 50, "a: &a [*a]", "---\n- !!python/object:os.system x",
                      '{"title": "T", "workout": [{"name": "../../etc", "duration": 1e99}]}'
                  ]), hostile)}), json_values)),
    st.tuples(st.just("POST"), st.just("/api/qr"), st.one_of(st.fixed_dictionaries({"text": hostile}), json_values)),
    st.tuples(st.just("PUT"), st.just("/api/program"),
              st.one_of(st.fixed_dictionaries({"program": st.one_of(st.just("thoracic-four-weeks"), hostile),
                                               "start": st.one_of(st.just("2026-12-01"), hostile)}), json_values)),
    st.tuples(st.just("POST"), st.just("/api/log"),
              st.one_of(st.fixed_dictionaries({"file": hostile, "played_s": hostile}), json_values)),
)


def _snapshot(root: Path) -> dict[str, str]:
    """Every entry under root: a file's digest, a link's target, a folder's mark."""
    found = {}
    for folder, dirs, names in os.walk(root):
        for name in dirs + names:
            path = Path(folder, name)
            key = str(path.relative_to(root))
            if path.is_symlink():
                found[key] = "-> " + os.readlink(path)
            elif path.is_file():
                found[key] = hashlib.sha256(path.read_bytes()).hexdigest()
            else:
                found[key] = "folder"
    return found


@pytest.fixture
def served(tmp_path):
    app = InProcess(tmp_path / "site", tmp_path / "cache")
    folder = files.config_dir()
    folder.mkdir(parents=True, exist_ok=True)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "target.toml").write_text("# someone else's file\n")
    (folder / "evil.toml").symlink_to(outside / "target.toml")        # planted: never written through
    (folder / "escape").symlink_to(outside, target_is_directory=True)
    yield app.port, folder, outside, tmp_path
    app.close()


def _watched(folder: Path, root: Path) -> dict[str, str]:
    """Everything a request could reach by a trick: the test's folders and those around the user's folders."""
    found = {}
    for top in {root, folder.parent, files.state_dir().parent}:
        found.update({str(top / k): v for k, v in _snapshot(top).items()})
    return found


@settings(max_examples=max(300, settings().max_examples), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(asked=requests, with_token=st.booleans())
def test_no_body_breaks_the_editor_or_writes_where_it_should_not(served, asked, with_token):
    port, folder, outside, root = served
    method, path, body = asked
    before, kept = _watched(folder, root), _snapshot(folder)
    state = _snapshot(files.state_dir())
    status, answer = call(port, method, path, body=body, token=TOKEN if with_token else "wrong",
                          raw=None if body is not None else b"")
    assert status < 500, (method, path, body, status, answer)
    after = _watched(folder, root)
    changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
    mine = (str(folder) + os.sep, str(files.state_dir()) + os.sep, str(root / "cache") + os.sep)
    assert {k for k in changed if not k.startswith(mine)} == set(), (method, path, status)  # nothing outside
    assert (outside / "target.toml").read_text() == "# someone else's file\n"
    assert (folder / "evil.toml").is_symlink() and (folder / "escape").is_symlink()
    if not with_token or status >= 400 or method in ("GET", "POST"):
        assert _snapshot(folder) == kept, (method, path, status)                   # refused: nothing written
    if not with_token or status >= 400:
        assert _snapshot(files.state_dir()) == state, (method, path, status)
    for name in set(_snapshot(folder)) - set(kept):                                 # what was written: a file
        assert (folder / name).is_file() and not (folder / name).is_symlink() and name.endswith(".toml"), name
