"""Every failure as a SCIM Error body: ``ScimError``s, Werkzeug's HTTP errors (unknown routes, wrong
methods, oversized bodies) and, logged, anything unexpected. Nothing reaches a client as a 500 page."""

from __future__ import annotations

import logging

from flask import Blueprint, request
from werkzeug.exceptions import HTTPException

from .errors import ScimError, bad_request
from .logs import log_unexpected
from .web import core, error_response, scim_response

log = logging.getLogger("reference_server")


def errors_blueprint() -> Blueprint:
    errors = Blueprint("scim_errors", __name__)
    errors.app_errorhandler(ScimError)(error_response)
    errors.app_errorhandler(HTTPException)(on_http_error)
    errors.app_errorhandler(Exception)(on_unexpected)
    return errors


def on_http_error(error: HTTPException):
    status = error.code or 500
    if status == 400:
        return error_response(bad_request("invalidSyntax", "The request could not be read."))
    details = {
        404: f"There is no SCIM endpoint at {request.path}.",
        405: f"{request.method} is not allowed on {request.path}.",
        413: f"The request body is larger than this server's maximum of {core()['config'].max_payload_bytes} bytes.",
    }
    headers = {"Allow": ", ".join(error.valid_methods)} if getattr(error, "valid_methods", None) else {}
    return scim_response(ScimError(status, details.get(status, error.description or error.name)).body(), status, headers)


def on_unexpected(error: Exception):
    log_unexpected(log, f"{request.method} {request.path[:200]}")
    return error_response(ScimError(500, "The server failed to process this request; the failure is logged."))
