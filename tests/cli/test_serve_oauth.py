"""`scimulator serve --client-id ... --client-secret ...`: a token endpoint beside the static token."""

from __future__ import annotations

import os
import subprocess
import sys

import httpx

from scimulator.simulator.oauth import (ClientCredentials, client_assertion, new_private_key, post_assertion,
                                        public_key_of)

SECRET = "serve-oauth-secret-0123456789"


def test_serve_opens_a_token_endpoint_and_never_prints_the_secret(tmp_path):
    command = [sys.executable, "-m", "scimulator", "serve", "--port", "0", "--db", str(tmp_path / "s.db"),
               "--token", "static-token", "--client-id", "entra", "--token-lifetime", "5400"]
    env = {**os.environ, "SCIMULATOR_CLIENT_SECRET": SECRET}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        printed = [process.stdout.readline() for _ in range(4)]
        token_line = next(line for line in printed if line.startswith("OAuth token URL: "))
        token_url = token_line.split()[3]
        assert "client id entra" in token_line
        assert all(SECRET not in line for line in printed)
        token = httpx.post(token_url, data={"grant_type": "client_credentials"}, auth=("entra", SECRET)).json()
        assert token["expires_in"] == 5400
        base_url = printed[0].split(": ", 1)[1].strip()
        answer = httpx.get(base_url + "/Users", headers={"Authorization": f"Bearer {token['access_token']}"})
        assert answer.status_code == 200
        assert httpx.get(base_url + "/Users", headers={"Authorization": "Bearer static-token"}).status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()
        process.stderr.close()


def test_serve_refuses_a_client_id_without_a_secret(tmp_path):
    env = {key: value for key, value in os.environ.items() if key != "SCIMULATOR_CLIENT_SECRET"}
    done = subprocess.run([sys.executable, "-m", "scimulator", "serve", "--port", "0", "--db", str(tmp_path / "s.db"),
                           "--client-id", "entra"], capture_output=True, text=True, env=env, timeout=30)
    assert done.returncode == 2
    assert done.stderr.strip() == ("scimulator: --client-id needs --client-secret (or SCIMULATOR_CLIENT_SECRET) or "
                                   "--client-public-key.")


def test_serve_takes_a_client_public_key_for_jwt_assertions_and_never_prints_it(tmp_path):
    private_key = new_private_key()
    (tmp_path / "client.pub").write_text(public_key_of(private_key), encoding="ascii")
    env = {key: value for key, value in os.environ.items() if key != "SCIMULATOR_CLIENT_SECRET"}
    command = [sys.executable, "-m", "scimulator", "serve", "--port", "0", "--db", str(tmp_path / "s.db"),
               "--token", "static-token", "--client-id", "ipsie", "--client-public-key", str(tmp_path / "client.pub")]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        printed = [process.stdout.readline() for _ in range(4)]
        token_line = next(line for line in printed if line.startswith("OAuth token URL: "))
        assert "client id ipsie, public key as given" in token_line
        credentials = ClientCredentials(token_line.split()[3], "ipsie", None, client_auth="private-key-jwt",
                                        private_key=private_key)
        assertion = client_assertion(credentials)
        assert post_assertion(credentials, assertion).status_code == 200
        replayed = post_assertion(credentials, assertion)
        assert (replayed.status_code, replayed.json()["error"]) == (400, "invalid_client")
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()
        process.stderr.close()


def test_serve_refuses_a_public_key_file_that_holds_no_public_key(tmp_path):
    (tmp_path / "not-a-key.pem").write_text("hello", encoding="ascii")
    done = subprocess.run([sys.executable, "-m", "scimulator", "serve", "--port", "0", "--db", str(tmp_path / "s.db"),
                           "--client-id", "ipsie", "--client-public-key", str(tmp_path / "not-a-key.pem")],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 2
    assert done.stderr.startswith("scimulator: --client-public-key must name a PEM file holding an RSA or EC "
                                  "public key")
