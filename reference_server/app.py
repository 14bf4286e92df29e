"""The Flask app factory: HTTP in front of ``ScimService``.

Every answer is ``application/scim+json``; every failure, including unknown routes, wrong
methods, malformed JSON and oversized bodies, is a SCIM Error body. Nothing reaches a client as
a 500 page: an unexpected exception is logged and answered with a SCIM Error too.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from flask import Flask, Response, g, has_request_context, request
from werkzeug.exceptions import HTTPException

from .admin import ADMIN_PREFIX, admin_blueprint
from .auth import CHALLENGE, TokenVerifier
from .bulk import run_bulk
from .config import ServerConfig, utc_now
from .discovery import resource_types, schemas, service_provider_config
from .errors import ScimError, bad_request, not_found
from .limits import load_json
from .logs import limit_logging, log_unexpected
from .projection import parse_attribute_list, project
from .schema import BY_ENDPOINT, RESOURCE_TYPES, SCHEMAS, ResourceType
from .service import ListQuery, ScimService, etag, to_resource
from .storage import Storage, Stored
from .sync_log import record_refusal
from .vendor import ServerClock, VendorStore

SCIM_JSON = "application/scim+json"
PREFIX = "/scim/v2"
SEARCH_REQUEST = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"
DISCOVERY = ("ServiceProviderConfig", "ResourceTypes", "Schemas")

log = logging.getLogger("reference_server")


READ_ONLY_ENDPOINTS = {name.lower() for name in DISCOVERY}
"""Discovery endpoints (RFC 7644 section 4): any method but GET is answered 405, not 404."""


def scim_response(body: Any, status: int = 200, headers: dict | None = None) -> Response:
    response = Response(_encoded(body), status=status, content_type=f"{SCIM_JSON}; charset=utf-8")
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _encoded(body: Any) -> bytes:
    """UTF-8 JSON; text that UTF-8 cannot carry (a lone surrogate) is sent escaped rather than failing."""
    if body is None:
        return b""
    try:
        return json.dumps(body, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(body).encode("ascii")


def own_address(environ: dict) -> str:
    """scheme://name[:port] from the server's own WSGI variables, which a client's headers do not set."""
    scheme, name, port = environ["wsgi.url_scheme"], environ["SERVER_NAME"], str(environ.get("SERVER_PORT", ""))
    default = {"http": "80", "https": "443"}.get(scheme)
    host = f"[{name}]" if ":" in name else name
    return f"{scheme}://{host}" if port in ("", default) else f"{scheme}://{host}:{port}"


def error_response(error: ScimError) -> Response:
    return scim_response(error.body(), error.status, error.headers)


def create_app(config: ServerConfig) -> Flask:
    limit_logging()
    app = Flask("reference_server")
    app.config["MAX_CONTENT_LENGTH"] = config.max_payload_bytes
    server_clock = ServerClock(movable=config.movable_clock)
    storage = Storage(config.db_path, server_clock if config.clock is utc_now else config.clock)
    service = ScimService(storage, config.max_results, config.max_scan,
                         limits={"User": config.max_users, "Group": config.max_groups})
    verifier = TokenVerifier(config.tokens)
    vendor = VendorStore(config.db_path, server_clock)
    app.extensions["scim"] = {"config": config, "storage": storage, "service": service, "verifier": verifier,
                              "vendor": vendor, "clock": server_clock}
    if config.admin_tokens:
        app.register_blueprint(admin_blueprint(vendor, service, server_clock, config.admin_tokens))

    def journal(conn, action: str, resource_type: str, resource_id: str) -> None:
        """Inside a SCIM write's transaction: its sync-log line (writes made by the admin API are not SCIM writes)."""
        if has_request_context() and g.get("scim_authenticated"):
            vendor.record_committed(conn, action, resource_type, resource_id, g.get("scim_configuration"))

    storage.journal = journal

    trusted_hosts = {host.lower() for host in config.trusted_hosts}

    def base_url() -> str:
        """Where this server's resources live: a trusted Host, else the configured base URL, else its own address."""
        if request.host.lower() in trusted_hosts:
            return request.host_url.rstrip("/") + PREFIX
        if config.base_url:
            return config.base_url.rstrip("/")
        return own_address(request.environ) + PREFIX

    def resource_response(stored: Stored, status: int = 200) -> Response:
        rtype = RESOURCE_TYPES[stored.type]
        body = to_resource(stored, base_url())
        attributes = parse_attribute_list(request.args.get("attributes"), "attributes")
        excluded = parse_attribute_list(request.args.get("excludedAttributes"), "excludedAttributes")
        headers = {"ETag": etag(stored)}
        if status == 201:
            headers["Location"] = body["meta"]["location"]
        return scim_response(project(rtype, body, attributes, excluded), status, headers)

    # --- cross-cutting -------------------------------------------------------------------------

    @app.before_request
    def authenticate():
        g.scim_configuration = None
        if request.path.startswith(ADMIN_PREFIX + "/"):
            return None  # the admin API checks its own tokens
        path = request.path[len(PREFIX):] if request.path.startswith(PREFIX) else request.path
        first = path.strip("/").split("/")[0]
        if config.anonymous_discovery and first in DISCOVERY and request.method == "GET":
            return None
        presented = verifier.presented(request.headers.get("Authorization"))
        if not verifier.accepts(presented):
            configuration, refusal = vendor.configuration_for(presented)
            if configuration is None:
                raise ScimError(401, "The bearer token is not valid for this server.", headers=CHALLENGE)
            if refusal:
                raise ScimError(401, refusal, headers=CHALLENGE)
            g.scim_configuration = configuration
        g.scim_authenticated = True
        length = request.content_length
        if length is not None and length > config.max_payload_bytes:
            raise ScimError(413, f"The request body of {length} bytes is larger than this server's maximum of "
                                 f"{config.max_payload_bytes} bytes (maxPayloadSize).")
        return None

    @app.after_request
    def log_writes(response: Response) -> Response:
        """The sync log of an authenticated write that was refused (successes are logged in their own
        transaction). Its failure is logged and never changes the answer."""
        if not g.get("scim_authenticated") or not request.path.startswith(PREFIX + "/"):
            return response
        try:
            record_refusal(vendor, request.method, request.path[len(PREFIX):], response, g.get("scim_configuration"))
        except Exception:  # noqa: BLE001
            log_unexpected(log, f"the sync log of {request.method} {request.path[:200]}")
        return response

    @app.errorhandler(ScimError)
    def on_scim_error(error: ScimError):
        return error_response(error)

    @app.errorhandler(HTTPException)
    def on_http_error(error: HTTPException):
        status = error.code or 500
        details = {
            404: f"There is no SCIM endpoint at {request.path}.",
            405: f"{request.method} is not allowed on {request.path}.",
            413: f"The request body is larger than this server's maximum of {config.max_payload_bytes} bytes.",
        }
        headers = {"Allow": ", ".join(error.valid_methods)} if getattr(error, "valid_methods", None) else {}
        if status == 400:
            return error_response(bad_request("invalidSyntax", "The request could not be read."))
        return scim_response(ScimError(status, details.get(status, error.description or error.name)).body(),
                             status, headers)

    @app.errorhandler(Exception)
    def on_unexpected(error: Exception):
        log_unexpected(log, f"{request.method} {request.path[:200]}")
        return error_response(ScimError(500, "The server failed to process this request; the failure is logged."))

    def body() -> Any:
        raw = request.get_data(cache=True)
        if not raw.strip():
            raise bad_request("invalidSyntax", "The request body is empty; send a JSON object.")
        return load_json(raw)

    def rtype_for(endpoint: str) -> ResourceType:
        rtype = BY_ENDPOINT.get(endpoint.lower())
        if rtype is None:
            if endpoint.lower() in READ_ONLY_ENDPOINTS:
                raise ScimError(405, f"{request.method} is not allowed on /{endpoint}; it is read-only (GET).")
            raise not_found(f"There is no SCIM endpoint at {request.path}.")
        return rtype

    def if_match_check(stored: Stored) -> None:
        header = request.headers.get("If-Match")
        if header is None:
            return
        wanted = {tag.strip() for tag in header.split(",")}
        if "*" not in wanted and not ({etag(stored), etag(stored)[2:]} & wanted):
            raise ScimError(412, f"The resource's version is {etag(stored)}, not {header} (If-Match).")

    # --- discovery -----------------------------------------------------------------------------

    @app.get(f"{PREFIX}/ServiceProviderConfig")
    def get_service_provider_config():
        return scim_response(service_provider_config(config, base_url()))

    def list_of(items: list[dict]) -> dict:
        return {"schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"], "totalResults": len(items),
                "startIndex": 1, "itemsPerPage": len(items), "Resources": items}

    @app.get(f"{PREFIX}/ResourceTypes")
    def get_resource_types():
        return scim_response(list_of(resource_types(base_url())))

    @app.get(f"{PREFIX}/ResourceTypes/<name>")
    def get_resource_type(name: str):
        for item in resource_types(base_url()):
            if item["id"].lower() == name.lower():
                return scim_response(item)
        raise not_found(f"No resource type '{name}'.")

    @app.get(f"{PREFIX}/Schemas")
    def get_schemas():
        return scim_response(list_of(schemas(base_url())))

    @app.get(f"{PREFIX}/Schemas/<path:schema_id>")
    def get_schema(schema_id: str):
        for urn, schema in SCHEMAS.items():
            if urn.lower() == schema_id.lower():
                return scim_response(schema.to_dict(base_url()))
        raise not_found(f"No schema '{schema_id}'.")

    @app.route(f"{PREFIX}/Me", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    def me():
        raise ScimError(501, "/Me is not implemented: this server does not map bearer tokens to Users.")

    # --- resources -----------------------------------------------------------------------------

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
        data = body()
        if not isinstance(data, dict):
            raise bad_request("invalidSyntax", "A search request must be a JSON object.")
        schemas_field = data.get("schemas")
        if schemas_field is not None and SEARCH_REQUEST not in (schemas_field or []):
            raise bad_request("invalidSyntax", f"A search request's 'schemas' must contain {SEARCH_REQUEST}.")

        def joined(name: str) -> str | None:
            value = data.get(name)
            if value is None:
                return None
            if isinstance(value, str):
                return value
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                return ",".join(value)
            raise bad_request("invalidValue", f"'{name}' must be a list of attribute paths.")

        filter_text = data.get("filter")
        if filter_text is not None and not isinstance(filter_text, str):
            raise bad_request("invalidFilter", "'filter' must be a string.")
        return ListQuery(
            filter=filter_text,
            sort_by=data.get("sortBy") if isinstance(data.get("sortBy"), str) else None,
            sort_order=data.get("sortOrder") if isinstance(data.get("sortOrder"), str) else None,
            start_index=data.get("startIndex"),
            count=data.get("count"),
            attributes=parse_attribute_list(joined("attributes"), "attributes"),
            excluded=parse_attribute_list(joined("excludedAttributes"), "excludedAttributes"),
        )

    @app.get(f"{PREFIX}/<endpoint>")
    def list_resources(endpoint: str):
        rtype = rtype_for(endpoint)
        return scim_response(service.search([rtype], list_query_from_args(), base_url()))

    @app.post(f"{PREFIX}/<endpoint>/.search")
    def search_type(endpoint: str):
        rtype = rtype_for(endpoint)
        return scim_response(service.search([rtype], list_query_from_body(), base_url()))

    @app.post(f"{PREFIX}/.search")
    def search_all():
        return scim_response(service.search(list(RESOURCE_TYPES.values()), list_query_from_body(), base_url()))

    @app.post(f"{PREFIX}/<endpoint>")
    def create(endpoint: str):
        rtype = rtype_for(endpoint)
        return resource_response(service.create(rtype, body()), 201)

    @app.get(f"{PREFIX}/<endpoint>/<resource_id>")
    def get_one(endpoint: str, resource_id: str):
        rtype = rtype_for(endpoint)
        stored = service.get(rtype, resource_id)
        none_match = request.headers.get("If-None-Match")
        if none_match and (none_match.strip() == "*" or etag(stored) in {t.strip() for t in none_match.split(",")}):
            return Response(status=304, headers={"ETag": etag(stored)})
        return resource_response(stored)

    @app.put(f"{PREFIX}/<endpoint>/<resource_id>")
    def replace(endpoint: str, resource_id: str):
        rtype = rtype_for(endpoint)
        return resource_response(service.replace(rtype, resource_id, body(), if_match_check))

    @app.patch(f"{PREFIX}/<endpoint>/<resource_id>")
    def patch(endpoint: str, resource_id: str):
        rtype = rtype_for(endpoint)
        return resource_response(service.patch(rtype, resource_id, body(), if_match_check))

    @app.delete(f"{PREFIX}/<endpoint>/<resource_id>")
    def delete(endpoint: str, resource_id: str):
        rtype = rtype_for(endpoint)
        service.delete(rtype, resource_id, if_match_check)
        return Response(status=204)

    @app.post(f"{PREFIX}/Bulk")
    def bulk():
        return scim_response(run_bulk(service, config, body(), base_url()))

    return app
