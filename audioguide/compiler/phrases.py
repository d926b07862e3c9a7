"""What the compiler itself says (not the definitions' texts): numbers as words, said the way a coach says them."""

from __future__ import annotations


def number(value: int) -> str:
    """A whole number as words: 3 -> 'three' (num2words, which knows the languages people exercise in)."""
    from num2words import num2words
    return num2words(value)


def holding(kept: int, total: int) -> str:
    """What a session that leaves exercises out says after its intro: 'Today: three of the five exercises.'"""
    return f"Today: {number(kept)} of the {number(total)} exercises."
