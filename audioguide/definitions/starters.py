"""Commented starter files for 'audioguide new': each one validates as written."""

from __future__ import annotations

import re
from pathlib import Path

from .. import files
from ..errors import DefinitionError, FileError

KINDS = ("exercise", "routine")

EXERCISE = '''# A starter exercise for audioguide. Check it with: audioguide validate {file}
# The format is described in docs/definitions.md. Times are in seconds.

[exercises.{id}]
title = "{title}"
summary = "One line saying what the exercise is for."
position = "Where the body starts, e.g. kneel on all fours."
equipment = ["a mat"]
# alternatives = ["a folded towel"]
setup = [
    "Spoken once before the first rep: how to get into position.",
    "Then what each rep looks like.",
]
# safety = "Spoken once after the setup."
reps = {{ min = 4, default = 8, max = 12 }}   # the compiler picks within this range to fit the length
# sets = {{ min = 1, default = 1, max = 3 }}
# set_rest_s = {{ min_s = 10, default_s = 20, max_s = 40 }}
sides = "none"                                # or "both"
# side_mode = "blocks"                        # or "alternating"
count = "both"                                # "spoken", "beeps", "both" or "none"
tip_every = 3
tips = ["A form reminder spoken between reps.", "Another one, so they alternate."]

[[exercises.{id}.phases]]
name = "out"
cue = ["Move out, and hold.", "Out."]          # phrasing variants, used in turn
move_s = 2
hold = {{ min_s = 2, default_s = 3, max_s = 5 }}
# beeps = ["hold_start", "hold_end"]           # the default for a phase with a hold
# countdown = 1                                # ticks over the last N seconds of the hold, or "spoken"

[[exercises.{id}.phases]]
name = "back"
cue = ["And back.", "Back."]
move_s = 2
beeps = ["rep"]
'''

ROUTINE = '''# A starter routine for audioguide. Check it with: audioguide validate {file}
# Build it with: audioguide build {file} --minutes 10
# Items name exercises by id: built-in ones (see 'audioguide list') or your own.

[routines.{id}]
title = "{title}"
description = "What this session is for."
intro = [
    "Welcome. This session takes you through three movements for the upper back.",
    "This is not medical advice. Stop if anything hurts.",
]
outro = "That is the end of the session. Well done."
transition = ["Next, exercise {{position}} of {{count}}: {{next}}."]
rest_s = {{ min_s = 3, default_s = 8, max_s = 20 }}
rounds = {{ min = 1, default = 1, max = 3 }}

[[routines.{id}.items]]
exercise = "cat-cow"

[[routines.{id}.items]]
exercise = "thread-the-needle"
reps = {{ min = 3, default = 6, max = 8 }}     # any exercise field can be overridden here

[[routines.{id}.items]]
exercise = "spinal-elongation"
optional = true                               # dropped first when the session is short
'''


def write(kind: str, name: str, folder: Path) -> Path:
    """Write the starter for a new exercise or routine called name into folder as ID.toml; never overwrite."""
    from .reader import ID_PATTERN  # here, not above: 'new' is the only command that needs the reader

    item_id = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    if not ID_PATTERN.match(item_id):
        raise DefinitionError(f"expected a name with letters or digits, found {name!r}", key="NAME")
    target = Path(folder) / f"{item_id}.toml"
    if target.exists():
        raise FileError(f"{target} exists already; choose another name or remove it")
    files.write_text(target, render(kind, item_id, str(target)))
    return target


def render(kind: str, item_id: str, file: str) -> str:
    template = EXERCISE if kind == "exercise" else ROUTINE
    title = item_id.replace("-", " ").capitalize()
    return template.format(id=item_id, title=title, file=file)
