"""The harness against hostile answers: it reads no more than it means to, survives deep JSON, and leaks no secret.

Every target here is a real server on loopback. Raw-socket targets (endless and trickling bodies) stop on
their own once the client goes away or after a bounded amount, so no test can hang.
"""

from __future__ import annotations

import json
import re
import socket
import socketserver
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest

from scimulator.reference_server import ServerConfig
from scimulator.reference_server.serving import start_in_background
from scimulator.simulator import OKTA, Transport
from scimulator.simulator.transport import MAX_ANSWER_BYTES, TOO_DEEP
from tests.suite.broken_targets import breaker, _json_response
from tests.suite.suite_runner import run_suite

ROOT = Path(__file__).resolve().parents[2]
LISTING = (b'{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,'
           b'"startIndex":1,"itemsPerPage":0,"Resources":[]}')
PREFLIGHT_LINE = b"GET /scim/v2/Users?startIndex=1&count=2 "
MOST_SENT = 64 * 1024 * 1024  # an endless body stops here even if the client never hangs up
PEAK_RSS_LIMIT_KB = 300 * 1024


class RawTarget(socketserver.ThreadingTCPServer):
    """A loopback HTTP target written at the socket level: `answer(request_head, socket)` sends what it likes."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, answer):
        self.answer = answer
        super().__init__(("127.0.0.1", 0), RawHandler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/scim/v2"

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


class RawHandler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        self.request.settimeout(10)
        head = read_head(self.request)
        if head:
            try:
                self.server.answer(head, self.request)
            except OSError:  # the client went away: what every hostile target here waits for
                pass


def read_head(connection: socket.socket) -> bytes:
    """The request line and headers (and whatever body arrived with them), at most 1 MiB."""
    data = b""
    while b"\r\n\r\n" not in data and len(data) < 1024 * 1024:
        chunk = connection.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def send_head(connection: socket.socket, content_type: str = "application/scim+json") -> None:
    connection.sendall(f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nConnection: close\r\n\r\n".encode())


def endless(head: bytes, connection: socket.socket) -> None:
    """The pre-flight gets an empty listing; every other request an endless JSON array (bounded at MOST_SENT)."""
    if head.startswith(PREFLIGHT_LINE):
        connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/scim+json\r\nConnection: close\r\n"
                           b"Content-Length: %d\r\n\r\n%s" % (len(LISTING), LISTING))
        return
    send_head(connection)
    chunk = b"[1," * 21846
    for _ in range(MOST_SENT // len(chunk)):
        connection.sendall(chunk)


def trickle(head: bytes, connection: socket.socket) -> None:
    """One byte every 20 ms, at most 500 of them: never a read timeout, never an end either."""
    send_head(connection)
    for _ in range(500):
        connection.sendall(b" ")
        time.sleep(0.02)


def fixed(body: bytes, content_type: str = "application/scim+json"):
    def answer(head: bytes, connection: socket.socket) -> None:
        connection.sendall(f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nConnection: close\r\n"
                           f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
    return answer


@pytest.fixture
def raw_target():
    started = []

    def start(answer) -> RawTarget:
        started.append(RawTarget(answer))
        return started[-1]
    yield start
    for target in started:
        target.stop()


def test_an_endless_answer_is_cut_at_the_cap_unread_and_fails_the_exchange(raw_target):
    target = raw_target(endless)
    began = time.monotonic()
    with Transport(target.base_url, "t", OKTA) as http:
        exchange = http.get("/Users/1")
    assert exchange.failure == "the answer exceeded 8 MiB; the rest was not read"
    assert exchange.status == 200 and not exchange.ok
    assert exchange.response_body.startswith("[1,[1,") or exchange.response_body.startswith("[1,")
    assert len(exchange.response_body) <= 500  # the record keeps the first bytes, not the 8 MiB
    assert time.monotonic() - began < 30
    assert MAX_ANSWER_BYTES == 8 * 1024 * 1024


def test_a_trickling_answer_ends_at_the_exchange_deadline_not_per_read(raw_target):
    target = raw_target(trickle)
    began = time.monotonic()
    with Transport(target.base_url, "t", replace(OKTA, timeout_s=0.5)) as http:
        exchange = http.get("/Users")
    assert time.monotonic() - began < 5  # the trickle would last 10 s; each read alone never times out
    assert exchange.failure == "the answer was not complete within 0.5 s; the rest was not read (timeout)"


@pytest.mark.parametrize("body, content_type, failure", [
    (b"[" * 100_000, "application/scim+json", TOO_DEEP),
    (b'{"a":' * 100 + b"1" + b"}" * 100, "application/scim+json", TOO_DEEP),
    (b'{"schemas": ["\xff\xfe"]}', "application/scim+json", "the answer is not JSON (application/scim+json"),
    (b"<html><body>Sign in</body></html>", "text/html", "the answer is not JSON (text/html"),
], ids=["100000 brackets", "100 levels", "invalid UTF-8", "HTML"])
def test_a_hostile_json_answer_is_a_wire_failure_in_a_sentence(raw_target, body, content_type, failure):
    target = raw_target(fixed(body, content_type))
    with Transport(target.base_url, "t", OKTA) as http:
        exchange = http.get("/Users")
    assert exchange.status == 200 and exchange.failure.startswith(failure)
    assert isinstance(exchange.response_body, str) and len(exchange.response_body) <= 500
    json.dumps(exchange.to_dict())  # the record stays writable


@pytest.mark.whole_suite
def test_scimulator_run_against_an_endless_body_exits_1_with_a_report_and_flat_memory(raw_target, tmp_path):
    target = raw_target(endless)
    command = [sys.executable, "-m", "scimulator", "run", "--target", target.base_url, "--token", "endless-token",
               "--idp", "rfc7644", "--report-dir", str(tmp_path / "r")]
    timed = Path("/usr/bin/time").exists()
    result = subprocess.run((["/usr/bin/time", "-v"] if timed else []) + command, cwd=tmp_path,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 1, result.stdout[-2000:] + result.stderr[-2000:]
    report = json.loads((tmp_path / "r" / "report.json").read_text())
    failures = [x["failure"] for s in report["scenarios"] for x in s["exchanges"] if x["failure"]]
    assert "the answer exceeded 8 MiB; the rest was not read" in failures
    peak_kb = peak_rss_kb(result.stderr) if timed else None
    if peak_kb is None:
        import resource
        peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(f"peak RSS of scimulator run against an endless body: {peak_kb / 1024:.0f} MB")
    assert peak_kb < PEAK_RSS_LIMIT_KB


def peak_rss_kb(time_output: str) -> int | None:
    found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", time_output)
    return int(found.group(1)) if found else None


ECHOED_PASSWORD = "Scimulator-Pw-7f3a!"  # the password the RFC 7644 feature's doc string sends


@breaker
def echoes_passwords(call):
    """A target that refuses a password in a header and in the error's detail, quoting it."""
    body = call.json()
    password = body.get("password") if isinstance(body, dict) else None
    if call.method != "POST" or not isinstance(password, str):
        return call.forward()
    return _json_response("400 Bad Request", [("Content-Type", "application/scim+json"), ("X-Rejected-Password", password)],
                          {"schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"], "status": "400",
                           "scimType": "invalidValue", "detail": f"the password {password} is too weak"})


def test_a_password_the_target_echoes_in_a_header_and_a_detail_appears_in_no_report_nor_allure(tmp_path):
    running = start_in_background(ServerConfig(db_path=str(tmp_path / "echo.db"), tokens=["echo-token"]),
                                  wrap=echoes_passwords)
    try:
        outcomes = run_suite(running.base_url, "echo-token", tmp_path, "--report-dir", str(tmp_path / "r"),
                             "--alluredir", str(tmp_path / "allure"),
                             only=("test_a_password_the_client_sets_never_comes_back",))
    finally:
        running.stop()
    assert outcomes == {"test_a_password_the_client_sets_never_comes_back": "failed"}
    files = [p for folder in ("r", "allure") for p in (tmp_path / folder).rglob("*") if p.is_file()]
    assert any(p.name == "report.json" for p in files) and any(p.parent.name == "allure" for p in files)
    for path in files:
        assert ECHOED_PASSWORD not in path.read_text(errors="replace"), path
    report = json.loads((tmp_path / "r" / "report.json").read_text())
    answer = next(x["response"] for s in report["scenarios"] for x in s["exchanges"] if x["response"]["status"] == 400)
    assert answer["headers"]["x-rejected-password"] == "[REDACTED]"
    assert answer["body"]["detail"] == "the password [REDACTED] is too weak"


def slowed(seconds: float):
    """The reference server answering every request `seconds` late."""
    def wrap(app):
        def slow(environ, start_response):
            time.sleep(seconds)
            return app(environ, start_response)
        return slow
    return wrap


def test_past_the_run_deadline_no_scenario_starts_and_the_report_says_it_stopped(tmp_path):
    running = start_in_background(ServerConfig(db_path=str(tmp_path / "slow.db"), tokens=["slow-token"]),
                                  wrap=slowed(0.2))
    try:
        result = subprocess.run([sys.executable, "-m", "scimulator", "run", "--target", running.base_url, "--token",
                                 "slow-token", "--idp", "rfc7644", "--deadline", "1", "--report-dir", str(tmp_path / "r")],
                                cwd=tmp_path, capture_output=True, text=True, timeout=600)
    finally:
        running.stop()
    assert result.returncode == 1, result.stdout[-2000:] + result.stderr[-2000:]
    said = [line for line in result.stderr.splitlines() if line.startswith("scimulator:")]
    assert len(said) == 1 and said[0].startswith("scimulator: stopped at the deadline (1 s) after "), result.stderr
    report = json.loads((tmp_path / "r" / "report.json").read_text())
    assert report["interrupted"] is True
    assert report["profiles"]["rfc7644"]["verdict"] == "interrupted"
    assert 1 <= len(report["scenarios"]) < report["profiles"]["rfc7644"]["of"]


def test_pytest_scim_deadline_of_zero_runs_no_scenario_and_writes_a_partial_report(tmp_path):
    result = subprocess.run([sys.executable, "-m", "pytest", "steps", "-q", "-p", "no:cacheprovider", "--deadline", "0",
                             "--report-dir", str(tmp_path / "r")], cwd=ROOT, capture_output=True, text=True,
                            timeout=600)
    assert "stopped at the deadline" in result.stdout + result.stderr
    report = json.loads((tmp_path / "r" / "report.json").read_text())
    assert report["interrupted"] is True and report["scenarios"] == []


def deep_json(head: bytes, connection: socket.socket) -> None:
    """The pre-flight gets an empty listing; every other request 100,000 nested arrays."""
    fixed(LISTING if head.startswith(PREFLIGHT_LINE) else b"[" * 100_000)(head, connection)


@pytest.mark.whole_suite
def test_a_deeply_nested_answer_fails_scenarios_in_a_sentence_and_none_ends_as_error(raw_target, tmp_path):
    target = raw_target(deep_json)
    result = subprocess.run([sys.executable, "-m", "scimulator", "run", "--target", target.base_url, "--token", "deep-token",
                             "--idp", "rfc7644", "--report-dir", str(tmp_path / "r")], cwd=tmp_path, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 1, result.stdout[-2000:] + result.stderr[-2000:]
    assert "RecursionError" not in result.stdout + result.stderr
    report = json.loads((tmp_path / "r" / "report.json").read_text())
    assert not [s["message"] for s in report["scenarios"] if s["outcome"] == "error"]
    failures = {x["failure"] for s in report["scenarios"] for x in s["exchanges"]}
    assert TOO_DEEP in failures
