"""The JSON text of a document, byte for byte what `json.dumps(document, indent=2, sort_keys=True,
ensure_ascii=False, default=str)` gives, an order of magnitude faster where orjson is installed.

orjson writes the same text for the values the engine's documents hold: text keys, strings, whole
numbers, booleans, null, lists, tuples and mappings, and dates through `default=str`. A document holding
anything else, where the two could differ (a float: "1e+16" against "1e16"; a key that is not text: json
sorts 2 before 10, orjson "10" before "2"; an enum or a dataclass, which orjson writes by value), or text
orjson refuses (a lone surrogate), is written by the standard library."""

from __future__ import annotations

import datetime as dt
import json

try:
    import orjson
except ImportError:  # optional: the standard library gives the same text, slower
    orjson = None

_OPTIONS = (orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_DATETIME) if orjson else 0
_SCALARS = frozenset({str, int, bool, type(None), dt.date, dt.datetime, dt.time})  # exact types, no subclasses


def dumps(document) -> str:
    """`document` as indented JSON with sorted keys and a final newline."""
    if orjson is not None and _plain(document):
        try:
            return orjson.dumps(document, default=str, option=_OPTIONS).decode("utf-8") + "\n"
        except (TypeError, ValueError):  # orjson.JSONEncodeError: e.g. a lone surrogate; json writes it
            pass
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n"


def _plain(document) -> bool:
    """Only mappings with text keys, lists, tuples and the scalars both libraries write alike."""
    stack = [document]
    while stack:
        value = stack.pop()
        kind = type(value)
        if kind is dict:
            if not all(type(key) is str for key in value):
                return False
            stack.extend(value.values())
        elif kind is list or kind is tuple:
            stack.extend(value)
        elif kind not in _SCALARS:
            return False
    return True
