"""Bearer-token authentication: tokens kept only as SHA-256 hashes, compared in constant time.

``auth_blueprint`` guards every request of the app with the configured tokens. An extension may widen
that: a check it adds to ``core()["token_checks"]`` sees the hash of a token the static list does not
hold and accepts it (True), ignores it (False) or refuses it with its own reason (raises ``ScimError``);
a path prefix it adds to ``core()["guarded_elsewhere"]`` is left to its own guard.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Callable

from flask import Blueprint, g, request

from .config import ServerConfig
from .discovery import DISCOVERY
from .errors import ScimError
from .web import PREFIX, core

CHALLENGE = {"WWW-Authenticate": 'Bearer realm="scim"'}
# RFC 6750 section 3.1: a token was presented and is unknown or expired (no error code when none was sent).
INVALID_TOKEN = {"WWW-Authenticate": 'Bearer realm="scim", error="invalid_token"'}


def token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode("utf-8")).digest()


class TokenVerifier:
    def __init__(self, tokens: list[str]):
        self._hashes = [token_hash(t) for t in tokens]

    def presented(self, authorization: str | None) -> bytes:
        """The SHA-256 of the presented bearer token; 401 when there is none or it is not a bearer token."""
        if not authorization:
            raise ScimError(401, "Authentication required: send 'Authorization: Bearer <token>'.", headers=CHALLENGE)
        scheme, _, credentials = authorization.partition(" ")
        if scheme.lower() != "bearer" or not credentials.strip():
            raise ScimError(401, "Only bearer tokens are accepted: send 'Authorization: Bearer <token>'.",
                            headers=CHALLENGE)
        return token_hash(credentials.strip())

    def accepts(self, presented: bytes) -> bool:
        # Compare with every stored hash so that timing says nothing about which one matched.
        matched = False
        for stored in self._hashes:
            matched |= hmac.compare_digest(presented, stored)
        return matched



TokenCheck = Callable[[bytes], bool]


def auth_blueprint(config: ServerConfig) -> Blueprint:
    auth = Blueprint("auth", __name__)

    @auth.before_app_request
    def authenticate():
        if any(request.path.startswith(prefix) for prefix in core()["guarded_elsewhere"]):
            return None
        if config.anonymous_discovery and request.method == "GET" and _endpoint_of(request.path) in DISCOVERY:
            return None
        _check_token(core()["verifier"], core()["token_checks"])
        g.scim_authenticated = True
        _refuse_oversized_body(config.max_payload_bytes)
        return None

    return auth


def _endpoint_of(path: str) -> str:
    inside = path[len(PREFIX):] if path.startswith(PREFIX) else path
    return inside.strip("/").split("/")[0]


def _check_token(verifier: TokenVerifier, token_checks: list[TokenCheck]) -> None:
    presented = verifier.presented(request.headers.get("Authorization"))
    if verifier.accepts(presented) or any(check(presented) for check in token_checks):
        return
    raise ScimError(401, "The bearer token is not valid for this server.", headers=INVALID_TOKEN)


def _refuse_oversized_body(max_payload_bytes: int) -> None:
    """413 from the Content-Length, before the body is read."""
    length = request.content_length
    if length is not None and length > max_payload_bytes:
        raise ScimError(413, f"The request body of {length} bytes is larger than this server's maximum of "
                             f"{max_payload_bytes} bytes (maxPayloadSize).")
