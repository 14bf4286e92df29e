"""Broken token endpoints and bearer challenges: what the OAuth scenarios must fail.

These targets run with an OAuth client (``CLIENT``) and the suite runs against them with client
credentials (``run_args``), so that every request carries an issued token, as a vendor would run it.
"""

from __future__ import annotations

import base64
import functools
import json
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from joserfc import jws, jwt
from joserfc.errors import JoseError

from scimulator.reference_server.oauth import TOKEN_PATH
from scimulator.simulator.oauth import new_private_key, public_key_of, signing_key
from tests.suite.broken_targets import Broken, Call, _json_response, breaker

CLIENT = {"broken-oauth-client": "broken-oauth-secret-0123456789"}
INVALID_CLIENT = ("401 UNAUTHORIZED", [("Content-Type", "application/json"), ("WWW-Authenticate", 'Basic realm="x"')],
                  b'{"error": "invalid_client"}')
LA = "test_microsofts_credential_validation_gets_a_token_in_the_form_body_and_reads_users_with_it"
BASIC = "test_the_token_endpoint_also_takes_the_client_secret_in_a_basic_header"
INVALID_TOKEN = "test_a_token_the_token_endpoint_never_issued_is_answered_401_with_error_invalid_token"
WRONG_SECRET = "test_a_wrong_client_secret_is_refused_and_entras_test_connection_says_the_credentials_are_invalid"
RENEWAL = "test_a_token_that_expires_between_entra_cycles_is_renewed_and_provisioning_goes_on"
ADMIN_TOKEN = "broken-oauth-admin-token-0123456789"
JWT_GRANTED = "test_a_client_authenticated_by_a_jwt_assertion_gets_a_token_that_opens_the_scim_api"
JWT_REPLAY = "test_a_jwt_assertion_sent_a_second_time_is_refused"
JWT_FOREIGN_KEY = "test_a_jwt_assertion_signed_by_a_key_the_target_never_registered_is_refused"
JWT_EXPIRED = "test_an_expired_jwt_assertion_is_refused"


@dataclass(frozen=True)
class BrokenOAuth(Broken):
    """A broken target that has a token endpoint; `client_auth` is how the suite's own requests get tokens."""

    client_auth: str = "basic"

    def server_options(self) -> dict:
        return {"oauth_clients": CLIENT}

    def run_args(self, base_url: str) -> tuple[str, ...]:
        return client_credentials_args(base_url, self.client_auth)


@dataclass(frozen=True)
class BrokenOAuthWithAdmin(BrokenOAuth):
    """A broken target whose admin API (and movable clock) the run may use, for the scenarios that need them."""

    def server_options(self) -> dict:
        return {**super().server_options(), "admin_tokens": [ADMIN_TOKEN], "vendor_extras": True, "movable_clock": True}

    def run_args(self, base_url: str) -> tuple[str, ...]:
        return (*super().run_args(base_url), "--admin-url", base_url.removesuffix("/scim/v2") + "/admin/v1",
                "--admin-token", ADMIN_TOKEN)


@functools.cache
def client_private_key() -> str:
    """The private key (PEM) of ``CLIENT`` for the JWT targets, made up once per test session."""
    return new_private_key()


@functools.cache
def client_private_key_file() -> str:
    directory = Path(tempfile.mkdtemp(prefix="scimulator-broken-jwt-"))
    path = directory / "client-key.pem"
    path.write_text(client_private_key(), encoding="ascii")
    return str(path)


@dataclass(frozen=True)
class BrokenJwt(BrokenOAuth):
    """A broken target whose client also has a public key; the suite's requests get tokens with JWT assertions."""

    client_auth: str = "private-key-jwt"

    def server_options(self) -> dict:
        (client_id, _), = CLIENT.items()
        return {**super().server_options(), "oauth_jwt_clients": {client_id: public_key_of(client_private_key())}}

    def run_args(self, base_url: str) -> tuple[str, ...]:
        return (*super().run_args(base_url), "--private-key", client_private_key_file())


def client_credentials_args(base_url: str, client_auth: str = "basic") -> tuple[str, ...]:
    """The run's options to get its tokens from the target's token endpoint as ``CLIENT``."""
    (client_id, secret), = CLIENT.items()
    return ("--oauth-token-url", base_url.removesuffix("/scim/v2") + TOKEN_PATH, "--client-id", client_id,
            "--client-secret", secret, "--client-auth", client_auth)


def _has_basic(call: Call) -> bool:
    return call.environ.get("HTTP_AUTHORIZATION", "").lower().startswith("basic ")


@breaker
def refuses_secret_in_form_body(call: Call):
    if call.path == TOKEN_PATH and not _has_basic(call):
        return INVALID_CLIENT
    return call.forward()


@breaker
def refuses_basic_header(call: Call):
    if call.path == TOKEN_PATH and _has_basic(call):
        return INVALID_CLIENT
    return call.forward()


@breaker
def tokens_live_ten_days(call: Call):
    """Authlib's own default for client credentials (864000 s), which Microsoft's gate refuses."""
    status, headers, data = call.forward()
    if call.path == TOKEN_PATH and status.startswith("200"):
        return _json_response(status, headers, {**json.loads(data), "expires_in": 864000})
    return status, headers, data


@breaker
def plain_challenge_for_bad_tokens(call: Call):
    status, headers, data = call.forward()
    if status.startswith("401") and call.path != TOKEN_PATH:
        headers = [(k, 'Bearer realm="scim"' if k.lower() == "www-authenticate" else v) for k, v in headers]
    return status, headers, data


@breaker
def issues_tokens_for_any_secret(call: Call):
    if call.path == TOKEN_PATH:
        (client_id, secret), = CLIENT.items()
        call.environ["HTTP_AUTHORIZATION"] = "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()
        return call.forward(body=b"grant_type=client_credentials")
    return call.forward()


def _fresh_token(call: Call) -> str:
    """A token from the target's own token endpoint, asked as ``CLIENT`` (the harness never sees it)."""
    (client_id, secret), = CLIENT.items()
    saved = {key: call.environ.get(key) for key in ("HTTP_AUTHORIZATION", "CONTENT_TYPE")}
    call.environ.update({"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode(),
                         "CONTENT_TYPE": "application/x-www-form-urlencoded"})
    try:
        _, _, data = call.forward(method="POST", path=TOKEN_PATH, query={}, body=b"grant_type=client_credentials")
    finally:
        call.environ.update(saved)
    return json.loads(data)["access_token"]


def _says_invalid_token(headers: list) -> bool:
    return any(k.lower() == "www-authenticate" and "invalid_token" in v for k, v in headers)


@breaker
def honours_expired_tokens(call: Call):
    """An expired (or unknown) token is served anyway: the SCIM side never refuses it, so no client renews."""
    status, headers, data = call.forward()
    if call.path != TOKEN_PATH and status.startswith("401") and _says_invalid_token(headers):
        call.environ["HTTP_AUTHORIZATION"] = f"Bearer {_fresh_token(call)}"
        return call.forward()
    return status, headers, data


def _signed_by_client(assertion: str) -> bool:
    try:
        jws.deserialize_compact(assertion, signing_key(client_private_key()))
    except JoseError:
        return False
    return True


def _with_assertion_claims(call: Call, change, any_signer: bool = False) -> tuple[str, list, bytes]:
    """The token request with its client assertion re-signed by the client's own key, after `change(claims)`;
    unless `any_signer`, only an assertion the client signed (others reach the server as they came)."""
    form = dict(parse_qsl(call.body.decode("ascii")))
    if call.path != TOKEN_PATH or "client_assertion" not in form \
            or not (any_signer or _signed_by_client(form["client_assertion"])):
        return call.forward()
    compact = jws.extract_compact(form["client_assertion"].encode("ascii"))
    claims = change(json.loads(compact.payload))
    form["client_assertion"] = jwt.encode({"alg": "RS256"}, claims, signing_key(client_private_key()))
    return call.forward(body=urlencode(form).encode("ascii"))


@breaker
def accepts_any_signature(call: Call):
    """Any assertion's claims are taken as the client's, whoever signed it (its jti and exp still count)."""
    return _with_assertion_claims(call, lambda claims: claims, any_signer=True)


_SEEN_JTIS: set[str] = set()


@breaker
def accepts_replayed_assertions(call: Call):
    """A jti seen before gets a new one, so that the server never notices the replay."""
    def fresh_jti(claims: dict) -> dict:
        jti = str(claims.get("jti"))
        replayed = jti in _SEEN_JTIS
        _SEEN_JTIS.add(jti)
        return {**claims, "jti": f"{jti}-again-{time.monotonic_ns()}"} if replayed else claims
    return _with_assertion_claims(call, fresh_jti)


@breaker
def accepts_expired_assertions(call: Call):
    """An assertion's exp is pushed a minute into the future."""
    return _with_assertion_claims(call, lambda claims: {**claims, "exp": int(time.time()) + 60})


BREAKERS = {
    "oauth_issues_tokens_for_any_secret": BrokenOAuth(issues_tokens_for_any_secret, must_fail=(WRONG_SECRET,),
                                                      must_pass=(LA, INVALID_TOKEN)),
    "oauth_refuses_secret_in_form_body": BrokenOAuth(refuses_secret_in_form_body, must_fail=(LA,),
                                                     must_pass=(BASIC, INVALID_TOKEN)),
    "oauth_refuses_basic_header": BrokenOAuth(refuses_basic_header, must_fail=(BASIC,), must_pass=(LA, INVALID_TOKEN),
                                              client_auth="body"),
    "oauth_tokens_live_ten_days": BrokenOAuth(tokens_live_ten_days, must_fail=(LA,), must_pass=(BASIC, INVALID_TOKEN)),
    "oauth_honours_expired_tokens": BrokenOAuthWithAdmin(honours_expired_tokens, must_fail=(RENEWAL,),
                                                         must_pass=(LA, BASIC)),
    "oauth_plain_challenge_for_bad_tokens": BrokenOAuth(plain_challenge_for_bad_tokens, must_fail=(INVALID_TOKEN,),
                                                        must_pass=(LA, BASIC)),
    "jwt_accepts_replayed_assertions": BrokenJwt(accepts_replayed_assertions, must_fail=(JWT_REPLAY,),
                                                 must_pass=(JWT_GRANTED, JWT_FOREIGN_KEY, JWT_EXPIRED)),
    "jwt_accepts_any_signature": BrokenJwt(accepts_any_signature, must_fail=(JWT_FOREIGN_KEY,),
                                           must_pass=(JWT_GRANTED, JWT_REPLAY, JWT_EXPIRED)),
    "jwt_accepts_expired_assertions": BrokenJwt(accepts_expired_assertions, must_fail=(JWT_EXPIRED,),
                                                must_pass=(JWT_GRANTED, JWT_REPLAY, JWT_FOREIGN_KEY)),
}
