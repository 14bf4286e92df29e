"""The kind each request is counted under in Locust's figures: what the IdP meant by it, not its URL.

Ids in paths would make every request a kind of its own; a kind names the operation and the resource:
"lookup user" (a filtered GET), "create group", "patch group members" (a PATCH whose operations touch
``members``), "list users" (unfiltered pages: imports and connection tests), "read back group" (the
harness's own read, not IdP traffic).
"""

from __future__ import annotations

from typing import Any

RESOURCES = {"Users": "user", "Groups": "group"}
WRITES = {"POST": "create", "PUT": "replace", "DELETE": "delete"}


def request_kind(method: str, path: str, query: list[tuple[str, Any]] | None = None, body: Any = None,
                 by: str = "idp") -> str:
    """The kind of one request, e.g. ``request_kind("GET", "/Users", [("filter", ...)])`` is "lookup user"."""
    parts = [part for part in path.split("/") if part]
    resource = RESOURCES.get(parts[0], parts[0].lower()) if parts else "root"
    one = len(parts) > 1
    if by == "verify":
        return f"read back {resource}"
    if method == "GET":
        if one:
            return f"read {resource}"
        return f"lookup {resource}" if any(name == "filter" for name, _ in query or []) else f"list {resource}s"
    if method == "PATCH":
        return f"patch {resource} members" if resource == "group" and touches_members(body) else f"patch {resource}"
    return f"{WRITES.get(method, method.lower())} {resource}"


def touches_members(body: Any) -> bool:
    """A PATCH body with an operation on ``members`` (by path, or as a key of a pathless value)."""
    operations = body.get("Operations") if isinstance(body, dict) else None
    for operation in operations if isinstance(operations, list) else []:
        if not isinstance(operation, dict):
            continue
        path = str(operation.get("path") or "")
        value = operation.get("value")
        if path.lower().startswith("members") or (isinstance(value, dict) and "members" in value):
            return True
    return False
