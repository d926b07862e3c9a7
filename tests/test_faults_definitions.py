"""Definition files as a hostile or unlucky user writes them: every leaf of the built-in files given a value of the
wrong kind (one case each, well over a hundred), files that are not definition files at all, and a fuzz of text.
Every one ends as definition errors, each line naming the file (and the key path where there is one); none
takes long."""

import os
import time
import tomllib
from pathlib import Path

import pytest
import tomli_w
from hypothesis import given, settings
from hypothesis import strategies as st

from audioguide.definitions import loader as definitions_loader
from audioguide.errors import DefinitionError

# the English files: the other languages' have the same tables (their mutations would test nothing more)
LIBRARY = {p.name: tomllib.loads(p.read_text()) for p in definitions_loader.builtin_files() if p.name.count(".") == 1}


def _leaves(node, path=()):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, (*path, key))
    elif isinstance(node, list) and node and all(isinstance(v, dict) for v in node):
        for i, value in enumerate(node):
            yield from _leaves(value, (*path, i))
    else:
        yield path, node


def _wrong(value):
    """A value of another kind than the one the key holds."""
    if isinstance(value, bool):
        return "yes"
    if isinstance(value, (int, float)):
        return "ten"
    if isinstance(value, str):
        return 42
    return {"unexpected": True}


def _key(path):
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


CASES = [(name, path, value) for name, doc in LIBRARY.items() for path, value in _leaves(doc)]


def test_the_mutation_corpus_is_large_enough():
    assert len(CASES) >= 100


@pytest.mark.parametrize("name, path, value", CASES, ids=[f"{n}:{_key(p)}" for n, p, _ in CASES])
def test_a_value_of_the_wrong_kind_anywhere(tmp_path, name, path, value):
    doc = tomllib.loads(definitions_loader.builtin_files()[[p.name for p in definitions_loader.builtin_files()].index(name)]
                        .read_text())
    parent = doc
    for part in path[:-1]:
        parent = parent[part]
    parent[path[-1]] = _wrong(value)
    target = tmp_path / name
    target.write_text(tomli_w.dumps(doc))
    with pytest.raises(DefinitionError) as caught:
        definitions_loader.load_files([target])
    lines = str(caught.value).splitlines()
    assert lines and all(line.startswith(f"{target}") for line in lines), lines
    if path[-1] not in ("days",):  # the one key whose own message names its items
        assert any(_key(path).replace("[", ".").split(".")[-1] in line or _key(path) in line for line in lines), lines


HOSTILE = {
    "empty": b"",
    "binary": bytes(range(256)) * 4,
    "not utf-8": "[exercises.x]\ntitle = \"caf\xe9\"\n".encode("latin-1"),
    "nul in a title": b'[exercises.x]\ntitle = "A\\u0000B"\n[[exercises.x.phases]]\ncue = "Go."\n',
    "bom and crlf": "\ufeff[exercises.x]\r\ntitle = \"X\"\r\n[[exercises.x.phases]]\r\ncue = \"Go.\"\r\n".encode(),
    "deep arrays": b"a = " + b"[" * 3000 + b"]" * 3000,
    "deep inline tables": b"a = " + b"{b = " * 2000 + b"1" + b"}" * 2000,
    "6000 unknown keys": ("[exercises.x]\ntitle = \"X\"\n" + "".join(f"k{i} = 1\n" for i in range(6000))).encode(),
    "a megabyte key": b'[exercises.x]\ntitle = "X"\n' + b"k" * 900_000 + b" = 1\n",
    "format spec": b'[exercises.x]\ntitle = "X"\n[[exercises.x.phases]]\ncue = "{rep:x>2000}"\n',
    "conversion": b'[exercises.x]\ntitle = "X"\n[[exercises.x.phases]]\ncue = "{rep!z}"\n',
    "only dots": b'[exercises.x]\ntitle = "X"\n[[exercises.x.phases]]\ncue = "..."\n',
    "zero widths": '[exercises.x]\ntitle = "X"\n[[exercises.x.phases]]\ncue = "\u200b\u200c"\n'.encode(),
    "escape in a cue": b'[exercises.x]\ntitle = "X"\n[[exercises.x.phases]]\ncue = "Go \\u001b[31m"\n',
    "a routine of itself": b'[routines.r]\ntitle = "R"\n[[routines.r.items]]\nexercise = "r"\n',
    "a week 0": b'[programs.p]\ntitle = "P"\n[[programs.p.weeks]]\nweeks = 0\nroutine = "desk-reset"\nminutes = 3\n',
    "too big": b"# " + b"x" * 1_100_000 + b"\n",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_files_no_one_should_write_are_refused_quickly(tmp_path, name):
    target = tmp_path / "hostile.toml"
    target.write_bytes(HOSTILE[name])
    start = time.monotonic()
    try:
        definitions_loader.load_files([target])
    except DefinitionError as e:
        lines = str(e).splitlines()
        assert lines and all(line.startswith(str(target)) for line in lines), lines
        assert all(len(line) < 400 for line in lines)  # long values are cut
    else:
        assert name == "bom and crlf"  # a byte order mark and Windows line ends are fine
    assert time.monotonic() - start < 5


@pytest.mark.parametrize("kind", ["fifo", "device", "folder"])
def test_what_is_not_a_file_is_refused_without_reading_it(tmp_path, kind):
    target = {"device": Path("/dev/zero"), "folder": tmp_path}.get(kind, tmp_path / "pipe.toml")
    if kind == "fifo":
        os.mkfifo(target)
    with pytest.raises(DefinitionError, match="expected a definition file, found"):
        definitions_loader.load_files([target])


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=300))
def test_any_text_is_a_definition_or_definition_errors(tmp_path_factory, text):
    target = tmp_path_factory.mktemp("fuzz") / "any.toml"
    target.write_text(text, encoding="utf-8")
    try:
        definitions_loader.load_files([target])
    except DefinitionError as e:
        assert all(line.startswith(str(target)) for line in str(e).splitlines())
