"""`scimulator run` as users run it: a child process, its exit code, its terminal output, its reports."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from reference_server import ServerConfig
from scimulator.server import serve_in_background, start_in_background
from tests.broken_targets import BREAKERS

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "reports" / "report.schema.json").read_text())


def scimulator_run(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scimulator", "run", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=600, env=env)


def test_bundled_run_passes_and_its_report_json_validates(tmp_path):
    result = scimulator_run("--report-dir", str(tmp_path / "report"), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads((tmp_path / "report" / "report.json").read_text())
    jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(report)
    assert report["target"]["bundled"] is True and report["summary"]["failed"] == 0
    assert {"okta", "entra", "rfc7644"} <= set(report["profiles"])
    assert all(p["verdict"] == "ready" for p in report["profiles"].values())
    assert "scenarios against the bundled reference server" in result.stdout
    assert f"Report: {tmp_path / 'report' / 'report.html'}" in result.stdout
    for name in ("report.html", "summary.md", "junit.xml"):
        assert (tmp_path / "report" / name).stat().st_size > 0


def test_a_report_with_a_failure_also_validates(tmp_path):
    running = start_in_background(ServerConfig(db_path=str(tmp_path / "t.db"), tokens=["tok-1234"]),
                                  wrap=BREAKERS["empties_group_on_entra_removal"].wrap)
    try:
        result = scimulator_run("--target", running.base_url, "--token", "tok-1234", "--idp", "entra",
                                "--report-dir", str(tmp_path / "r"), cwd=tmp_path)
    finally:
        running.stop()
    assert result.returncode == 1
    report = json.loads((tmp_path / "r" / "report.json").read_text())
    jsonschema.Draft202012Validator(SCHEMA).validate(report)
    assert report["profiles"]["entra"]["verdict"] == "not ready"
    failed = [s for s in report["scenarios"] if s["outcome"] == "failed"]
    assert len(failed) == 1 and failed[0]["message"].startswith("The group Platform must have exactly the members")


@pytest.mark.parametrize("args, sentence", [
    (["--target", "http://127.0.0.1:9/scim/v2", "--token", "t"], "cannot reach the target"),
    (["--target", "http://127.0.0.1:9/scim/v2"], "needs a bearer token"),
    (["--idp", "ldap"], "--idp takes"),
    (["--baseline", "no-such-file.json"], "does not exist"),
])
def test_a_run_that_cannot_happen_is_one_sentence_and_exit_2(tmp_path, args, sentence):
    env = {k: v for k, v in os.environ.items() if k != "SCIMULATOR_TOKEN"}
    result = scimulator_run(*args, "--report-dir", str(tmp_path / "r"), cwd=tmp_path, env=env)
    assert result.returncode == 2
    assert sentence in result.stderr and "Traceback" not in result.stderr + result.stdout
    assert len(result.stderr.strip().splitlines()) == 1


def _wire_app(status: str, content_type: str, body: bytes, extra: list | None = None):
    def app(environ, start_response):
        start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(body))), *(extra or [])])
        return [body]
    return app


WIRE_FAILURES = {
    "500s": _wire_app("500 Internal Server Error", "text/html", b"<h1>Internal Server Error</h1>"),
    "non-JSON": _wire_app("200 OK", "text/html", b"<html><body>Please sign in</body></html>"),
    "wrong content type": _wire_app("200 OK", "text/plain",
                                    b'{"schemas":[],"totalResults":0,"startIndex":1,"itemsPerPage":0,"Resources":[]}'),
    "429 with Retry-After": _wire_app("429 Too Many Requests", "application/scim+json",
                                      b'{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"429"}',
                                      [("Retry-After", "1")]),
}


@pytest.mark.parametrize("failure", sorted(WIRE_FAILURES))
def test_a_misbehaving_target_fails_scenarios_in_plain_words_and_the_report_is_written(tmp_path, failure):
    running = serve_in_background(WIRE_FAILURES[failure])
    try:
        result = scimulator_run("--target", running.base_url, "--token", "wire-token", "--idp", "okta",
                                "--report-dir", str(tmp_path / "r"), cwd=tmp_path)
    finally:
        running.stop()
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    report = json.loads((tmp_path / "r" / "report.json").read_text())
    failed = [s for s in report["scenarios"] if s["outcome"] == "failed"]
    assert failed and all(s["message"] and "Traceback" not in s["message"] for s in failed)
    assert all(not s["message"].startswith("The scenario could not run") for s in failed), \
        [s["message"] for s in failed if s["message"].startswith("The scenario could not run")][:2]


def test_a_recognisable_token_appears_in_no_report_file_and_nowhere_in_the_output(tmp_path):
    token = "SECRET-TOKEN-d41d8cd98f00b204"
    running = start_in_background(ServerConfig(db_path=str(tmp_path / "t.db"), tokens=[token]))
    try:
        result = scimulator_run("--target", running.base_url, "--token", token, "--report-dir", str(tmp_path / "r"),
                                "--allure-dir", str(tmp_path / "allure"), cwd=tmp_path)
    finally:
        running.stop()
    assert result.returncode == 0, result.stdout[-2000:]
    assert token not in result.stdout + result.stderr
    files = [p for p in (tmp_path / "r").rglob("*") if p.is_file()] + [p for p in (tmp_path / "allure").rglob("*")
                                                                       if p.is_file()]
    assert len(files) >= 4
    for path in files:
        assert token not in path.read_text(errors="replace"), path
    passwords = [x["request"]["body"].get("password") for s in json.loads((tmp_path / "r" / "report.json").read_text())
                 ["scenarios"] for x in s["exchanges"] if isinstance(x["request"]["body"], dict)
                 and "password" in x["request"]["body"]]
    assert passwords and set(passwords) == {"[REDACTED]"}
