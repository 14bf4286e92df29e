"""The few SCIM shapes both engines build and read."""

from __future__ import annotations

from typing import Any

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
LIST_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:ListResponse"


def patch(*operations: dict) -> dict:
    return {"schemas": [PATCH_OP], "Operations": list(operations)}


def filter_string(value: str) -> str:
    """A value as it goes between the quotes of a filter: backslashes and quotes escaped (RFC 7644 section 3.4.2.2)."""
    return value.replace("\\", "\\\\").replace('"', '\\"')


def eq_filter(attribute: str, value: str, quoted: bool = True) -> str:
    """``attribute eq "value"``, with JSON string escaping of the value (RFC 7644 section 3.4.2.2)."""
    if not quoted:
        return f"{attribute} eq {value}"
    return f'{attribute} eq "{filter_string(value)}"'


def list_problem(body: Any) -> str | None:
    """Why a body is not a usable ListResponse (Okta [O1], Entra [E1] both need integer counts), or None."""
    if not isinstance(body, dict):
        return "the answer is not a JSON object"
    for name in ("totalResults",):
        if not isinstance(body.get(name), int) or isinstance(body.get(name), bool):
            return f"'{name}' is not an integer"
    for name in ("startIndex", "itemsPerPage"):
        if name in body and (not isinstance(body[name], int) or isinstance(body[name], bool)):
            return f"'{name}' is not an integer"
    resources = body.get("Resources", [])
    if resources is None:
        resources = []
    if not isinstance(resources, list):
        return "'Resources' is not a list"
    if body["totalResults"] > 0 and not resources and body.get("itemsPerPage", 1) != 0:
        return "'totalResults' is above 0 but 'Resources' is empty"
    return None


def resources_of(body: Any) -> list[dict]:
    if not isinstance(body, dict):
        return []
    resources = body.get("Resources") or []
    return [r for r in resources if isinstance(r, dict)]


def error_detail(body: Any) -> str:
    """The target's own words from a SCIM Error body, or a short rendering of whatever it sent."""
    if isinstance(body, dict):
        detail = body.get("detail") or body.get("message") or body.get("error")
        if detail:
            return str(detail)
    if body is None:
        return "(empty body)"
    return str(body)[:200]


def retry_after_seconds(headers: dict[str, str], default: float = 60.0) -> float:
    """A 429's Retry-After in seconds (RFC 9110 section 10.2.3, the delay form); ``default`` when absent or unreadable."""
    value = {name.lower(): text for name, text in headers.items()}.get("retry-after")
    try:
        return max(0.0, float(value))
    except (TypeError, ValueError):
        return default
