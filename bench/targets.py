"""Benchmark targets: `scimulator serve` and the scim2-server peer, each a child process holding N users."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bench.population import user_body

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "bench-token"
BULK_SIZE = 1000


@dataclass(frozen=True)
class Target:
    name: str
    base_url: str
    pid: int


def seed_reference_store(db: Path, users: int) -> None:
    """Fill a reference-server SQLite file through its own /Bulk endpoint, in-process (setup, not measured)."""
    from scimulator.reference_server import ServerConfig, create_app

    http = create_app(ServerConfig(db_path=str(db), tokens=[TOKEN])).test_client()
    for start in range(0, users, BULK_SIZE):
        operations = [{"method": "POST", "path": "/Users", "bulkId": str(i), "data": user_body(i)}
                      for i in range(start, min(start + BULK_SIZE, users))]
        answer = http.post("/scim/v2/Bulk", headers={"Authorization": f"Bearer {TOKEN}"},
                           json={"schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"], "Operations": operations})
        statuses = {op["status"] for op in answer.get_json()["Operations"]}
        if answer.status_code != 200 or statuses != {"201"}:
            raise RuntimeError(f"seeding the reference store failed: {answer.status_code} {statuses}")


@contextlib.contextmanager
def _child(name: str, command: list[str]) -> Iterator[Target]:
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=ROOT,
                               env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        line = process.stdout.readline()
        if not line.startswith("SCIM base URL: "):
            raise RuntimeError(f"{name} did not start: {line!r}")
        yield Target(name, line.removeprefix("SCIM base URL: ").strip(), process.pid)
    finally:
        process.terminate()
        process.wait(timeout=30)
        process.stdout.close()


@contextlib.contextmanager
def served(users: int, workers: int = 1, name: str = "scimulator serve") -> Iterator[Target]:
    """`scimulator serve [--workers N]` on a temporary SQLite file seeded with `users` users."""
    with tempfile.TemporaryDirectory(prefix="scimulator-bench-") as directory:
        db = Path(directory) / "bench.db"
        if users:
            seed_reference_store(db, users)
        with _child(name, [sys.executable, "-m", "scimulator", "serve", "--port", "0", "--db", str(db),
                           "--token", TOKEN, "--workers", str(workers)]) as target:
            yield target


def scimulator_serve(users: int):
    return served(users)


def scimulator_serve_two_workers(users: int):
    """`scimulator serve --workers 2`: two processes (gunicorn) on one SQLite file; CPU counts both workers."""
    return served(users, workers=2, name="scimulator serve --workers 2")


@contextlib.contextmanager
def scim2_server(users: int) -> Iterator[Target]:
    with _child("scim2-server 0.8.3", [sys.executable, "-m", "bench.scim2_server_peer",
                                        "--users", str(users), "--token", TOKEN]) as target:
        yield target


TARGETS = [scimulator_serve, scimulator_serve_two_workers, scim2_server]
CYCLE_TARGETS = [scimulator_serve, scim2_server]  # the Entra initial cycle is one client: one process serves it
