"""/Me (RFC 7644 section 3.11): not implemented, said as a SCIM Error on every method."""

from __future__ import annotations

from flask import Blueprint

from .errors import ScimError
from .web import PREFIX


def me_blueprint() -> Blueprint:
    me = Blueprint("me", __name__, url_prefix=PREFIX)

    @me.route("/Me", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    def not_implemented():
        raise ScimError(501, "/Me is not implemented: this server does not map bearer tokens to Users.")

    return me
