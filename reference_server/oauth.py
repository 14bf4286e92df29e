"""OAuth 2.0 client credentials (RFC 6749 section 4.4) in front of the SCIM API, registered only when the
configuration names OAuth clients (``ServerConfig.oauth_clients``).

- ``POST /oauth/token`` issues bearer tokens to a client that authenticates with HTTP Basic
  (client_secret_basic) or with the form body (client_secret_post): both, since an IdP may send either.
  The token lives ``ServerConfig.token_lifetime`` seconds; a request without scope gets ``scim``.
- Client secrets are kept only as SHA-256 hashes and compared in constant time; issued tokens are kept
  only as hashes, with their expiry, in the server's SQLite file, so several server processes share them.
- The SCIM guard accepts an issued token until it expires (on the server's clock, which a test server
  may move); an expired one is answered 401 with ``error="invalid_token"`` (RFC 6750 section 3.1).
"""

from __future__ import annotations

import hmac
import sqlite3
import threading
from dataclasses import dataclass

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import ClientMixin, grants
from flask import Blueprint, Flask

from .auth import INVALID_TOKEN, token_hash
from .clock import ServerClock
from .errors import ScimError
from .web import core

TOKEN_PATH = "/oauth/token"
DEFAULT_SCOPE = "scim"
GRANT_TYPE = "client_credentials"

TOKENS_SQL = """
CREATE TABLE IF NOT EXISTS oauth_tokens (
    hash BLOB PRIMARY KEY, client_id TEXT NOT NULL, scope TEXT NOT NULL, expires REAL NOT NULL
);
"""


class ScimClientCredentialsGrant(grants.ClientCredentialsGrant):
    """The client credentials grant with the client's secret in a Basic header or in the form body."""

    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]


@dataclass
class OAuthClient(ClientMixin):
    client_id: str
    secret_hash: bytes

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> None:
        return None

    def get_allowed_scope(self, scope: str | None) -> str:
        return DEFAULT_SCOPE

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return False

    def check_client_secret(self, client_secret: str) -> bool:
        return hmac.compare_digest(token_hash(client_secret), self.secret_hash)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return endpoint == "token" and method in ScimClientCredentialsGrant.TOKEN_ENDPOINT_AUTH_METHODS

    def check_response_type(self, response_type: str) -> bool:
        return False

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == GRANT_TYPE


class IssuedTokens:
    """Hashes of the tokens the server issued, with their expiry (seconds since the epoch, server clock)."""

    def __init__(self, path: str, clock: ServerClock):
        self.path = path
        self.clock = clock
        self._local = threading.local()
        self._raw().executescript(TOKENS_SQL)

    def _raw(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=60, isolation_level=None)
            conn.execute("PRAGMA busy_timeout = 60000")
            self._local.conn = conn
        return conn

    def save(self, token: dict, client_id: str) -> None:
        expires = self.clock.now().timestamp() + int(token["expires_in"])
        self._raw().execute("INSERT INTO oauth_tokens (hash, client_id, scope, expires) VALUES (?, ?, ?, ?)",
                            (token_hash(token["access_token"]), client_id, token.get("scope") or DEFAULT_SCOPE,
                             expires))

    def expires(self, presented: bytes) -> float | None:
        row = self._raw().execute("SELECT expires FROM oauth_tokens WHERE hash = ?", (presented,)).fetchone()
        return None if row is None else row[0]


def register_oauth(app: Flask) -> None:
    """The token endpoint and the guard's acceptance of issued tokens."""
    parts = app.extensions["scim"]
    config = parts["config"]
    tokens = IssuedTokens(config.db_path, parts["clock"])
    parts["oauth_tokens"] = tokens
    clients = {client_id: OAuthClient(client_id, token_hash(secret))
               for client_id, secret in config.oauth_clients.items()}
    app.config["OAUTH2_TOKEN_EXPIRES_IN"] = {GRANT_TYPE: config.token_lifetime}
    server = AuthorizationServer(
        app, query_client=clients.get,
        save_token=lambda token, request: tokens.save(token, request.client.get_client_id()))
    server.register_grant(ScimClientCredentialsGrant)
    parts["guarded_elsewhere"].append(TOKEN_PATH)
    parts["token_checks"].append(issued_token_check)
    app.register_blueprint(token_blueprint(server))


def token_blueprint(server: AuthorizationServer) -> Blueprint:
    oauth = Blueprint("oauth", __name__)

    @oauth.post(TOKEN_PATH)
    def issue_token():
        return server.create_token_response()

    return oauth


def issued_token_check(presented: bytes) -> bool:
    """An issued token opens the SCIM API until it expires; an expired one is refused as invalid_token."""
    tokens: IssuedTokens = core()["oauth_tokens"]
    expires = tokens.expires(presented)
    if expires is None:
        return False
    if tokens.clock.now().timestamp() >= expires:
        raise ScimError(401, "The access token has expired: request a new one from the token endpoint.",
                        headers=INVALID_TOKEN)
    return True
