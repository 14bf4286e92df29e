"""`scimulator serve` as a real child process, for tests and benchmarks that need the shipped command."""

from __future__ import annotations

import contextlib
import os
import select
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

BASE_URL_PREFIX = "SCIM base URL: "
START_SECONDS = 30  # the first line (the base URL) comes within this, else the server did not start


@contextlib.contextmanager
def scimulator_serve(db: Path, token: str, *extra: str) -> Iterator[str]:
    """Start `scimulator serve` on a free loopback port, yield its printed base URL, stop it after.

    It runs in a process group of its own: with --workers, stopping it leaves no worker process behind."""
    command = [sys.executable, "-m", "scimulator", "serve", "--port", "0", "--db", str(db), "--token", token, *extra]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    try:
        ready, _, _ = select.select([process.stdout], [], [], START_SECONDS)
        first_line = process.stdout.readline() if ready else ""
        if not first_line.startswith(BASE_URL_PREFIX):
            process.kill()
            raise RuntimeError(f"scimulator serve did not start: {first_line}{process.stderr.read()}")
        yield first_line[len(BASE_URL_PREFIX):].strip()
    finally:
        stop_group(process)
        process.stdout.close()
        process.stderr.close()


def stop_group(process: subprocess.Popen) -> None:
    """SIGTERM to the server (it stops its workers), then SIGKILL to whatever of its process group is left."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
