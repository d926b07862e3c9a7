"""--json on list, show, voices and cache info; show and build on a file holding one exercise and no routine."""

import json

from click.testing import CliRunner
from conftest import DATA

from audioguide.cli import cli
from audioguide.definitions import loader as definitions_loader
from audioguide.publish import tags

ONE_EXERCISE = '''
[exercises.wall-angel]
title = "Wall angel"
summary = "Slide your arms up and down a wall."
reps = { min = 3, default = 5, max = 10 }

[[exercises.wall-angel.phases]]
cue = "Slide your arms up the wall."
move_s = 2

[[exercises.wall-angel.phases]]
cue = "And slide them down."
move_s = 2
beeps = ["rep"]
'''


def run(*args):
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_list_json_matches_the_library():
    got = json.loads(run("list", "--json"))
    library = definitions_loader.load_library()
    assert [r["id"] for r in got["routines"]] == sorted(library.routines)
    assert [e["id"] for e in got["exercises"]] == sorted(library.exercises)
    assert [p["id"] for p in got["programs"]] == sorted(library.programs)
    assert {e["source"] for e in got["exercises"]} == {"built-in"}
    assert got["routines"][0]["title"] == library.routines[got["routines"][0]["id"]].title


def test_show_json_of_a_routine_holds_its_definition_and_the_measured_range(tmp_path):
    voice = ["-d", str(DATA / "short.toml"), "--engine", "tone", "--cache-dir", str(tmp_path / "c")]
    cold = json.loads(run("show", "short", *voice, "--json"))
    assert cold["length_s"]["estimated"] is True   # nothing rendered yet: an estimate, marked as one
    from audioguide.definitions import loader
    from audioguide.pipeline import options as pipeline_options
    from audioguide.pipeline import routines as pipeline_routines
    from audioguide.speech import EngineSpec
    routine = loader.find_in_file(DATA / "short.toml")[0]
    pipeline_routines.length_range(routine, pipeline_options.BuildOptions(engine=EngineSpec("tone"),
                                                                          cache_dir=tmp_path / "c"))  # as a build measures
    got = json.loads(run("show", "short", *voice, "--json"))
    assert got["kind"] == "routine" and got["id"] == "short" and got["source"] == str(DATA / "short.toml")
    assert [item["exercise"]["id"] for item in got["items"]] == ["arm-raise", "stand-tall"]
    assert 0 < got["length_s"]["min"] < got["length_s"]["max"] and got["length_s"]["estimated"] is False
    text = run("show", "short", *voice)
    low = text.split("Length: ")[1].split(" to ")[0]
    assert abs(float(low) * 60 - got["length_s"]["min"]) < 6   # the text rounds up to a tenth of a minute


def test_show_json_of_an_exercise():
    got = json.loads(run("show", "cat-cow", "--json"))
    assert got["kind"] == "exercise" and got["title"] == "Cat cow" and got["source"] == "built-in"
    assert got["phases"][0]["cue"] and "length_s" not in got


def test_voices_json_lists_each_engine_and_the_auto_choice():
    got = json.loads(run("voices", "--engine", "tone", "--json"))
    assert got["auto"] in ("piper", "pyttsx3")
    assert [e["engine"] for e in got["engines"]] == ["tone"]
    assert {v["id"] for v in got["engines"][0]["voices"]} >= {"low", "high"}


def test_cache_info_json_counts_what_a_build_put_there(tmp_path):
    cache = tmp_path / "cache"
    assert json.loads(run("cache", "info", "--cache-dir", str(cache), "--json"))["clips"] == 0
    run("build", "short", "-d", str(DATA / "short.toml"), "-m", "2", "--engine", "tone", "-o", str(tmp_path / "o"),
        "--cache-dir", str(cache))
    got = json.loads(run("cache", "info", "--cache-dir", str(cache), "--json"))
    assert got["path"] == str(cache) and got["clips"] > 5 and got["bytes"] > 10_000


def test_a_file_of_one_exercise_builds_a_session_of_its_own(tmp_path):
    path = tmp_path / "wall-angel.toml"
    path.write_text(ONE_EXERCISE)
    out = run("build", str(path), "-m", "3", "--engine", "tone", "-o", str(tmp_path / "out"))
    mp3 = tmp_path / "out" / "wall-angel-3m.mp3"
    assert out.strip() == str(mp3)
    titles = [title for title, _, _ in tags.chapters(mp3)]   # in rounds, to fill 3 minutes
    assert titles[1:-1] == [f"Round {n}: Wall angel" for n in range(1, len(titles) - 1)] and len(titles) >= 4
    shown = run("show", str(path), "--engine", "tone")
    assert shown.startswith("Wall angel") and "On its own (build " in shown
    got = json.loads(run("show", str(path), "--engine", "tone", "--json"))
    assert got["kind"] == "exercise" and got["length_s"]["min"] <= 180 <= got["length_s"]["max"]


def test_a_file_of_two_exercises_and_no_routine_is_one_line(tmp_path):
    path = tmp_path / "two.toml"
    path.write_text(ONE_EXERCISE + ONE_EXERCISE.replace("wall-angel", "wall-slide"))
    result = CliRunner().invoke(cli, ["build", str(path), "--engine", "tone", "-o", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert result.output == (f"Error: {path}: expected one routine, or one exercise and no routine, in the file; "
                             "found routines: none (and 2 exercises); name one instead and pass the file with "
                             "--definitions\n")
