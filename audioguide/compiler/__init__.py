"""The compiler: Routine + length + measured speech -> Timeline, exact to the sample. Pure: no I/O, no audio.

compile() lays a routine out from the speech lengths it is given; plan() owns the loop that measures what the
layouts need (through a function passed in) and compiles again until the plan rests on measured speech alone.
"""

from .fit import compile
from .plan import Measure, estimated_range, length_range, plan

__all__ = ["Measure", "compile", "estimated_range", "length_range", "plan"]
