"""The compiler: Routine + length + measured speech -> Timeline, exact to the sample. Pure: no I/O, no audio.

compile() lays a routine out from the speech lengths it is given; plan() owns the loop that measures what the
layouts need (through a function passed in) and compiles again until the plan rests on measured speech alone.
"""

from .fit import Fitted, compile
from .layout import Amounts, amounts
from .plan import Measure, estimated_range, fit, length_range, plan, plan_many, plan_series

__all__ = ["Amounts", "Fitted", "Measure", "amounts", "compile", "estimated_range", "fit", "length_range", "plan",
           "plan_many", "plan_series"]
