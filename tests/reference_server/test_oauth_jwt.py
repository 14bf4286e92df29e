"""RFC 7523 JWT client authentication (private_key_jwt) at the reference server's token endpoint, on loopback."""

from __future__ import annotations

import sqlite3
import time

import httpx
import pytest
from authlib.oauth2.rfc7523.assertion import private_key_jwt_sign
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from scimulator.reference_server import ServerConfig
from scimulator.reference_server.serving import start_in_background
from scimulator.simulator.oauth import (ClientCredentials, client_assertion, new_private_key, post_assertion,
                                        public_key_of, signing_key)

CLIENT_ID, SECRET = "ipsie-client", "ipsie-client-secret-0123456789"
PRIVATE_KEY = new_private_key()


def start(db: str, **extra):
    return start_in_background(ServerConfig(db_path=db, oauth_clients={CLIENT_ID: SECRET},
                                            oauth_jwt_clients={CLIENT_ID: public_key_of(PRIVATE_KEY)}, **extra))


@pytest.fixture
def jwt_server(tmp_path):
    running = start(str(tmp_path / "scim.db"))
    yield running
    running.stop()


def credentials(server, private_key: str = PRIVATE_KEY) -> ClientCredentials:
    return ClientCredentials(server.base_url.removesuffix("/scim/v2") + "/oauth/token", CLIENT_ID, None,
                             client_auth="private-key-jwt", private_key=private_key)


def signed(server, audience: str | None = None, **claims) -> str:
    """An assertion with the claims given, the others as a well-behaved client sets them."""
    token_url = credentials(server).token_url
    return private_key_jwt_sign(signing_key(PRIVATE_KEY), CLIENT_ID, audience or token_url,
                                claims={"exp": int(time.time()) + 60, **claims})


def refusal(answer: httpx.Response) -> tuple[int, str]:
    return answer.status_code, answer.json().get("error")


def test_a_fresh_assertion_gets_a_token_that_opens_the_scim_api(jwt_server):
    answer = post_assertion(credentials(jwt_server), client_assertion(credentials(jwt_server)))
    assert answer.status_code == 200 and answer.json()["expires_in"] == 3600
    token = answer.json()["access_token"]
    assert httpx.get(jwt_server.base_url + "/Users", params={"count": 1},
                     headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_the_client_secret_keeps_working_beside_the_key(jwt_server):
    answer = httpx.post(credentials(jwt_server).token_url, data={"grant_type": "client_credentials"},
                        auth=(CLIENT_ID, SECRET))
    assert answer.status_code == 200


def test_a_replay_is_refused_by_another_server_process_on_the_same_file(jwt_server, tmp_path):
    assertion = client_assertion(credentials(jwt_server))
    assert post_assertion(credentials(jwt_server), assertion).status_code == 200
    other = start(str(tmp_path / "scim.db"))  # a second worker: its own app, the same SQLite file
    try:
        assert refusal(post_assertion(credentials(other), assertion)) == (400, "invalid_client")
    finally:
        other.stop()


@pytest.mark.parametrize("change", ["another key", "expired", "another audience", "iss is not sub", "no jti"])
def test_an_assertion_that_is_not_valid_is_refused_as_invalid_client(jwt_server, change):
    assertion = {
        "another key": lambda: client_assertion(credentials(jwt_server), private_key=new_private_key()),
        "expired": lambda: client_assertion(credentials(jwt_server), issued_at=int(time.time()) - 600),
        "another audience": lambda: signed(jwt_server, audience="https://elsewhere.example.com/oauth/token"),
        "iss is not sub": lambda: signed(jwt_server, iss="someone-else"),
        "no jti": lambda: signed(jwt_server, jti=None),
    }[change]()
    assert refusal(post_assertion(credentials(jwt_server), assertion)) == (400, "invalid_client")


def test_the_issuer_is_an_audience_too(jwt_server):
    """RFC 7523 section 3: aud identifies the authorization server; the token endpoint URL is one way to say so."""
    issuer = jwt_server.base_url.removesuffix("/scim/v2")
    assert post_assertion(credentials(jwt_server), signed(jwt_server, audience=issuer)).status_code == 200


def test_an_ec_key_signs_with_es256(tmp_path):
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode("ascii")
    running = start_in_background(ServerConfig(db_path=str(tmp_path / "scim.db"),
                                               oauth_jwt_clients={CLIENT_ID: public_key_of(pem)}))
    try:
        ec_client = credentials(running, private_key=pem)
        assert post_assertion(ec_client, client_assertion(ec_client)).status_code == 200
    finally:
        running.stop()


def test_used_ids_are_kept_hashed_and_dropped_once_their_assertion_expired(jwt_server, tmp_path):
    post_assertion(credentials(jwt_server), client_assertion(credentials(jwt_server)))
    with sqlite3.connect(tmp_path / "scim.db") as conn:
        (kept,), = conn.execute("SELECT COUNT(*) FROM oauth_assertion_ids").fetchall()
        conn.execute("UPDATE oauth_assertion_ids SET expires = 0")
    assert kept == 1
    post_assertion(credentials(jwt_server), client_assertion(credentials(jwt_server)))
    with sqlite3.connect(tmp_path / "scim.db") as conn:
        rows = conn.execute("SELECT hash FROM oauth_assertion_ids").fetchall()
    assert len(rows) == 1 and isinstance(rows[0][0], bytes)


def test_the_metadata_advertises_private_key_jwt(jwt_server):
    root = jwt_server.base_url.removesuffix("/scim/v2")
    metadata = httpx.get(root + "/.well-known/oauth-authorization-server").json()
    assert "private_key_jwt" in metadata["token_endpoint_auth_methods_supported"]
    assert metadata["token_endpoint_auth_signing_alg_values_supported"] == ["RS256", "ES256"]
