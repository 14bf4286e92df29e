"""The report rules over hand-built results: verdicts, the baseline, and every writer. No suite runs here."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import jsonschema
import pytest

from scimulator.reports import RunResult, ScenarioResult, StepResult, write_all
from scimulator.reports import har, html_writer, json_writer, junit_writer, markdown_writer
from scimulator.reports.baseline import apply_baseline, read_baseline, write_baseline
from scimulator.reports.failure import Failure

REPORTS = Path(__file__).resolve().parents[2] / "reports"
MARKDOWN_COMMENT_LIMIT = 65_000  # characters a pull-request comment may hold


def exchange(method: str = "GET", status: int = 200, body: object = None) -> dict:
    return {"by": "idp", "at": "2026-01-01T00:00:01Z", "elapsed_ms": 3.5,
            "request": {"method": method, "url": "http://127.0.0.1:9/scim/v2/Users?filter=userName%20eq%20%22a%22",
                        "headers": {"Authorization": "[REDACTED]", "Content-Type": "application/scim+json"},
                        "body": {"userName": "a@example.com"} if method != "GET" else None},
            "response": {"status": status, "headers": {"Content-Type": "application/scim+json"}, "body": body or {}}}


def scenario(name: str, outcome: str = "passed", *tags: str, profile: str = "okta", example: str = "",
             message: str | None = None) -> ScenarioResult:
    failed = outcome == "failed"
    return ScenarioResult(id=f"{profile}/x.feature::{name}{example}", feature=f"{profile} feature", name=name,
                          tags=[profile, *tags], outcome=outcome, duration_s=0.25,
                          message=message or ("The target must keep the user." if failed else None),
                          source="Source: RFC 7644 section 3.5.2.", feature_file=f"features/{profile}/x.feature",
                          steps=[StepResult("Then", "the user is kept", outcome if outcome != "skipped" else "not run")],
                          exchanges=[exchange("POST", 201), exchange("GET", 404 if failed else 200)],
                          failure=Failure("The target must keep the user.", answered="404 {}", exchange=1,
                                          request="GET http://127.0.0.1:9/scim/v2/Users/1", cause="resource-unreadable")
                          if failed else None)


def run_of(*scenarios: ScenarioResult, **extra) -> RunResult:
    return RunResult("0.0.test", "http://127.0.0.1:9/scim/v2", False, "2026-01-01T00:00:00Z", 12.5, list(scenarios),
                     **extra)


# The verdict rule

def test_a_failing_should_scenario_leaves_its_profile_ready():
    profiles = run_of(scenario("kept", "passed", "must"), scenario("nice", "failed", "should")).profiles()
    assert profiles["okta"]["verdict"] == "ready" and profiles["okta"]["failed"] == 1
    assert profiles["okta"]["must_failed"] == 0


def test_a_failing_must_scenario_makes_its_profile_not_ready_and_leaves_the_others_alone():
    profiles = run_of(scenario("kept", "failed", "must"), scenario("entra ok", "passed", "must", profile="entra"),
                      scenario("nice", "failed", "should", profile="entra")).profiles()
    assert profiles["okta"]["verdict"] == "not ready" and profiles["okta"]["must_failed"] == 1
    assert profiles["entra"]["verdict"] == "ready"


def test_a_failing_scenario_with_no_weight_tag_counts_as_must():
    assert run_of(scenario("untagged", "failed")).profiles()["okta"]["verdict"] == "not ready"


def test_skipped_and_error_scenarios_count_in_no_verdict():
    profiles = run_of(scenario("ran", "passed", "must"), scenario("skipped", "skipped", "must"),
                      scenario("broken", "error", "must", message="The scenario could not run")).profiles()
    assert profiles["okta"] | {} == {**profiles["okta"], "verdict": "ready", "judged": 1, "of": 3, "error": 1}
    assert "entra" not in profiles  # nothing of it ran: no verdict at all


def test_an_interrupted_run_says_ready_nowhere():
    profiles = run_of(scenario("kept", "passed", "must"), interrupted=True).profiles()
    assert profiles["okta"]["verdict"] == "interrupted"


def test_a_baseline_accepted_failure_still_counts_in_the_verdict_but_does_not_gate():
    accepted = scenario("known", "failed", "must")
    run = run_of(accepted, scenario("new", "failed", "should"))
    apply_baseline(run, {accepted.id}, "baseline.json")
    assert run.profiles()["okta"]["verdict"] == "not ready"
    assert [s.name for s in run.gating_failures()] == ["new"]


# The baseline

def test_the_baseline_lists_accepted_new_and_now_passing_scenarios(tmp_path):
    before = run_of(scenario("fixed later", "failed"), scenario("still broken", "failed"), scenario("fine"))
    write_baseline(before, tmp_path / "baseline.json")
    accepted = read_baseline(tmp_path / "baseline.json")
    assert accepted == {s.id for s in before.scenarios if s.outcome == "failed"}
    after = run_of(scenario("fixed later"), scenario("still broken", "failed"), scenario("fine", "failed"))
    apply_baseline(after, accepted, "baseline.json")
    assert after.baseline.now_passing == [after.scenarios[0].id]
    assert after.baseline.accepted == [after.scenarios[1].id] and after.scenarios[1].baseline == "accepted"
    assert after.baseline.new == [after.scenarios[2].id] and after.scenarios[2].baseline is None


def test_now_passing_entries_reach_report_json_and_summary_md():
    run = run_of(scenario("fixed later"))
    apply_baseline(run, {run.scenarios[0].id, "okta/gone.feature::No longer exists"}, "b.json")
    assert run.baseline.now_passing == [run.scenarios[0].id]  # an entry for a scenario that did not run is not "passing"
    assert json.loads(json_writer.render(run))["baseline"]["now_passing"] == [run.scenarios[0].id]
    summary = markdown_writer.render(run)
    assert "1 entries now pass" in summary and f"- now passes: `{run.scenarios[0].id}`" in summary


# Every writer over one hand-built result

def mixed_run() -> RunResult:
    """Every outcome, a should and a must failure, an outline's two examples and a name used twice."""
    blocked = scenario("blocked", "skipped", "must", profile="entra")
    blocked.blocked_by = {"cause": "create-user", "detail": "POST /Users answered 500"}
    return run_of(scenario("kept", "passed", "must"), scenario("kept", "passed", "must"),
                  scenario("outline", "failed", "must", example="[OIN]"),
                  scenario("outline", "failed", "must", example="[AIW]"),
                  scenario("nice", "failed", "should", profile="entra"), blocked,
                  scenario("broken", "error", message="The scenario could not run: a mistake of its own"),
                  selection={"idps": ["okta", "entra"]})


def test_report_json_validates_against_its_schema():
    schema = json.loads((REPORTS / "report.schema.json").read_text())
    report = json.loads(json_writer.render(mixed_run()))
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(report)
    assert report["summary"] == {"passed": 2, "failed": 3, "skipped": 1, "blocked": 1, "error": 1}
    assert report["profiles"]["okta"]["verdict"] == "not ready" and report["profiles"]["entra"]["verdict"] == "ready"


def test_a_certification_run_validates_too():
    schema = json.loads((REPORTS / "report.schema.json").read_text())
    run = run_of(scenario("spec 1", "passed", "must", "oin_spec_1"), certification_profile="okta-oin")
    report = json.loads(json_writer.render(run))
    jsonschema.Draft202012Validator(schema).validate(report)
    assert report["certification"]["profile"] == "okta-oin"


def test_junit_names_are_unique_and_outcomes_map_to_junit_elements():
    root = ElementTree.fromstring(junit_writer.render(mixed_run()).split("\n", 1)[1])
    cases = {case.get("name"): case for case in root.iter("testcase")}
    assert len(cases) == len(list(root.iter("testcase"))) == 7
    assert {"kept", "kept (2)", "outline [OIN]", "outline [AIW]"} <= set(cases)
    assert cases["outline [OIN]"].find("failure") is not None and cases["broken"].find("error") is not None
    assert cases["blocked"].find("skipped") is not None
    assert (root.get("tests"), root.get("failures"), root.get("errors"), root.get("skipped")) == ("7", "3", "1", "1")


def test_summary_md_stays_under_a_pull_request_comment_even_with_many_long_failures():
    long_message = "The target must keep the user. " + "x" * 5_000
    failures = [scenario(f"failure {n} " + "y" * 300, "failed", "must", message=long_message) for n in range(400)]
    summary = markdown_writer.render(run_of(*failures))
    assert len(summary) < MARKDOWN_COMMENT_LIMIT
    assert f"… and {400 - markdown_writer.MAX_LISTED} more in report.html" in summary


def test_summary_md_shows_the_verdicts_and_each_failure_with_its_weight():
    summary = markdown_writer.render(mixed_run())
    assert summary.startswith("## scimulator: 2 passed, 3 failed, 1 skipped (1 blocked)")
    assert "| okta | ❌ not ready on 4 of 5 okta scenarios |" in summary  # the error is judged nowhere
    assert "| entra | ✅ ready on 1 of 2 entra scenarios |" in summary
    assert "**[entra @should] nice**" in summary and "blocked by **create-user**" in summary


def test_exchanges_har_validates_and_has_one_page_per_scenario_with_exchanges():
    schema = json.loads((REPORTS / "har.schema.json").read_text())
    run = mixed_run()
    archive = json.loads(har.render(run))
    jsonschema.Draft202012Validator(schema).validate(archive)
    assert len(archive["log"]["pages"]) == len(run.scenarios)
    assert len(archive["log"]["entries"]) == sum(len(s.exchanges) for s in run.scenarios)
    assert archive["log"]["entries"][0]["request"]["queryString"] == [{"name": "filter", "value": 'userName eq "a"'}]


def test_report_html_escapes_what_the_target_said_and_shows_every_scenario():
    run = mixed_run()
    run.scenarios[2].exchanges[1]["response"]["body"] = {"detail": "<script>alert(1)</script>"}
    html = html_writer.render(run)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert all(s.name in html for s in run.scenarios)


def test_write_all_writes_every_report_and_a_replay_per_failure(tmp_path):
    written = write_all(mixed_run(), tmp_path / "report")
    assert {"report.json", "report.html", "summary.md", "junit.xml", "exchanges.har"} <= set(written)
    replays = sorted(p.name for p in (tmp_path / "report" / "replay").iterdir())
    assert len(replays) == 3 and all(name.endswith(".sh") for name in replays)


@pytest.mark.parametrize("writer", [json_writer, html_writer, markdown_writer, junit_writer, har],
                         ids=lambda w: w.__name__.rsplit(".", 1)[-1])
def test_every_writer_handles_a_run_that_could_not_happen(writer):
    run = run_of(could_not_run="the target refused the token (401 to GET /Users?startIndex=1&count=2).")
    text = writer.render(run)
    assert text.strip()
    if writer in (html_writer, markdown_writer):
        assert "the target refused the token" in text
