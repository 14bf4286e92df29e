"""The suite's own reads wait out a target's 429 (a legitimate rate limit); IdP traffic is left to its engine."""

from __future__ import annotations

import httpx

from scimulator.simulator import OKTA, VERIFY, Transport


def _throttling(times: int, retry_after: str = "0"):
    """A target answering 429 the first `times` requests, then 200; and the requests it got."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if len(seen) <= times:
            return httpx.Response(429, headers={"Retry-After": retry_after}, json={"status": "429"})
        return httpx.Response(200, json={"totalResults": 0})
    return handler, seen


def _transport(handler, profile) -> Transport:
    return Transport("http://target/scim/v2", "throttled-test-token-5b1e", profile, http=httpx.Client(transport=httpx.MockTransport(handler)))


def test_the_verify_client_sends_again_after_the_retry_after_and_records_each_exchange():
    handler, seen = _throttling(2)
    with _transport(handler, VERIFY) as verify:
        answer = verify.get("/Users")
    assert answer.status == 200 and len(seen) == 3
    assert [exchange.status for exchange in verify.record] == [429, 429, 200]


def test_the_verify_client_gives_up_after_a_few_tries_or_a_long_retry_after():
    handler, seen = _throttling(100)
    with _transport(handler, VERIFY) as verify:
        assert verify.get("/Users").status == 429 and len(seen) == 4
    handler, seen = _throttling(1, retry_after="3600")
    with _transport(handler, VERIFY) as verify:
        assert verify.get("/Users").status == 429 and len(seen) == 1


def test_idp_traffic_gets_the_429_itself():
    handler, seen = _throttling(1)
    with _transport(handler, OKTA) as okta:
        assert okta.get("/Users").status == 429 and len(seen) == 1
