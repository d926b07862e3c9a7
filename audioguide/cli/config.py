"""config: the defaults in force and where each comes from."""

from __future__ import annotations

import click

from . import settings
from .app import cli
from .options import json_option
from .report import echo_json


@cli.command(name="config")
@json_option
def config_(as_json):
    """Show each option's value in force and where it comes from: the environment (AUDIOGUIDE_*), the config
    file, or the built-in default. A flag on the command line beats all three.

    The config file is $XDG_CONFIG_HOME/audioguide/config.toml (or $AUDIOGUIDE_CONFIG): one `option = value`
    per line, named as the long option is (output-dir = "~/Podcasts").

    \b
    Example:
        audioguide config
        AUDIOGUIDE_RATE=120 audioguide config --json
    """
    from ..pipeline import settings as config
    loaded, rows = settings.in_force(cli)
    where = str(loaded.path) if loaded.path else f"{config.default_path()} (not there)"
    if as_json:
        echo_json({"config_file": str(loaded.path) if loaded.path else None, "settings": rows})
        return
    click.echo(f"Config file: {where}")
    width = max(len(r["option"]) for r in rows)
    for row in rows:
        shown = "" if row["value"] is None else row["value"]
        if isinstance(shown, list):
            shown = ", ".join(map(str, shown))
        click.echo(f"  {row['option']:<{width}}  {str(shown):<24} {row['source']}")
