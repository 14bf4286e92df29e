"""Concurrent writers over real HTTP: no lost update, exactly one winner per userName, no limit overrun; each
against one server process (waitress) and against `scimulator serve --workers 2` (two processes, one SQLite file)."""

from __future__ import annotations

import contextlib
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest

from scimulator.reference_server import ServerConfig
from scimulator.reference_server.serving import start_in_background
from tests.cli.serve_process import scimulator_serve
from tests.conftest import TOKEN, USER, new_group, patch_body

THREADS = 8
MEMBERS_PER_THREAD = 200
USER_LIMIT = 5


@contextlib.contextmanager
def running_server(how: str, db: Path, max_users: int | None = None):
    """The reference server as one process's threads, or as `scimulator serve --workers 2`."""
    if how == "one process":
        running = start_in_background(ServerConfig(db_path=str(db), tokens=[TOKEN], max_users=max_users))
        try:
            yield running
        finally:
            running.stop()
        return
    limit = ["--max-users", str(max_users)] if max_users is not None else []
    with scimulator_serve(db, TOKEN, "--workers", "2", *limit) as base_url:
        yield SimpleNamespace(base_url=base_url)


@pytest.fixture(params=["one process", "two worker processes"])
def serve(request, tmp_path):
    """Starts the reference server the parameter's way, with the options given; stops it after the test."""
    with contextlib.ExitStack() as started:
        yield lambda **options: started.enter_context(running_server(request.param, tmp_path / "scim.db", **options))


@pytest.fixture
def server(serve):
    return serve()


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


def test_concurrent_creates_stop_at_the_user_limit(serve):
    """Racing creates past --max-users: exactly the limit are created, the rest refused with 403."""
    server = serve(max_users=USER_LIMIT)
    start = threading.Barrier(THREADS * 2)

    def create(i: int) -> int:
        with _client(server) as c:
            start.wait()
            return c.post("/Users", json={"schemas": [USER], "userName": f"limited{i}@example.com"}).status_code

    with ThreadPoolExecutor(THREADS * 2) as pool:
        statuses = sorted(pool.map(create, range(THREADS * 2)))
    assert statuses == [201] * USER_LIMIT + [403] * (THREADS * 2 - USER_LIMIT), statuses
