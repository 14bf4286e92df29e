"""Input normalisation: what a client sends becomes the canonical JSON the server stores.

Attribute names are matched case-insensitively and stored under their schema spelling; values
are coerced by the attribute's type, tolerating what the IdPs really send (``"False"`` for a
boolean, idp-behaviour.md 2.4; one object where a list is expected); read-only attributes a
client echoes back (``id``, ``meta``, ``groups``, as Okta's PUT does, 1.4) are ignored.
"""

from __future__ import annotations

import math
import sys
from dataclasses import replace
from typing import Any

from .errors import bad_request
from .filter import parse_datetime
from .schema import SCHEMAS, Attribute, ResourceType

BOOLEAN_STRINGS = {"true": True, "false": False}


def coerce(attribute: Attribute, value: Any, where: str) -> Any:
    """One value of ``attribute`` in its canonical type, or a 400 invalidValue naming ``where``."""
    if attribute.multi_valued:
        items = value if isinstance(value, list) else [value]
        if any(isinstance(item, list) for item in items):
            raise bad_request("invalidValue", f"'{where}' must be a list of values, not a list of lists.")
        single = replace(attribute, multi_valued=False)
        coerced = [coerce(single, item, f"{where}[{i}]") for i, item in enumerate(items) if item is not None]
        if attribute.type == "complex":
            check_single_primary(coerced, where)
        return coerced
    kind = attribute.type
    if kind == "complex":
        if isinstance(value, list) and len(value) == 1:
            value = value[0]  # Entra sends the single-valued manager as a one-element list (2.3)
        if not isinstance(value, (dict, list)) and attribute.sub("value") is not None:
            value = {"value": value}
        if not isinstance(value, dict):
            raise bad_request("invalidValue", f"'{where}' must be an object, not {_json_kind(value)}.")
        out = {}
        for key, sub_value in value.items():
            sub = attribute.sub(key)
            if sub is None or sub_value is None or sub.mutability == "readOnly":
                continue
            out[sub.name] = coerce(sub, sub_value, f"{where}.{sub.name}")
        return out
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in BOOLEAN_STRINGS:
            return BOOLEAN_STRINGS[value.strip().lower()]
        raise bad_request("invalidValue", f"'{where}' must be a boolean (true or false), not {value!r}.")
    if kind == "integer":
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lstrip("-").isdigit() and len(value) <= 100:
            return int(value)
        raise bad_request("invalidValue", f"'{where}' must be an integer, not {value!r}.")
    if kind == "decimal":
        if _finite_number(value) and abs(value) <= sys.float_info.max:
            return float(value)
        raise bad_request("invalidValue", f"'{where}' must be a number, not {value!r}.")
    if kind == "dateTime":
        if parse_datetime(value) is None:
            raise bad_request("invalidValue", f"'{where}' must be an RFC 3339 dateTime, not {value!r}.")
        return value
    # string, reference, binary
    if isinstance(value, str):
        return value
    if _finite_number(value):
        return str(value)
    raise bad_request("invalidValue", f"'{where}' must be a string, not {_json_kind(value)}.")


def _finite_number(value: Any) -> bool:
    """A JSON number that is not a boolean nor infinite (an int of any size is finite)."""
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and math.isfinite(value))


def check_single_primary(items: list, where: str) -> None:
    if sum(1 for item in items if isinstance(item, dict) and item.get("primary") is True) > 1:
        raise bad_request("invalidValue", f"More than one value of '{where}' is primary; at most one may be.")


def _json_kind(value: Any) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(value), "a number")


def normalise(rtype: ResourceType, body: Any) -> dict:
    """The stored document for a POST or PUT body: core and extension attributes, canonical."""
    if not isinstance(body, dict):
        raise bad_request("invalidSyntax", f"A {rtype.name} must be a JSON object.")
    doc: dict = {}
    for key, value in body.items():
        if not isinstance(key, str) or value is None:
            continue
        extension = rtype.extension_urn(key)
        if extension is not None:
            if not isinstance(value, dict):
                raise bad_request("invalidValue", f"'{key}' must be an object of {SCHEMAS[extension].name} attributes.")
            ext_doc = {}
            for sub_key, sub_value in value.items():
                attribute = SCHEMAS[extension].attributes.get(str(sub_key).lower())
                if attribute is not None and sub_value is not None:
                    ext_doc[attribute.name] = coerce(attribute, sub_value, f"{extension}:{attribute.name}")
            if ext_doc:
                doc[extension] = ext_doc
            continue
        attribute = rtype.top_level(key)
        if attribute is None or attribute.mutability == "readOnly" or attribute.name == "schemas":
            continue
        doc[attribute.name] = coerce(attribute, value, attribute.name)
    for attribute in rtype.core.attributes.values():
        if attribute.required and not (isinstance(doc.get(attribute.name), str) and doc[attribute.name].strip()):
            raise bad_request("invalidValue", f"'{attribute.name}' is required and must be a non-empty string.")
    return with_schemas(rtype, doc)


def with_schemas(rtype: ResourceType, doc: dict) -> dict:
    """``schemas`` follows what the document holds: the core schema plus each extension present."""
    doc["schemas"] = [rtype.schema] + [urn for urn in rtype.extensions if doc.get(urn)]
    for urn in rtype.extensions:
        if urn in doc and not doc[urn]:
            del doc[urn]
    return doc

