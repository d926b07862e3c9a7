"""Shell completion of the names an argument takes (routines, exercises, programs)."""

from __future__ import annotations

import click

from ..errors import AudioguideError


def names(*sections: str, files: bool = False):
    """Shell completion for an argument naming something in the library ('routines', 'exercises', 'programs'):
    the names that start with what is typed; a path's files when files are accepted and no name matches."""
    def complete(ctx: click.Context, param: click.Parameter, incomplete: str):
        from click.shell_completion import CompletionItem

        from ..pipeline import catalogue
        try:
            known = catalogue.names(sections, tuple(ctx.params.get("definition_paths") or ()))
            found = [n for n in known if n.startswith(incomplete)]
        except AudioguideError:
            found = []  # a broken file: offer no names rather than print an error mid-command-line
        if files and not found:
            return [CompletionItem(incomplete, type="file")]
        return found
    return complete
