"""Bearer-token authentication: tokens kept only as SHA-256 hashes, compared in constant time."""

from __future__ import annotations

import hashlib
import hmac

from .errors import ScimError

CHALLENGE = {"WWW-Authenticate": 'Bearer realm="scim"'}


def token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode("utf-8")).digest()


class TokenVerifier:
    def __init__(self, tokens: list[str]):
        self._hashes = [token_hash(t) for t in tokens]

    def add(self, token: str) -> None:
        self._hashes.append(token_hash(token))

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

    def check(self, authorization: str | None) -> None:
        """Raise 401 unless the Authorization header carries an accepted bearer token."""
        if not self.accepts(self.presented(authorization)):
            raise ScimError(401, "The bearer token is not valid for this server.", headers=CHALLENGE)
