import os
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner

from audioguide import speech
from audioguide.cli import cli

from conftest import DATA


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
    result = CliRunner().invoke(cli, ["build", "thoracic", "-o", str(tmp_path)])
    assert result.exit_code == 1
    assert result.output == ("Error: unknown routine 'thoracic'; did you mean thoracic-mobility? "
                             "(known routines: thoracic-mobility)\n")
    assert list(tmp_path.iterdir()) == []


def test_bad_length_is_an_error():
    result = CliRunner().invoke(cli, ["plan", "thoracic-mobility", "--length", "ten"])
    assert result.exit_code == 1
    assert result.output == "Error: length: expected minutes such as 12.5 or a duration such as 12m30s, found 'ten'\n"


def test_too_short_names_the_minimum(tmp_path):
    result = CliRunner().invoke(cli, ["build", "thoracic-mobility", "--minutes", "1", "-o", str(tmp_path),
                                      "--cache-dir", str(tmp_path / "c")])
    assert result.exit_code == 1
    assert result.output.startswith("Error: thoracic-mobility needs at least ")
    assert list(p.name for p in tmp_path.iterdir()) in ([], ["c"])


def test_missing_espeak_is_one_line_naming_the_package(monkeypatch, tmp_path):
    monkeypatch.setattr(speech, "ESPEAK_LIBS", ("libno-such-espeak.so.9",))
    result = CliRunner().invoke(cli, ["build", "thoracic-mobility", "-o", str(tmp_path)])
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
    result = CliRunner().invoke(cli, ["--traceback", "plan", "nope"])
    assert result.exit_code == 1 and "Traceback" in result.output and "Error: unknown routine" in result.output


def test_list_shows_builtins_with_their_source():
    result = run("list")
    assert "thoracic-mobility" in result.output and "[built-in]" in result.output
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
