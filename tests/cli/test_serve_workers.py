"""`scimulator serve --workers N`: several processes on one SQLite file, started and stopped as one command."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.cli.serve_process import BASE_URL_PREFIX, START_SECONDS, scimulator_serve, stop_group

SECRET = "workers-oauth-secret-0123456789"
FRESH_CONNECTIONS = 24  # each request on a new connection: the workers take them in turn, whichever accepts first
STOP_SECONDS = 15


def worker_pids(master: int) -> list[int]:
    """The master's child processes (Linux /proc)."""
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


def started(command: list[str]) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                               start_new_session=True)
    ready, _, _ = select.select([process.stdout], [], [], START_SECONDS)
    line = process.stdout.readline() if ready else ""
    assert line.startswith(BASE_URL_PREFIX), line
    return process, line[len(BASE_URL_PREFIX):].strip()


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads worker processes from Linux /proc")
def test_sigterm_stops_the_workers_with_the_master(tmp_path):
    process, base_url = started([sys.executable, "-m", "scimulator", "serve", "--workers", "2", "--port", "0",
                                 "--db", str(tmp_path / "s.db"), "--token", "t0ken"])
    try:
        assert httpx.get(base_url + "/Users", headers={"Authorization": "Bearer t0ken"}, timeout=30).status_code == 200
        deadline = time.monotonic() + START_SECONDS  # the workers start after the address is printed
        while len(worker_pids(process.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(worker_pids(process.pid)) == 2
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=STOP_SECONDS) == 0
        deadline = time.monotonic() + STOP_SECONDS
        while group_alive(process.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not group_alive(process.pid), "a worker process outlived the command"
    finally:
        stop_group(process)
        process.stdout.close()


def test_a_token_issued_by_one_worker_opens_every_worker(tmp_path):
    """Issued OAuth tokens live (hashed) in the SQLite file, not in the process that issued them."""
    with scimulator_serve(tmp_path / "s.db", "static-token", "--workers", "2", "--client-id", "entra",
                          "--client-secret", SECRET) as base_url:
        root = base_url.removesuffix("/scim/v2")
        token = httpx.post(root + "/oauth/token", data={"grant_type": "client_credentials"}, auth=("entra", SECRET),
                           timeout=30).json()["access_token"]
        statuses = [httpx.get(base_url + "/Users", headers={"Authorization": f"Bearer {token}", "Connection": "close"},
                              timeout=30).status_code for _ in range(FRESH_CONNECTIONS)]
    assert statuses == [200] * FRESH_CONNECTIONS


def test_a_user_created_through_one_worker_is_read_through_every_worker(tmp_path):
    headers = {"Authorization": "Bearer t0ken", "Connection": "close"}
    with scimulator_serve(tmp_path / "s.db", "t0ken", "--workers", "2") as base_url:
        created = httpx.post(base_url + "/Users", headers=headers, timeout=30, json={
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "shared@example.com"}).json()
        found = [httpx.get(f"{base_url}/Users/{created['id']}", headers=headers, timeout=30).status_code
                 for _ in range(FRESH_CONNECTIONS)]
    assert found == [200] * FRESH_CONNECTIONS


@pytest.mark.parametrize("options, sentence", [
    (["--workers", "0"], "scimulator: --workers must be 1 or more."),
    (["--workers", "2", "--movable-clock"],
     "scimulator: --movable-clock needs --workers 1: each worker process would keep a clock of its own."),
])
def test_serve_refuses_workers_it_cannot_keep_right(tmp_path, options, sentence):
    done = subprocess.run([sys.executable, "-m", "scimulator", "serve", "--port", "0", "--db", str(tmp_path / "s.db"),
                           "--token", "t0ken", *options], capture_output=True, text=True, timeout=30)
    assert done.returncode == 2
    assert done.stderr.strip() == sentence
