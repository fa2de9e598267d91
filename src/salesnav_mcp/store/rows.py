"""Database rows -> store records, for both engines.

A row is anything indexed by column name (sqlite3.Row or psycopg's dict rows) whose columns
are named like the record's fields. The record's field types say how to read each column:
times and days through the engine's dialect, flags as booleans, JSON text as JSON.
"""

from __future__ import annotations

import functools
import json
import types
from collections.abc import Callable
from dataclasses import fields
from datetime import date, datetime
from typing import Any, TypeVar, Union, get_args, get_origin, get_type_hints

from salesnav_mcp.store.script import Dialect

R = TypeVar("R")
Row = Any  # sqlite3.Row | dict[str, Any]
Reader = Callable[[Any, Dialect], Any]


def dump_json(value: Any) -> str:
    # Compact and stable: stored JSON round-trips byte for byte on both databases.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def _reader(hint: Any) -> Reader:
    options = [a for a in get_args(hint) if a is not type(None)] if get_origin(hint) in (Union, types.UnionType) else [hint]
    kind = get_origin(options[0]) or options[0]
    if kind is datetime:
        return lambda value, d: d.dt(value)
    if kind is date:
        return lambda value, d: d.day(value)
    if kind is bool:
        return lambda value, d: bool(value)
    if kind in (dict, list):
        return lambda value, d: None if value is None else json.loads(value)
    return lambda value, d: value


@functools.cache
def _readers(cls: type) -> tuple[tuple[str, Reader], ...]:
    hints = get_type_hints(cls)
    return tuple((f.name, _reader(hints[f.name])) for f in fields(cls))


def record(cls: type[R], row: Row, d: Dialect) -> R:
    """The record of type `cls` (a dataclass of store records) that `row` holds."""
    return cls(**{name: read(row[name], d) for name, read in _readers(cls)})
