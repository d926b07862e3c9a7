"""export, import: a routine as one file of its own to share, and other apps' workouts brought in."""

from __future__ import annotations

from pathlib import Path

import click

from .app import cli
from .completion import names
from .options import definitions_option
from .report import notes


@cli.command()
@click.argument("name", shell_complete=names)
@click.option("--output", "-o", type=click.Path(path_type=Path), default=None, metavar="FILE",
              help="Where to write it [default: print it].")
@definitions_option
def export(name, output, definition_paths):
    """Write the routine NAME with every exercise it uses as one TOML file that stands on its own.

    \b
    Example:
        audioguide export thoracic-mobility -o thoracic-mobility.toml
    """
    from .. import files
    from ..pipeline import editor
    text = editor.export(name, tuple(definition_paths))
    if output is None:
        click.echo(text, nl=False)
    else:
        files.write_text(output, text)
        click.echo(str(output))


@cli.command(name="import")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--output", "-o", type=click.Path(path_type=Path), default=None, metavar="FILE",
              help="Where to write the definitions [default: ROUTINE.toml in your definitions folder].")
def import_(path, output):
    """Bring a workout from another app: Feeel (.feeel), Just Another Workout Timer and OpenHIIT (JSON), w2a
    (YAML). Timed items become holds, rests the rests between exercises; a Note: line says what could not be
    carried over. The routine can be built at once: audioguide build ROUTINE.

    \b
    Example:
        audioguide import "Morning mobility_12.feeel"
    """
    from ..pipeline import imports
    found = imports.read_file(path)
    written = imports.write(found, output)
    routines = ", ".join(found.tables["routines"])
    click.echo(f"{written}: {found.format} workout as routine {routines}")
    notes(found.notes)
