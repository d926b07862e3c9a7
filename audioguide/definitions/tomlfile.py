"""Definition tables as TOML a person would write: keys in the order docs/definitions.md gives them, ranges as
inline tables, phases and items as arrays of tables; and a file edited in place, so that what a person wrote
by hand (comments, blank lines, the order of what did not change) stays. tomlkit does the TOML; this module
only says where things go (it uses tomlkit's Container.body and _insert_at: versions pinned and tested)."""

from __future__ import annotations

from typing import Any

import tomlkit
from tomlkit.items import AoT, Array, InlineTable, Table

from .reader import EXERCISE_KEYS, ITEM_KEYS, PHASE_KEYS, REMINDER_KEYS, ROUTINE_KEYS

HEADER = ("Written by audioguide's editor. Edit it by hand as you like (docs/definitions.md):",
          "the editor keeps your comments.")
# the keys of each kind of table, in the order a file lists them (anything else after, as it came)
ORDER = {"exercise": EXERCISE_KEYS, "phase": PHASE_KEYS, "reminder": REMINDER_KEYS, "routine": ROUTINE_KEYS,
         "item": (*ITEM_KEYS, *EXERCISE_KEYS)}
CHILDREN = {("exercise", "phases"): "phase", ("phase", "reminders"): "reminder", ("routine", "items"): "item"}
LONG_ARRAY = 90  # characters: a longer list of texts is written one text a line


def dumps(tables: dict[str, dict[str, dict]], header: tuple[str, ...] = HEADER) -> str:
    """A new file holding the exercises, then the routines (then programs), each table in ORDER."""
    doc = tomlkit.document()
    for line in header:
        doc.add(tomlkit.comment(line))
    for section, kind in (("exercises", "exercise"), ("routines", "routine"), ("programs", "")):
        found = tables.get(section) or {}
        if not found:
            continue
        doc.add(tomlkit.nl())
        table = tomlkit.table(is_super_table=True)
        for item_id, raw in found.items():
            table.add(item_id, _table(raw, kind))
        doc.add(section, table)
    return tomlkit.dumps(doc)


def update(text: str, tables: dict[str, dict[str, dict]], removed: dict[str, list[str]] | None = None) -> str:
    """text (a file someone may have written by hand) with these tables set to the values given and the ids in
    removed taken out: what did not change keeps its place, its comments and its formatting."""
    doc = tomlkit.parse(text)
    for section, ids in (removed or {}).items():
        if section in doc:
            for item_id in ids:
                doc[section].pop(item_id, None)
    for section, kind in (("exercises", "exercise"), ("routines", "routine"), ("programs", "")):
        for item_id, raw in (tables.get(section) or {}).items():
            if section not in doc:
                doc.add(tomlkit.nl())
                doc.add(section, tomlkit.table(is_super_table=True))
            holder = doc[section]
            if item_id in holder and isinstance(holder[item_id], Table):
                _merge(holder[item_id], raw, kind)
            else:
                holder.add(item_id, _table(raw, kind))
    return tomlkit.dumps(doc)


def _ordered(raw: dict, kind: str) -> list[str]:
    order = ORDER.get(kind, ())
    return [k for k in order if k in raw] + [k for k in raw if k not in order]


def _table(raw: dict, kind: str) -> Table:
    table = tomlkit.table()
    for key in _ordered(raw, kind):
        table.add(key, _value(raw[key], CHILDREN.get((kind, key), "")))
    return table


def _value(value: Any, child: str = "") -> Any:
    """A plain value as the item a person would write: a list of tables as [[array of tables]], a table as
    an inline table ({ min = 3, max = 8 }), a long list of texts one a line."""
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        tables = tomlkit.aot()
        for raw in value:
            tables.append(_table(raw, child))
        return tables
    if isinstance(value, dict):
        inline = tomlkit.inline_table()
        inline.update(value)
        return inline
    if isinstance(value, list):
        array = tomlkit.array()
        array.extend(value)
        if len(str(value)) > LONG_ARRAY:
            array.multiline(True)
        return array
    return value


def _merge(table: Table, raw: dict, kind: str) -> None:
    """Set table to raw in place: removed keys go, changed ones are replaced where they stand, new ones go where
    ORDER puts them (after the existing key that comes before them)."""
    for key in [k for k in table if k not in raw]:
        del table[key]
    order = _ordered(raw, kind)
    for index, key in enumerate(order):
        new, child = raw[key], CHILDREN.get((kind, key), "")
        if key in table:
            old = table[key]
            if _plain(old) == new:
                continue
            if isinstance(old, AoT) and isinstance(new, list) and all(isinstance(v, dict) for v in new) and new:
                _merge_tables(old, new, child)
            elif isinstance(old, Table) and isinstance(new, dict):
                _merge(old, new, "")
            else:
                table[key] = _value(new, child)
            continue
        before = [k for k in order[:index] if k in table and not isinstance(table[k], (AoT, Table))]
        item = _value(new, child)
        if isinstance(item, (AoT, Table)) or not before and any(isinstance(v, (AoT, Table)) for v in table.values()):
            if isinstance(item, (AoT, Table)):
                table.add(key, item)
            else:
                table.value._insert_at(0, key, item)
        elif before:
            _insert_after(table, before[-1], key, item)
        else:
            table.add(key, item)


def _insert_after(table: Table, previous: str, key: str, item: Any) -> None:
    """key placed right after previous (its last line, if it is split); at the end when previous ends the table."""
    body = table.value.body
    at = max(i for i, (k, _) in enumerate(body) if k is not None and k.key == previous) + 1
    if at < len(body):
        table.value._insert_at(at, key, item)
    else:
        table.add(key, item)


def _merge_tables(tables: AoT, new: list[dict], kind: str) -> None:
    """An array of tables set to new by position: the tables kept are merged, extra ones dropped, more added."""
    while len(tables) > len(new):
        del tables[len(tables) - 1]
    for index, raw in enumerate(new):
        if index < len(tables):
            _merge(tables[index], raw, kind)
        else:
            tables.append(_table(raw, kind))


def _plain(item: Any) -> Any:
    """A tomlkit item as plain Python data (to compare with what the editor sent)."""
    if isinstance(item, (Table, InlineTable)):
        return {k: _plain(v) for k, v in item.items()}
    if isinstance(item, (AoT, Array, list)):
        return [_plain(v) for v in item]
    return item.unwrap() if hasattr(item, "unwrap") else item
