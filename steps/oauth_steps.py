"""OAuth 2.0 client credentials: the target's token endpoint, as Microsoft's validation and Entra use it.

The scenarios need the target's token endpoint and a client (``--oauth-token-url``, ``--client-id``,
``--client-secret``; the bundled server always has one). Without them they are blocked, not failed.
The token requests are not recorded as exchanges (their header or body holds the client secret); what
the endpoint answered is told in the failure's sentence, with every token and secret redacted.

The JWT client authentication scenarios (RFC 7523 section 2.2, private_key_jwt, as the IPSIE profile asks)
are judged when the run's client signs assertions (``--client-auth private-key-jwt``); otherwise they are
skipped as not judged in this run. Every assertion is a secret of the run too.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import replace

import httpx
import pytest

from scimulator.simulator import ENTRA, VERIFY, EntraEngine
from scimulator.simulator.oauth import (ASSERTION_LIFETIME_S, ClientCredentials, OAuthBearer, TokenRefused, TokenSource,
                                        client_assertion, new_private_key, post_assertion, request_token)
from scimulator.simulator.transport import hide_secrets
from .judge import blocked, failed
from .language import given, then, when

SECRET_METHODS = ("basic", "body")
ASSERTION_REFUSALS = ("invalid_client", "invalid_grant")
EXPIRED_FOR_S = 600  # well past any clock skew a server allows
MINUTES_ALLOWED = range(60, 361)  # Microsoft's Logic App: div(coalesce(expires_in, 3600), 60) in 60..360


def run_credentials(scim_target) -> ClientCredentials:
    if scim_target.credentials is None:
        raise blocked("oauth-client", "The run has no token endpoint: give --oauth-token-url, --client-id and "
                                      "--client-secret to judge OAuth 2.0 client credentials.")
    return scim_target.credentials


def secret_credentials(scim_target) -> ClientCredentials:
    """The run's client as one with a secret (a client signing assertions may have none: then blocked)."""
    credentials = run_credentials(scim_target)
    if not credentials.client_secret:
        raise blocked("oauth-client", "The run's client has no secret (it signs JWT assertions): give "
                                      "--client-secret too to judge the secret's ways to the token endpoint.")
    return credentials if credentials.client_auth in SECRET_METHODS else replace(credentials, client_auth="basic")


def _ask(scim_target, client_auth: str) -> httpx.Response:
    try:
        return request_token(replace(secret_credentials(scim_target), client_auth=client_auth))
    except TokenRefused as error:
        raise failed(f"The token endpoint must issue a token: {error}.") from None


def _token_body(answer: httpx.Response) -> dict:
    try:
        body = answer.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


@when("Microsoft's validation asks the token endpoint for a token with the client secret in the form body",
      target_fixture="token_answer")
def ask_in_form_body(scim_target):
    """POST grant_type=client_credentials&client_id=..&client_secret=.. (client_secret_post)."""
    return _ask(scim_target, "body")


@when("the IdP asks the token endpoint for a token with the client secret in a Basic header",
      target_fixture="token_answer")
def ask_with_basic(scim_target):
    """POST grant_type=client_credentials with Authorization: Basic (client_secret_basic)."""
    return _ask(scim_target, "basic")


@then("the token endpoint issues a bearer token")
def issues_token(token_answer):
    """2xx and a non-empty access_token (the Logic App's first gate)."""
    body = _token_body(token_answer)
    if not 200 <= token_answer.status_code < 300 or not isinstance(body.get("access_token"), str) \
            or not body["access_token"]:
        said = hide_secrets(token_answer.text[:300])
        raise failed(f"The token endpoint must answer 2xx with an access_token; it answered "
                     f"{token_answer.status_code} {said}")


@then("the token lives between 60 and 360 minutes")
def token_lifetime(token_answer):
    """expires_in in whole minutes (3600 s when absent) between 60 and 360 (the Logic App's second gate)."""
    expires_in = _token_body(token_answer).get("expires_in", 3600)
    if isinstance(expires_in, bool) or not isinstance(expires_in, int) or expires_in // 60 not in MINUTES_ALLOWED:
        raise failed(f"The token must live between 60 and 360 minutes (expires_in from 3600 to 21659 seconds, "
                     f"a JSON number); its expires_in is {expires_in!r}.")


@then("the target answers GET /Users?startIndex=1&count=1 with that token")
def users_with_token(token_answer, connect):
    """The Logic App's third gate: 2xx."""
    token = _token_body(token_answer).get("access_token")
    answer = connect(VERIFY, token).get("/Users", [("startIndex", 1), ("count", 1)])
    if answer.status is None or not 200 <= answer.status < 300:
        raise failed("The target must accept the token it issued (2xx to GET /Users?startIndex=1&count=1).", answer)


@when("the client sends GET /Users with a bearer token the token endpoint never issued", target_fixture="answer")
def unissued_token(scim_target, connect):
    run_credentials(scim_target)
    return connect(VERIFY, f"scimulator-unissued-{secrets.token_hex(16)}").get("/Users", [("count", 1)])


@then("the target answers 401 with a Bearer challenge saying invalid_token")
def invalid_token_challenge(answer):
    """RFC 6750 section 3.1: the client may then fetch a new token and retry."""
    challenge = (answer.response_headers or {}).get("www-authenticate", "")
    if answer.status != 401 or not challenge.lower().startswith("bearer") or "invalid_token" not in challenge:
        raise failed('The target must answer 401 with WWW-Authenticate: Bearer ... error="invalid_token".', answer)


@pytest.fixture
def entra_tokens() -> list[TokenSource]:
    """The token source of the scenario's Entra app (for counting its token requests)."""
    return []


@given("an Entra app connected to the target with OAuth client credentials", target_fixture="entra")
def entra_app_oauth(scim_target, connect, directory, entra_tokens):
    """Every request with a token from the target's token endpoint, renewed on expiry and on invalid_token."""
    source = TokenSource(run_credentials(scim_target))
    entra_tokens.append(source)
    transport = connect(ENTRA, None)
    transport.auth = OAuthBearer(source)
    return EntraEngine(transport, directory, aad_opt_scim062020=False)


@then("the Entra app fetched a new token when the first one expired")
def renewed(entra_tokens):
    if entra_tokens[0].requests < 2:
        raise failed("The token should have expired on the target's clock and been renewed; only one token was "
                     "requested, so the scenario did not test renewal.")


@given("an Entra app whose OAuth client secret the token endpoint does not accept", target_fixture="entra")
def entra_app_wrong_secret(scim_target, connect, directory, entra_tokens):
    """The run's client id with a secret nobody issued."""
    wrong = replace(secret_credentials(scim_target), client_secret=f"scimulator-wrong-secret-{secrets.token_hex(8)}")
    return entra_app_oauth(replace(scim_target, credentials=wrong), connect, directory, entra_tokens)


@then("the Entra connection test says the credentials are invalid")
def entra_connection_invalid_credentials(entra_connection, entra_tokens):
    """The token endpoint must refuse the wrong secret, so that the admin reads a plain reason."""
    ok, message = entra_connection
    if ok or "CredentialValidationFailure" not in message:
        raise failed("The token endpoint must refuse a wrong client secret (401 invalid_client), so that Entra's "
                     f"Test Connection reports invalid credentials; Entra said: {message}")


def assertion_credentials(scim_target) -> ClientCredentials:
    """The run's client when it signs JWT assertions; otherwise the scenario is not judged in this run."""
    credentials = scim_target.credentials
    if credentials is None or credentials.client_auth != "private-key-jwt":
        pytest.skip("Not judged in this run: JWT client authentication is judged when the run's client signs "
                    "assertions (--client-auth private-key-jwt, with --private-key against a target of your own).")
    return credentials


def _post(credentials: ClientCredentials, assertion: str) -> httpx.Response:
    try:
        return post_assertion(credentials, assertion)
    except TokenRefused as error:
        raise failed(f"The token endpoint must answer: {error}.") from None


@given("the run's client authenticates with a JWT signed by its private key", target_fixture="jwt_client")
def jwt_client(scim_target) -> ClientCredentials:
    """--client-auth private-key-jwt; in any other run the scenario is skipped as not judged in this run."""
    return assertion_credentials(scim_target)


@when("the client asks the token endpoint for a token with a fresh JWT assertion", target_fixture="token_answer")
def ask_with_assertion(jwt_client):
    """client_assertion_type jwt-bearer and a client_assertion with iss = sub = client id, aud the token URL."""
    return _post(jwt_client, client_assertion(jwt_client))


@when("the client sends the same JWT assertion to the token endpoint twice", target_fixture="assertion_answers")
def replay_assertion(jwt_client):
    """One assertion, posted twice (the same jti)."""
    assertion = client_assertion(jwt_client)
    return [_post(jwt_client, assertion), _post(jwt_client, assertion)]


@when("the client sends a JWT assertion signed by a key the target never registered",
      target_fixture="assertion_answers")
def foreign_key_assertion(jwt_client):
    """The run's client id in every claim, signed by a key made up for the scenario."""
    return [_post(jwt_client, client_assertion(jwt_client, private_key=new_private_key()))]


@when("the client sends a JWT assertion that expired ten minutes ago", target_fixture="assertion_answers")
def expired_assertion(jwt_client):
    """Its exp ten minutes in the past, well beyond any clock skew a server allows."""
    expired_at = int(time.time()) - EXPIRED_FOR_S
    return [_post(jwt_client, client_assertion(jwt_client, issued_at=expired_at - ASSERTION_LIFETIME_S))]


@then("the token endpoint granted the first and refused the second")
def first_granted_second_refused(assertion_answers):
    """The first use must work, or the refusal of the second would prove nothing."""
    first, _ = assertion_answers
    if first.status_code != 200 or not isinstance(_token_body(first).get("access_token"), str):
        raise failed(f"The token endpoint must grant a token for a fresh JWT assertion; it answered "
                     f"{first.status_code} {hide_secrets(first.text[:300])}")
    refused_assertion(assertion_answers)


@then("the token endpoint refuses the assertion")
def refused_assertion(assertion_answers):
    """RFC 7523 section 3.2: a client JWT that is not valid gets invalid_client (invalid_grant tolerated)."""
    answer = assertion_answers[-1]
    error = _token_body(answer).get("error")
    if answer.status_code not in (400, 401) or error not in ASSERTION_REFUSALS:
        raise failed(f"The token endpoint must refuse the assertion with 400 or 401 and error invalid_client; it "
                     f"answered {answer.status_code} {hide_secrets(answer.text[:300])}")
