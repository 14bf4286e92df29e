"""OAuth 2.0 client credentials (RFC 6749 section 4.4) in front of the SCIM API, registered only when the
configuration names OAuth clients (``ServerConfig.oauth_clients``, ``ServerConfig.oauth_jwt_clients``).

- ``POST /oauth/token`` issues bearer tokens to a client that authenticates with HTTP Basic
  (client_secret_basic) or with the form body (client_secret_post): both, since an IdP may send either.
  The token lives ``ServerConfig.token_lifetime`` seconds; a request without scope gets ``scim``.
- Client secrets are kept only as SHA-256 hashes and compared in constant time; issued tokens are kept
  only as hashes, with their expiry, in the server's SQLite file, so several server processes share them.
- The SCIM guard accepts an issued token until it expires (on the server's clock, which a test server
  may move); an expired one is answered 401 with ``error="invalid_token"`` (RFC 6750 section 3.1).
- A client registered with a public key (``ServerConfig.oauth_jwt_clients``) may instead authenticate with a
  JWT it signed (RFC 7523 section 2.2, private_key_jwt): iss and sub its client id, aud the token endpoint
  URL or the issuer, an exp not passed, and a jti never seen before. Used jtis are kept hashed in the SQLite
  file until the assertion expires, so a replayed assertion is refused (400 invalid_client) by every worker.
- ``GET /.well-known/oauth-authorization-server`` is the authorization server's metadata (RFC 8414
  section 3): its issuer (the server's origin), token endpoint, grant type, client authentication
  methods and scope, readable without a token.
"""

from __future__ import annotations

import hmac
import sqlite3
import threading
import time
from dataclasses import dataclass

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import ClientMixin, InvalidClientError, grants
from authlib.oauth2.rfc7523 import JWTBearerClientAssertion
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from joserfc import jwk
from urllib.parse import urlsplit

from flask import Blueprint, Flask, jsonify, request

from .auth import INVALID_TOKEN, token_hash
from .clock import ServerClock
from .errors import ScimError
from .web import core, own_address

TOKEN_PATH = "/oauth/token"
METADATA_PATH = "/.well-known/oauth-authorization-server"  # RFC 8414 section 3, for an issuer without a path
DEFAULT_SCOPE = "scim"
GRANT_TYPE = "client_credentials"
PRIVATE_KEY_JWT = "private_key_jwt"
ASSERTION_ALGORITHMS = ["RS256", "ES256"]  # what a client's RSA or EC key signs with (joserfc's recommended ones)

TOKENS_SQL = """
CREATE TABLE IF NOT EXISTS oauth_tokens (
    hash BLOB PRIMARY KEY, client_id TEXT NOT NULL, scope TEXT NOT NULL, expires REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS oauth_assertion_ids (hash BLOB PRIMARY KEY, expires REAL NOT NULL);
"""


class ScimClientCredentialsGrant(grants.ClientCredentialsGrant):
    """The client credentials grant with the client's secret in a Basic header or in the form body, or with a
    JWT assertion the client signed (private_key_jwt)."""

    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", PRIVATE_KEY_JWT]


@dataclass
class OAuthClient(ClientMixin):
    client_id: str
    secret_hash: bytes | None = None  # None: the client has no secret
    public_key: jwk.Key | None = None  # None: the client cannot sign assertions

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> None:
        return None

    def get_allowed_scope(self, scope: str | None) -> str:
        return DEFAULT_SCOPE

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return False

    def check_client_secret(self, client_secret: str) -> bool:
        return self.secret_hash is not None and hmac.compare_digest(token_hash(client_secret), self.secret_hash)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return endpoint == "token" and method in ScimClientCredentialsGrant.TOKEN_ENDPOINT_AUTH_METHODS

    def check_response_type(self, response_type: str) -> bool:
        return False

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == GRANT_TYPE


class OAuthTable:
    """One connection per thread to the server's SQLite file, where every worker process finds the same rows."""

    def __init__(self, path: str):
        self.path = path
        self._local = threading.local()
        self._raw().executescript(TOKENS_SQL)

    def _raw(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=60, isolation_level=None)
            conn.execute("PRAGMA busy_timeout = 60000")
            self._local.conn = conn
        return conn


class IssuedTokens(OAuthTable):
    """Hashes of the tokens the server issued, with their expiry (seconds since the epoch, server clock)."""

    def __init__(self, path: str, clock: ServerClock):
        super().__init__(path)
        self.clock = clock

    def save(self, token: dict, client_id: str) -> None:
        expires = self.clock.now().timestamp() + int(token["expires_in"])
        self._raw().execute("INSERT INTO oauth_tokens (hash, client_id, scope, expires) VALUES (?, ?, ?, ?)",
                            (token_hash(token["access_token"]), client_id, token.get("scope") or DEFAULT_SCOPE,
                             expires))

    def expires(self, presented: bytes) -> float | None:
        row = self._raw().execute("SELECT expires FROM oauth_tokens WHERE hash = ?", (presented,)).fetchone()
        return None if row is None else row[0]


class SeenAssertionIds(OAuthTable):
    """Hashes of the JWT ids (jti) each client has used, kept until their assertion expires (real time, as exp)."""

    def first_use(self, client_id: str, jti: str, expires: float) -> bool:
        """Record the id; False when this client used it before."""
        conn = self._raw()
        conn.execute("DELETE FROM oauth_assertion_ids WHERE expires < ?", (time.time(),))
        try:
            conn.execute("INSERT INTO oauth_assertion_ids (hash, expires) VALUES (?, ?)",
                         (token_hash(f"{client_id}\n{jti}"), expires))
        except sqlite3.IntegrityError:
            return False
        return True


class PrivateKeyJwtAssertion(JWTBearerClientAssertion):
    """RFC 7523 section 2.2 client authentication with the client's registered public key; Authlib checks the
    signature, iss = sub, aud, exp and asks ``validate_jti`` whether the jti is new."""

    CLIENT_AUTH_METHOD = PRIVATE_KEY_JWT

    def __init__(self, seen: SeenAssertionIds):
        super().__init__()
        self.seen = seen

    def get_audiences(self) -> list[str]:
        """RFC 7523 section 3: aud identifies the authorization server; its token endpoint URL may be used."""
        origin = issuer()
        return [origin + TOKEN_PATH, origin]

    def validate_jti(self, claims, jti) -> bool:
        return self.seen.first_use(claims["sub"], str(jti), float(claims["exp"]) + self.leeway)

    def resolve_client_public_key(self, client: OAuthClient) -> jwk.Key:
        if client.public_key is None:
            raise InvalidClientError(description="The client has no registered public key.")
        return client.public_key


def registered_clients(config) -> dict[str, OAuthClient]:
    """The configured clients: a secret (hashed here), a public key, or both."""
    return {client_id: registered_client(client_id, config.oauth_clients.get(client_id),
                                         config.oauth_jwt_clients.get(client_id))
            for client_id in dict.fromkeys([*config.oauth_clients, *config.oauth_jwt_clients])}


def registered_client(client_id: str, secret: str | None, public_key_pem: str | None) -> OAuthClient:
    return OAuthClient(client_id, None if secret is None else token_hash(secret),
                       None if public_key_pem is None else public_jwk(public_key_pem))


def public_jwk(pem: str) -> jwk.Key:
    """A client's public key (RSA, or EC on P-256, PEM) as the key its assertions are checked with; ValueError
    otherwise. The assertions are checked with ES256 or RS256 only (joserfc's recommended algorithms): a key on
    another curve could sign none the server would take, so it is refused when given, not at every token request."""
    loaded = serialization.load_pem_public_key(pem.encode("ascii"))
    if isinstance(loaded, ec.EllipticCurvePublicKey):
        if not isinstance(loaded.curve, ec.SECP256R1):
            raise ValueError(f"a client's EC public key must be on P-256 (ES256), not {loaded.curve.name}")
        return jwk.import_key(pem, "EC")
    if isinstance(loaded, rsa.RSAPublicKey):
        return jwk.import_key(pem, "RSA")
    raise ValueError("a client's public key must be an RSA or EC key")


def register_oauth(app: Flask) -> None:
    """The token endpoint and the guard's acceptance of issued tokens."""
    parts = app.extensions["scim"]
    config = parts["config"]
    tokens = IssuedTokens(config.db_path, parts["clock"])
    parts["oauth_tokens"] = tokens
    clients = registered_clients(config)
    app.config["OAUTH2_TOKEN_EXPIRES_IN"] = {GRANT_TYPE: config.token_lifetime}
    server = AuthorizationServer(
        app, query_client=clients.get,
        save_token=lambda token, request: tokens.save(token, request.client.get_client_id()))
    server.register_grant(ScimClientCredentialsGrant)
    server.register_client_auth_method(PRIVATE_KEY_JWT, PrivateKeyJwtAssertion(SeenAssertionIds(config.db_path)))
    parts["guarded_elsewhere"].extend((TOKEN_PATH, METADATA_PATH))
    parts["token_checks"].append(issued_token_check)
    app.register_blueprint(token_blueprint(server))


def token_blueprint(server: AuthorizationServer) -> Blueprint:
    oauth = Blueprint("oauth", __name__)

    @oauth.post(TOKEN_PATH)
    def issue_token():
        return server.create_token_response()

    @oauth.get(METADATA_PATH)
    def metadata():
        return jsonify(authorization_server_metadata(issuer()))

    return oauth


def issuer() -> str:
    """The server's origin: from the configured base URL, else the address it answers on (never the Host header)."""
    configured = core()["config"].base_url
    if configured:
        parts = urlsplit(configured)
        return f"{parts.scheme}://{parts.netloc}"
    return own_address(request.environ)


def authorization_server_metadata(issuer_url: str) -> dict:
    """RFC 8414 section 2: client credentials only, so no authorization endpoint and no response type."""
    return {"issuer": issuer_url, "token_endpoint": issuer_url + TOKEN_PATH,
            "grant_types_supported": [GRANT_TYPE],
            "token_endpoint_auth_methods_supported": list(ScimClientCredentialsGrant.TOKEN_ENDPOINT_AUTH_METHODS),
            "token_endpoint_auth_signing_alg_values_supported": list(ASSERTION_ALGORITHMS),
            "scopes_supported": [DEFAULT_SCOPE], "response_types_supported": []}


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
