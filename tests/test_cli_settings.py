"""Defaults from the config file and AUDIOGUIDE_* variables: flag > environment > config file > built-in."""

import json
import re

import pytest
from click.testing import CliRunner
from conftest import DATA

from audioguide.cli import cli


@pytest.fixture
def config_file(tmp_path, monkeypatch):
    path = tmp_path / "config.toml"
    monkeypatch.setenv("AUDIOGUIDE_CONFIG", str(path))
    return path


def run(*args, env=None):
    return CliRunner().invoke(cli, list(args), env=env)


def settings(env=None) -> dict:
    result = run("config", "--json", env=env)
    assert result.exit_code == 0, result.output
    return {row["option"]: row for row in json.loads(result.output)["settings"]}


def test_a_huge_config_file_is_refused_without_being_read(config_file):
    with open(config_file, "wb") as f:
        f.truncate(4 << 30)   # 4 GB, sparse: read whole, it would swallow memory
    result = run("config")
    assert result.exit_code == 1 and result.output.count("\n") == 1, result.output
    assert result.output.startswith(f"Error: {config_file}: expected a config file of at most ")


def test_every_value_in_force_is_shown_as_the_commands_work_it_out(config_file):
    config_file.write_text("")
    found = settings()
    assert (found["output-dir"]["value"], found["output-dir"]["source"]) == ("output", "built-in")
    assert found["minutes"]["value"] == 10 and found["artist"]["value"] == "audioguide"
    assert found["cache-dir"]["value"].endswith("audioguide")


def test_a_key_set_twice_names_both_lines(config_file):
    config_file.write_text('minutes = 5\nartist = "Sam"\nminutes = 7\n')
    result = run("config")
    assert result.exit_code == 1
    assert result.output == f"Error: {config_file}:3: minutes: set twice, on lines 1 and 3; keep one\n"


def test_each_value_comes_from_the_nearest_source(config_file):
    config_file.write_text('# mine\nrate = 120\nbitrate = "128"\nmusic_level = -20\n')
    got = settings(env={"AUDIOGUIDE_RATE": "130"})
    assert (got["rate"]["value"], got["rate"]["source"]) == (130, "environment AUDIOGUIDE_RATE")
    assert (got["bitrate"]["value"], got["bitrate"]["source"]) == ("128", f"config {config_file}:3")
    assert (got["music-level"]["value"], got["music-level"]["source"]) == (-20, f"config {config_file}:4")
    assert (got["beep-level"]["value"], got["beep-level"]["source"]) == (-3.0, "built-in")
    assert got["output-dir"]["environment"] == "AUDIOGUIDE_OUTPUT_DIR"


def test_a_config_file_saved_with_a_byte_order_mark_keeps_its_line_numbers(config_file):
    config_file.write_bytes("\ufeffrate = 120\n".encode())
    assert settings()["rate"]["source"] == f"config {config_file}:1"


def test_the_config_file_is_found_in_the_xdg_folder_and_named_by_config(tmp_path, monkeypatch):
    folder = tmp_path / "xdg"
    (folder / "audioguide").mkdir(parents=True)
    (folder / "audioguide" / "config.toml").write_text("voice = 'en'\n")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(folder))
    result = run("config")
    assert result.exit_code == 0
    assert f"Config file: {folder / 'audioguide' / 'config.toml'}" in result.output
    assert f"config {folder / 'audioguide' / 'config.toml'}:1" in result.output


def test_the_config_file_beside_user_definitions_is_not_read_as_one(tmp_path, monkeypatch):
    """~/.config/audioguide holds both the config file and the user's definition files."""
    folder = tmp_path / "xdg" / "audioguide"
    folder.mkdir(parents=True)
    (folder / "config.toml").write_text('engine = "tone"\nminutes = 2\n')
    (folder / "mine.toml").write_text((DATA / "short.toml").read_text())
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("AUDIOGUIDE_CONFIG", raising=False)
    listed = run("list")
    assert listed.exit_code == 0, listed.output
    assert re.search(r"short +Short test routine +\[user", listed.output), listed.output
    built = run("build", "short", "-o", str(tmp_path / "out"))
    assert built.exit_code == 0, built.output
    assert (tmp_path / "out" / "short-2m.mp3").is_file()  # minutes and engine from the config file
    (folder / "settings.toml").write_text('minutes = 1.5\n')  # a config file named by AUDIOGUIDE_CONFIG there too
    again = run("build", "short", "-o", str(tmp_path / "out"), env={"AUDIOGUIDE_CONFIG": str(folder / "settings.toml"),
                                                                     "AUDIOGUIDE_ENGINE": "tone"})
    assert again.exit_code == 0, again.output
    assert (tmp_path / "out" / "short-1m30s.mp3").is_file()


def test_a_build_lands_where_flag_then_environment_then_config_say(config_file, tmp_path):
    config_file.write_text(f'output-dir = "{tmp_path / "from-config"}"\nengine = "tone"\nminutes = 2\n')
    base = ["build", "short", "-d", str(DATA / "short.toml")]
    assert run(*base).exit_code == 0
    assert (tmp_path / "from-config" / "short-2m.mp3").is_file()
    env = {"AUDIOGUIDE_OUTPUT_DIR": str(tmp_path / "from-env")}
    assert run(*base, env=env).exit_code == 0
    assert (tmp_path / "from-env" / "short-2m.mp3").is_file()
    assert run(*base, "-o", str(tmp_path / "from-flag"), env=env).exit_code == 0
    assert (tmp_path / "from-flag" / "short-2m.mp3").is_file()
    # a length on the command line beats minutes from the config file (rather than "not both")
    result = run(*base, "--length", "1m30s", "-o", str(tmp_path / "from-flag"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "from-flag" / "short-1m30s.mp3").is_file()


def test_a_tilde_in_a_configured_path_is_the_home_folder(config_file, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    config_file.write_text('output-dir = "~/pods"\n')
    assert settings()["output-dir"]["value"] == str(tmp_path / "pods")


@pytest.mark.parametrize("text, message", [
    ('rate = "fast"\n', ":1: rate: expected a whole number from 60 to 400, found a string 'fast'"),
    ('\nraet = 120\n', ":2: raet: expected an option's long name (album, artist, "),
    ('stereo = 1\n', ":1: stereo: expected true or false, found an integer 1"),
    ('engine = "tone"\nbitrate = "100"\n', ":2: bitrate: expected one of 64, 96, 128, 160, 192, found a string '100'"),
    ('[build]\nrate = 1\n', ":1: build: expected a value (config files have no tables), found a table"),
    ('rate = [\n', ": not valid TOML: "),
    ('base-url = "ftp://x"\n', ":1: base-url: expected an address such as http://192.168.1.20:8000/, found 'ftp://x'"),
])
def test_a_mistake_in_the_config_file_is_one_line_with_file_line_and_key(config_file, text, message):
    config_file.write_text(text)
    for args in (["config"], ["list"], ["build", "short", "-d", str(DATA / "short.toml"), "--engine", "tone"]):
        result = run(*args)
        assert result.exit_code == 1
        assert result.output.startswith(f"Error: {config_file}{message}"), result.output
        assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output


@pytest.mark.parametrize("text, shown", [('"ra\\nte" = 1\n', '"ra\\nte": expected an option'),
                                         ('"x\\u0007" = { a = 1 }\n', '"x\\u0007": expected a value')])
def test_a_key_with_control_characters_stays_on_one_line(config_file, text, shown):
    config_file.write_text(text)
    result = run("config")
    assert result.exit_code == 1 and len(result.output.strip().splitlines()) == 1, result.output
    assert shown in result.output


def test_an_unknown_setting_suggests_the_near_one(config_file):
    config_file.write_text("raet = 120\n")
    assert "did you mean rate?" in run("config").output


def test_a_config_file_named_but_missing_is_an_error(tmp_path, monkeypatch):
    monkeypatch.setenv("AUDIOGUIDE_CONFIG", str(tmp_path / "nope.toml"))
    result = run("list")
    assert result.exit_code == 1 and "nope.toml: no such file (named by $AUDIOGUIDE_CONFIG)" in result.output


def test_a_bad_environment_value_is_a_usage_error_naming_the_variable(tmp_path):
    result = run("build", "short", "-d", str(DATA / "short.toml"), "-o", str(tmp_path), env={"AUDIOGUIDE_RATE": "x"})
    assert result.exit_code == 2 and "AUDIOGUIDE_RATE" in result.output


def test_every_option_of_every_command_has_its_variable():
    from audioguide.cli import settings as module

    def walk(group):
        for command in group.commands.values():
            yield command
            if hasattr(command, "commands"):
                yield from walk(command)

    for command in walk(cli):
        for param in command.params:
            name = module._long_name(param)
            if name:
                assert param.envvar == "AUDIOGUIDE_" + name.upper().replace("-", "_"), (command.name, name)


def test_a_toml_date_sets_a_programs_start(config_file):
    config_file.write_text("start = 2026-12-01\nengine = 'tone'\n")
    result = run("program", "show", "thoracic-four-weeks")
    assert result.exit_code == 0, result.output
    assert "\n2026-12-01  Tue  day  1  " in result.output


def test_config_says_when_an_environment_value_is_not_usable():
    got = settings(env={"AUDIOGUIDE_RATE": "fast", "AUDIOGUIDE_STEREO": "1"})
    assert got["rate"]["source"].startswith("environment AUDIOGUIDE_RATE (not usable: 'fast' is not")
    assert (got["stereo"]["value"], got["stereo"]["source"]) == (True, "environment AUDIOGUIDE_STEREO")
