"""What a command says besides its result, one way everywhere: "Error:", "Warning:" and "Note:" lines on stderr,
JSON on stdout, and the summary line of a build."""

from __future__ import annotations

import json

import click

from .. import times


def error(problem: object, prefix: str = "") -> None:
    """An error as "Error: ..." lines on stderr (one per line of its text), each after prefix ("10m: ")."""
    for line in str(problem).splitlines():
        click.echo(f"Error: {prefix}{line}", err=True)


def warning(line: str) -> None:
    click.echo(f"Warning: {line}", err=True)


def skipped(lines: list[str]) -> None:
    for line in lines:
        warning(f"skipped {line}")


def notes(notices) -> None:
    for notice in notices:
        click.echo(f"Note: {notice}", err=True)


def echo_json(data) -> None:
    """data as indented JSON on stdout (paths and dates as strings)."""
    click.echo(json.dumps(data, indent=1, ensure_ascii=False, default=str))


def made(outcomes) -> str:
    """The summary line of a build: sessions and their lengths, megabytes written, speech rendered vs cached."""
    built = [o for o in outcomes if o.result is not None]
    kept = sum(o.up_to_date for o in outcomes)
    failed = len(outcomes) - len(built) - kept
    if not built:
        return f"nothing built ({failed} failed)" if failed else f"nothing to build ({kept} up to date)"
    texts = {t for o in built for t in o.result.timeline.texts()}
    rendered = max(o.result.rendered_clips for o in built)
    size = sum(o.result.path.stat().st_size for o in built if o.result.path.exists()) / 1e6
    lengths = ", ".join(times.label(o.result.timeline.duration_s) for o in built)
    others = (f", {kept} up to date" if kept else "") + (f", {failed} failed" if failed else "")
    return (f"made {len(built)} session{'s' if len(built) > 1 else ''} ({lengths}){others}, {size:.1f} MB; speech: "
            f"{min(rendered, len(texts))} clips rendered, {max(0, len(texts) - rendered)} from the cache")


