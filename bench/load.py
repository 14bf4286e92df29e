"""Closed-loop load over keep-alive connections: N client threads, each holding one HTTP/1.1 connection.

The load generator uses the standard library's http.client rather than httpx: it costs a fraction
of the CPU per request, and on a small machine the generator shares the cores with the server, so
a heavy generator would flatten every ratio it measures.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit


class Connection:
    """One keep-alive connection to a SCIM base URL, with the bearer token on every request."""

    def __init__(self, base_url: str, token: str):
        parts = urlsplit(base_url)
        self.prefix = parts.path.rstrip("/")
        self.http = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        self.headers = {"Authorization": f"Bearer {token}", "Accept": "application/scim+json"}

    def request(self, method: str, path: str, params: dict | None = None, body: Any = None) -> tuple[int, Any]:
        url = self.prefix + path + (f"?{urlencode(params)}" if params else "")
        headers = dict(self.headers)
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/scim+json"
        self.http.request(method, url, body=payload, headers=headers)
        response = self.http.getresponse()
        data = response.read()
        return response.status, (json.loads(data) if data else None)

    def close(self) -> None:
        self.http.close()


Request = Callable[[Connection, random.Random], bool]
"""Sends one request and tells whether the answer was right."""


@dataclass
class Throughput:
    requests: int
    wrong: int
    seconds: float
    server_cpu_seconds: float | None

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds

    @property
    def server_cpu_us_per_request(self) -> float | None:
        if self.server_cpu_seconds is None or not self.requests:
            return None
        return self.server_cpu_seconds / self.requests * 1e6


def process_cpu_seconds(pid: int | None) -> float | None:
    """User plus system CPU time of a process and its child processes (the workers of `scimulator serve --workers`),
    from /proc (None where /proc is not available)."""
    if pid is None:
        return None
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return own + sum(process_cpu_seconds(child) or 0.0 for child in child_pids(pid))


def child_pids(pid: int) -> list[int]:
    try:
        return [int(child) for child in open(f"/proc/{pid}/task/{pid}/children").read().split()]
    except OSError:
        return []


def measure(base_url: str, token: str, request: Request, seconds: float, clients: int,
            server_pid: int | None = None, warmup: float = 0.5) -> Throughput:
    """Run `request` in a loop from `clients` threads for `seconds` (after a warm-up) and count answers."""
    done = [0] * clients
    wrong = [0] * clients
    phase = {"measuring": False, "stop": False}
    ready = threading.Barrier(clients + 1)

    def worker(slot: int) -> None:
        rng = random.Random(slot)
        connection = Connection(base_url, token)
        try:
            ready.wait()
            while not phase["stop"]:
                try:
                    ok = request(connection, rng)
                except (OSError, http.client.HTTPException, ValueError, KeyError, TypeError):
                    ok = False  # a broken answer counts as wrong; start again on a fresh connection
                    connection.close()
                    connection = Connection(base_url, token)
                if phase["measuring"]:
                    done[slot] += 1
                    wrong[slot] += 0 if ok else 1
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(slot,), daemon=True) for slot in range(clients)]
    for thread in threads:
        thread.start()
    ready.wait()
    time.sleep(warmup)
    cpu_before = process_cpu_seconds(server_pid)
    phase["measuring"] = True
    started = time.perf_counter()
    time.sleep(seconds)
    phase["measuring"] = False
    elapsed = time.perf_counter() - started
    cpu_after = process_cpu_seconds(server_pid)
    phase["stop"] = True
    for thread in threads:
        thread.join()
    cpu = None if cpu_before is None or cpu_after is None else cpu_after - cpu_before
    return Throughput(sum(done), sum(wrong), elapsed, cpu)
