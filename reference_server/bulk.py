"""/Bulk (RFC 7644 section 3.7): operations in order, ``bulkId`` references, ``failOnErrors``.

An operation whose data names ``bulkId:x`` before ``x`` was created waits until it has been; an
operation whose reference can never resolve (unknown or circular) fails with 409 invalidValue,
as RFC 7644 section 3.7.1 leaves to the server, and its response names the reference.
"""

from __future__ import annotations

import heapq
import logging
import re
from typing import Any

from flask import Blueprint

from .config import ServerConfig
from .errors import ScimError, bad_request
from .limits import MAX_BULK_CHAIN
from .logs import log_unexpected
from .schema import BY_ENDPOINT
from .service import ScimService, etag, to_resource
from .web import PREFIX, base_url, core, request_body, scim_response

BULK_REQUEST = "urn:ietf:params:scim:api:messages:2.0:BulkRequest"
BULK_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:BulkResponse"
_REFERENCE = re.compile(r"^bulkId:(.+)$")
log = logging.getLogger("reference_server")
_PATH = re.compile(r"^/(?P<endpoint>[^/]+)(?:/(?P<id>[^/]+))?$")


def _references(value: Any) -> set[str]:
    if isinstance(value, str):
        match = _REFERENCE.match(value)
        return {match.group(1)} if match else set()
    if isinstance(value, dict):
        return set().union(*(_references(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(_references(v) for v in value)) if value else set()
    return set()


def _dependencies(operation: Any) -> set[str]:
    """The bulkIds an operation needs resolved first: in its data and in its path."""
    if not isinstance(operation, dict):
        return set()
    path = operation.get("path")
    in_path = {path.rsplit("bulkId:", 1)[1]} if isinstance(path, str) and "/bulkId:" in path else set()
    return _references(operation.get("data")) | in_path


def _resolve(value: Any, ids: dict[str, str]) -> Any:
    if isinstance(value, str):
        match = _REFERENCE.match(value)
        return ids[match.group(1)] if match and match.group(1) in ids else value
    if isinstance(value, dict):
        return {k: _resolve(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, ids) for v in value]
    return value


def run_bulk(service: ScimService, config: ServerConfig, body: Any, base_url: str) -> dict:
    """Run every operation once, each as soon as the bulkIds it names exist; report each one's own status."""
    if not isinstance(body, dict) or not isinstance(body.get("Operations"), list):
        raise bad_request("invalidSyntax", "A bulk request needs an 'Operations' array.")
    if BULK_REQUEST not in (body.get("schemas") or []):
        raise bad_request("invalidSyntax", f"A bulk request's 'schemas' must contain {BULK_REQUEST}.")
    operations = body["Operations"]
    if len(operations) > config.bulk_max_operations:
        raise ScimError(413, f"The bulk request has {len(operations)} operations; the maximum is "
                             f"{config.bulk_max_operations} (maxOperations).")
    fail_on_errors = body.get("failOnErrors")
    if fail_on_errors is not None and (isinstance(fail_on_errors, bool) or not isinstance(fail_on_errors, int)):
        raise bad_request("invalidValue", "'failOnErrors' must be an integer.")
    needs = [_dependencies(operation) for operation in operations]
    defined = {str(op["bulkId"]): i for i, op in enumerate(operations) if isinstance(op, dict) and "bulkId" in op}
    chain = _longest_chain(needs, defined)
    if chain > MAX_BULK_CHAIN:
        raise bad_request("invalidValue", f"The bulkId references chain {chain} operations one after another; "
                                          f"this server follows at most {MAX_BULK_CHAIN}.")
    results = _run_in_dependency_order(service, operations, needs, fail_on_errors, base_url)
    return {"schemas": [BULK_RESPONSE], "Operations": [results[i] for i in sorted(results)]}


def _run_in_dependency_order(service: ScimService, operations: list, needs: list[set[str]],
                             fail_on_errors: int | None, base_url: str) -> dict[int, dict]:
    """Linear in the request: each operation waits on a counter of the bulkIds it still needs."""
    ids: dict[str, str] = {}
    unresolved = [len(need) for need in needs]
    waiting: dict[str, list[int]] = {}
    for index, need in enumerate(needs):
        for bulk_id in need:
            waiting.setdefault(bulk_id, []).append(index)
    ready = [index for index, count in enumerate(unresolved) if count == 0]
    heapq.heapify(ready)
    results: dict[int, dict] = {}
    errors = 0
    while ready:
        index = heapq.heappop(ready)
        results[index] = result = _run_one(service, operations[index], ids, base_url)
        if int(result["status"]) >= 400:
            errors += 1
            if fail_on_errors and errors >= fail_on_errors:
                return results
            continue
        created = operations[index].get("bulkId") if result.get("method") == "POST" else None
        for waiter in waiting.pop(str(created), []) if created is not None else []:
            unresolved[waiter] -= 1
            if unresolved[waiter] == 0:
                heapq.heappush(ready, waiter)
    for index in range(len(operations)):
        if index not in results:
            missing = sorted(needs[index] - set(ids))
            results[index] = _failure(operations[index], ScimError(
                409, f"bulkId '{missing[0]}' is never created by this request, or the references are circular.",
                "invalidValue"))
    return results


def _longest_chain(needs: list[set[str]], defined: dict[str, int]) -> int:
    """The longest run of operations each waiting on the previous one (cycles count once), without recursion."""
    depth: dict[int, int] = {}
    for start in range(len(needs)):
        on_path: set[int] = set()
        stack = [(start, False)]
        while stack:
            node, finished = stack.pop()
            if finished:
                on_path.discard(node)
                depth[node] = 1 + max((depth.get(defined[b], 0) for b in needs[node] if b in defined), default=0)
                continue
            if node in depth or node in on_path:
                continue
            on_path.add(node)
            stack.append((node, True))
            stack.extend((defined[b], False) for b in needs[node] if b in defined)
    return max(depth.values(), default=0)


def _failure(operation: Any, error: ScimError) -> dict:
    out = {"status": str(error.status), "response": error.body()}
    if isinstance(operation, dict):
        out = {"method": operation.get("method"), **({"bulkId": operation["bulkId"]} if "bulkId" in operation else {}),
               **out}
    return out


def _run_one(service: ScimService, operation: Any, ids: dict[str, str], base_url: str) -> dict:
    try:
        if not isinstance(operation, dict):
            raise bad_request("invalidSyntax", "Each bulk operation must be an object.")
        method = str(operation.get("method", "")).upper()
        path = _resolve(operation.get("path"), ids)
        match = _PATH.match(path) if isinstance(path, str) else None
        rtype = BY_ENDPOINT.get(match.group("endpoint").lower()) if match else None
        if rtype is None:
            raise bad_request("invalidPath", f"Bulk path {path!r} is not /Users, /Groups or one of their resources.")
        resource_id = match.group("id")
        if resource_id:
            resource_id = _resolve(f"bulkId:{resource_id[7:]}", ids) if resource_id.startswith("bulkId:") else resource_id
        data = _resolve(operation.get("data"), ids)
        version = operation.get("version")

        def if_match(stored):
            if version is not None and version not in (etag(stored), etag(stored)[2:]):
                raise ScimError(412, f"The resource's version is {etag(stored)}, not {version}.")

        if method == "POST" and not resource_id:
            if "bulkId" not in operation:
                raise bad_request("invalidValue", "A bulk POST needs a 'bulkId'.")
            stored = service.create(rtype, data)
            ids[str(operation["bulkId"])] = stored.id
            status = 201
        elif method == "PUT" and resource_id:
            stored = service.replace(rtype, resource_id, data, if_match)
            status = 200
        elif method == "PATCH" and resource_id:
            stored = service.patch(rtype, resource_id, data, if_match)
            status = 200
        elif method == "DELETE" and resource_id:
            service.delete(rtype, resource_id, if_match)
            return {"method": method, "location": f"{base_url}/{rtype.endpoint}/{resource_id}", "status": "204"}
        else:
            raise bad_request("invalidSyntax", f"Bulk method {method or '(none)'} does not apply to {path}.")
        resource = to_resource(stored, base_url)
        out = {"method": method, "location": resource["meta"]["location"], "version": etag(stored),
               "status": str(status)}
        if "bulkId" in operation:
            out["bulkId"] = operation["bulkId"]
        return out
    except ScimError as error:
        return _failure(operation, error)
    except Exception:  # noqa: BLE001 - one operation's failure must not lose the others' answers
        log_unexpected(log, "a /Bulk operation")
        return _failure(operation, ScimError(500, "The server failed to process this operation; nothing of it was kept."))


def bulk_blueprint() -> Blueprint:
    bulk = Blueprint("bulk", __name__, url_prefix=PREFIX)

    @bulk.post("/Bulk")
    def run():
        return scim_response(run_bulk(core()["service"], core()["config"], request_body(), base_url()))

    return bulk
