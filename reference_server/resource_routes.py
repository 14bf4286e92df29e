"""/Users and /Groups: create, read, replace, PATCH, delete (RFC 7644 sections 3.3 to 3.6), lists with
filters and pages, and searches by POST (/.search and /{type}/.search, section 3.4.3)."""

from __future__ import annotations

from flask import Blueprint, Response, request

from .discovery import DISCOVERY
from .errors import ScimError, bad_request, not_found
from .projection import parse_attribute_list, project
from .schema import BY_ENDPOINT, RESOURCE_TYPES, ResourceType
from .service import ListQuery, etag, to_resource
from .storage import Stored
from .web import PREFIX, base_url, core, request_body, scim_response

SEARCH_REQUEST = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"
READ_ONLY_ENDPOINTS = {name.lower() for name in DISCOVERY}
"""Discovery endpoints (RFC 7644 section 4): any method but GET is answered 405, not 404."""


def resources_blueprint() -> Blueprint:
    resources = Blueprint("resources", __name__, url_prefix=PREFIX)

    @resources.get("/<endpoint>")
    def list_resources(endpoint: str):
        return scim_response(core()["service"].search([rtype_for(endpoint)], list_query_from_args(), base_url()))

    @resources.post("/<endpoint>/.search")
    def search_type(endpoint: str):
        return scim_response(core()["service"].search([rtype_for(endpoint)], list_query_from_body(), base_url()))

    @resources.post("/.search")
    def search_all():
        return scim_response(core()["service"].search(list(RESOURCE_TYPES.values()), list_query_from_body(), base_url()))

    @resources.post("/<endpoint>")
    def create(endpoint: str):
        return resource_response(core()["service"].create(rtype_for(endpoint), request_body()), 201)

    @resources.get("/<endpoint>/<resource_id>")
    def get_one(endpoint: str, resource_id: str):
        stored = core()["service"].get(rtype_for(endpoint), resource_id)
        none_match = request.headers.get("If-None-Match")
        if none_match and (none_match.strip() == "*" or etag(stored) in {t.strip() for t in none_match.split(",")}):
            return Response(status=304, headers={"ETag": etag(stored)})
        return resource_response(stored)

    @resources.put("/<endpoint>/<resource_id>")
    def replace(endpoint: str, resource_id: str):
        rtype = rtype_for(endpoint)
        return resource_response(core()["service"].replace(rtype, resource_id, request_body(), if_match_check))

    @resources.patch("/<endpoint>/<resource_id>")
    def patch(endpoint: str, resource_id: str):
        rtype = rtype_for(endpoint)
        return resource_response(core()["service"].patch(rtype, resource_id, request_body(), if_match_check))

    @resources.delete("/<endpoint>/<resource_id>")
    def delete(endpoint: str, resource_id: str):
        core()["service"].delete(rtype_for(endpoint), resource_id, if_match_check)
        return Response(status=204)

    return resources


def rtype_for(endpoint: str) -> ResourceType:
    rtype = BY_ENDPOINT.get(endpoint.lower())
    if rtype is None:
        if endpoint.lower() in READ_ONLY_ENDPOINTS:
            raise ScimError(405, f"{request.method} is not allowed on /{endpoint}; it is read-only (GET).")
        raise not_found(f"There is no SCIM endpoint at {request.path}.")
    return rtype


def resource_response(stored: Stored, status: int = 200) -> Response:
    body = to_resource(stored, base_url())
    attributes = parse_attribute_list(request.args.get("attributes"), "attributes")
    excluded = parse_attribute_list(request.args.get("excludedAttributes"), "excludedAttributes")
    headers = {"ETag": etag(stored)}
    if status == 201:
        headers["Location"] = body["meta"]["location"]
    return scim_response(project(RESOURCE_TYPES[stored.type], body, attributes, excluded), status, headers)


def if_match_check(stored: Stored) -> None:
    header = request.headers.get("If-Match")
    if header is None:
        return
    wanted = {tag.strip() for tag in header.split(",")}
    if "*" not in wanted and not ({etag(stored), etag(stored)[2:]} & wanted):
        raise ScimError(412, f"The resource's version is {etag(stored)}, not {header} (If-Match).")


def list_query_from_args() -> ListQuery:
    args = request.args
    return ListQuery(
        filter=args.get("filter"),
        sort_by=args.get("sortBy"),
        sort_order=args.get("sortOrder"),
        start_index=args.get("startIndex"),
        count=args.get("count"),
        attributes=parse_attribute_list(args.get("attributes"), "attributes"),
        excluded=parse_attribute_list(args.get("excludedAttributes"), "excludedAttributes"),
    )


def list_query_from_body() -> ListQuery:
    data = request_body()
    if not isinstance(data, dict):
        raise bad_request("invalidSyntax", "A search request must be a JSON object.")
    schemas_field = data.get("schemas")
    if schemas_field is not None and SEARCH_REQUEST not in (schemas_field or []):
        raise bad_request("invalidSyntax", f"A search request's 'schemas' must contain {SEARCH_REQUEST}.")
    filter_text = data.get("filter")
    if filter_text is not None and not isinstance(filter_text, str):
        raise bad_request("invalidFilter", "'filter' must be a string.")
    return ListQuery(
        filter=filter_text,
        sort_by=data.get("sortBy") if isinstance(data.get("sortBy"), str) else None,
        sort_order=data.get("sortOrder") if isinstance(data.get("sortOrder"), str) else None,
        start_index=data.get("startIndex"),
        count=data.get("count"),
        attributes=parse_attribute_list(_joined(data, "attributes"), "attributes"),
        excluded=parse_attribute_list(_joined(data, "excludedAttributes"), "excludedAttributes"),
    )


def _joined(data: dict, name: str) -> str | None:
    """A search request's attribute list, given as one comma-separated string or a list of paths."""
    value = data.get(name)
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ",".join(value)
    raise bad_request("invalidValue", f"'{name}' must be a list of attribute paths.")
