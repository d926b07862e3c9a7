"""list, show, validate, new: the exercises and routines that can be used, and writing new ones."""

from __future__ import annotations

from pathlib import Path

import click

from .. import definitions, pipeline
from ..definitions import starters
from ..errors import DefinitionErrors
from .common import (
    Bar,
    Exit,
    cli,
    definitions_option,
    engine_options,
    echo_json,
    engine_spec,
    json_option,
    names,
    notes,
    output_dir_option,
    quiet_option,
)


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
    library = definitions.load_library(list(definition_paths))
    notes(library.notices)
    if as_json:
        echo_json({section: [{"id": key, "title": found.title, "source": library.source(key, section)}
                             for key, found in sorted(getattr(library, section).items())]
                   for section in ("routines", "exercises", "programs")})
        return
    click.echo("Routines:")
    for rid, r in sorted(library.routines.items()):
        click.echo(f"  {rid:<28} {r.title}  [{library.source(rid)}]")
    click.echo("Exercises:")
    for eid, e in sorted(library.exercises.items()):
        click.echo(f"  {eid:<28} {e.title}  [{library.source(eid)}]")


@cli.command()
@click.argument("name", shell_complete=names("routines", "exercises", "programs"))
@definitions_option
@engine_options
@json_option
@quiet_option
def show(name, definition_paths, engine, voice, rate, cache_dir, as_json, quiet):
    """Show one exercise or routine, readably: its phases, ranges, cues and where it comes from.

    A routine's length range is measured with the chosen voice (rendering what is not cached yet), so it
    matches what 'build' accepts.

    \b
    Example:
        audioguide show cat-cow
        audioguide show thoracic-mobility --json
        audioguide show ./wall-angels.toml
    """
    options = pipeline.BuildOptions(engine=engine_spec(engine, voice, rate), cache_dir=cache_dir,
                                    definition_paths=tuple(definition_paths))
    with Bar(quiet) as bar:
        if as_json:
            echo_json(pipeline.facts(name, options, bar))
            return
        lines, notices = pipeline.describe(name, options, bar)
    notes(notices)
    click.echo("\n".join(lines))


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
def validate(paths):
    """Check definition files: print 'ok' for each good file, one line per mistake otherwise.

    Exit code 0 when every file is good, 1 otherwise. Files are checked together, so a routine may use
    exercises from another file given here (or from the built-ins).

    \b
    Example:
        audioguide validate my-exercises.toml my-routine.toml
    """
    try:
        library = definitions.load_files(list(paths))
    except DefinitionErrors as e:
        bad = {err.path for err in e.errors}
        for path in paths:
            if str(path) not in bad:
                click.echo(f"{path}: ok")
        for err in e.errors:
            click.echo(str(err))
        raise click.exceptions.Exit(Exit.ERROR)
    notes(library.notices)
    for path in paths:
        click.echo(f"{path}: ok")


@cli.command()
@click.argument("kind", type=click.Choice(starters.KINDS))
@click.argument("name")
@output_dir_option("Where to write NAME.toml.", Path("."))
def new(kind, name, output_dir):
    """Write a commented starter file NAME.toml for an exercise or a routine; it validates as written.

    \b
    Example:
        audioguide new exercise wall-angels
        audioguide new routine morning-back --output-dir ~/.config/audioguide
    """
    click.echo(str(starters.write(kind, name, output_dir)))
