"""Limits on the work one request may cause, and the checks that keep malformed input from a 500.

Each limit is far above what Okta, Entra or an RFC 7644 client sends, and each refusal is a SCIM
400 (or 413 for sizes) that names the limit, so a client learns what to change. RFC 7644 has a
place to advertise only some of them (``bulk.maxOperations``, ``bulk.maxPayloadSize``,
``filter.maxResults`` in /ServiceProviderConfig); the others are listed in the README.
"""

from __future__ import annotations

import json
import math
from typing import Any

from .errors import bad_request

MAX_JSON_DEPTH = 32  # a SCIM body nests about 6 levels (PatchOp > Operations > op > value > list > element)
MAX_PATCH_OPERATIONS = 1000
MAX_FILTER_TERMS = 200  # comparisons in one filter
MAX_FILTER_NESTING = 20  # parentheses, 'not (...)' and value filters inside each other
MAX_ATTRIBUTE_NAMES = 200  # paths in 'attributes' or 'excludedAttributes'
MAX_BULK_CHAIN = 64  # operations waiting on each other through bulkId references
MAX_INDEX = 2**31 - 1  # startIndex, count and the admin API's numbers are clamped or refused beyond this


def _reject_constant(name: str):
    raise ValueError(f"{name} is not a JSON value")


class _NumberTooLarge(ValueError):
    pass


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _NumberTooLarge(f"The number {text[:40]} is too large for this server.")
    return value


def load_json(raw: bytes | str) -> Any:
    """A request body as JSON, refused with a SCIM 400 when it is not JSON a SCIM server should keep.

    Refused: invalid JSON or UTF-8, NaN/Infinity and numbers too large for a float (``1e999``),
    nesting deeper than ``MAX_JSON_DEPTH``, and strings holding a lone UTF-16 surrogate (``"\\ud800"``),
    which no UTF-8 store or answer can carry.
    """
    try:
        value = json.loads(raw, parse_constant=_reject_constant, parse_float=_finite_float)
    except RecursionError:
        raise _too_deep() from None
    except _NumberTooLarge as error:
        raise bad_request("invalidValue", str(error)) from None
    except (ValueError, UnicodeDecodeError) as error:
        raise bad_request("invalidSyntax", f"The request body is not valid JSON: {str(error)[:200]}.") from None
    check_json_value(value)
    return value


def _too_deep():
    return bad_request("invalidValue", f"The JSON body nests deeper than {MAX_JSON_DEPTH} levels, this server's limit.")


def check_json_value(value: Any) -> None:
    """Walk a parsed body once, without recursion: depth and lone surrogates."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            if depth > MAX_JSON_DEPTH:
                raise _too_deep()
            for key, child in item.items():
                check_text(key, "A member name")
                stack.append((child, depth + 1))
        elif isinstance(item, list):
            if depth > MAX_JSON_DEPTH:
                raise _too_deep()
            stack.extend((child, depth + 1) for child in item)
        elif isinstance(item, str):
            check_text(item, "A string")


def has_lone_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def check_text(text: str, what: str, scim_type: str = "invalidValue") -> None:
    if has_lone_surrogate(text):
        raise bad_request(scim_type, f"{what} holds a lone UTF-16 surrogate (such as \\ud800), which is not text.")


def bounded_count(value: int, name: str) -> int:
    """An admin number within ``MAX_INDEX``, else a 400 naming it."""
    if value > MAX_INDEX:
        raise bad_request("invalidValue", f"'{name}' is at most {MAX_INDEX:,}.")
    return value
