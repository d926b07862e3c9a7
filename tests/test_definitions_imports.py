"""Other apps' workouts imported from files written as those apps' sources define them (tests/data/imports/):
each rich and minimal sample imports, validates and builds; each broken one is one clear line."""

import re
import tomllib

import pytest
from click.testing import CliRunner
from conftest import DATA

from audioguide import files
from audioguide.cli import cli
from audioguide.definitions.imports import ImportFault, read

SAMPLES = DATA / "imports"
GOOD = sorted(p for p in SAMPLES.iterdir() if "broken" not in p.name)
BROKEN = {
    "feeel-broken.feeel": "Feeel workout: fullWorkout.workoutExercises[0].exercise: expected an exercise's id, "
                          "found 'plank'",
    "jawt-broken.json": "Just Another Workout Timer workout: sets[0].exercises[0].duration: expected seconds as a "
                        "number, found 'long'",
    "openhiit-broken.json": "OpenHIIT timer: timeSettings.workTime: expected seconds, found -30",
    "w2a-broken.yaml": "w2a workout: exercises[0].duration: expected a duration such as '30s', '2m' or '1m30s', "
                       "found 'half a minute'",
}


@pytest.mark.parametrize("sample", GOOD, ids=lambda p: p.name)
def test_a_sample_imports_validates_and_builds(sample, tmp_path):
    runner = CliRunner()
    imported = runner.invoke(cli, ["import", str(sample)])
    assert imported.exit_code == 0, imported.output
    written = files.config_dir() / re.match(r"(\S+): ", imported.stdout).group(1).split("/")[-1]
    assert imported.stdout == f"{written}: {read(sample.read_text()).format} workout as routine {written.stem}\n"
    checked = runner.invoke(cli, ["validate", str(written)])
    assert checked.exit_code == 0 and checked.output == f"{written}: ok\n"
    built = runner.invoke(cli, ["build", written.stem, "-m", "3", "--engine", "tone", "-o", str(tmp_path), "-q",
                                "--cache-dir", str(tmp_path / "c")])
    assert built.exit_code == 0, built.output
    assert (tmp_path / f"{written.stem}-3m.mp3").stat().st_size > 10_000


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_a_broken_file_is_one_line_saying_what_was_expected_and_where(name):
    result = CliRunner().invoke(cli, ["import", str(SAMPLES / name)])
    assert result.exit_code == 1
    assert result.output == f"Error: {SAMPLES / name}: {BROKEN[name]}\n"
    assert not files.config_dir().exists() or not list(files.config_dir().iterdir())


def test_what_each_format_carries_over():
    feeel = read((SAMPLES / "feeel-rich.feeel").read_text())
    routine = feeel.tables["routines"]["morning-mobility"]
    titles = [feeel.tables["exercises"][i["exercise"]]["title"] for i in routine["items"]]
    assert titles == ["Chin tucks", "Quadruped thoracic rotation, left", "Quadruped thoracic rotation, right",
                      "Y W T raises", "Child's pose", "Feeel exercise 123456"]  # in orderPosition's order
    assert feeel.tables["exercises"]["child-s-pose"]["phases"][0]["hold"]["default_s"] == 60
    assert routine["rest_s"]["default_s"] == 10
    assert any("123456" in n for n in feeel.notes)
    jawt = read((SAMPLES / "jawt-rich.json").read_text())
    items = [i["exercise"] for i in jawt.tables["routines"]["desk-break"]["items"]]
    assert items == ["neck-rolls", "shoulder-circles", "chair-squats", "wall-push-ups", "chair-squats",
                     "wall-push-ups", "chest-stretch"]  # the set done twice; rests are rests, not exercises
    hiit = read((SAMPLES / "openhiit-rich.json").read_text())
    tabata = hiit.tables["routines"]["tabata-legs"]
    assert tabata["rounds"]["default"] == 2 and len(tabata["items"]) == 10  # warm-up, 8 intervals, cool-down
    assert hiit.tables["exercises"]["squats"]["phases"][0]["hold"]["default_s"] == 20
    w2a = read((SAMPLES / "w2a-rich.yaml").read_text(), "W2a rich")
    plank = w2a.tables["exercises"]["side-plank"]
    assert plank["sides"] == "both" and plank["phases"][0]["hold"]["default_s"] == 20  # 40 s: 20 a side
    assert w2a.tables["exercises"]["warm-up"]["phases"][0]["reminders"][0]["text"] == [
        "Neck roll from side to side", "Shoulder roll"]
    assert [i["exercise"] for i in w2a.tables["routines"]["w2a-rich"]["items"]].count("squats") == 2  # the anchor
    assert w2a.tables["routines"]["w2a-rich"]["intro"] == ["Get your mat."]


def test_what_is_not_a_known_workout_says_which_formats_it_takes():
    for text in ("{\"hello\": 1}", "just: [words]", "{not json"):
        with pytest.raises(ImportFault, match="^expected a Feeel workout"):
            read(text)


def test_a_routine_exports_with_every_exercise_it_uses_as_a_file_of_its_own(tmp_path):
    out = tmp_path / "shared.toml"
    result = CliRunner().invoke(cli, ["export", "thoracic-mobility", "-o", str(out)])
    assert result.exit_code == 0 and result.output == f"{out}\n"
    doc = tomllib.loads(out.read_text())
    assert set(doc["exercises"]) == {"y-lift-off", "foam-roll-extension", "spinal-elongation", "cat-cow",
                                     "thread-the-needle"} and list(doc["routines"]) == ["thoracic-mobility"]
    unknown = CliRunner().invoke(cli, ["export", "thoracic-mobilty"])
    assert unknown.exit_code == 1 and "did you mean thoracic-mobility" in unknown.output


def _laughs(levels: int = 9) -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, levels)]
    return "\n".join(lines) + f"\ntitle: x\nexercises: *a{levels - 1}\n"


HOSTILE = {
    "deeply nested JSON": lambda: "[" * 200_000,
    "YAML aliases expanding to 387 million values": _laughs,
    "a YAML alias inside itself": lambda: "exercises: &loop [*loop]\n",
    "a zip bomb (Feeel's exports are zip files)": lambda: _zip_bomb(),
    "UTF-16 text": lambda: '{"title": "x"}'.encode("utf-16"),
    "2 MB of JSON": lambda: '{"title": "' + "x" * 2_000_000 + '"}',
    "binary noise": lambda: bytes(range(256)) * 100,
}


def _zip_bomb() -> bytes:
    import io
    import zipfile
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("workout.json", "0" * 50_000_000)
    return out.getvalue()


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_a_hostile_file_is_one_line_within_bounded_time_and_memory(tmp_path, kind):
    import resource
    import subprocess
    import sys
    import time
    made = HOSTILE[kind]()
    path = tmp_path / "workout.yaml"
    path.write_bytes(made if isinstance(made, bytes) else made.encode())

    def limited():
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))   # 1 GB: what expanding it would pass
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "audioguide", "import", str(path), "-o", str(tmp_path / "x.toml")],
                          capture_output=True, text=True, timeout=30, preexec_fn=limited)
    assert time.monotonic() - start < 10
    assert done.returncode == 1 and done.stderr.startswith("Error: ") and done.stderr.count("\n") == 1, done.stderr
    assert len(done.stderr) < 400 and "Traceback" not in done.stderr
    assert not (tmp_path / "x.toml").exists()
