"""The harness's client credentials: tokens fetched, renewed on expiry and on 401 invalid_token, never shown."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest

from scimulator.reference_server import ServerConfig
from scimulator.reference_server.serving import start_in_background
from scimulator.simulator import VERIFY, Transport
from scimulator.simulator.oauth import (ClientCredentials, OAuthBearer, TokenRefused, TokenSource, client_assertion,
                                        new_private_key, public_key_of)
from scimulator.simulator.transport import known_secrets

CLIENT_ID, SECRET = "harness", "harness-secret-with+plus%and/slash"


@pytest.fixture
def server(tmp_path):
    running = start_in_background(ServerConfig(db_path=str(tmp_path / "s.db"), oauth_clients={CLIENT_ID: SECRET},
                                               movable_clock=True))
    yield running
    running.stop()


def credentials(server, client_auth: str = "basic", secret: str = SECRET) -> ClientCredentials:
    return ClientCredentials(server.base_url.removesuffix("/scim/v2") + "/oauth/token", CLIENT_ID, secret,
                             client_auth=client_auth)


def issued(server, tmp_path) -> int:
    with sqlite3.connect(tmp_path / "s.db") as conn:
        return conn.execute("SELECT COUNT(*) FROM oauth_tokens").fetchone()[0]


@pytest.mark.parametrize("client_auth", ["basic", "body"])
def test_both_client_auth_methods_get_a_token_and_it_becomes_a_secret(server, client_auth):
    source = TokenSource(credentials(server, client_auth))
    token = source.access_token()
    assert token in known_secrets() and SECRET in known_secrets()
    assert source.access_token() == token and source.requests == 1


def test_a_token_expiring_mid_run_is_renewed_once_and_the_request_resent(server, tmp_path):
    source = TokenSource(credentials(server))
    with Transport(server.base_url, None, VERIFY, auth=OAuthBearer(source)) as http:
        assert http.get("/Users").status == 200
        server.app.extensions["scim"]["clock"].advance(timedelta(seconds=3601))
        answer = http.get("/Users")
    assert answer.status == 200
    assert source.requests == 2 and issued(server, tmp_path) == 2
    assert answer.request_headers["Authorization"] == "Bearer [REDACTED]"
    assert [x.status for x in http.record] == [200, 200]  # the refused try is the transport's, not a scenario's


def test_a_wrong_secret_is_refused_in_one_sentence_without_the_secret(server):
    with pytest.raises(TokenRefused) as refused:
        TokenSource(credentials(server, secret="wrong-secret-0123456789")).access_token()
    assert str(refused.value).endswith(f"refused the client {CLIENT_ID} (401 invalid_client)")
    assert "wrong-secret" not in str(refused.value)


def test_an_unreachable_token_endpoint_is_a_failure_of_the_exchange_not_an_exception(server):
    source = TokenSource(ClientCredentials("http://127.0.0.1:9/oauth/token", CLIENT_ID, SECRET))
    with Transport(server.base_url, None, VERIFY, auth=OAuthBearer(source)) as http:
        answer = http.get("/Users")
    assert answer.status is None and answer.failure.startswith("no token to send (cannot reach the token endpoint")


def test_a_client_signing_assertions_gets_tokens_with_a_fresh_assertion_each_time(tmp_path):
    private_key = new_private_key()
    running = start_in_background(ServerConfig(db_path=str(tmp_path / "jwt.db"),
                                               oauth_jwt_clients={CLIENT_ID: public_key_of(private_key)}))
    try:
        signing = ClientCredentials(running.base_url.removesuffix("/scim/v2") + "/oauth/token", CLIENT_ID, None,
                                    client_auth="private-key-jwt", private_key=private_key)
        source = TokenSource(signing)
        first = source.access_token()
        second = source.renew(first)  # a second token request: a replayed assertion would be refused
    finally:
        running.stop()
    assert first != second and source.requests == 2
    assert {first, second, private_key} <= set(known_secrets())
    assertion = client_assertion(signing)
    assert assertion in known_secrets()
    assert private_key not in repr(signing)
