"""Start-up of the command line: what it imports, and shell completion in a real process."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

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


def test_completion_offers_the_engines():
    assert complete("audioguide build thoracic-mobility --engine k") == [("plain", "kokoro")]
    assert [value for _, value in complete("audioguide plan thoracic-mobility --engine ")] == [
        "auto", "kokoro", "piper", "pyttsx3", "tone"]


def test_the_engines_offered_are_the_engines_there_are():
    from audioguide import defaults
    from audioguide.speech import engines
    assert set(defaults.ENGINES) == {"auto", *engines.ENGINES}


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


# -- completion in the real shells the README documents (scripts/setup installs zsh and fish for the tests) -----

def _shell_env() -> dict:
    return {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '/usr/bin:/bin')}"}


@pytest.mark.skipif(not shutil.which("bash"), reason="bash is not installed")
def test_bash_completes_routine_names_through_the_sourced_script():
    script = ('eval "$(_AUDIOGUIDE_COMPLETE=bash_source audioguide)"; COMP_WORDS=(audioguide build tho); '
              'COMP_CWORD=2; _audioguide_completion audioguide; printf "%s\\n" "${COMPREPLY[@]}"')
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=_shell_env())
    assert done.returncode == 0 and done.stdout.split() == ["thoracic-mobility"], done.stderr


@pytest.mark.skipif(not shutil.which("fish"), reason="fish is not installed")
def test_fish_completes_routine_and_program_names_through_the_sourced_script():
    script = ('_AUDIOGUIDE_COMPLETE=fish_source audioguide | source; complete -C "audioguide build tho"; '
              'complete -C "audioguide program show th"')
    done = subprocess.run(["fish", "--no-config", "-c", script], capture_output=True, text=True, env=_shell_env())
    assert done.returncode == 0, done.stderr
    assert [line.split("\t")[0] for line in done.stdout.splitlines()] == ["thoracic-mobility", "thoracic-four-weeks"]


@pytest.mark.skipif(not shutil.which("zsh"), reason="zsh is not installed")
def test_zsh_loads_the_script_and_its_protocol_completes_names():
    script = 'autoload -Uz compinit && compinit -u && eval "$(_AUDIOGUIDE_COMPLETE=zsh_source audioguide)" && ' \
             'print -r -- ${_comps[audioguide]}'
    done = subprocess.run(["zsh", "-f", "-c", script], capture_output=True, text=True, env=_shell_env())
    assert done.returncode == 0 and done.stdout.strip() == "_audioguide_completion", done.stderr
    # what that function asks the program (the zsh protocol): type, value and help, three lines a name
    asked = subprocess.run(["audioguide"], capture_output=True, text=True, env={
        **_shell_env(), "_AUDIOGUIDE_COMPLETE": "zsh_complete", "COMP_WORDS": "audioguide show cat", "COMP_CWORD": "2"})
    assert asked.stdout.splitlines()[:2] == ["plain", "cat-cow"]
