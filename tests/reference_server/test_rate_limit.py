"""The reference server's rate limits and its RFC 8414 metadata, over real HTTP on loopback where it matters."""

from __future__ import annotations

import threading

import httpx
import pytest

from scimulator.reference_server import ServerConfig
from scimulator.reference_server.app import create_app
from scimulator.reference_server.rate_limit import InFlight, RateLimiter, retry_after
from scimulator.reference_server.serving import start_in_background
from tests.conftest import TOKEN

BEARER = {"Authorization": f"Bearer {TOKEN}"}


class FakeTime:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_bucket_lets_its_burst_through_then_says_how_long_to_wait_and_refills():
    clock = FakeTime()
    limiter = RateLimiter(2, 3, now=clock)
    assert [limiter.wait(b"a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.wait(b"a") == pytest.approx(0.5)
    assert limiter.wait(b"b") == 0.0  # another client has its own bucket
    clock.now = 0.5
    assert limiter.wait(b"a") == 0.0
    assert retry_after(0.01) == "1" and retry_after(2.2) == "3"


def test_requests_in_flight_are_counted_per_client_and_released():
    in_flight = InFlight(2)
    assert in_flight.enter(b"a") and in_flight.enter(b"a") and not in_flight.enter(b"a")
    assert in_flight.enter(b"b")
    in_flight.leave(b"a")
    assert in_flight.enter(b"a")


def test_past_the_rate_a_client_gets_a_scim_429_with_retry_after_and_others_are_served(tmp_path):
    app = create_app(ServerConfig(db_path=str(tmp_path / "scim.db"), tokens=[TOKEN, "other-token"], rate_limit=1,
                                  rate_burst=2))
    client = app.test_client()
    statuses = [client.get("/scim/v2/Users", headers=BEARER).status_code for _ in range(3)]
    refused = client.get("/scim/v2/Users", headers=BEARER)
    assert statuses[:2] == [200, 200] and refused.status_code == 429
    assert refused.headers["Retry-After"].isdigit() and int(refused.headers["Retry-After"]) >= 1
    assert refused.json["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
    assert refused.json["status"] == "429"
    assert client.get("/scim/v2/Users", headers={"Authorization": "Bearer other-token"}).status_code == 200


def test_without_a_limit_configured_nothing_is_throttled(tmp_path):
    client = create_app(ServerConfig(db_path=str(tmp_path / "scim.db"), tokens=[TOKEN])).test_client()
    assert {client.get("/scim/v2/ServiceProviderConfig", headers=BEARER).status_code for _ in range(50)} == {200}


def test_parallel_requests_beyond_the_in_flight_limit_get_429_while_one_at_a_time_never_does(tmp_path):
    running = start_in_background(ServerConfig(db_path=str(tmp_path / "scim.db"), tokens=[TOKEN], max_in_flight=1))
    try:
        with httpx.Client(headers=BEARER) as http:
            assert {http.get(running.base_url + "/Users").status_code for _ in range(100)} == {200}
        statuses: list[int] = []

        def hammer() -> None:
            with httpx.Client(headers=BEARER) as own:
                statuses.extend(own.get(running.base_url + "/Users").status_code for _ in range(40))
        threads = [threading.Thread(target=hammer) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert 429 in statuses and set(statuses) <= {200, 429}
    finally:
        running.stop()


def test_the_authorization_server_metadata_names_the_token_endpoint_without_a_token(tmp_path):
    running = start_in_background(ServerConfig(db_path=str(tmp_path / "scim.db"), tokens=[TOKEN],
                                               oauth_clients={"client": "a-long-enough-secret"}))
    try:
        root = running.base_url.removesuffix("/scim/v2")
        answer = httpx.get(root + "/.well-known/oauth-authorization-server")
        assert answer.status_code == 200
        metadata = answer.json()
        assert metadata["issuer"] == root and metadata["token_endpoint"] == root + "/oauth/token"
        assert metadata["grant_types_supported"] == ["client_credentials"]
        assert metadata["token_endpoint_auth_methods_supported"] == ["client_secret_basic", "client_secret_post",
                                                                     "private_key_jwt"]
        assert metadata["token_endpoint_auth_signing_alg_values_supported"] == ["RS256", "ES256"]
        assert metadata["scopes_supported"] == ["scim"]
    finally:
        running.stop()


def test_without_oauth_clients_there_is_no_metadata(tmp_path):
    client = create_app(ServerConfig(db_path=str(tmp_path / "scim.db"), tokens=[TOKEN])).test_client()
    assert client.get("/.well-known/oauth-authorization-server", headers=BEARER).status_code == 404
