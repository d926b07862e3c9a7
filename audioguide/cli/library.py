"""list, show, validate, new: the exercises and routines that can be used, and writing new ones."""

from __future__ import annotations

from pathlib import Path

import click

from .app import Exit, cli
from .completion import names
from .options import (definitions_option, engine_options, engine_spec, json_option, language_option, output_dir_option,
                      quiet_option)
from .progress import Bar
from .report import echo_json, error, notes


@cli.command(name="list")
@definitions_option
@json_option
def list_(definition_paths, as_json):
    """List the exercises and routines that can be used, with where each comes from.

    \b
    Example:
        audioguide list
        audioguide list --json
    """
    from ..pipeline import catalogue
    found, notices = catalogue.entries(tuple(definition_paths))
    notes(notices)
    if as_json:
        echo_json({section: [{"id": e.id, "title": e.title, "source": e.source, "languages": list(e.languages)}
                             for e in found if e.section == section] for section in catalogue.SECTIONS})
        return
    for section in ("routines", "exercises"):
        click.echo(f"{section.capitalize()}:")
        for entry in (e for e in found if e.section == section):
            spoken = f"; {' '.join(entry.languages)}" if entry.languages != ("en",) else ""
            click.echo(f"  {entry.id:<28} {entry.title}  [{entry.source}{spoken}]")


@cli.command()
@click.argument("name", shell_complete=names("routines", "exercises", "programs"))
@definitions_option
@engine_options
@language_option
@json_option
@quiet_option
def show(name, definition_paths, engine, voice, rate, cache_dir, language, as_json, quiet):
    """Show one exercise or routine, readably: its phases, ranges, cues and where it comes from.

    A routine's length range comes from the chosen voice's cached speech, estimated where none is cached yet
    (nothing is rendered; it then says 'estimated', and 'build' measures it exactly).

    \b
    Example:
        audioguide show cat-cow
        audioguide show thoracic-mobility --json
        audioguide show ./wall-angels.toml
    """
    from ..pipeline import routines
    from ..pipeline.options import BuildOptions
    options = BuildOptions(engine=engine_spec(engine, voice, rate), cache_dir=cache_dir,
                           definition_paths=tuple(definition_paths), language=language)
    with Bar(quiet) as bar:
        if as_json:
            echo_json(routines.facts(name, options, bar))
            return
        lines, notices = routines.describe(name, options, bar)
    notes(notices)
    click.echo("\n".join(lines))


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@definitions_option
def validate(paths, definition_paths):
    """Check definition files: print 'ok' for each good file, one 'Error:' line per mistake otherwise.

    Exit code 0 when every file is good, 1 otherwise. Files are checked together, so a routine may use
    exercises from another file given here, with -d as 'build' takes it, or from the built-ins.

    \b
    Example:
        audioguide validate my-routine.toml -d my-exercises.toml
    """
    from ..pipeline import catalogue
    good, mistakes, notices = catalogue.validate(list(paths), tuple(definition_paths))
    for path in good:
        click.echo(f"{path}: ok")
    for line in mistakes:
        error(line)
    notes(notices)
    if mistakes:
        raise click.exceptions.Exit(Exit.ERROR)


@cli.command()
@click.argument("kind", type=click.Choice(("exercise", "routine")))
@click.argument("name")
@output_dir_option("Where to write NAME.toml.", Path("."))
def new(kind, name, output_dir):
    """Write a commented starter file NAME.toml for an exercise or a routine; it validates as written.

    \b
    Example:
        audioguide new exercise wall-angels
        audioguide new routine morning-back --output-dir ~/.config/audioguide
    """
    from ..pipeline import catalogue
    click.echo(str(catalogue.write_starter(kind, name, output_dir)))
