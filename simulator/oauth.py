"""OAuth 2.0 client credentials (RFC 6749 section 4.4) for every client of a run.

``TokenSource`` asks the token endpoint for a bearer token, with the client's secret in an HTTP Basic
header (client_secret_basic) or in the form body (client_secret_post, as Microsoft's SCIM Validation
Logic App sends it), and renews it shortly before it expires. ``OAuthBearer`` is the ``httpx.Auth`` the
transport sends every SCIM request with: it puts the current token in, and on a 401 whose challenge says
``error="invalid_token"`` (RFC 6750 section 3.1) renews the token once and resends the request once.

With ``client_auth="private-key-jwt"`` the client authenticates with a JWT it signs with its private key
(RFC 7523 section 2.2, private_key_jwt, as the IPSIE profile asks): a fresh assertion for every token
request (Authlib's ``PrivateKeyJWT``: iss and sub the client id, aud the token endpoint URL, a new jti),
living ``ASSERTION_LIFETIME_S`` seconds.

Authlib (with joserfc and cryptography for JWTs) takes about 60 ms to import, and a run with a bearer token
never uses it: the functions that ask for a token, sign or read keys import what they use when first called.

The client secret, the private key, every assertion and every issued token become secrets of the run
(``register_secret``): redacted wherever they turn up. The token requests are not exchanges of any
scenario (their header and body hold the secret); ``TokenSource.requests`` counts them.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import quote

import httpx

from .transport import AuthFailure, hide_secrets, register_secret

if TYPE_CHECKING:
    from authlib.oauth2.rfc6749 import OAuth2Token
    from joserfc import jwk

CLIENT_AUTH_METHODS = {"basic": "client_secret_basic", "body": "client_secret_post",
                       "private-key-jwt": "private_key_jwt"}
FORM_HEADERS = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}
ASSERTION_LIFETIME_S = 60  # a client assertion is good for one token request: it expires soon after
LEEWAY_S = 60  # renew this long before expiry; a token living under four times this is renewed at 3/4 of its life
TOKEN_TIMEOUT_S = 30.0


class TokenRefused(AuthFailure):
    """No token could be had; the message is one plain sentence (without the secret)."""


@dataclass(frozen=True)
class ClientCredentials:
    token_url: str
    client_id: str
    client_secret: str | None = field(repr=False)  # never in a repr: tracebacks print values
    scope: str | None = None
    client_auth: str = "basic"  # "basic" (HTTP Basic header), "body" (form body) or "private-key-jwt"
    private_key: str | None = field(default=None, repr=False)  # PEM, RSA or EC, for private-key-jwt


class TokenSource:
    """The run's current bearer token from one client's credentials, fetched on first use and renewed."""

    def __init__(self, credentials: ClientCredentials, timeout_s: float = TOKEN_TIMEOUT_S):
        if credentials.client_auth not in CLIENT_AUTH_METHODS:
            raise ValueError(f"client_auth is {', '.join(CLIENT_AUTH_METHODS)}, not {credentials.client_auth!r}")
        self.credentials = credentials
        self.timeout_s = timeout_s
        self.requests = 0
        self._token: OAuth2Token | None = None
        self._lock = threading.Lock()
        register_secret(credentials.client_secret)
        register_secret(credentials.private_key)

    def access_token(self) -> str:
        """A token that is not about to expire (fetching a new one when it is)."""
        with self._lock:
            if self._token is None or self._token.is_expired(leeway=self._leeway()):
                self._token = self._fetch()
            return self._token["access_token"]

    def renew(self, refused: str) -> str:
        """A new token in place of `refused` (unless another request already replaced it)."""
        with self._lock:
            if self._token is None or self._token["access_token"] == refused:
                self._token = self._fetch()
            return self._token["access_token"]

    def _leeway(self) -> int:
        lifetime = self._token.get("expires_in") if self._token else None
        return min(LEEWAY_S, int(lifetime) // 4) if isinstance(lifetime, (int, float)) else LEEWAY_S

    def _fetch(self) -> OAuth2Token:
        self.requests += 1
        answer = self._post()
        token = _json(answer)
        if answer.status_code != 200 or not isinstance(token.get("access_token"), str):
            raise TokenRefused(self._refusal(answer, token))
        register_secret(token["access_token"])
        from authlib.oauth2.rfc6749 import OAuth2Token

        return OAuth2Token.from_dict(token)

    def _post(self) -> httpx.Response:
        return request_token(self.credentials, self.timeout_s)

    def _refusal(self, answer: httpx.Response, token: dict) -> str:
        error = token.get("error") if isinstance(token.get("error"), str) else None
        said = f"{answer.status_code} {error}" if error else f"{answer.status_code}, no access_token"
        return hide_secrets(f"the token endpoint at {self.credentials.token_url} refused the client "
                            f"{self.credentials.client_id} ({said})")


def request_token(credentials: ClientCredentials, timeout_s: float = TOKEN_TIMEOUT_S) -> httpx.Response:
    """The token endpoint's answer to one client-credentials request (the token in it becomes a secret)."""
    from authlib.oauth2.auth import ClientAuth
    from authlib.oauth2.rfc6749.parameters import prepare_token_request

    method = CLIENT_AUTH_METHODS[credentials.client_auth]
    if method == "private_key_jwt":
        return post_assertion(credentials, client_assertion(credentials), timeout_s)
    client_id, secret = credentials.client_id, credentials.client_secret
    if method == "client_secret_basic":  # RFC 6749 section 2.3.1: each half form-urlencoded first
        client_id, secret = quote(client_id, safe=""), quote(secret, safe="")
    body = prepare_token_request("client_credentials", scope=credentials.scope)
    headers = dict(FORM_HEADERS)
    _, headers, body = ClientAuth(client_id, secret, method).prepare("POST", credentials.token_url, headers, body)
    return _post_token_request(credentials, headers, body, timeout_s)


def post_assertion(credentials: ClientCredentials, assertion: str,
                   timeout_s: float = TOKEN_TIMEOUT_S) -> httpx.Response:
    """A client-credentials request authenticated by `assertion` (RFC 7523 section 2.2: in the form body)."""
    from authlib.oauth2.rfc6749.parameters import prepare_token_request
    from authlib.oauth2.rfc7523.client import ASSERTION_TYPE

    body = prepare_token_request("client_credentials", scope=credentials.scope,
                                 client_assertion_type=ASSERTION_TYPE, client_assertion=assertion)
    return _post_token_request(credentials, dict(FORM_HEADERS), body, timeout_s)


def client_assertion(credentials: ClientCredentials, private_key: str | None = None,
                     issued_at: int | None = None) -> str:
    """A fresh JWT assertion of the client (new jti), signed with `private_key` (default: the client's), living
    ASSERTION_LIFETIME_S seconds from `issued_at` (default: now). It becomes a secret of the run."""
    from authlib.oauth2.auth import ClientAuth
    from authlib.oauth2.rfc7523 import PrivateKeyJWT
    from joserfc import jwk

    key = signing_key(private_key or credentials.private_key or "")
    issued = int(time.time()) if issued_at is None else issued_at
    method = PrivateKeyJWT(credentials.token_url, claims={"iat": issued, "exp": issued + ASSERTION_LIFETIME_S},
                           alg="ES256" if isinstance(key, jwk.ECKey) else "RS256")
    assertion = method.sign(ClientAuth(credentials.client_id, key, method), credentials.token_url)
    register_secret(assertion)
    return assertion


def signing_key(private_key_pem: str) -> jwk.Key:
    """An RSA or EC private key (PEM) as Authlib signs with; ValueError for anything else."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    from joserfc import jwk

    loaded = serialization.load_pem_private_key(private_key_pem.encode("ascii"), password=None)
    if isinstance(loaded, ec.EllipticCurvePrivateKey):
        return jwk.ECKey.import_key(private_key_pem)
    if isinstance(loaded, rsa.RSAPrivateKey):
        return jwk.RSAKey.import_key(private_key_pem)
    raise ValueError("the private key must be an RSA or EC key")


def new_private_key() -> str:
    """A new RSA private key (PEM) for a run that signs assertions without a key of its own."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode("ascii")
    register_secret(pem)
    return pem


def public_key_of(private_key_pem: str) -> str:
    """The public half (PEM) of a private key, for the server that checks the client's assertions."""
    from cryptography.hazmat.primitives import serialization

    loaded = serialization.load_pem_private_key(private_key_pem.encode("ascii"), password=None)
    return loaded.public_key().public_bytes(serialization.Encoding.PEM,
                                            serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")


def _post_token_request(credentials: ClientCredentials, headers: dict, body: str,
                        timeout_s: float) -> httpx.Response:
    try:
        answer = httpx.post(credentials.token_url, content=body, headers=headers, timeout=timeout_s)
    except httpx.HTTPError as error:
        reason = hide_secrets(f"{type(error).__name__}: {error}")
        raise TokenRefused(f"cannot reach the token endpoint at {credentials.token_url} ({reason})") from None
    issued = _json(answer).get("access_token")
    register_secret(issued)
    return answer


def _json(answer: httpx.Response) -> dict:
    try:
        body = answer.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def says_invalid_token(response: httpx.Response) -> bool:
    return response.status_code == 401 and "invalid_token" in response.headers.get("WWW-Authenticate", "")


class OAuthBearer(httpx.Auth):
    """Every request with the current token; one renewal and one resend on a 401 invalid_token."""

    def __init__(self, source: TokenSource):
        self.source = source

    def auth_flow(self, request: httpx.Request):
        token = self.source.access_token()
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if says_invalid_token(response):
            request.headers["Authorization"] = f"Bearer {self.source.renew(token)}"
            yield request
