"""Start-up of the command line: what it imports, and shell completion in a real process."""

import json
import os
import subprocess
import sys

import pytest

HEAVY = ("numpy", "scipy", "pydub", "mutagen", "aiohttp", "PIL", "onnxruntime", "pyttsx3")


def _modules_after(code: str) -> set[str]:
    done = subprocess.run([sys.executable, "-c", f"{code}\nimport sys, json; print(json.dumps(sorted(sys.modules)))"],
                          capture_output=True, text=True, check=True)
    return set(json.loads(done.stdout.splitlines()[-1]))


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["list"], ["build", "--help"]])
def test_quick_commands_load_no_heavy_library(args):
    code = ("import sys\nfrom audioguide.cli import cli\n"
            f"try:\n    cli.main({args!r}, standalone_mode=False)\nexcept SystemExit:\n    pass")
    loaded = _modules_after(code)
    assert not [m for m in HEAVY if m in loaded]


def test_help_and_version_read_no_definitions():
    loaded = _modules_after("from audioguide.cli import cli\ntry:\n    cli.main(['--help'], standalone_mode=False)\n"
                            "except SystemExit:\n    pass")
    assert "audioguide.definitions.loader" not in loaded
    assert "audioguide.model" not in loaded


def complete(words: str, env=None) -> list[tuple[str, str]]:
    """What bash completion offers for the command line typed so far (as (type, value) pairs)."""
    typed = words.split()
    cword = len(typed) if words.endswith(" ") else len(typed) - 1
    done = subprocess.run([sys.executable, "-m", "audioguide"], capture_output=True, text=True, check=True,
                          env={**os.environ, **(env or {}), "_AUDIOGUIDE_COMPLETE": "bash_complete",
                               "COMP_WORDS": words, "COMP_CWORD": str(cword)})
    assert done.stderr == ""
    return [tuple(line.split(",", 1)) for line in done.stdout.splitlines()]


def test_completion_offers_commands():
    assert ("plain", "build") in complete("audioguide bu")


def test_completion_offers_routine_names_for_build():
    offered = complete("audioguide build tho")
    assert offered == [("plain", "thoracic-mobility")]


def test_completion_offers_the_users_own_routines(tmp_path):
    folder = tmp_path / "audioguide"
    folder.mkdir()
    subprocess.run([sys.executable, "-m", "audioguide", "new", "routine", "Morning wake", "-o", str(folder)],
                   check=True, capture_output=True)
    offered = complete("audioguide build mor", {"XDG_CONFIG_HOME": str(tmp_path)})
    assert offered == [("plain", "morning-wake")]


def test_completion_offers_files_when_no_name_matches():
    assert complete("audioguide build ./my-rou") == [("file", "./my-rou")]


def test_completion_of_show_covers_exercises_and_programs():
    values = [v for _, v in complete("audioguide show ")]
    assert "cat-cow" in values and "thoracic-mobility" in values and "thoracic-four-weeks" in values


def test_completion_of_program_names():
    assert complete("audioguide program show tho") == [("plain", "thoracic-four-weeks")]


def test_completion_stays_quiet_when_a_users_file_is_broken(tmp_path):
    folder = tmp_path / "audioguide"
    folder.mkdir()
    (folder / "bad.toml").write_text("[routines.x\n")
    offered = complete("audioguide build tho", {"XDG_CONFIG_HOME": str(tmp_path)})  # no error on stderr
    assert offered == [("file", "tho")]   # no names, but paths still complete
