"""Concurrent writers over real HTTP: no lost update, exactly one winner per userName."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.conftest import TOKEN, USER, new_group, patch_body

THREADS = 8
MEMBERS_PER_THREAD = 200


def _client(server) -> httpx.Client:
    return httpx.Client(base_url=server.base_url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=120)


def test_concurrent_member_adds_lose_nothing(server, client):
    group = new_group(client, "Crowded")
    with ThreadPoolExecutor(THREADS) as pool:
        def create_batch(t: int) -> list[str]:
            with _client(server) as c:
                return [c.post("/Users", json={"schemas": [USER], "userName": f"t{t}-m{i}@x.example"}).json()["id"]
                        for i in range(MEMBERS_PER_THREAD)]

        batches = list(pool.map(create_batch, range(THREADS)))

    start = threading.Barrier(THREADS)

    def add_members(ids: list[str]) -> list[int]:
        statuses = []
        with _client(server) as c:
            start.wait()
            for member in ids:
                response = c.patch(f"/Groups/{group['id']}", params={"excludedAttributes": "members"},
                                   json=patch_body({"op": "add", "path": "members", "value": [{"value": member}]}))
                statuses.append(response.status_code)
        return statuses

    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(add_members, batches))

    assert all(status == 200 for statuses in results for status in statuses)
    final = client.get(f"/Groups/{group['id']}").json()
    expected = {member for batch in batches for member in batch}
    assert len(expected) == THREADS * MEMBERS_PER_THREAD
    assert {m["value"] for m in final["members"]} == expected
    assert final["meta"]["version"] == f'W/"{1 + THREADS * MEMBERS_PER_THREAD}"'


def test_concurrent_creates_of_one_user_name_have_one_winner(server):
    for round_ in range(5):
        start = threading.Barrier(THREADS * 2)

        def create(i: int) -> int:
            with _client(server) as c:
                start.wait()
                name = f"Race{round_}@Example.com" if i % 2 else f"race{round_}@example.COM"
                return c.post("/Users", json={"schemas": [USER], "userName": name}).status_code

        with ThreadPoolExecutor(THREADS * 2) as pool:
            statuses = sorted(pool.map(create, range(THREADS * 2)))
        assert statuses == [201] + [409] * (THREADS * 2 - 1), statuses
