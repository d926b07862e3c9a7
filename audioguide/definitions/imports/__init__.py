"""Other apps' workouts as audioguide definitions: Feeel, Just Another Workout Timer, OpenHIIT (JSON) and w2a
(YAML). Each format's module says where its shape comes from; the file's text decides which one reads it."""

from __future__ import annotations

import json

from .common import Imported, ImportFault
from . import feeel, jawt, openhiit, w2a

FORMATS = (feeel, jawt, openhiit, w2a)
EXPECTED = ("a Feeel workout (.feeel), a Just Another Workout Timer workout or backup (JSON), an OpenHIIT timer "
            "(JSON) or a w2a workout (YAML)")

__all__ = ["Imported", "ImportFault", "FORMATS", "read"]


def read(text: str, hint: str = "") -> Imported:
    """The workout in text, in whichever of the formats it is (hint: a title for a workout that has none, such
    as the file's name); ImportFault saying what was expected otherwise."""
    doc = _parse(text)
    for module in FORMATS:
        if module.looks_like(doc):
            return module.convert(doc, hint)
    found = f"a table with {', '.join(sorted(map(str, doc))[:6]) or 'no keys'}" if isinstance(doc, dict) \
        else type(doc).__name__
    raise ImportFault(f"expected {EXPECTED}; found {found}")


def _parse(text: str) -> object:
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith(("{", "[")):
        try:
            return json.loads(stripped)
        except RecursionError:
            raise ImportFault(f"expected {EXPECTED}; found JSON nested too deeply") from None
        except ValueError as e:
            raise ImportFault(f"expected {EXPECTED}; found JSON that does not parse: {e}") from None
    import yaml

    try:
        doc = yaml.safe_load(stripped)
    except RecursionError:
        raise ImportFault(f"expected {EXPECTED}; found YAML nested too deeply") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        at = f" (line {mark.line + 1})" if mark is not None else ""
        raise ImportFault(f"expected {EXPECTED}; found text that is neither JSON nor YAML{at}: "
                          f"{getattr(e, 'problem', None) or e}") from None
    if _expands_past(doc, MAX_VALUES):  # aliases (w2a files use them) shared a few lines into billions of values
        raise ImportFault(f"expected {EXPECTED}; found YAML whose aliases expand to more than {MAX_VALUES} values")
    return doc


MAX_VALUES = 100_000   # values in a workout once YAML's aliases are expanded: a real one has hundreds


def _expands_past(doc: object, budget: int) -> bool:
    """True when doc, walked with every alias expanded, holds more than budget values (it stops counting there)."""
    stack, seen = [doc], 0
    while stack:
        value = stack.pop()
        seen += 1
        if seen > budget:
            return True
        if isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return False
