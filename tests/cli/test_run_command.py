"""`scimulator run` as users run it: a child process, its exit code, its terminal output, its reports."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import jsonschema
import pytest

from scimulator.reference_server import ServerConfig
from scimulator.reference_server.serving import serve_in_background, start_in_background
from tests.suite.suite_runner import scimulator_run

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "reports" / "report.schema.json").read_text())


@pytest.mark.whole_suite
def test_bundled_run_passes_and_its_report_json_validates(bundled_run):
    result, report = bundled_run.result, bundled_run.report
    assert result.returncode == 0, result.stdout + result.stderr
    jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(report)
    assert report["target"]["bundled"] is True and report["summary"]["failed"] == 0
    assert {"okta", "entra", "rfc7644"} <= set(report["profiles"])
    assert all(p["verdict"] == "ready" for p in report["profiles"].values())
    assert "scenarios against the bundled reference server" in result.stdout
    assert f"Report: {bundled_run.report_dir / 'report.html'}" in result.stdout
    for name in ("report.html", "summary.md", "junit.xml"):
        assert (bundled_run.report_dir / name).stat().st_size > 0


@pytest.mark.whole_suite
def test_a_report_with_a_failure_also_validates(entra_group_removal_broken_run):
    result, report = entra_group_removal_broken_run.result, entra_group_removal_broken_run.report
    assert result.returncode == 1
    jsonschema.Draft202012Validator(SCHEMA).validate(report)
    assert report["profiles"]["entra"]["verdict"] == "not ready"
    failed = [s for s in report["scenarios"] if s["outcome"] == "failed"]
    assert len(failed) == 1 and failed[0]["message"].startswith("The group Platform must have exactly the members")


BAD_GHERKIN = "Feature: Broken\n  Scenario: one\n    Given an Okta app connected to the target\n  Oops, not Gherkin\n"


def _setup_files(tmp_path: Path) -> None:
    (tmp_path / "corrupt-baseline.json").write_text('{"failures": 3}')
    (tmp_path / "a-file").write_text("")
    (tmp_path / "bad-features").mkdir()
    (tmp_path / "bad-features" / "broken.feature").write_text(BAD_GHERKIN)


@pytest.mark.parametrize("args, sentence, report_written", [
    (["--target", "http://127.0.0.1:9/scim/v2", "--token", "t"], "cannot reach the target", True),
    (["--target", "http://127.0.0.1:9/scim/v2"], "needs a bearer token", True),
    (["--idp", "ldap"], "--idp takes", True),
    (["--baseline", "no-such-file.json"], "does not exist", True),
    (["--baseline", "corrupt-baseline.json"], "corrupt-baseline.json is not a scimulator baseline", True),
    (["--write-baseline", "missing-folder/baseline.json"], "missing-folder does not exist", True),
    (["--features", "bad-features"], "broken.feature does not parse at line 4 ('Oops, not Gherkin'", True),
    (["--report-dir", "a-file/r"], "cannot write reports to", False),
])
def test_a_run_that_cannot_happen_is_one_sentence_exit_2_and_a_report_saying_why(tmp_path, args, sentence,
                                                                                 report_written):
    _setup_files(tmp_path)
    env = {k: v for k, v in os.environ.items() if k != "SCIMULATOR_TOKEN"}
    result = scimulator_run("--report-dir", str(tmp_path / "r"), *args, cwd=tmp_path, env=env)
    assert result.returncode == 2
    assert sentence in result.stderr and "Traceback" not in result.stderr + result.stdout, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert (tmp_path / "r" / "report.json").exists() is report_written
    if report_written:
        _assert_report_says_why(tmp_path / "r", result.stderr)


def _assert_report_says_why(report_dir: Path, stderr: str) -> None:
    report = json.loads((report_dir / "report.json").read_text())
    jsonschema.Draft202012Validator(SCHEMA).validate(report)
    reason = stderr.strip().removeprefix("scimulator: ")
    assert report["could_not_run"] == reason and report["scenarios"] == [] and report["profiles"] == {}
    assert reason in (report_dir / "summary.md").read_text()
    assert json.dumps(reason)[1:-1].split("(")[0] in (report_dir / "report.html").read_text()


def test_a_target_refusing_the_token_is_one_sentence_not_a_failure_per_scenario(tmp_path):
    running = start_in_background(ServerConfig(db_path=str(tmp_path / "t.db"), tokens=["the-right-token"]))
    try:
        result = scimulator_run("--target", running.base_url, "--token", "a-wrong-token",
                                "--report-dir", str(tmp_path / "r"), cwd=tmp_path)
    finally:
        running.stop()
    assert result.returncode == 2 and "Traceback" not in result.stderr + result.stdout
    assert result.stderr.strip() == "scimulator: the target refused the token (401 to GET /Users?startIndex=1&count=2)."
    assert result.stdout == ""
    _assert_report_says_why(tmp_path / "r", result.stderr)


def test_a_target_that_is_no_scim_endpoint_is_one_sentence(tmp_path):
    running = serve_in_background(WIRE_FAILURES["non-JSON"])
    try:
        result = scimulator_run("--target", running.base_url, "--token", "wire-token",
                                "--report-dir", str(tmp_path / "r"), cwd=tmp_path)
    finally:
        running.stop()
    assert result.returncode == 2 and "Traceback" not in result.stderr + result.stdout
    assert "does not answer like a SCIM endpoint (GET /Users?startIndex=1&count=2 gave 200 text/html" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    _assert_report_says_why(tmp_path / "r", result.stderr)


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


def _answers_the_preflight(app):
    """The pre-flight request gets an empty ListResponse; every other request meets the misbehaviour."""
    listing = _wire_app("200 OK", "application/scim+json",
                        b'{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,'
                        b'"startIndex":1,"itemsPerPage":0,"Resources":[]}')

    def wrapped(environ, start_response):
        first = environ["PATH_INFO"].endswith("/Users") and environ.get("QUERY_STRING") == "startIndex=1&count=2"
        return (listing if first else app)(environ, start_response)
    return wrapped


@pytest.mark.whole_suite
@pytest.mark.parametrize("failure", sorted(WIRE_FAILURES))
def test_a_misbehaving_target_fails_scenarios_in_plain_words_and_the_report_is_written(tmp_path, failure):
    running = serve_in_background(_answers_the_preflight(WIRE_FAILURES[failure]))
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
    errors = [s["message"] for s in report["scenarios"] if s["outcome"] == "error"]
    assert not errors, errors[:2]  # a target's misbehaviour is a failure, never a mistake of the suite's


@pytest.mark.whole_suite
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


MISTAKES = """@okta
Feature: Scenarios with mistakes of their own

  @must
  Scenario: The connection test passes
    Given an Okta app connected to the target
    When the Okta admin tests the connector configuration
    Then the connection test succeeds

  @must
  Scenario: Checking a group no step created
    Given an Okta app connected to the target
    When the client sends GET /Groups
    Then the group "Nowhere" holds exactly the members "nobody"
"""


def test_a_scenario_that_cannot_run_is_an_error_in_plain_words_and_counts_in_no_verdict(tmp_path):
    """A name the step language cannot check (a resource the protocol steps remember) fails at run time.

    Unknown steps, words outside a vocabulary and unknown aliases stop the run before it starts
    (tests/suite/test_step_language.py).
    """
    (tmp_path / "features").mkdir()
    (tmp_path / "features" / "mistakes.feature").write_text(MISTAKES)
    result = scimulator_run("--features", str(tmp_path / "features"), "--report-dir", str(tmp_path / "r"), cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stderr.strip() == ("scimulator: 1 scenario(s) could not run because of a mistake in the suite "
                                     "(outcome error); they count in no verdict.")
    report = json.loads((tmp_path / "r" / "report.json").read_text())
    jsonschema.Draft202012Validator(SCHEMA).validate(report)
    messages = {s["name"]: s["message"] for s in report["scenarios"] if s["outcome"] == "error"}
    assert messages == {
        "Checking a group no step created": "The scenario could not run: it names 'nobody', which no earlier step "
                                            "defined (a mistake in the scenario or its steps, not in the target).",
    }
    assert report["summary"] == {"passed": 1, "failed": 0, "skipped": 0, "blocked": 0, "error": 1}
    assert report["profiles"]["okta"] | {} == {**report["profiles"]["okta"], "verdict": "ready", "judged": 1, "of": 2}
    assert "ready on 1 of 2 okta scenarios" in result.stdout
    assert "ERROR [okta] Checking a group no step created" in result.stdout
    assert "1 scenario(s) could not run" in (tmp_path / "r" / "summary.md").read_text()
    assert "1 scenario(s) could not run" in (tmp_path / "r" / "report.html").read_text()


class RecordedRequests:
    """WSGI middleware that keeps each request's method, path with query, and User-Agent."""

    def __init__(self, app):
        self.app, self.seen = app, []

    def __call__(self, environ, start_response):
        query = f"?{environ['QUERY_STRING']}" if environ.get("QUERY_STRING") else ""
        self.seen.append((environ["REQUEST_METHOD"], environ["PATH_INFO"] + query, environ.get("HTTP_USER_AGENT")))
        return self.app(environ, start_response)


def test_the_harness_own_requests_say_verify_and_the_selection_is_on_every_report(tmp_path):
    recorder: list[RecordedRequests] = []
    running = start_in_background(ServerConfig(db_path=str(tmp_path / "t.db"), tokens=["tok-ua-1234"]),
                                  wrap=lambda app: recorder.append(RecordedRequests(app)) or recorder[0])
    try:
        result = scimulator_run("--target", running.base_url, "--token", "tok-ua-1234", "--idp", "okta",
                                "--tags", "user_lifecycle", "--report-dir", str(tmp_path / "r"), cwd=tmp_path)
    finally:
        running.stop()
    assert result.returncode == 0, result.stdout + result.stderr
    seen = recorder[0].seen
    method, path, agent = seen[0]
    assert (method, path.split("/scim/v2")[-1]) == ("GET", "/Users?startIndex=1&count=2")
    assert agent.startswith("scimulator-verify/")
    assert {a for _, _, a in seen} <= {"Okta SCIM Client 1.0.0", agent}
    assert any(m == "DELETE" and a == agent for m, _, a in seen)  # the cleanup at the end
    report = json.loads((tmp_path / "r" / "report.json").read_text())
    assert report["selection"] | {} == {**report["selection"], "idps": ["okta"], "tags": "user_lifecycle"}
    okta = report["profiles"]["okta"]
    phrase = f"ready on {okta['judged']} of {okta['of']} okta scenarios"
    assert okta["verdict"] == "ready" and 0 < okta["judged"] < okta["of"]
    for output in (result.stdout, (tmp_path / "r" / "summary.md").read_text(), (tmp_path / "r" / "report.html").read_text()):
        assert phrase in output and "Selection: idps okta; tags user_lifecycle" in output


def _slow(app, seconds: float = 0.1):
    def wrapped(environ, start_response):
        time.sleep(seconds)
        return app(environ, start_response)
    return wrapped


def _lines_of(stream, into: queue.Queue) -> None:
    for line in stream:
        into.put(line)


@pytest.mark.parametrize("signum, code, name", [(signal.SIGINT, 130, "SIGINT"), (signal.SIGTERM, 143, "SIGTERM")])
def test_an_interrupted_run_exits_with_the_signal_and_a_partial_report_without_a_ready_verdict(tmp_path, signum, code,
                                                                                               name):
    running = start_in_background(ServerConfig(db_path=str(tmp_path / "t.db"), tokens=["tok-slow-1234"]), wrap=_slow)
    try:
        process = subprocess.Popen([sys.executable, "-m", "scimulator", "run", "--target", running.base_url,
                                    "--token", "tok-slow-1234", "--idp", "okta", "--report-dir", str(tmp_path / "r")],
                                   cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        lines: queue.Queue = queue.Queue()
        threading.Thread(target=_lines_of, args=(process.stdout, lines), daemon=True).start()
        features_started = 0
        while features_started < 2:  # the first feature's scenarios are done
            features_started += lines.get(timeout=120).startswith("[")
        process.send_signal(signum)
        _, stderr = process.communicate(timeout=120)
    finally:
        running.stop()
    assert process.returncode == code, stderr
    assert "Traceback" not in stderr
    assert stderr.strip().splitlines()[-1].startswith(f"scimulator: interrupted ({name}) after ")
    report = json.loads((tmp_path / "r" / "report.json").read_text())
    jsonschema.Draft202012Validator(SCHEMA).validate(report)
    assert report["interrupted"] is True and report["scenarios"]
    assert report["profiles"] and all(p["verdict"] == "interrupted" for p in report["profiles"].values())
    for name in ("summary.md", "report.html"):
        text = (tmp_path / "r" / name).read_text()
        assert "Interrupted: a partial run" in text and "✅" not in text
