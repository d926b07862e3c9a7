import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import DATA

from audioguide.cli import cli
from audioguide.speech import engines, espeak


def run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def _commands(group=cli, prefix=()):
    for name, command in group.commands.items():
        yield (*prefix, name)
        if hasattr(command, "commands"):
            yield from _commands(command, (*prefix, name))


def test_top_level_help_has_an_example():
    result = run("--help")
    assert result.exit_code == 0 and "Example:" in result.output and "audioguide build" in result.output


@pytest.mark.parametrize("command", list(_commands()))
def test_every_command_explains_itself_with_an_example(command):
    result = run(*command, "--help")
    assert result.exit_code == 0
    assert "Example:" in result.output and f"audioguide {' '.join(command)}" in result.output


def test_unknown_routine_is_one_line_exit_1_listing_the_known_ones(tmp_path):
    result = CliRunner().invoke(cli, ["build", "thoracic", "-o", str(tmp_path), "--engine", "tone"])
    assert result.exit_code == 1
    assert result.output == ("Error: unknown routine 'thoracic'; did you mean thoracic-mobility? "
                             "(known routines: desk-reset, thoracic-mobility)\n")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command, option, value", [("plan", "--length", "ten"), ("build", "--minutes", "abc"),
                                                    ("build", "-m", "5,x"), ("plan", "-m", "0")])
def test_a_malformed_length_is_a_usage_mistake(tmp_path, command, option, value):
    result = CliRunner().invoke(cli, [command, "thoracic-mobility", option, value, "--engine", "tone",
                                      "--cache-dir", str(tmp_path / "c"), *(["-o", str(tmp_path / "o")]
                                                                            if command == "build" else [])])
    assert result.exit_code == 2, result.output
    last = result.stderr.splitlines()[-1]
    assert last.startswith("Error: Invalid value for --minutes/--length: ") and repr(value.split(",")[-1]) in last
    assert not (tmp_path / "o").exists()


def test_too_short_names_the_minimum(tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["build", "thoracic-mobility", "--minutes", "1", "-o", str(out),
                                      "--cache-dir", str(tmp_path / "c"), "--engine", "tone"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: thoracic-mobility needs at least ")
    assert not out.exists() or list(out.iterdir()) == []


def test_show_and_build_agree_on_the_shortest_length(tmp_path):
    import re

    from audioguide.definitions import loader
    from audioguide.pipeline import options as pipeline_options
    from audioguide.pipeline import routines as pipeline_routines
    from audioguide.speech import EngineSpec
    voice = ["--cache-dir", str(tmp_path / "c"), "--engine", "tone"]
    cold = run("show", "thoracic-mobility", *voice).output   # nothing rendered: an estimate, said to be one
    estimate = re.search(r"Length: ([\d.]+) to [\d.]+ minutes \(estimated\)\n", cold).group(1)
    assert not list((tmp_path / "c").rglob("*.wav"))
    early = CliRunner().invoke(cli, ["build", "thoracic-mobility", "-m", "1", "-o", str(tmp_path), *voice])
    assert early.output == f"Error: thoracic-mobility needs at least about {estimate} minutes, asked for 1\n"
    assert not list((tmp_path / "c").rglob("*.wav"))   # a length that cannot fit renders no speech
    # once the shortest session's speech is measured (as a build measures it), both give it exactly
    routine = loader.load_library(include_user=False).routine("thoracic-mobility")
    pipeline_routines.length_range(routine, pipeline_options.BuildOptions(engine=EngineSpec("tone"),
                                                                          cache_dir=tmp_path / "c"))
    shown = run("show", "thoracic-mobility", *voice).output
    shortest = re.search(r"Length: ([\d.]+) to [\d.]+ minutes\n", shown).group(1)
    under = f"{float(shortest) - 0.1:.1f}"
    refused = CliRunner().invoke(cli, ["build", "thoracic-mobility", "-m", under, "-o", str(tmp_path), *voice])
    assert refused.output == f"Error: thoracic-mobility needs at least {shortest} minutes, asked for {under}\n"
    built = CliRunner().invoke(cli, ["plan", "thoracic-mobility", "-m", shortest, "--json", *voice])
    assert built.exit_code == 0, built.output


def test_missing_espeak_is_one_line_naming_the_package(monkeypatch, tmp_path):
    monkeypatch.setattr(espeak, "LIBS", ("libno-such-espeak.so.9",))
    result = CliRunner().invoke(cli, ["build", "thoracic-mobility", "-o", str(tmp_path), "--engine", "pyttsx3"])
    assert result.exit_code == 1
    assert result.output == ("Error: espeak-ng is not installed (pyttsx3 speaks through it); "
                             "install it with: apt-get install espeak-ng\n")


def test_missing_ffmpeg_in_a_real_process(tmp_path):
    env = {**os.environ, "PATH": os.path.dirname(sys.executable)}
    done = subprocess.run([sys.executable, "-m", "audioguide", "build", "thoracic-mobility", "-o", str(tmp_path)],
                          env=env, capture_output=True, text=True)
    assert done.returncode == 1
    assert done.stderr == "Error: ffmpeg is not installed; install it with: apt-get install ffmpeg\n"
    assert "Traceback" not in done.stderr + done.stdout


def test_traceback_flag_shows_the_traceback():
    result = CliRunner().invoke(cli, ["--traceback", "plan", "nope", "--engine", "tone"])
    assert result.exit_code == 1 and "Traceback" in result.output and "Error: unknown routine" in result.output


def test_list_shows_builtins_with_their_source():
    result = run("list")
    assert "  thoracic-mobility            Thoracic mobility  [built-in; en de es fr it pt]" in result.output
    assert "thread-the-needle" in result.output


@pytest.mark.slow
def test_build_prints_the_path_and_chapters(tmp_path, clip_cache):
    result = CliRunner().invoke(cli, ["build", "short", "-d", str(DATA / "short.toml"), "--minutes", "1.5",
                                      "-o", str(tmp_path), "--cache-dir", str(clip_cache), "--chapters",
                                      "--engine", "pyttsx3"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == str(tmp_path / "short-1m30s.mp3")
    assert [line[9:] for line in lines[1:]] == ["Intro", "Arm raise", "Stand tall", "Outro"]
    assert lines[1].startswith("  00:00  ") and all(re.match(r"  \d\d:\d\d  ", line) for line in lines[1:])
    assert (tmp_path / "short-1m30s.mp3").stat().st_size > 10_000


def test_validate_prints_ok_per_good_file_and_every_mistake(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "good.toml").write_text((DATA / "short.toml").read_text())
    bad = DATA / "bad" / "many-mistakes.toml"
    (tmp_path / "bad.toml").write_text(bad.read_text())
    ok = CliRunner().invoke(cli, ["validate", "good.toml"])
    assert (ok.exit_code, ok.output) == (0, "good.toml: ok\n")
    result = CliRunner().invoke(cli, ["validate", "good.toml", "bad.toml"])
    assert result.exit_code == 1
    expected = bad.with_suffix(".err").read_text().replace("many-mistakes.toml", "bad.toml")
    assert result.stdout == "good.toml: ok\n"
    assert result.stderr == "".join(f"Error: {line}\n" for line in expected.splitlines())


def test_validate_a_missing_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["validate", "nope.toml"])
    assert (result.exit_code, result.stderr) == (1, "Error: nope.toml: file not found\n")


@pytest.mark.parametrize("odd", ["/dev/zero", "fifo", "folder"])
def test_validate_on_a_device_a_fifo_or_a_folder_is_one_error_line_at_once(tmp_path, odd):
    import os
    path = {"/dev/zero": Path("/dev/zero"), "fifo": tmp_path / "f.toml", "folder": tmp_path / "d.toml"}[odd]
    if odd == "fifo":
        os.mkfifo(path)
    elif odd == "folder":
        path.mkdir()
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 1 and result.stderr.count("\n") == 1, result.output
    assert result.stderr.startswith(f"Error: {path}: expected a definition file, found ")


@pytest.mark.parametrize("kind", ["exercise", "routine"])
def test_new_writes_a_starter_that_validates_and_never_overwrites(kind, tmp_path):
    result = CliRunner().invoke(cli, ["new", kind, "My Thing", "-o", str(tmp_path)])
    assert result.exit_code == 0 and result.output == f"{tmp_path / 'my-thing.toml'}\n"
    text = (tmp_path / "my-thing.toml").read_text()
    assert text.startswith("# A starter") and f"[{kind}s.my-thing]" in text
    check = CliRunner().invoke(cli, ["validate", str(tmp_path / "my-thing.toml")])
    assert check.exit_code == 0, check.output
    again = CliRunner().invoke(cli, ["new", kind, "my-thing", "-o", str(tmp_path)])
    assert again.exit_code == 1 and "exists already" in again.output


def test_show_an_exercise_and_a_routine(tmp_path):
    ex = run("show", "thread-the-needle").output
    assert ex.startswith("Thread the needle  [thread-the-needle, built-in]")
    assert "Sides: left and right, blocks" in ex and "say: Follow your hand" not in ex and "eyes" in ex
    rt = run("show", "thoracic-mobility", "--engine", "tone", "--cache-dir", str(tmp_path)).output
    assert "3. Spinal elongation [spinal-elongation] (optional)" in rt and "Length: " in rt
    assert "(estimated)" in rt   # a cold cache: nothing is rendered to show a routine
    unknown = CliRunner().invoke(cli, ["show", "cat-caw"])
    assert (unknown.exit_code, unknown.output) == (1, "Error: no exercise or routine called 'cat-caw'; did you mean cat-cow?\n")


def test_the_user_folder_is_read_and_overrides_are_announced(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    folder = tmp_path / "audioguide"
    folder.mkdir()
    (folder / "mine.toml").write_text('[exercises.cat-cow]\ntitle = "Gentle cat cow"\n'
                                      '[[exercises.cat-cow.phases]]\ncue = "Round, then arch."\n')
    result = CliRunner().invoke(cli, ["list"])
    assert "Gentle cat cow  [user; en de es fr it pt]" in result.output  # English its own, the others built-in
    assert f"Note: {folder / 'mine.toml'}: exercise 'cat-cow' overrides the one from built-in" in result.output
    shown = CliRunner().invoke(cli, ["show", "cat-cow"])
    assert shown.stdout.startswith("Gentle cat cow  [cat-cow, user]")


def test_a_routine_file_can_be_built_by_path(tmp_path):
    result = CliRunner().invoke(cli, ["plan", str(DATA / "short.toml"), "--minutes", "2", "--json",
                                      "--cache-dir", str(tmp_path), "--engine", "tone"])
    assert result.exit_code == 0, result.output
    assert '"title": "Short test routine"' in result.output


def test_plan_json_and_svg(tmp_path):
    picture = tmp_path / "plan.svg"
    clip_cache = tmp_path / "c"
    result = CliRunner().invoke(cli, ["plan", "short", "-d", str(DATA / "short.toml"), "--minutes", "2", "--json",
                                      "--svg", str(picture), "--cache-dir", str(clip_cache), "--engine", "tone"])
    assert result.exit_code == 0, result.output
    import json
    plan = json.loads(result.stdout)
    assert set(plan) >= {"duration_s", "sample_rate", "chapters", "events"} and plan["duration_s"] == 120
    assert set(plan["chapters"][0]) == {"title", "start_s", "end_s"}
    assert all(set(e) - {"text"} == {"start_s", "end_s", "kind", "chapter"} for e in plan["events"])
    assert picture.read_text().startswith("<svg")
    text = CliRunner().invoke(cli, ["plan", "short", "-d", str(DATA / "short.toml"), "--minutes", "2",
                                    "--cache-dir", str(clip_cache), "--engine", "tone"]).stdout.splitlines()
    assert text[0].startswith("00:00.750  Intro") and text[-1] == "02:00.000  end"  # after the lead-in


def test_voices_lists_the_tone_engine_and_why_others_are_missing():
    result = run("voices")
    assert "tone:\n  low " in result.output and "  default: low at 160 wpm" in result.output
    assert "pyttsx3: not available (espeak-ng is not installed" in result.output
    alone = CliRunner().invoke(cli, ["voices", "--engine", "pyttsx3"])
    assert alone.exit_code == 1 and alone.output.startswith("Error: espeak-ng is not installed")


@pytest.mark.slow
def test_voices_lists_engines():
    result = run("voices", "--engine", "pyttsx3")
    assert "pyttsx3:" in result.output and "gmw/en-us " in result.output and "klatt2" in result.output
    assert "  default: gmw/en-us+klatt2 at 160 wpm" in result.output


@pytest.mark.parametrize("engine", ["tone", pytest.param("pyttsx3", marks=pytest.mark.slow)])
def test_say_writes_a_wav_and_cache_commands(tmp_path, engine):
    out = tmp_path / "hello.wav"
    result = CliRunner().invoke(cli, ["say", "Hello there.", "-o", str(out), "--engine", engine,
                                      "--cache-dir", str(tmp_path / "c")])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"{out} (") and engine in result.output
    import wave
    with wave.open(str(out)) as w:
        assert w.getframerate() == 44100 and w.getnframes() > 20000
    info = run("cache", "info", "--cache-dir", str(tmp_path / "c")).output
    assert info.startswith(f"{tmp_path / 'c'}: 1 clips, ")
    assert run("cache", "clear", "--cache-dir", str(tmp_path / "c")).output == f"removed 1 clips from {tmp_path / 'c'}\n"


def _audioguide(*args, **kwargs):
    return subprocess.Popen([sys.executable, "-m", "audioguide", *args], **kwargs)


@pytest.mark.slow
def test_ctrl_c_leaves_nothing_and_exits_130(tmp_path, clip_cache):
    import signal
    import time
    out = tmp_path / "out"
    proc = _audioguide("build", "thoracic-mobility", "-m", "60", "-o", str(out), "--engine", "pyttsx3",
                       "--cache-dir", str(clip_cache), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                       start_new_session=True)
    deadline = time.monotonic() + 240
    def staged():
        return [f for d in out.glob(".audioguide-*-stage-*") for f in d.iterdir() if f.suffix == ".mp3"]

    while time.monotonic() < deadline and not (out.exists() and staged()) and proc.poll() is None:
        time.sleep(0.05)
    assert proc.poll() is None and staged()  # the MP3 is being encoded, out of sight
    assert [p.name for p in out.iterdir() if not p.name.startswith(".audioguide-")] == []
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal's Ctrl-C does: the whole process group
    stdout, stderr = proc.communicate(timeout=60)
    assert (proc.returncode, stdout, stderr) == (130, "", "Interrupted.\n")
    assert list(out.iterdir()) == []


@pytest.mark.slow
def test_progress_bar_on_a_terminal_and_silence_when_piped(tmp_path, clip_cache):
    import pty
    args = ("build", "short", "-d", str(DATA / "short.toml"), "-m", "1.5", "-o", str(tmp_path),
            "--engine", "pyttsx3", "--cache-dir", str(tmp_path / "fresh-cache"))
    piped = subprocess.run([sys.executable, "-m", "audioguide", *args], capture_output=True, text=True)
    assert piped.returncode == 0 and piped.stderr == ""
    (tmp_path / "short-1m30s.mp3").unlink()
    import shutil
    shutil.rmtree(tmp_path / "fresh-cache")
    main, secondary = pty.openpty()
    proc = _audioguide(*args, stdout=subprocess.PIPE, stderr=secondary)
    os.close(secondary)
    chunks = []
    while True:
        try:
            data = os.read(main, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=120)
    os.close(main)
    screen = b"".join(chunks).decode()
    assert proc.returncode == 0
    assert proc.stdout.read().decode().strip() == str(tmp_path / "short-1m30s.mp3")  # stdout: the path alone
    # each stage as it starts, in order; counts with their totals, elapsed time; one summary line at the end
    assert screen.index("definitions...") < screen.index("planning...") < screen.index("speech (clips)") \
        < screen.index("mix+encode (seconds)")
    clips = re.findall(r"speech \(clips\) +\[[#-]+\] +(\d+)/(\d+)", screen)
    assert clips and clips[-1][0] == clips[-1][1] and int(clips[-1][1]) >= 5
    assert "90/90" in screen and "100%" in screen and re.search(r"\d+\.\d s", screen) and "\r" in screen
    summary = screen.strip().splitlines()[-1]
    assert re.fullmatch(rf"made 1 session \(1m30s\), \d\.\d MB; speech: {clips[-1][1]} clips rendered, 0 from the "
                        r"cache; \d+\.\d s", summary.strip()), summary


# -- every failure a user can cause is one "Error:" line and exit 1, converted where it enters ---------------

def _one_error_line(result, *fragments):
    assert result.exit_code == 1, result.output
    assert result.output.count("\n") == 1 and result.output.startswith("Error: "), result.output
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in result.output, result.output


@pytest.mark.parametrize("where", ["/proc/audioguide-test", "a-file/out"])
def test_an_output_folder_that_cannot_be_made_is_refused_before_any_work(tmp_path, monkeypatch, where):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a-file").write_text("x")
    monkeypatch.setattr(engines.ToneEngine, "render", lambda *a: pytest.fail("speech was rendered"))
    result = CliRunner().invoke(cli, ["build", "thoracic-mobility", "-o", where, "--engine", "tone",
                                      "--cache-dir", str(tmp_path / "c")])
    _one_error_line(result, f"cannot create the output folder {where}: ")


def test_a_cache_folder_that_cannot_be_used_is_a_note_and_the_build_goes_on(tmp_path):
    result = CliRunner().invoke(cli, ["build", "desk-reset", "-m", "3", "-o", str(tmp_path), "--engine", "tone",
                                      "--cache-dir", "/proc/nocache", "-q"])
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("Note: the speech cache is not used (cannot create the speech cache folder "
                                    "/proc/nocache: ")
    assert result.stdout == f"{tmp_path / 'desk-reset-3m.mp3'}\n"


@pytest.mark.parametrize("text", ["", "**", "...", "\u200b"])
def test_say_with_nothing_to_say(tmp_path, text):
    result = CliRunner().invoke(cli, ["say", text, "-o", str(tmp_path / "x.wav"), "--engine", "tone",
                                      "--cache-dir", str(tmp_path / "c")])
    _one_error_line(result, "nothing to say in ")
    assert not (tmp_path / "x.wav").exists()


@pytest.mark.slow
def test_say_with_nothing_to_say_through_espeak(tmp_path):
    result = CliRunner().invoke(cli, ["say", "**", "-o", str(tmp_path / "x.wav"), "--engine", "pyttsx3",
                                      "--cache-dir", str(tmp_path / "c")])
    _one_error_line(result, "nothing to say in '**'")


def test_say_writes_only_to_a_wav_name(tmp_path):
    result = CliRunner().invoke(cli, ["say", "Hello.", "-o", str(tmp_path / "hello.mp3"), "--engine", "tone"])
    assert result.exit_code == 2 and "expected a file name ending in .wav, found" in result.output
    assert not (tmp_path / "hello.mp3").exists()


def test_say_into_a_folder_under_a_file(tmp_path):
    (tmp_path / "afile").write_text("x")
    result = CliRunner().invoke(cli, ["say", "Hello.", "-o", str(tmp_path / "afile" / "x.wav"), "--engine", "tone",
                                      "--cache-dir", str(tmp_path / "c")])
    _one_error_line(result, f"cannot write {tmp_path / 'afile' / 'x.wav'}: ")


def test_a_cue_that_says_nothing_is_refused_by_validate_plan_and_build(tmp_path):
    routine = tmp_path / "quiet.toml"
    routine.write_text('[exercises.x]\ntitle = "X"\n[[exercises.x.phases]]\ncue = "..."\n\n'
                       '[routines.quiet]\ntitle = "Quiet"\n[[routines.quiet.items]]\nexercise = "x"\n')
    expected = f"{routine}:4: exercises.x.phases[0].cue: expected words to speak, found '...'"
    checked = CliRunner().invoke(cli, ["validate", str(routine)])
    assert (checked.exit_code, checked.stderr) == (1, f"Error: {expected}\n")
    for command in ("plan", "build"):
        result = CliRunner().invoke(cli, [command, str(routine), "-m", "1", "--engine", "tone",
                                          "--cache-dir", str(tmp_path / "c"), "-o" if command == "build" else "-q",
                                          *([str(tmp_path / "out")] if command == "build" else [])])
        assert (result.exit_code, result.output) == (1, f"Error: {expected}\n")


def test_an_unreadable_session_is_left_out_with_one_warning(tmp_path):
    for minutes in ("1.5", "2"):
        built = CliRunner().invoke(cli, ["build", "short", "-d", str(DATA / "short.toml"), "-m", minutes,
                                         "-o", str(tmp_path), "--engine", "tone", "--cache-dir", str(tmp_path / "c")])
        assert built.exit_code == 0, built.output
    (tmp_path / "short-1m30s.chapters.json").write_text("{ not json")
    (tmp_path / "music.mp3").write_bytes(b"a music bed: not a session, never an episode")
    result = CliRunner().invoke(cli, ["feed", "-o", str(tmp_path), "--base-url", "http://192.0.2.1:8000/"])
    assert result.exit_code == 0
    assert result.stderr.startswith("Warning: skipped ") and result.stderr.count("\n") == 1
    assert "short-1m30s.chapters.json: not a readable chapters file" in result.stderr
    xml = (tmp_path / "feed.xml").read_text()
    assert "short-2m.mp3" in xml and "short-1m30s.mp3" not in xml and "music.mp3" not in xml


@pytest.mark.parametrize("plan, reason", [
    ("[1, 2]", "expected a JSON object, found list"),
    ("null", "expected a JSON object, found null"),
    ('{"session": 5}', "session: expected a JSON object, found int"),
    ('{"session": {"date": "2026-01-01"}}', "missing 'episode'"),
])
def test_a_plan_file_of_the_wrong_shape_is_skipped_with_its_reason(tmp_path, plan, reason):
    built = CliRunner().invoke(cli, ["build", "short", "-d", str(DATA / "short.toml"), "-m", "2", "-o", str(tmp_path),
                                     "--engine", "tone", "--cache-dir", str(tmp_path / "c")])
    assert built.exit_code == 0, built.output
    (tmp_path / "short-2m.plan.json").write_text(plan)
    result = CliRunner().invoke(cli, ["feed", "-o", str(tmp_path), "--base-url", "http://192.0.2.1:8000/"])
    assert result.exit_code == 0
    assert result.stderr == f"Warning: skipped {tmp_path / 'short-2m.plan.json'}: not a readable plan file: {reason}\n"


def test_feed_without_an_address_says_which_it_used_and_how_to_give_one(tmp_path):
    built = CliRunner().invoke(cli, ["build", "short", "-d", str(DATA / "short.toml"), "-m", "2", "-o", str(tmp_path),
                                     "--engine", "tone", "--cache-dir", str(tmp_path / "c")])
    assert built.exit_code == 0, built.output
    bare = CliRunner().invoke(cli, ["feed", "-o", str(tmp_path)])
    assert bare.exit_code == 0 and bare.stderr.count("\n") == 1, bare.stderr
    assert bare.stderr.startswith("Note: the feed's links start with http://localhost:8000/ (no --base-url given)")
    assert "--base-url http://" in bare.stderr and "audioguide serve" in bare.stderr
    given = CliRunner().invoke(cli, ["feed", "-o", str(tmp_path), "--base-url", "http://192.0.2.1:8000/"])
    assert given.exit_code == 0 and given.stderr == ""


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://host/", "http://", "not a url", "http://h:99999/",
                                 "http://host/a b/"])
def test_a_base_url_podcast_apps_could_not_fetch_is_a_usage_error(tmp_path, url):
    for args in (["feed", "-o", str(tmp_path)], ["build", "short", "-d", str(DATA / "short.toml"), "--feed",
                                                  "-o", str(tmp_path / "out"), "--engine", "tone"]):
        result = CliRunner().invoke(cli, [*args, "--base-url", url])
        assert result.exit_code == 2 and "expected an address such as http://" in result.output, result.output
        assert not (tmp_path / "feed.xml").exists() and not (tmp_path / "out").exists()
    good = CliRunner().invoke(cli, ["feed", "-o", str(tmp_path), "--base-url", "https://example.org/pods"])
    assert good.exit_code == 0 and "https://example.org/pods/feed.xml" in (tmp_path / "feed.xml").read_text()


def test_serve_on_a_port_in_use_is_one_line(tmp_path):
    import socket
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(cli, ["serve", "-o", str(tmp_path), "--port", str(port)])
    _one_error_line(result, f"cannot listen on 127.0.0.1:{port}: ", "address already in use")


@pytest.mark.parametrize("host", ["no-such-host.invalid", "192.0.2.1"])
def test_serve_on_an_address_this_machine_does_not_have_is_one_line(tmp_path, host):
    result = CliRunner().invoke(cli, ["serve", "-o", str(tmp_path), "--host", host, "--port", "0"])
    _one_error_line(result, f"cannot listen on {host}:0: ")


# -- several lengths in one go, and variety that reproduces ----------------------------------------------------

def test_several_lengths_in_one_go_render_each_text_once_and_report_each(tmp_path):
    out, cache = tmp_path / "out", tmp_path / "cache"
    result = CliRunner().invoke(cli, ["build", "desk-reset", "--minutes", "3,1,4", "-o", str(out),
                                      "--engine", "tone", "--cache-dir", str(cache)])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [str(out / "desk-reset-3m.mp3"), str(out / "desk-reset-4m.mp3")]
    assert result.stderr.startswith("Error: 1m: desk-reset needs at least ")
    lengths = CliRunner().invoke(cli, ["build", "desk-reset", "--length", "3m,3m30s", "-o", str(out),
                                       "--engine", "tone", "--cache-dir", str(cache)])
    assert lengths.exit_code == 0 and lengths.output.splitlines()[1] == str(out / "desk-reset-3m30s.mp3")


def test_several_lengths_render_each_distinct_text_once(tmp_path):
    from audioguide.pipeline import options as pipeline_options
    from audioguide.pipeline import routines as pipeline_routines
    from audioguide.speech import ClipCache, EngineSpec
    options = pipeline_options.BuildOptions(output_dir=tmp_path / "out", engine=EngineSpec("tone"), cache_dir=tmp_path / "c")
    outcomes = pipeline_routines.build_many("desk-reset", [180, 210, 240], options)
    rendered = outcomes[-1].result.rendered_clips
    assert rendered == ClipCache(tmp_path / "c").info()[0]  # every render made a clip of its own: none twice
    said = {t for o in outcomes for t in o.result.timeline.texts()}
    assert rendered >= len(said)
def test_the_same_seed_gives_the_same_mp3_and_another_seed_other_words(tmp_path):
    voice = ["--engine", "tone", "--cache-dir", str(tmp_path / "cache"), "-m", "5"]
    for folder, seed in (("a", "7"), ("b", "7"), ("c", "8")):
        result = CliRunner().invoke(cli, ["build", "thoracic-mobility", "-o", str(tmp_path / folder), "--seed", seed,
                                          *voice])
        assert result.exit_code == 0, result.output
    name = "thoracic-mobility-5m"
    assert (tmp_path / "a" / f"{name}.mp3").read_bytes() == (tmp_path / "b" / f"{name}.mp3").read_bytes()
    for suffix in (".vtt", ".plan.json", ".svg", ".chapters.json"):
        assert (tmp_path / "a" / f"{name}{suffix}").read_bytes() == (tmp_path / "b" / f"{name}{suffix}").read_bytes()
    assert (tmp_path / "a" / f"{name}.vtt").read_text() != (tmp_path / "c" / f"{name}.vtt").read_text()
    plan = CliRunner().invoke(cli, ["plan", "thoracic-mobility", "--json", "--seed", "7", *voice])
    written = json.loads((tmp_path / "a" / f"{name}.plan.json").read_text())
    assert written.pop("made_with") == {"engine": "tone", "voice": "low", "music": None}  # the build's own
    assert json.loads(plan.output) == written  # the timeline plan prints is the one the build made


def test_an_empty_output_folder_name_is_a_usage_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["build", "desk-reset", "-m", "3", "--output-dir", "", "--engine", "tone"])
    assert result.exit_code == 2 and "expected a folder, found an empty name" in result.output
    assert list(tmp_path.iterdir()) == []


def test_validate_takes_the_files_a_routine_uses_with_d_as_build_does(tmp_path):
    exercise = tmp_path / "angels.toml"
    exercise.write_text('[exercises.wall-angels]\ntitle = "Wall angels"\n[[exercises.wall-angels.phases]]\n'
                        'cue = "Slide your arms up the wall."\n')
    routine = tmp_path / "mine.toml"
    routine.write_text('[routines.mine]\ntitle = "Mine"\n[[routines.mine.items]]\nexercise = "wall-angels"\n')
    alone = CliRunner().invoke(cli, ["validate", str(routine)])
    assert alone.exit_code == 1 and "unknown exercise 'wall-angels'; if another file defines it, give that file " \
                                   "too (-d FILE) or put it in " in alone.output
    together = CliRunner().invoke(cli, ["validate", str(routine), "-d", str(exercise)])
    assert together.exit_code == 0 and together.output == f"{routine}: ok\n"


def test_serve_takes_definitions_and_offers_their_routines(tmp_path):
    import http.client
    import json
    import signal
    routine = tmp_path / "mine.toml"
    routine.write_text('[routines.mine]\ntitle = "Mine"\n[[routines.mine.items]]\nexercise = "cat-cow"\n')
    (tmp_path / "out").mkdir()
    proc = subprocess.Popen([sys.executable, "-m", "audioguide", "serve", "-o", str(tmp_path / "out"), "--port", "0",
                             "--engine", "tone", "--cache-dir", str(tmp_path / "c"), "--definitions", str(routine)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = [proc.stdout.readline() for _ in range(3)]
        port = int(re.search(r":(\d+)/feed\.xml", lines[1]).group(1))
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", "/api/routines")
        found = json.loads(conn.getresponse().read())
        assert "mine" in {r["id"] for r in found["routines"]}
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=30)


def test_a_length_under_the_shortest_session_is_refused_before_any_speech(tmp_path, monkeypatch):
    monkeypatch.setattr(engines.ToneEngine, "render", lambda *a: pytest.fail("speech was rendered"))
    for command in (["build", "thoracic-mobility", "-m", "0.5", "-o", str(tmp_path)],
                    ["plan", "thoracic-mobility", "-m", "0.5"]):
        refused = CliRunner().invoke(cli, [*command, "--engine", "tone", "--cache-dir", str(tmp_path / "cold")])
        assert refused.exit_code == 1
        assert re.fullmatch(r"Error: thoracic-mobility needs at least about [\d.]+ minutes, asked for 0.5\n",
                            refused.output), refused.output


def test_show_says_what_a_routine_needs_before_you_start(tmp_path):
    shown = run("show", "desk-reset", "--engine", "tone", "--cache-dir", str(tmp_path / "c")).output
    assert "  You need: a chair\n" in shown  # each thing once
