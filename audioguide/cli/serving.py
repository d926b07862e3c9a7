"""feed and serve: the folder of sessions as a podcast, and on the network."""

from __future__ import annotations

import sys

import click

from ..publish import feed
from .common import DEFAULT_BASE_URL, cli, feed_title_option, sessions_dir_option


@cli.command(name="feed")
@sessions_dir_option
@click.option("--base-url", default=DEFAULT_BASE_URL, show_default=True,
              help="The address the folder is served at (the feed's links start with it).")
@feed_title_option
def feed_command(output_dir, base_url, title):
    """Write feed.xml (a podcast feed of every session in the folder) and index.html (a page to play them).

    \b
    Example:
        audioguide feed --output-dir output --base-url http://192.168.1.20:8000/
    """
    click.echo(str(feed.write(output_dir, base_url, title)))


@cli.command(name="serve")
@sessions_dir_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; 0.0.0.0 makes it reachable from your local network.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port (0: any free one).")
@feed_title_option
def serve_command(output_dir, host, port, title):
    """Serve the folder: the podcast feed, a page to play sessions, and the MP3s with byte ranges.

    Prints the feed's address and a QR code to scan with a phone. Stop it with Ctrl-C.

    \b
    Example:
        audioguide serve --output-dir output --host 0.0.0.0 --port 8000
    """
    from ..publish import server  # aiohttp is only needed here: keep it out of every other command's start-up

    def ready(listening: server.Listening) -> None:
        click.echo(listening.reach)
        click.echo(f"Feed: {listening.feed_url}")
        click.echo(f"Page: {listening.url}")
        if sys.stdout.isatty():
            import segno
            segno.make(listening.feed_url, error="m").terminal(out=sys.stdout, compact=True)
        sys.stdout.flush()

    server.serve(output_dir, host, port, title, ready)
