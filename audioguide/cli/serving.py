"""feed and serve: the folder of sessions as a podcast and a page, and on the network."""

from __future__ import annotations

import sys

import click
from click.core import ParameterSource

from .app import cli
from .options import (
    base_url_option,
    definitions_option,
    engine_options,
    engine_spec,
    feed_title_option,
    mix_options,
    publish_options,
    sessions_dir_option,
)
from .report import notes, skipped, warning


@cli.command(name="feed")
@sessions_dir_option
@base_url_option("The address the folder is served at (the feed's links start with it).")
@feed_title_option
def feed_command(output_dir, base_url, title):
    """Write feed.xml (a podcast feed of every session in the folder) and index.html (a page to play them).

    A session that cannot be read is left out with a warning; the others are fed.

    \b
    Example:
        audioguide feed --output-dir output --base-url http://192.168.1.20:8000/
    """
    from ..web import page
    target, left_out = page.write_site(output_dir, base_url, title)
    skipped(left_out)
    if click.get_current_context().get_parameter_source("base_url") == ParameterSource.DEFAULT:
        notes([unset_base_url(base_url)])
    click.echo(str(target))


def unset_base_url(used: str) -> str:
    """What the feed's links start with when no address was given, and how to give the right one."""
    return (f"the feed's links start with {used} (no --base-url given), which only this computer can open; give "
            "the address a phone reaches this folder at, e.g. --base-url http://192.168.1.20:8000/ (or base-url "
            "in the config file), or use 'audioguide serve', whose feed follows the address the phone used")


@cli.command(name="serve")
@sessions_dir_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; 0.0.0.0 makes it reachable from your local network.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port (0: any free one).")
@click.option("--token", default=None,
              help="The key the page needs to make and delete sessions [default: the one kept from the last run].")
@click.option("--new-token", is_flag=True, help="Make a new key (pages paired with the old one must scan again).")
@feed_title_option
@engine_options
@mix_options(music=False)
@publish_options(naming=False)
@definitions_option
def serve_command(output_dir, host, port, token, new_token, title, engine, voice, rate, cache_dir, mix, publish,
                  definition_paths):
    """Serve the folder: the page (make, play, keep and delete sessions), the podcast feed, and the MP3s.

    Prints the feed's address and the page's, with the key that lets the page make and delete sessions, and a
    QR code of that page to scan with a phone. The key is kept in your state folder, so a phone paired once
    stays paired when the server restarts; --new-token makes a new one. Reading stays open to anyone who can
    reach the address. Stop it with Ctrl-C. Sessions made from the page are mixed and tagged with the options
    given here (or set in the config file): beep and music levels, bitrate, stereo, artist, album, loudness.

    \b
    Example:
        audioguide serve --output-dir output --host 0.0.0.0 --port 8000
    """
    from ..pipeline.options import BuildOptions
    from ..web import server  # aiohttp is only needed here: keep it out of every other command's start-up
    options = BuildOptions(engine=engine_spec(engine, voice, rate), cache_dir=cache_dir,
                           definition_paths=tuple(definition_paths), **mix, **publish)

    def ready(listening: server.Listening) -> None:
        click.echo(listening.reach)
        click.echo(f"Feed: {listening.feed_url}")
        click.echo(f"Page: {listening.page_url}")
        if sys.stdout.isatty():
            import segno
            segno.make(listening.page_url, error="m").terminal(out=sys.stdout, compact=True)
        sys.stdout.flush()

    from ..pipeline import state
    server.serve(output_dir, host, port, title, ready, options, token or state.token(new=new_token), warning)
