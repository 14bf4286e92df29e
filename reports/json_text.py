"""JSON text for the reports, faster than json writes it: indented by two spaces as ``json.dumps(value,
indent=2)`` writes it (`shown`: report.json, the load report, report.html's bodies), and compact (`compact`:
exchanges.har).

json's encoder runs in C only without indentation; with it, json falls back to its pure-Python encoder (about a
tenth of a second per megabyte, and a run's report.json is several). `indented`, `shown`'s way for a value msgspec
does not take, has json's C encoder write the value compactly and msgspec's formatter (C) indent that text: the
same characters as json's (tests/reports/test_json_text.py compares them). `shown` and `compact` have msgspec's
encoder write the value itself, several times faster than json's: the same characters but for floats (``1e16`` for json's ``1e+16``, ``0.00001`` for ``1e-05``) and NaN and
infinities, which JSON has not (written null); the same value read back.
"""

from __future__ import annotations

import json
from typing import Any, Callable

import msgspec

_COMPACT = msgspec.json.Encoder()


def indented(value: Any, default: Callable[[Any], Any] | None = None) -> str:
    """``json.dumps(value, indent=2, ensure_ascii=False, default=default)``."""
    compact = json.dumps(value, ensure_ascii=False, default=default)
    try:
        return msgspec.json.format(compact, indent=2)
    except msgspec.DecodeError:
        return json.dumps(value, indent=2, ensure_ascii=False, default=default)



def shown(value: Any, default: Callable[[Any], Any] | None = None) -> str:
    """JSON text indented as `indented` writes it, by msgspec alone (about twice as fast), so with floats, NaN and
    infinities written as `compact` writes them (report.json and report.html's bodies). `default` turns a value of
    a type JSON has no form for into one it has, as json's ``default`` does."""
    try:
        encoder = _COMPACT if default is None else msgspec.json.Encoder(enc_hook=default)
        return msgspec.json.format(encoder.encode(value), indent=2).decode("utf-8")
    except (TypeError, OverflowError, msgspec.EncodeError):
        return indented(value, default)


def compact(value: Any) -> str:
    """JSON text without spaces, UTF-8 characters unescaped, as ``json.dumps(value, ensure_ascii=False,
    separators=(",", ":"))`` writes it but for NaN and infinities (JSON has none: written null) and the exponent
    of floats (``1e16`` for ``1e+16``). msgspec's encoder writes it about nine times faster; what it does not
    take is left to json (which refuses a value JSON has no form for, as before)."""
    try:
        return _COMPACT.encode(value).decode("utf-8")
    except (TypeError, OverflowError, msgspec.EncodeError):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
