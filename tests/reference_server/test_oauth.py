"""OAuth 2.0 client credentials on the reference server, over real HTTP on loopback."""

from __future__ import annotations

import base64
import sqlite3
from datetime import timedelta

import httpx
import pytest

from scimulator.reference_server import ServerConfig
from scimulator.reference_server.auth import token_hash
from scimulator.reference_server.serving import start_in_background
from tests.conftest import TOKEN

CLIENT_ID = "entra-provisioning"
SECRET = "s3cret+with%odd/characters"


@pytest.fixture
def oauth_server(tmp_path):
    running = start_in_background(ServerConfig(db_path=str(tmp_path / "scim.db"), tokens=[TOKEN],
                                               oauth_clients={CLIENT_ID: SECRET}, token_lifetime=3600,
                                               movable_clock=True))
    yield running
    running.stop()


def token_url(server) -> str:
    return server.base_url.removesuffix("/scim/v2") + "/oauth/token"


def basic(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def ask_basic(server, secret: str = SECRET, **form) -> httpx.Response:
    return httpx.post(token_url(server), data={"grant_type": "client_credentials", **form},
                      headers={"Authorization": basic(CLIENT_ID, secret)})


def ask_in_body(server, secret: str = SECRET, **form) -> httpx.Response:
    return httpx.post(token_url(server), data={"grant_type": "client_credentials", "client_id": CLIENT_ID,
                                               "client_secret": secret, **form})


def users(server, token: str) -> httpx.Response:
    return httpx.get(server.base_url + "/Users", params={"startIndex": 1, "count": 1},
                     headers={"Authorization": f"Bearer {token}"})


@pytest.mark.parametrize("ask", [ask_basic, ask_in_body], ids=["basic", "body"])
def test_both_client_auth_methods_get_a_token_that_opens_scim(oauth_server, ask):
    answer = ask(oauth_server)
    assert answer.status_code == 200, answer.text
    token = answer.json()
    assert token["token_type"].lower() == "bearer"
    assert token["expires_in"] == 3600
    assert token["scope"] == "scim"
    assert "refresh_token" not in token
    assert users(oauth_server, token["access_token"]).status_code == 200


def test_static_tokens_keep_working_beside_oauth(oauth_server):
    assert users(oauth_server, TOKEN).status_code == 200


def test_the_lifetime_is_configurable(tmp_path):
    running = start_in_background(ServerConfig(db_path=str(tmp_path / "scim.db"),
                                               oauth_clients={CLIENT_ID: SECRET}, token_lifetime=7200))
    try:
        assert ask_in_body(running).json()["expires_in"] == 7200
    finally:
        running.stop()


def test_wrong_secret_is_invalid_client_401_with_basic_challenge_and_400_in_body(oauth_server):
    with_basic = ask_basic(oauth_server, secret="wrong")
    assert with_basic.status_code == 401
    assert with_basic.json()["error"] == "invalid_client"
    assert with_basic.headers["WWW-Authenticate"].lower().startswith("basic")
    in_body = ask_in_body(oauth_server, secret="wrong")
    assert in_body.status_code in (400, 401)
    assert in_body.json()["error"] == "invalid_client"
    for answer in (with_basic, in_body):
        assert SECRET not in answer.text and "wrong" not in answer.text


def test_unknown_client_and_other_grants_are_refused_without_a_500(oauth_server):
    unknown = httpx.post(token_url(oauth_server), data={"grant_type": "client_credentials",
                                                        "client_id": "nobody", "client_secret": SECRET})
    assert unknown.json()["error"] == "invalid_client"
    password = ask_basic(oauth_server, grant_type="password")
    assert password.status_code == 400
    assert password.json()["error"] == "unsupported_grant_type"
    nothing = httpx.post(token_url(oauth_server), content=b"")
    assert 400 <= nothing.status_code < 500


def test_unknown_token_is_401_invalid_token_and_no_token_keeps_the_plain_challenge(oauth_server):
    unknown = users(oauth_server, "not-a-token")
    assert unknown.status_code == 401
    assert unknown.headers["WWW-Authenticate"] == 'Bearer realm="scim", error="invalid_token"'
    assert unknown.json()["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
    anonymous = httpx.get(oauth_server.base_url + "/Users")
    assert anonymous.status_code == 401
    assert anonymous.headers["WWW-Authenticate"] == 'Bearer realm="scim"'


def test_expired_token_is_401_invalid_token_with_a_scim_body(oauth_server):
    token = ask_basic(oauth_server).json()["access_token"]
    oauth_server.app.extensions["scim"]["clock"].advance(timedelta(seconds=3601))
    expired = users(oauth_server, token)
    assert expired.status_code == 401
    assert 'error="invalid_token"' in expired.headers["WWW-Authenticate"]
    body = expired.json()
    assert body["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
    assert body["status"] == "401"
    assert users(oauth_server, ask_basic(oauth_server).json()["access_token"]).status_code == 200


def test_tokens_are_stored_only_as_hashes_in_the_sqlite_file(oauth_server, tmp_path):
    issued = [ask_basic(oauth_server).json()["access_token"], ask_in_body(oauth_server).json()["access_token"]]
    with open(tmp_path / "scim.db", "rb") as raw:
        stored = raw.read()
    for wal in tmp_path.glob("scim.db-wal"):
        stored += wal.read_bytes()
    for secret in issued + [SECRET]:
        assert secret.encode() not in stored
    with sqlite3.connect(tmp_path / "scim.db") as conn:
        hashes = {row[0] for row in conn.execute("SELECT hash FROM oauth_tokens")}
    assert hashes == {token_hash(token) for token in issued}


def test_client_secrets_are_kept_hashed_and_compared_in_constant_time(oauth_server, monkeypatch):
    from scimulator.reference_server import oauth

    compared = []
    real = oauth.hmac.compare_digest
    monkeypatch.setattr(oauth.hmac, "compare_digest", lambda a, b: compared.append((a, b)) or real(a, b))
    assert ask_basic(oauth_server).status_code == 200
    assert compared and all(SECRET.encode() not in pair for pair in compared)
    assert compared[0][1] == token_hash(SECRET)


def test_without_oauth_clients_there_is_no_token_endpoint(server):
    assert httpx.post(token_url(server), data={"grant_type": "client_credentials"}).status_code in (401, 404)


def test_servers_sharing_one_sqlite_file_accept_each_others_tokens(oauth_server, tmp_path):
    other = start_in_background(ServerConfig(db_path=str(tmp_path / "scim.db"), oauth_clients={CLIENT_ID: SECRET}))
    try:
        assert users(other, ask_basic(oauth_server).json()["access_token"]).status_code == 200
        assert users(oauth_server, ask_in_body(other).json()["access_token"]).status_code == 200
    finally:
        other.stop()
