"""`scimulator serve` as a real child process, for tests and benchmarks that need the shipped command."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

BASE_URL_PREFIX = "SCIM base URL: "


@contextlib.contextmanager
def scimulator_serve(db: Path, token: str, *extra: str) -> Iterator[str]:
    """Start `scimulator serve` on a free loopback port, yield its printed base URL, stop it after."""
    command = [sys.executable, "-m", "scimulator", "serve", "--port", "0", "--db", str(db), "--token", token, *extra]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first_line = process.stdout.readline()
        if not first_line.startswith(BASE_URL_PREFIX):
            process.kill()
            raise RuntimeError(f"scimulator serve did not start: {first_line}{process.stderr.read()}")
        yield first_line[len(BASE_URL_PREFIX):].strip()
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()
        process.stderr.close()
