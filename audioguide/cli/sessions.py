"""build and plan: a routine made into a session, or its timeline."""

from __future__ import annotations

from pathlib import Path

import click

from .. import times
from .app import Exit, cli
from .completion import names
from .options import (
    base_url_option,
    engine_options,
    language_option,
    engine_spec,
    length_options,
    lengths,
    mix_options,
    one_length,
    output_dir_option,
    publish_options,
    quiet_option,
)
from .progress import Bar
from .report import error, made, notes, skipped


@cli.command()
@click.argument("routine", shell_complete=names("routines", files=True))
@length_options
@output_dir_option("Folder for the MP3 and its plan.")
@engine_options
@mix_options()
@publish_options()
@language_option
@click.option("--chapters", "show_chapters", is_flag=True, help="Also print the chapter list.")
@click.option("--feed", "refresh_feed", is_flag=True, help="Also refresh feed.xml and index.html in the output folder.")
@base_url_option("With --feed: where the folder is served.")
@quiet_option
def build(routine, minutes, length, seed, definition_paths, output_dir, engine, voice, rate, cache_dir, mix, publish,
          language, show_chapters, refresh_feed, base_url, quiet):
    """Build the session MP3 for ROUTINE (a name, or a .toml file holding one routine) and print its path.

    Several lengths at once (--minutes 5,10,20) share the speech: each text is rendered once. Each length
    that is built prints its path; each that fails prints why, and the exit code is then 1.

    \b
    Example:
        audioguide build thoracic-mobility --minutes 10 --output-dir output
        audioguide build ./my-routine.toml --length 12m30s
        audioguide build thoracic-mobility --minutes 5,10,20
        audioguide build thoracic-mobility -m 20 --music calm.mp3 --stereo
        audioguide build thoracic-mobility -m 10 --name "{routine}-{date}" --artist Sam --split
        audioguide build thoracic-mobility -m 6 --language es
    """
    from ..pipeline.options import BuildOptions
    from ..pipeline.requests import BuildRequest
    from ..pipeline.requests import build as make
    asked = BuildRequest(routine, tuple(lengths(minutes, length)))
    options = BuildOptions(output_dir=output_dir, engine=engine_spec(engine, voice, rate), cache_dir=cache_dir,
                           definition_paths=tuple(definition_paths), seed=seed, language=language, **mix, **publish)
    with Bar(quiet) as bar:
        outcomes = make(asked, options, bar)
        bar.summary(made(outcomes))
    built = [o.result for o in outcomes if o.result]
    notes(built[0].notices if built else ())
    for outcome in outcomes:
        if outcome.result is None:
            error(outcome.error, f"{outcome.label}: " if len(outcomes) > 1 else "")
            continue
        click.echo(str(outcome.result.path))
        for part in outcome.result.split_into:   # --split: where the parts and their playlist went
            click.echo(f"  {part}{'/' if part.is_dir() else ''}")
        if show_chapters:
            for chapter in outcome.result.timeline.chapters:
                click.echo(f"  {times.clock(chapter.start_s)}  {chapter.title}")
    if refresh_feed and built:
        from ..web import page
        target, left_out = page.write_site(output_dir, base_url)
        skipped(left_out)
        click.echo(str(target))
    if len(built) < len(outcomes):
        raise click.exceptions.Exit(Exit.ERROR)


@cli.command()
@click.argument("routine", shell_complete=names("routines", files=True))
@length_options
@engine_options
@language_option
@click.option("--json", "as_json", is_flag=True, help="Print the plan as JSON.")
@click.option("--svg", "svg_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also draw the session as an SVG picture into this file.")
@quiet_option
def plan(routine, minutes, length, seed, definition_paths, engine, voice, rate, cache_dir, language, as_json, svg_path,
         quiet):
    """Print the timeline of ROUTINE at the chosen length: time, chapter, event.

    Speech not yet in the cache is rendered first, so the plan is exact.

    \b
    Example:
        audioguide plan thoracic-mobility --minutes 10
        audioguide plan thoracic-mobility --length 12m30s --json > plan.json
        audioguide plan thoracic-mobility --minutes 20 --svg plan.svg
    """
    from ..pipeline import routines
    from ..pipeline.options import BuildOptions
    options = BuildOptions(length_s=one_length(minutes, length), engine=engine_spec(engine, voice, rate),
                           cache_dir=cache_dir, definition_paths=tuple(definition_paths), seed=seed, language=language)
    with Bar(quiet) as bar:
        timeline, notices = routines.plan(routine, options, bar)
    notes(notices)
    if svg_path:
        routines.draw(timeline, svg_path)
    click.echo(routines.plan_text(timeline, as_json), nl=False)
