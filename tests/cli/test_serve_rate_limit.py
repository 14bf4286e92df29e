"""`scimulator serve --rate-limit N`: requests per second per token, beyond which the server answers 429."""

from __future__ import annotations

import subprocess
import sys

import httpx


def test_serve_limits_each_token_to_the_rate_given(tmp_path):
    command = [sys.executable, "-m", "scimulator", "serve", "--port", "0", "--db", str(tmp_path / "s.db"),
               "--token", "static-token", "--rate-limit", "2"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        base_url = process.stdout.readline().split(": ", 1)[1].strip()
        with httpx.Client(headers={"Authorization": "Bearer static-token"}) as http:
            statuses = [http.get(base_url + "/Users").status_code for _ in range(5)]
            refused = http.get(base_url + "/Users")
        assert statuses[:2] == [200, 200] and refused.status_code == 429 and refused.headers["Retry-After"]
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()
        process.stderr.close()


def test_serve_refuses_a_rate_limit_that_is_not_positive(tmp_path):
    done = subprocess.run([sys.executable, "-m", "scimulator", "serve", "--port", "0", "--db", str(tmp_path / "s.db"),
                           "--rate-limit", "0"], capture_output=True, text=True, timeout=30)
    assert done.returncode == 2
    assert done.stderr.strip() == "scimulator: --rate-limit must be a positive number of requests per second."
