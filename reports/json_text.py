"""JSON text for the reports, indented by two spaces exactly as ``json.dumps(value, indent=2)`` writes it, faster.

json's encoder runs in C only without indentation; with it, json falls back to its pure-Python encoder (about a
tenth of a second per megabyte, and a run's report.json is several). Here json's C encoder writes the value
compactly and msgspec's formatter (C) indents that text: the same characters (tests/reports/test_json_text.py
compares them). A value the formatter does not take (NaN or Infinity, which json writes but JSON has not) is
written by json's own indenting encoder.
"""

from __future__ import annotations

import json
from typing import Any, Callable

import msgspec


def indented(value: Any, default: Callable[[Any], Any] | None = None) -> str:
    """``json.dumps(value, indent=2, ensure_ascii=False, default=default)``."""
    compact = json.dumps(value, ensure_ascii=False, default=default)
    try:
        return msgspec.json.format(compact, indent=2)
    except msgspec.DecodeError:
        return json.dumps(value, indent=2, ensure_ascii=False, default=default)
