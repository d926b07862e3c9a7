"""Long work shown on a terminal: each stage as it starts, a bar with count, elapsed time and ETA; silent when
stderr is not a terminal or with --quiet."""

from __future__ import annotations

import sys
import time
from typing import Any

import click


class Bar:
    """Progress on stderr when it is a terminal (silent when piped or with --quiet): each stage as it starts,
    with click's progress bar where the stage has a count (speech clips, mixed-and-encoded seconds): count,
    elapsed time and ETA. Rounds of speech rendered while planning add up in one count."""

    UNITS = {"speech": "clips", "mix+encode": "seconds"}

    def __init__(self, quiet: bool):
        self.enabled = not quiet and sys.stderr.isatty()
        self.started = time.monotonic()
        self.stage: str | None = None
        self.bar: Any = None          # click's progress bar while a stage with a count runs
        self.offset = self.last = 0   # speech rendered in earlier rounds; the last count seen

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.enabled:
            self._drawing(self._show, stage, done, total)

    def _drawing(self, draw, *args) -> None:
        try:
            draw(*args)
        except OSError:  # the terminal went away (its window closed): the work goes on without a bar
            self.enabled, self.bar = False, None

    def _show(self, stage: str, done: int, total: int) -> None:
        if stage != self.stage or done < self.last:
            if stage == self.stage == "speech":          # another round of clips for the plan
                self.offset += self.last
            else:
                self._close()
                self.stage, self.offset = stage, 0
                if not total:
                    click.echo(f"{stage}...", err=True)
            self.last = 0
        if total:
            if self.bar is None or self.bar.length != self.offset + total:
                self._close()
                label = f"{stage} ({self.UNITS[stage]})" if stage in self.UNITS else stage
                self.bar = click.progressbar(length=self.offset + total, label=f"{label:<19}", show_eta=True,
                                             show_pos=True, show_percent=True, width=24, file=sys.stderr,
                                             item_show_func=lambda item: item)
                self.bar.__enter__()
                self.bar.update(self.offset, self._elapsed())
            self.bar.update(done - self.last, self._elapsed())
        self.last = done

    def _elapsed(self) -> str:
        return f"{time.monotonic() - self.started:.1f} s"

    def _close(self) -> None:
        if self.bar is not None:
            bar, self.bar = self.bar, None
            self._drawing(bar.__exit__, None, None, None)

    def summary(self, line: str) -> None:
        """The last line: what was made, and how long it took."""
        self._close()
        if self.enabled:
            said = f"{line}; {time.monotonic() - self.started:.1f} s"
            self._drawing(lambda: click.echo(said, err=True))

    def __enter__(self) -> Bar:
        return self

    def __exit__(self, *exc) -> None:
        self._close()


