"""The languages audioguide speaks: a table per language of everything it says itself (phrases/LANG.toml),
numbers as words (num2words) and plural forms (Babel's rules), and which language a BCP 47 tag names.

Definitions carry a language (routines, exercises, programs; default English); a language's tag is read by its
primary subtag ("pt-BR" and "pt" are Portuguese), which also keys its table."""

from __future__ import annotations

import functools
import re
import tomllib
from pathlib import Path
from typing import Any

DEFAULT = "en"
TABLES = Path(__file__).parent / "phrases"
TAG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")


def known() -> tuple[str, ...]:
    """The languages with a table, English first."""
    found = sorted(p.stem for p in TABLES.glob("*.toml"))
    return (DEFAULT, *[k for k in found if k != DEFAULT])


def key(tag: str | None) -> str:
    """The table a tag is spoken from: its primary subtag, lower case ('pt-BR' -> 'pt'); '' when it is no tag."""
    if not tag:
        return DEFAULT
    return tag.replace("_", "-").split("-")[0].lower() if TAG.match(tag) else ""


def check(tag: object) -> str | None:
    """What is wrong with a language tag (None when audioguide speaks it)."""
    if not isinstance(tag, str) or not TAG.match(tag):
        return f"expected a language tag such as es or pt-BR, found {tag!r}"
    if key(tag) not in known():
        return f"expected one of the languages audioguide speaks ({', '.join(known())}), found {tag!r}"
    return None


@functools.cache
def table(tag: str | None = DEFAULT) -> dict[str, Any]:
    """The language's phrases (its table); English for a tag without one."""
    name = key(tag) if key(tag) in known() else DEFAULT
    with open(TABLES / f"{name}.toml", "rb") as handle:
        return tomllib.load(handle)


def name(tag: str | None) -> str:
    """The language as its speakers write its name: 'Español'."""
    return str(table(tag)["name"])


def english_name(tag: str | None) -> str:
    """The language as the command line names it: 'Spanish (es)'."""
    try:
        from babel import Locale
        said = Locale.parse(key(tag) or DEFAULT).get_display_name("en")
    except Exception:  # Babel's UnknownLocaleError for a tag it does not know
        said = str(tag)
    return f"{said} ({tag})"


def length(seconds: float, tag: str | None = DEFAULT) -> str:
    """A session's length as a cover says it: '10 minutes', '10 minutos'; '12 min 30 s' when not whole."""
    from .. import times
    minutes = round(seconds) / 60
    if minutes != int(minutes) or minutes >= 60:
        return times.spoken(seconds)
    return f"{int(minutes)} {plural(int(minutes), table(tag)['units']['minute'], tag)}"


def number(value: int, tag: str | None = DEFAULT) -> str:
    """A whole number as words in the language: 3 -> 'three', 'tres', 'drei' (num2words)."""
    from num2words import num2words
    return str(num2words(value, lang=table(tag)["num2words"]))


def plural(count: float, forms: dict[str, str] | str, tag: str | None = DEFAULT) -> str:
    """The form of a phrase for count by the language's plural rules ('one', 'other', ... as Babel names them)."""
    if isinstance(forms, str):
        return forms
    from babel import Locale
    try:
        form = Locale.parse(key(tag) or DEFAULT).plural_form(count)
    except Exception:  # Babel's UnknownLocaleError
        form = "one" if count == 1 else "other"
    return forms.get(form) or forms["other"]


def phrase(name_: str, tag: str | None = DEFAULT, count: float | None = None, **values: object) -> str:
    """One of the table's phrases, its plural form chosen by count, its {fields} filled ({kept} and {total} as
    words)."""
    found = table(tag)[name_]
    if isinstance(found, list):
        found = found[0]
    text = plural(count if count is not None else 2, found, tag) if isinstance(found, dict) else found
    words = {k: number(v, tag) if k in ("kept", "total") and isinstance(v, int) else v for k, v in values.items()}
    return str(text).format(**words)


def variants(name_: str, tag: str | None = DEFAULT) -> tuple[str, ...]:
    """A phrase that is a list of variants, as a tuple (the definitions' defaults)."""
    found = table(tag)[name_]
    return tuple(found) if isinstance(found, list) else (str(found),)
