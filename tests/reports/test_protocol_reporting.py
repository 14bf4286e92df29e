"""What the reports say of a returned password and of a scenario blocked by its setup.

A password the target returns is a finding on the exchange, redacted with its own marker, and its
value reaches no report file. A scenario whose setup needs another capability is skipped, "blocked
by" that cause, and grouped by it in every report.
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import jsonschema

from scimulator.reference_server import ServerConfig
from scimulator.reference_server.serving import start_in_background
from scimulator.simulator.transport import REDACTED, RETURNED_PASSWORD, VERIFY, Transport
from tests.suite.broken_protocol import echoes_passwords, no_groups_with_members_nor_sw
from tests.suite.suite_runner import run_suite
from tests.cli.test_run_command import SCHEMA

TOKEN = "protocol-reporting-token"
PASSWORDS = ("Scimulator-Pw-7f3a!", "Scimulator-Pw-8b4c!", "Scimulator-Pw-9d5e!")  # features/rfc7644/resources.feature
PASSWORD_SCENARIO = "test_a_password_the_client_sets_never_comes_back"
BLOCKED_BY_GROUPS = ("test_patch_adds_members_and_removes_one_by_a_value_filter",
                     "test_excludedattributesmembers_leaves_the_members_out")
BLOCKED_BY_SW = "test_sortby_and_sortorder_descending"


def run_against(wrap, tmp_path: Path, only: tuple[str, ...]) -> tuple[dict, dict, Path]:
    running = start_in_background(ServerConfig(db_path=str(tmp_path / "target.db"), tokens=[TOKEN]), wrap=wrap)
    try:
        outcomes = run_suite(running.base_url, TOKEN, tmp_path, "--report-dir", str(tmp_path / "report"), only=only)
    finally:
        running.stop()
    return outcomes, json.loads((tmp_path / "report" / "report.json").read_text()), tmp_path / "report"


def test_a_password_in_an_answer_is_a_finding_and_one_in_a_request_stays_plainly_redacted():
    def echo(request: httpx.Request) -> httpx.Response:
        sent = json.loads(request.content)
        return httpx.Response(201, json={**sent, "id": "1"}, headers={"Content-Type": "application/scim+json"})

    with Transport("http://target.invalid/scim/v2", "a-token", VERIFY,
                   http=httpx.Client(transport=httpx.MockTransport(echo))) as http:
        exchange = http.post("/Users", {"userName": "pat", "password": "s3cret-value"})
    assert exchange.request_body["password"] == REDACTED
    assert exchange.response_body["password"] == RETURNED_PASSWORD
    assert len(exchange.findings) == 1 and "password" in exchange.findings[0]
    assert "s3cret-value" not in json.dumps(exchange.to_dict())


def test_a_returned_password_fails_the_scenario_and_reaches_no_report_file(tmp_path):
    outcomes, report, report_dir = run_against(lambda app: echoes_passwords()(app), tmp_path, (PASSWORD_SCENARIO,))
    assert outcomes[PASSWORD_SCENARIO] == "failed"
    scenario = next(s for s in report["scenarios"] if s["name"] == "A password the client sets never comes back")
    assert "returned a password" in scenario["message"]
    assert any(x.get("findings") for x in scenario["exchanges"])
    for path in (p for p in report_dir.rglob("*") if p.is_file()):  # replay/ scripts and exchanges.har too
        text = path.read_text(errors="replace")
        assert not [p for p in PASSWORDS if p in text], f"a password reached {path.name}"


def test_a_scenario_whose_setup_fails_on_another_capability_is_blocked_not_failed(tmp_path):
    outcomes, report, report_dir = run_against(no_groups_with_members_nor_sw, tmp_path, (*BLOCKED_BY_GROUPS, BLOCKED_BY_SW))
    assert {outcomes[name] for name in (*BLOCKED_BY_GROUPS, BLOCKED_BY_SW)} == {"skipped"}
    causes = {s["name"]: s.get("blocked_by", {}).get("cause") for s in report["scenarios"]}
    assert causes == {"PATCH adds members and removes one by a value filter": "create-group-with-members",
                      "excludedAttributes=members leaves the members out": "create-group-with-members",
                      "sortBy and sortOrder descending": "filter-sw"}
    assert all(s["outcome"] == "skipped" for s in report["scenarios"])
    assert report["summary"]["blocked"] == 3 and report["summary"]["failed"] == 0
    jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(report)
    assert "rfc7644" not in report["profiles"]  # every scenario blocked: no verdict
    blocked_step = [step for s in report["scenarios"] for step in s["steps"] if step["outcome"] == "blocked"]
    assert len(blocked_step) == 3
    summary = (report_dir / "summary.md").read_text()
    assert "blocked by **create-group-with-members**: 2 scenario(s)" in summary
    assert "blocked by **filter-sw**: 1 scenario(s)" in summary
    assert "blocked by <strong>create-group-with-members</strong>" in (report_dir / "report.html").read_text()
