"""Broken token endpoints and bearer challenges: what the OAuth scenarios must fail.

These targets run with an OAuth client (``CLIENT``) and the suite runs against them with client
credentials (``run_args``), so that every request carries an issued token, as a vendor would run it.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass

from tests.suite.broken_targets import Broken, Call, _json_response, breaker

CLIENT = {"broken-oauth-client": "broken-oauth-secret-0123456789"}
TOKEN_PATH = "/oauth/token"
INVALID_CLIENT = ("401 UNAUTHORIZED", [("Content-Type", "application/json"), ("WWW-Authenticate", 'Basic realm="x"')],
                  b'{"error": "invalid_client"}')
LA = "test_microsofts_credential_validation_gets_a_token_in_the_form_body_and_reads_users_with_it"
BASIC = "test_the_token_endpoint_also_takes_the_client_secret_in_a_basic_header"
INVALID_TOKEN = "test_a_token_the_token_endpoint_never_issued_is_answered_401_with_error_invalid_token"
WRONG_SECRET = "test_a_wrong_client_secret_is_refused_and_entras_test_connection_says_the_credentials_are_invalid"


@dataclass(frozen=True)
class BrokenOAuth(Broken):
    """A broken target that has a token endpoint; `client_auth` is how the suite's own requests get tokens."""

    client_auth: str = "basic"

    def run_args(self, base_url: str) -> tuple[str, ...]:
        return client_credentials_args(base_url, self.client_auth)


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


BREAKERS = {
    "oauth_issues_tokens_for_any_secret": BrokenOAuth(issues_tokens_for_any_secret, must_fail=(WRONG_SECRET,),
                                                      must_pass=(LA, INVALID_TOKEN)),
    "oauth_refuses_secret_in_form_body": BrokenOAuth(refuses_secret_in_form_body, must_fail=(LA,),
                                                     must_pass=(BASIC, INVALID_TOKEN)),
    "oauth_refuses_basic_header": BrokenOAuth(refuses_basic_header, must_fail=(BASIC,), must_pass=(LA, INVALID_TOKEN),
                                              client_auth="body"),
    "oauth_tokens_live_ten_days": BrokenOAuth(tokens_live_ten_days, must_fail=(LA,), must_pass=(BASIC, INVALID_TOKEN)),
    "oauth_plain_challenge_for_bad_tokens": BrokenOAuth(plain_challenge_for_bad_tokens, must_fail=(INVALID_TOKEN,),
                                                        must_pass=(LA, BASIC)),
}
