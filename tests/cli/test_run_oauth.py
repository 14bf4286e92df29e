"""`scimulator run` with OAuth 2.0 client credentials: real token endpoint, real target, on loopback."""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
from pathlib import Path

import pytest

from scimulator.reference_server import ServerConfig
from scimulator.reference_server.serving import start_in_background
from scimulator.simulator.oauth import new_private_key, public_key_of
from tests.suite.suite_runner import scimulator_run

CLIENT_ID = "run-oauth-client"
SECRET = "RUN-OAUTH-SECRET-5f0e1a2b3c4d"
WORD = re.compile(r"[A-Za-z0-9_\-.~+/=]{20,}")


@pytest.fixture
def oauth_target(tmp_path):
    running = start_in_background(ServerConfig(db_path=str(tmp_path / "t.db"), oauth_clients={CLIENT_ID: SECRET}))
    yield running
    running.stop()


def token_url(running) -> str:
    return running.base_url.removesuffix("/scim/v2") + "/oauth/token"


def without_secrets() -> dict:
    return {k: v for k, v in os.environ.items()
            if k not in ("SCIMULATOR_TOKEN", "SCIMULATOR_CLIENT_ID", "SCIMULATOR_CLIENT_SECRET")}


def issued_hashes(db: Path) -> set[bytes]:
    with sqlite3.connect(db) as conn:
        return {row[0] for row in conn.execute("SELECT hash FROM oauth_tokens")}


def test_a_run_with_client_credentials_leaves_no_secret_and_no_issued_token_anywhere(tmp_path, oauth_target):
    env = {**without_secrets(), "SCIMULATOR_CLIENT_ID": CLIENT_ID, "SCIMULATOR_CLIENT_SECRET": SECRET}
    result = scimulator_run("--target", oauth_target.base_url, "--oauth-token-url", token_url(oauth_target),
                            "--client-auth", "body", "--idp", "okta", "--tags", "user_lifecycle",
                            "--report-dir", str(tmp_path / "r"), "--allure-dir", str(tmp_path / "allure"),
                            cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr
    hashes = issued_hashes(tmp_path / "t.db")
    assert hashes  # the run did use issued tokens
    texts = [result.stdout, result.stderr] + [p.read_text(errors="replace") for d in ("r", "allure")
                                              for p in (tmp_path / d).rglob("*") if p.is_file()]
    assert len(texts) >= 6
    for text in texts:
        assert SECRET not in text
        assert not [w for w in WORD.findall(text) if hashlib.sha256(w.encode()).digest() in hashes]


COMPACT_JWT = re.compile(r"eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+")


def test_a_run_signing_jwt_assertions_leaves_no_key_no_assertion_and_no_token_anywhere(tmp_path):
    private_key = new_private_key()
    (tmp_path / "client.pem").write_text(private_key, encoding="ascii")
    running = start_in_background(ServerConfig(db_path=str(tmp_path / "t.db"),
                                               oauth_jwt_clients={CLIENT_ID: public_key_of(private_key)}))
    try:
        result = scimulator_run("--target", running.base_url, "--oauth-token-url", token_url(running),
                                "--client-id", CLIENT_ID, "--client-auth", "private-key-jwt",
                                "--private-key", str(tmp_path / "client.pem"), "--tags", "ipsie_al1_4_1_2",
                                "--report-dir", str(tmp_path / "r"), cwd=tmp_path, env=without_secrets())
    finally:
        running.stop()
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr
    report = json.loads((tmp_path / "r" / "report.json").read_text())
    assert report["summary"]["passed"] == 4, report["summary"]
    hashes = issued_hashes(tmp_path / "t.db")
    key_lines = [line for line in private_key.splitlines() if len(line) >= 20 and "PRIVATE KEY" not in line]
    texts = [result.stdout, result.stderr] + [p.read_text(errors="replace") for p in (tmp_path / "r").rglob("*")
                                              if p.is_file()]
    for text in texts:
        assert not [line for line in key_lines if line in text]
        assert not COMPACT_JWT.findall(text)
        assert not [w for w in WORD.findall(text) if hashlib.sha256(w.encode()).digest() in hashes]


def test_the_bundled_server_runs_with_client_credentials(tmp_path):
    result = scimulator_run("--auth", "client-credentials", "--idp", "entra", "--tags", "connection_test",
                            "--report-dir", str(tmp_path / "r"), cwd=tmp_path, env=without_secrets())
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr
    report = json.loads((tmp_path / "r" / "report.json").read_text())
    assert report["scenarios"]
    sent = [x["request"]["headers"].get("Authorization") for s in report["scenarios"] for x in s["exchanges"]]
    assert sent and all(value == "Bearer [REDACTED]" for value in sent if value)


@pytest.mark.parametrize("how, sentence", [
    ("unreachable", "cannot reach the token endpoint at http://127.0.0.1:9/oauth/token"),
    ("wrong secret", f"the token endpoint at {{url}} refused the client {CLIENT_ID} (401 invalid_client)"),
])
def test_no_token_is_one_sentence_exit_2_and_a_report_saying_why(tmp_path, oauth_target, how, sentence):
    url = "http://127.0.0.1:9/oauth/token" if how == "unreachable" else token_url(oauth_target)
    result = scimulator_run("--target", oauth_target.base_url, "--oauth-token-url", url, "--client-id", CLIENT_ID,
                            "--client-secret", "not-the-secret-at-all", "--report-dir", str(tmp_path / "r"),
                            cwd=tmp_path, env=without_secrets())
    assert result.returncode == 2
    assert "Traceback" not in result.stderr + result.stdout
    assert len(result.stderr.strip().splitlines()) == 1
    assert sentence.format(url=url) in result.stderr
    assert "not-the-secret-at-all" not in result.stderr
    report = json.loads((tmp_path / "r" / "report.json").read_text())
    assert report["could_not_run"] == result.stderr.strip().removeprefix("scimulator: ")


def test_a_private_key_file_holding_no_key_is_one_sentence_exit_2(tmp_path):
    (tmp_path / "not-a-key.pem").write_text("-----BEGIN PRIVATE KEY-----\nnot a key\n", encoding="ascii")
    result = scimulator_run("--auth", "client-credentials", "--client-auth", "private-key-jwt", "--private-key",
                            str(tmp_path / "not-a-key.pem"), "--report-dir", str(tmp_path / "r"), cwd=tmp_path,
                            env=without_secrets())
    assert result.returncode == 2
    assert result.stderr.strip() == ("scimulator: --private-key must name a PEM file holding an unencrypted RSA or EC "
                                     "private key (ValueError).")
