"""The compiler: Routine + length + measured speech -> Timeline, exact to the sample. Pure: no I/O, no audio.

compile_timeline() (fitting.py) lays a routine out from the speech lengths it is given; plan() (plan.py) owns the
loop that measures what the layouts need (through a function passed in) and compiles again until the plan rests
on measured speech alone.
"""

from .fitting import Fitted, compile_timeline
from .layout import Amounts, amounts
from .plan import (Measure, early_length_error, estimated_range, estimating, fit_routine, keeping, length_range, plan,
                   plan_many, plan_series)

__all__ = ["Amounts", "Fitted", "Measure", "amounts", "compile_timeline", "early_length_error", "estimated_range",
           "estimating", "fit_routine", "keeping", "length_range", "plan", "plan_many", "plan_series"]
