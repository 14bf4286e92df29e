"""Lookups by userName and one-attribute PATCHes per second, at 1,000 and 100,000 users.

The two requests Okta and Entra send most: the lookup before every create (a userName eq filter)
and the PATCH of one attribute. Each target is a child process; the load comes from this process.
"""

from __future__ import annotations

import random

from bench.load import Connection, Throughput, measure
from bench.population import user_name
from bench.targets import TARGETS, TOKEN

PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
SAMPLE = 300


def lookup_request(users: int):
    def send(connection: Connection, rng: random.Random) -> bool:
        status, body = connection.request("GET", "/Users", {"filter": f'userName eq "{user_name(rng.randrange(users))}"'})
        return status == 200 and body["totalResults"] == 1
    return send


def patch_request(ids: list[str]):
    def send(connection: Connection, rng: random.Random) -> bool:
        body = {"schemas": [PATCH_OP], "Operations": [{"op": "replace", "path": "title", "value": f"Title {rng.random()}"}]}
        status, _ = connection.request("PATCH", f"/Users/{rng.choice(ids)}", body=body)
        return status in (200, 204)
    return send


def sample_ids(base_url: str, users: int) -> list[str]:
    """Ids of a random sample of the users, found by lookups (setup, not measured)."""
    rng = random.Random(7)
    ids = []
    connection = Connection(base_url, TOKEN)
    try:
        for index in rng.sample(range(users), min(SAMPLE, users)):
            _, found = connection.request("GET", "/Users", {"filter": f'userName eq "{user_name(index)}"'})
            ids.append(found["Resources"][0]["id"])
    finally:
        connection.close()
    return ids


def run(sizes: list[int], seconds: float, clients: int, log) -> list[dict]:
    rows = []
    for users in sizes:
        for start_target in TARGETS:
            log(f"  starting {start_target.__name__} with {users:,} users ...")
            with start_target(users) as target:
                ids = sample_ids(target.base_url, users)
                for operation, request in (("lookup by userName", lookup_request(users)),
                                           ("PATCH one attribute", patch_request(ids))):
                    result: Throughput = measure(target.base_url, TOKEN, request, seconds, clients, target.pid)
                    rows.append({"target": target.name, "users": users, "operation": operation,
                                 "requests": result.requests, "wrong": result.wrong,
                                 "seconds": round(result.seconds, 3), "per_second": round(result.per_second, 1),
                                 "server_cpu_us": round(result.server_cpu_us_per_request or 0, 1)})
                    log(f"    {operation:<22} {result.per_second:8.1f}/s  server CPU {result.server_cpu_us_per_request or 0:6.0f} us"
                        f"/request  ({result.requests} requests, {result.wrong} wrong)")
    return rows
