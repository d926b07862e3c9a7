"""What the compiler itself says (not the definitions' texts), in the routine's language: its phrase table
(audioguide/language), numbers as words the way a coach says them."""

from __future__ import annotations

from .. import language


def holding(kept: int, total: int, tag: str = language.DEFAULT) -> str:
    """What a session that leaves exercises out says after its intro: 'Today: three of the five exercises.'"""
    return language.phrase("holding", tag, count=kept, kept=kept, total=total)


def countdown(k: int, tag: str = language.DEFAULT) -> str:
    """One number of a spoken count-down: 'Three.'"""
    word = language.number(k, tag)
    return language.phrase("countdown", tag, number=word[:1].upper() + word[1:])


def said(name: str, tag: str = language.DEFAULT, **values: int | str) -> str:
    """One of the language's plain phrases: 'Rest.', 'Set 2 of 3.', 'Done.', the chapters' 'Intro' and 'Outro'."""
    return language.phrase(name, tag, None, **values)
