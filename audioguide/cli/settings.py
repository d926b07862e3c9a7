"""Where option values come from: a flag, then AUDIOGUIDE_* in the environment, then the config file, then the
built-in default (click resolves them in that order: flag, envvar, default_map, default). Each function takes
the command group it works on; `audioguide config` (cli/config.py) shows what is in force."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from typing import Any

import click

from .. import defaults, files
from ..errors import did_you_mean

ENV_PREFIX = "AUDIOGUIDE_"
NOT_SETTABLE = {"help", "version", "traceback", "json", "svg"}  # what one command does, not a default


def _long_name(param: click.Parameter) -> str | None:
    if not isinstance(param, click.Option):
        return None
    names = [o[2:] for o in param.opts if o.startswith("--")]
    return names[0] if names and names[0] not in NOT_SETTABLE else None


def _commands(group: click.Group, path: tuple[str, ...] = ()):
    """(path, command) for every command under group, groups included."""
    for name, command in group.commands.items():
        yield (*path, name), command
        if isinstance(command, click.Group):
            yield from _commands(command, (*path, name))


def options(group: click.Group) -> dict[str, click.Option]:
    """Every settable option by its long name (they mean the same everywhere; where commands differ in a default,
    as 'new' writing into '.', build's is the one shown)."""
    found: dict[str, click.Option] = {}
    for _, command in sorted(_commands(group), key=lambda pair: pair[0] != ("build",)):
        for param in command.params:
            name = _long_name(param)
            if name and name not in found:
                found[name] = param
    return found


def take_environment(group: click.Group) -> None:
    """Give every option its AUDIOGUIDE_* variable (called once, when the commands are all registered)."""
    for _, command in _commands(group):
        for param in command.params:
            name = _long_name(param)
            if name and param.envvar is None:
                param.envvar = env_name(name)
                _name_the_variable(param)


def env_name(option: str) -> str:
    """The environment variable of an option: output-dir -> AUDIOGUIDE_OUTPUT_DIR."""
    return ENV_PREFIX + option.upper().replace("-", "_")


def _name_the_variable(param: click.Option) -> None:
    """A bad value taken from the environment says which variable it came from."""
    original = param.process_value

    def process_value(ctx, value):
        try:
            return original(ctx, value)
        except click.BadParameter as e:
            if ctx.get_parameter_source(param.name) == click.core.ParameterSource.ENVIRONMENT:
                e.message = f"{e.message} (from ${param.envvar})"  # type: ignore[misc]  # click reads it when printing
            raise
    param.process_value = process_value  # type: ignore[method-assign]


def _expected(param: click.Option) -> str:
    kind_ = param.type
    if param.is_flag:
        return "true or false"
    if isinstance(kind_, click.Choice):
        return "one of " + ", ".join(map(str, kind_.choices))
    if isinstance(kind_, (click.IntRange, click.FloatRange)):
        word = "a whole number" if isinstance(kind_, click.IntRange) else "a number"
        return f"{word} from {kind_.min} to {kind_.max}" if kind_.min is not None and kind_.max is not None else word
    if isinstance(kind_, click.DateTime):
        return "a date YYYY-MM-DD"
    if isinstance(kind_, click.Path):
        return "a path"
    return {click.INT: "a whole number", click.FLOAT: "a number"}.get(kind_, "a string")


def checked(group: click.Group, loaded) -> dict[str, object]:
    """The config file's values (a config.Config) by long name, each checked against its option; the first
    mistake is raised as a DefinitionError (file, line, key: expected, found)."""
    from ..pipeline.settings import kind
    known = options(group)
    values = {}
    for name, setting in loaded.settings.items():
        param = known.get(name)
        if param is None:
            raise loaded.error(name, f"expected an option's long name ({', '.join(sorted(known))}), found an "
                                     f"unknown one{did_you_mean(name, known)}")
        value = setting.value
        if isinstance(value, (dt.date, dt.time)):   # a TOML date: the option reads it as written
            value = value.isoformat()
        if isinstance(value, str) and isinstance(param.type, click.Path):
            value = os.path.expanduser(value)
        if param.is_flag != isinstance(value, bool) or (isinstance(value, list) and not param.multiple):
            raise loaded.error(name, f"expected {_expected(param)}, found {kind(value)}")
        try:
            for one in value if param.multiple and isinstance(value, list) else [value]:
                param.type.convert(one if isinstance(one, (int, float, bool)) else str(one), param, None)
        except click.BadParameter as e:
            if e.message.startswith("expected "):  # our own types say what they expected and found
                raise loaded.error(name, e.message) from None
            raise loaded.error(name, f"expected {_expected(param)}, found {kind(value)} ({e.message})") from None
        values[name] = [value] if param.multiple and not isinstance(value, list) else value
    return values


def default_map(group: click.Group, values: dict[str, object]) -> dict:
    """click's default_map for the whole command tree: each command gets the values of the options it has."""
    tree: dict = {}
    for path, command in _commands(group):
        here = tree
        for part in path[:-1]:
            here = here.setdefault(part, {})
        mine = here.setdefault(path[-1], {})
        for param in command.params:
            name = _long_name(param)
            if name in values:
                mine[param.name] = values[name]
    return tree


# options whose click default is None because the command works the value out: what it works out to
IMPLIED: dict[str, Callable[[], object]] = {
    "minutes": lambda: defaults.LENGTH_S / 60,
    "artist": lambda: defaults.ARTIST,
    "cache-dir": lambda: str(files.cache_dir()),
}


def in_force(group: click.Group):
    """The config in force, and each setting's value and where it came from: environment, config file or
    built-in (no flags here)."""
    from ..pipeline import settings as config
    loaded = config.load()
    values = checked(group, loaded)
    rows = []
    ctx = click.Context(group)
    for name, param in sorted(options(group).items()):
        variable = env_name(name)
        value: Any
        if os.environ.get(variable):
            value, source = os.environ[variable], f"environment {variable}"
            try:
                value = param.type_cast_value(ctx, param.value_from_envvar(ctx))
            except click.BadParameter as e:
                source += f" (not usable: {e.message})"
        elif name in values:
            value, source = values[name], f"config {loaded.where(name)}"
        else:
            value, source = param.get_default(ctx, call=True), "built-in"
            if type(value).__name__ == "Sentinel":  # click's "no default"
                value = [] if param.multiple else None
            if value is None and name in IMPLIED:   # no option default: the value the command works it out to
                value = IMPLIED[name]()
        rows.append({"option": name, "value": _plain(value), "source": source, "environment": variable})
    return loaded, rows


def _plain(value):
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value if value is None or isinstance(value, (bool, int, float, str)) else str(value)
