"""Sync logs (CloudThinker): every SCIM write as timestamp, action, resource, SUCCESS / SKIPPED / FAILED.

A write that succeeds is logged inside its own transaction (``VendorStore.record_committed``, through
``Storage.journal``), so the change and its log line commit together. A refused write changed nothing;
it is logged here, after the answer, and a failure to log it is harmless.
"""

from __future__ import annotations

import json

from flask import Response

from .vendor import VendorStore

ACTIONS = {"POST": "CREATE", "PUT": "UPDATE", "PATCH": "UPDATE", "DELETE": "DELETE"}
RESOURCE_ENDPOINTS = {"users": "User", "groups": "Group"}


def status_of(method: str, http_status: int) -> str:
    if 200 <= http_status < 300:
        return "SUCCESS"
    if method == "DELETE" and http_status == 404:
        return "SKIPPED"  # nothing left to delete
    return "FAILED"


def _detail(response: Response) -> str | None:
    try:
        return json.loads(response.get_data()).get("detail")
    except (ValueError, AttributeError):
        return None


def record_refusal(vendor: VendorStore, method: str, path: str, response: Response, configuration: str | None) -> None:
    """Log the refused SCIM writes of one answer (each refused operation of a /Bulk)."""
    if method not in ACTIONS:
        return
    parts = [p for p in path.split("/") if p]
    if not parts or parts[-1] == ".search":
        return
    if parts[0].lower() == "bulk":
        _record_bulk_refusals(vendor, response, configuration)
        return
    resource_type = RESOURCE_ENDPOINTS.get(parts[0].lower())
    if resource_type is None or response.status_code < 400:
        return
    resource_id = parts[1] if len(parts) > 1 else None
    vendor.log(ACTIONS[method], resource_type, resource_id, status_of(method, response.status_code),
               response.status_code, _detail(response), configuration)


def _record_bulk_refusals(vendor: VendorStore, response: Response, configuration: str | None) -> None:
    try:
        operations = json.loads(response.get_data()).get("Operations") or []
    except (ValueError, AttributeError):
        return
    for operation in operations:
        code = int(str(operation.get("status", "500"))[:3])
        if code < 400:
            continue
        location = operation.get("location") or ""
        resource_id = location.rstrip("/").rsplit("/", 1)[-1] if location else None
        resource_type = "Group" if "/Groups/" in location else "User" if "/Users/" in location else None
        method = str(operation.get("method", "POST")).upper()
        detail = (operation.get("response") or {}).get("detail")
        vendor.log(ACTIONS.get(method, method), resource_type, resource_id, status_of(method, code), code, detail,
                   configuration)
