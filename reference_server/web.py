"""What every blueprint of the reference server shares: SCIM JSON answers, the request body, where the
server's resources live, and the app's core parts (``core()``: config, storage, service, verifier, clock).
"""

from __future__ import annotations

import json
from typing import Any

from flask import Response, current_app, request

from .errors import ScimError, bad_request
from .limits import load_json

SCIM_JSON = "application/scim+json"
PREFIX = "/scim/v2"


def core() -> dict:
    """The parts ``create_app`` built for this app, shared by its blueprints and their extensions."""
    return current_app.extensions["scim"]


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


def error_response(error: ScimError) -> Response:
    return scim_response(error.body(), error.status, error.headers)


def own_address(environ: dict) -> str:
    """scheme://name[:port] from the server's own WSGI variables, which a client's headers do not set."""
    scheme, name, port = environ["wsgi.url_scheme"], environ["SERVER_NAME"], str(environ.get("SERVER_PORT", ""))
    default = {"http": "80", "https": "443"}.get(scheme)
    host = f"[{name}]" if ":" in name else name
    return f"{scheme}://{host}" if port in ("", default) else f"{scheme}://{host}:{port}"


def base_url() -> str:
    """Where this server's resources live: a trusted Host, else the configured base URL, else its own address."""
    parts = core()
    if request.host.lower() in parts["trusted_hosts"]:
        return request.host_url.rstrip("/") + PREFIX
    if parts["config"].base_url:
        return parts["config"].base_url.rstrip("/")
    return own_address(request.environ) + PREFIX


def request_body() -> Any:
    """The request's JSON; an empty body is a 400, not ``None``."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        raise bad_request("invalidSyntax", "The request body is empty; send a JSON object.")
    return load_json(raw)
