"""PATCH (RFC 7644 section 3.5.2), plus the dialects Okta and Entra really send.

``apply_patch`` works on a copy of the stored document and returns the new one; any failing
operation raises, so a request is applied whole or not at all. Tolerated beyond the RFC, each
from idp-behaviour.md:
- op names in any case (Entra's ``Replace``, 2.4) and ``"True"``/``"False"`` strings for booleans;
- a pathless value with dotted keys (``name.givenName``) and URN-qualified keys (2.4, the
  ``aadOptscim062020`` form);
- ``Add`` on a filtered path whose element does not exist yet creates it (2.4);
- Entra's ``{"op":"Remove","path":"members","value":[{"value":ID}]}`` removes only those
  members (2.7), where a naive server empties the group;
- Okta's group ``{"op":"replace","value":{"id":..,"displayName":..}}`` (1.8): an ``id`` equal
  to the resource's own is accepted as a no-op.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from .errors import bad_request
from .limits import MAX_PATCH_OPERATIONS
from .filter import And, AttrRef, Compare, Resolved, compile_node, parse_path, split_attr_path
from .resources import check_single_primary, coerce, with_schemas
from .schema import Attribute, ResourceType

PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
OPS = {"add", "replace", "remove"}
_MISSING = object()


def apply_patch(rtype: ResourceType, doc: dict, body: Any, resource_id: str) -> dict:
    operations = _coalesced(_operations(body))
    result = copy.deepcopy(doc)
    for index, operation in enumerate(operations, start=1):
        _apply(rtype, result, operation, index, resource_id)
    for attribute in rtype.core.attributes.values():
        if attribute.required and not (isinstance(result.get(attribute.name), str) and result[attribute.name].strip()):
            raise bad_request("invalidValue", f"The PATCH would leave the required '{attribute.name}' empty.")
    return with_schemas(rtype, result)


def _operations(body: Any) -> list[dict]:
    if not isinstance(body, dict):
        raise bad_request("invalidSyntax", "A PATCH body must be a JSON object with 'Operations'.")
    schemas = body.get("schemas")
    if schemas is not None and (not isinstance(schemas, list) or PATCH_SCHEMA not in schemas):
        raise bad_request("invalidSyntax", f"A PATCH body's 'schemas' must contain {PATCH_SCHEMA}.")
    operations = next((v for k, v in body.items() if isinstance(k, str) and k.lower() == "operations"), None)
    if not isinstance(operations, list) or not operations:
        raise bad_request("invalidSyntax", "A PATCH body needs a non-empty 'Operations' array.")
    if len(operations) > MAX_PATCH_OPERATIONS:
        raise bad_request("invalidValue", f"The PATCH has {len(operations):,} operations; this server takes at most "
                                          f"{MAX_PATCH_OPERATIONS:,} in one request.")
    for index, operation in enumerate(operations, start=1):
        if not isinstance(operation, dict):
            raise bad_request("invalidSyntax", f"Operation {index} must be an object with 'op', 'path' and 'value'.")
    return operations


def _member_add(operation: dict) -> list | None:
    """The members an ``add`` on the path ``members`` adds (a list), or None for any other operation."""
    op, path, value = _field(operation, "op"), _field(operation, "path"), _field(operation, "value")
    if isinstance(op, str) and op.lower() == "add" and isinstance(path, str) and path.strip().lower() == "members" \
            and isinstance(value, list):
        return value
    return None


def _coalesced(operations: list[dict]) -> list[dict]:
    """Consecutive member adds become one add of all their members: the same result (adding is a union),
    reached in time linear in the request rather than once per operation over the whole group."""
    out: list[dict] = []
    merged: list | None = None
    for operation in operations:
        added = _member_add(operation)
        if added is not None and merged is not None:
            merged.extend(added)
            continue
        if added is not None:
            merged = list(added)
            out.append({"op": "add", "path": "members", "value": merged})
        else:
            merged = None
            out.append(operation)
    return out


def _field(operation: dict, name: str) -> Any:
    for key, value in operation.items():
        if isinstance(key, str) and key.lower() == name:
            return value
    return _MISSING


def _apply(rtype: ResourceType, doc: dict, operation: dict, index: int, resource_id: str) -> None:
    op = _field(operation, "op")
    if not isinstance(op, str) or op.lower() not in OPS:
        raise bad_request("invalidSyntax", f"Operation {index}: 'op' must be add, replace or remove, not {op!r}.")
    op = op.lower()
    path = _field(operation, "path")
    value = _field(operation, "value")
    if path is _MISSING or path is None:
        if op == "remove":
            raise bad_request("noTarget", f"Operation {index}: remove needs a 'path'.")
        if not isinstance(value, dict):
            raise bad_request("invalidValue", f"Operation {index}: {op} without a path needs an object 'value'.")
        _apply_pathless(rtype, doc, op, value, resource_id)
        return
    if not isinstance(path, str):
        raise bad_request("invalidPath", f"Operation {index}: 'path' must be a string.")
    if op != "remove" and value is _MISSING:
        raise bad_request("invalidValue", f"Operation {index}: {op} needs a 'value'.")
    extension = rtype.extension_urn(path.strip())
    if extension is not None:
        _apply_extension_object(rtype, doc, op, extension, value)
        return
    _apply_path(rtype, doc, op, parse_path(path), None if value is _MISSING else value, resource_id)


def _apply_pathless(rtype: ResourceType, doc: dict, op: str, value: dict, resource_id: str) -> None:
    """Each key of the value is a path: plain, dotted (``name.givenName``) or URN-qualified."""
    for key, item in value.items():
        if not isinstance(key, str) or key.lower() in ("schemas", "meta"):
            continue
        extension = rtype.extension_urn(key)
        if extension is not None:
            _apply_extension_object(rtype, doc, op, extension, item)
            continue
        ref = split_attr_path(key, key) if _looks_like_path(key) else None
        if ref is None or rtype.attribute(ref.urn, ref.name) is None:
            continue  # unknown attributes are ignored, as on POST and PUT
        _apply_path(rtype, doc, op, ref, item, resource_id, pathless=True)


def _looks_like_path(key: str) -> bool:
    try:
        split_attr_path(key, key)
    except Exception:
        return False
    return True


def _apply_extension_object(rtype: ResourceType, doc: dict, op: str, extension: str, value: Any) -> None:
    if op == "remove":
        doc.pop(extension, None)
        return
    if not isinstance(value, dict):
        raise bad_request("invalidValue", f"The value for '{extension}' must be an object of its attributes.")
    for key, item in value.items():
        if isinstance(key, str) and rtype.attribute(extension, key) is not None:
            _apply_path(rtype, doc, op, AttrRef(extension, key), item, "")


def _apply_path(rtype: ResourceType, doc: dict, op: str, ref: AttrRef, value: Any, resource_id: str,
                pathless: bool = False) -> None:
    found = rtype.attribute(ref.urn, ref.name)
    if found is None:
        shown = f"{ref.urn}:{ref.name}" if ref.urn else ref.name
        raise bad_request("invalidPath", f"'{shown}' is not an attribute of {rtype.name} resources.")
    extension, attribute = found
    if attribute.name == "schemas":
        return
    if attribute.mutability == "readOnly":
        if attribute.name == "id" and op == "replace" and value == resource_id:
            return  # Okta's group replace repeats the id it already has (idp-behaviour.md 1.8)
        if pathless and attribute.name == "groups":
            return
        raise bad_request("mutability", f"'{attribute.name}' is read-only and cannot be changed by PATCH.")
    holder = doc.setdefault(extension, {}) if extension else doc
    sub = None
    if ref.sub is not None:
        sub = attribute.sub(ref.sub)
        if sub is None:
            raise bad_request("invalidPath", f"'{ref.sub}' is not a sub-attribute of '{attribute.name}'.")
        if sub.mutability == "readOnly":
            raise bad_request("mutability", f"'{attribute.name}.{sub.name}' is read-only.")
    if ref.value_filter is not None:
        _apply_filtered(rtype, holder, op, extension, attribute, sub, ref, value)
    elif sub is not None:
        _apply_sub(holder, op, attribute, sub, value)
    else:
        _apply_whole(holder, op, attribute, value)
    if extension and not holder:
        doc.pop(extension, None)


def _apply_whole(holder: dict, op: str, attribute: Attribute, value: Any) -> None:
    name = attribute.name
    if op == "remove":
        if attribute.required:
            raise bad_request("mutability", f"'{name}' is required and cannot be removed.")
        if value is not None and attribute.multi_valued and attribute.type == "complex":
            _remove_listed(holder, attribute, value)
        else:
            holder.pop(name, None)
        return
    if value is None or _clears(attribute, value):
        holder.pop(name, None)
        return
    new = coerce(attribute, value, name)
    if attribute.multi_valued:
        if op == "replace":
            holder[name] = _dedupe(attribute, new)
        else:
            existing = holder.get(name) or []
            merged = _dedupe(attribute, existing + new)
            _promote(merged, [item for item in new if isinstance(item, dict) and item.get("primary") is True])
            holder[name] = merged
        if not holder[name]:
            holder.pop(name)
    elif attribute.type == "complex":
        # RFC 7644 3.5.2.1/3.5.2.3: sub-attributes not given are left unchanged, except those that
        # describe the old value: a new manager id makes the old manager's $ref and displayName wrong.
        current = holder.get(name) or {}
        if "value" in new and new["value"] != current.get("value"):
            current = {}
        holder[name] = {**current, **new}
    else:
        holder[name] = new


def _clears(attribute: Attribute, value: Any) -> bool:
    """An empty string clears a singular attribute, as Microsoft's SCIM validator expects of a PATCH.

    RFC 7643 section 2.5 makes null and unassigned the same state; Entra's gallery validation
    (SCIM_Null_Update_Test) sends ``""`` and expects the attribute cleared. A manager is cleared the
    same way, in both shapes Entra sends it: ``""`` on the path, or ``{"value": ""}`` (idp-behaviour.md 5).
    """
    if attribute.multi_valued:
        return False
    if attribute.type == "complex":
        if isinstance(value, list) and len(value) == 1:
            value = value[0]
        if value == "":
            return True
        return isinstance(value, dict) and set(value) <= {"value", "$ref", "displayName"} \
            and value.get("value") in ("", None)
    return value == "" and attribute.type in ("string", "reference")


def _remove_listed(holder: dict, attribute: Attribute, value: Any) -> None:
    """Entra's member removal: ``path: members`` with the members to remove as the value (2.7)."""
    listed = value if isinstance(value, list) else [value]
    keys = {item.get("value") if isinstance(item, dict) else item for item in listed}
    keys.discard(None)
    if not keys:
        raise bad_request("invalidValue", f"Removing from '{attribute.name}' by value needs elements with a 'value'.")
    remaining = [item for item in holder.get(attribute.name) or [] if item.get("value") not in keys]
    if remaining:
        holder[attribute.name] = remaining
    else:
        holder.pop(attribute.name, None)


def _apply_sub(holder: dict, op: str, attribute: Attribute, sub: Attribute, value: Any) -> None:
    where = f"{attribute.name}.{sub.name}"
    if attribute.type != "complex":
        raise bad_request("invalidPath", f"'{attribute.name}' has no sub-attributes.")
    targets = holder.get(attribute.name)
    if attribute.multi_valued:
        elements = targets or []
    else:
        if targets is None:
            if op == "remove" or value is None:
                return
            targets = holder[attribute.name] = {}
        elements = [targets]
    for element in elements:
        if op == "remove" or value is None or (not attribute.multi_valued and _clears(sub, value)):
            element.pop(sub.name, None)
        else:
            element[sub.name] = coerce(sub, value, where)
    if not attribute.multi_valued and not holder[attribute.name]:
        holder.pop(attribute.name)


def _apply_filtered(rtype: ResourceType, holder: dict, op: str, extension: str | None, attribute: Attribute,
                    sub: Attribute | None, ref: AttrRef, value: Any) -> None:
    if attribute.type == "complex" and not attribute.multi_valued and op == "remove" and sub is None:
        _remove_singular_filtered(rtype, holder, extension, attribute, ref)
        return
    if not (attribute.type == "complex" and attribute.multi_valued):
        raise bad_request("invalidPath", f"'{attribute.name}' is not multi-valued; it cannot take a [value filter].")
    matches_filter = compile_node(ref.value_filter, rtype, str(ref), scope=Resolved(extension, attribute, None))
    elements = holder.get(attribute.name) or []
    matched = [element for element in elements if matches_filter(element)]
    if op == "remove":
        if sub is not None:
            for element in matched:
                element.pop(sub.name, None)
        else:
            kept = [element for element in elements if element not in matched]
            if kept:
                holder[attribute.name] = kept
            else:
                holder.pop(attribute.name, None)
        return
    if sub is not None and (value is None or _clears(sub, value)):
        _clear_filtered(holder, attribute, elements, matched, sub)
        return
    single = Attribute(attribute.name, "complex", sub_attributes=attribute.sub_attributes)
    if not matched:
        if op == "replace":
            raise bad_request("noTarget", f"No value of '{attribute.name}' matches the filter of the path.")
        # Entra adds to a filtered path whose element does not exist yet: create it (2.4).
        seed = _equalities(ref.value_filter, attribute)
        element = coerce(single, seed, attribute.name)
        elements = elements + [element]
        holder[attribute.name] = elements
        matched = [element]
    for element in matched:
        if sub is not None:
            element[sub.name] = coerce(sub, value, f"{attribute.name}.{sub.name}")
        elif op == "replace":
            new = coerce(single, value, attribute.name)
            element.clear()
            element.update(new)
        else:
            element.update(coerce(single, value, attribute.name))
    _promote(elements, [element for element in matched if element.get("primary") is True])
    check_single_primary(elements, attribute.name)


def _remove_singular_filtered(rtype: ResourceType, holder: dict, extension: str | None, attribute: Attribute,
                              ref: AttrRef) -> None:
    """Entra has been seen removing a manager with ``manager[value eq "<id>"]`` (thomaspoignant/scim-patch#453 [F24]),
    a filter on a singular attribute that RFC 7644 does not define: the value goes when the filter matches it."""
    current = holder.get(attribute.name)
    matches_filter = compile_node(ref.value_filter, rtype, str(ref), scope=Resolved(extension, attribute, None))
    if isinstance(current, dict) and matches_filter(current):
        holder.pop(attribute.name)


def _clear_filtered(holder: dict, attribute: Attribute, elements: list, matched: list, sub: Attribute) -> None:
    """``emails[type eq "work"].value`` set to null or "": the value goes, and with it an element left
    without one (an email with a type and no address means nothing). Nothing matched: nothing to clear."""
    for element in matched:
        element.pop(sub.name, None)
    kept = [element for element in elements if element not in matched or "value" in element
            or attribute.sub("value") is None]
    if kept:
        holder[attribute.name] = kept
    else:
        holder.pop(attribute.name, None)


def _equalities(node, attribute: Attribute) -> dict:
    """``type eq "work" and primary eq true`` -> {"type": "work", "primary": True}."""
    if isinstance(node, And):
        return {**_equalities(node.left, attribute), **_equalities(node.right, attribute)}
    if isinstance(node, Compare) and node.op == "eq" and node.value is not None:
        sub = attribute.sub(node.path.name)
        if sub is not None:
            return {sub.name: node.value}
    return {}


def _promote(elements: list, winners: list) -> None:
    """RFC 7644 3.5.2: setting one value primary makes every other value non-primary."""
    if not winners:
        return
    winner = winners[-1]
    for element in elements:
        if element is not winner and isinstance(element, dict) and element.get("primary") is True:
            element["primary"] = False


def _dedupe(attribute: Attribute, items: list) -> list:
    """Adding a value that is already there adds nothing; members are the same by ``value``."""
    seen, out = set(), []
    for item in items:
        if attribute.name == "members" and isinstance(item, dict):
            key = item.get("value")
        else:
            key = json.dumps(item, sort_keys=True)
        if key in seen:
            continue
        seen.add(key)
        out.append(item)
    return out
