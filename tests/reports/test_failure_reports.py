"""A failure as a record in every output, its replay script, and the run's HAR archive.

One `scimulator run` against a target that deletes users on deactivation (a broken target the suite
must fail) gives a failing report directory; the tests read each output of it, and run a replay script
against the broken target (the failing answer comes back) and against the healthy reference server
(it does not: the script replays the exchange, it does not echo the record).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import jsonschema
import pytest

from scimulator.reference_server import ServerConfig
from scimulator.reports.failure import Failure, default_cause, format_failure, path_template, root_causes
from scimulator.reports.junit_writer import render as render_junit
from scimulator.reports.model import RunResult, ScenarioResult
from scimulator.reference_server.serving import start_in_background
from scimulator.simulator.transport import Exchange
from scimulator.steps.judge import failed
from tests.suite.broken_targets import BREAKERS
from tests.reports.test_report_in_chromium import CHROMIUM, chromium

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "failure-report-token"
SELECTION = "deactivate_not_delete and oin_crud_12"  # Okta's unassignment outline: OIN and AIW examples


def _validator(name: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((ROOT / "reports" / name).read_text())
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


@pytest.fixture(scope="module")
def broken_target(tmp_path_factory):
    directory = tmp_path_factory.mktemp("deletes-on-deactivation")
    running = start_in_background(ServerConfig(db_path=str(directory / "t.db"), tokens=[TOKEN]),
                                  wrap=BREAKERS["deletes_on_deactivation"].wrap)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def report_dir(broken_target, tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("failing-run") / "report"
    result = subprocess.run([sys.executable, "-m", "scimulator", "run", "--target", broken_target.base_url,
                             "--token", TOKEN, "--tags", SELECTION, "--report-dir", str(directory)],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 1, result.stdout + result.stderr
    return directory


@pytest.fixture(scope="module")
def report(report_dir) -> dict:
    return json.loads((report_dir / "report.json").read_text())


def _failing(report: dict) -> list[dict]:
    return [s for s in report["scenarios"] if s["outcome"] == "failed"]


# The record, from the check that raises it


def _exchange(status: int | None, method: str = "GET", url: str = "http://h/scim/v2/Users/2819c223-7f76") -> Exchange:
    return Exchange(by="verify", method=method, url=url, request_headers={}, request_body=None, status=status,
                    response_body={"status": str(status)}, failure=None if status else "The connection was refused.")


def test_failed_keeps_the_expectation_the_exchange_and_a_cause_derived_from_it():
    answer = _exchange(404)
    error = failed("The user must stay readable.", answer)
    assert error.expected == "The user must stay readable." and error.exchange is answer
    assert error.cause == "http-404-on-GET /Users/{id}"
    assert error.answered.startswith("404 ")
    assert "target answered: 404" in str(error)  # the message keeps its meaning
    assert failed("x", answer, cause="resource-unreadable").cause == "resource-unreadable"
    assert failed("Okta sent no DELETE.").cause == "expectation-unmet"


def test_root_cause_keys_name_the_endpoint_not_the_ids():
    assert path_template("http://h/scim/v2/Users/abc-1?attributes=x") == "/Users/{id}"
    assert path_template("https://h/api/scim/Groups") == "/Groups"
    assert default_cause("PATCH", "http://h/scim/v2/Groups/9f1e", 200, None) == "wrong-answer-to-PATCH /Groups/{id}"
    assert default_cause("POST", "http://h/scim/v2/Groups", 400, None) == "create-group"  # as a blocked scenario says
    assert default_cause("POST", "http://h/scim/v2/Users", None, "timed out") == "create-user"
    assert default_cause("PUT", "http://h/scim/v2/Users/1a2b", None, "timed out") == "no-answer-to-PUT /Users/{id}"
    assert default_cause("DELETE", "http://h/scim/v2/Users/1a2b", 500, None) == "http-500-on-DELETE /Users/{id}"
    assert default_cause(None, None, None, None) == "expectation-unmet"


def test_failures_and_blocked_scenarios_share_a_root_cause():
    failing = ScenarioResult("a", "f", "A", [], "failed", 0, failure=Failure("x", cause="create-user"))
    blocked = ScenarioResult("b", "f", "B", [], "skipped", 0, blocked_by={"cause": "create-user", "detail": "…"})
    assert root_causes([failing, blocked]) == {"create-user": {"failed": [failing], "blocked": [blocked]}}


# report.json


def test_report_json_of_a_failing_run_validates_and_carries_the_record(report):
    _validator("report.schema.json").validate(report)
    scenarios = _failing(report)
    assert len(scenarios) == 2
    for scenario in scenarios:
        record = scenario["failure"]
        decisive = scenario["exchanges"][record["exchange"]]
        assert decisive["request"]["method"] == "GET" and decisive["response"]["status"] == 404
        assert record["request"] == f"GET {decisive['request']['url']}"
        assert record["answered"].startswith("404 ") and record["cause"] == "resource-unreadable"
        assert record["step"].endswith("can still be read") and "erin" in record["step"]
        assert "O1" in {source["key"] for source in record["sources"]}
        assert record["expected"] in scenario["message"]  # message keeps its meaning
        assert record["replay"] == f"replay/{Path(record['replay']).name}"


def test_passing_then_steps_keep_the_exchange_that_proved_them(report):
    scenario = _failing(report)[0]
    proved = [s for s in scenario["steps"] if s["outcome"] == "passed" and "evidence" in s]
    assert proved, scenario["steps"]
    assert all(0 <= s["evidence"] < scenario["failure"]["exchange"] for s in proved)
    assert not any("evidence" in s for s in scenario["steps"] if s["keyword"] in ("Given", "When"))


# The replay script


def _replay(script: Path, url: str | None, answers: Path) -> str:
    env = {**os.environ, "SCIMULATOR_TOKEN": TOKEN, "SCIMULATOR_REPLAY_DIR": str(answers)}
    env.pop("SCIMULATOR_URL", None)
    if url:
        env["SCIMULATOR_URL"] = url
    result = subprocess.run(["sh", str(script)], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _decisive_line(output: str) -> str:
    return next(line for line in output.splitlines() if "[decisive; recorded 404]" in line)


def test_the_replay_script_reproduces_the_failing_answer_against_the_broken_target(report, report_dir, tmp_path):
    scenario = _failing(report)[0]
    script = report_dir / scenario["failure"]["replay"]
    text = script.read_text()
    assert TOKEN not in text and "${SCIMULATOR_TOKEN}" in text
    assert re.search(r'^ID_1=\$\(pick "\$out/\d+\.json" id\)', text, re.MULTILINE)  # ids carried, not recorded ones
    assert "# >>> decisive exchange:" in text and "Scimulator-Replay-1!" in text  # the password placeholder
    output = _replay(script, None, tmp_path / "answers")  # the base URL defaults to the run's target
    assert _decisive_line(output).split(" -> ")[1].startswith("404")
    decisive = json.loads((tmp_path / "answers" / f"{scenario['failure']['exchange']}.json").read_text())
    assert decisive["status"] == "404"
    recorded_id = scenario["exchanges"][scenario["failure"]["exchange"]]["request"]["url"].rsplit("/", 1)[1]
    assert recorded_id not in _decisive_line(output)  # the replay read the user it created itself


def test_the_same_replay_against_a_healthy_target_does_not_fail(report, report_dir, tmp_path):
    healthy = start_in_background(ServerConfig(db_path=str(tmp_path / "healthy.db"), tokens=[TOKEN]))
    try:
        output = _replay(report_dir / _failing(report)[0]["failure"]["replay"], healthy.base_url, tmp_path / "answers")
    finally:
        healthy.stop()
    assert _decisive_line(output).split(" -> ")[1].startswith("200")


# exchanges.har


def test_exchanges_har_is_har_1_2_with_every_exchange_and_no_secret(report, report_dir):
    text = (report_dir / "exchanges.har").read_text(encoding="utf-8")
    har = json.loads(text)
    _validator("har.schema.json").validate(har)
    log = har["log"]
    removals = report["cleanup"]["exchanges"]  # against a target: the removal of the run's data, no scenario's
    assert removals and all(exchange["request"]["method"] in ("DELETE", "PATCH") for exchange in removals)
    assert len(log["entries"]) == sum(len(s["exchanges"]) for s in report["scenarios"]) + len(removals)
    pages = {page["id"]: page["title"] for page in log["pages"]}
    assert {entry["pageref"] for entry in log["entries"]} <= set(pages)
    assert pages.pop("cleanup") == "removal of the run's data"
    assert set(pages.values()) == {s["name"] for s in report["scenarios"]}
    assert TOKEN not in text and "Bearer [REDACTED]" in text
    sent = [json.loads(entry["request"]["postData"]["text"]) for entry in log["entries"] if "postData" in entry["request"]]
    assert any(body.get("password") == "[REDACTED]" for body in sent if isinstance(body, dict))
    assert any(entry["response"]["status"] == 404 and entry["request"]["method"] == "GET" for entry in log["entries"])


# junit.xml, summary.md, report.html


def test_junit_names_are_unique_and_a_failure_carries_the_record_and_the_replay(report_dir):
    cases = list(ElementTree.parse(report_dir / "junit.xml").getroot().iter("testcase"))
    names = [case.get("name") for case in cases]
    assert len(names) == len(set(names)) == 2 and any(name.endswith("[OIN]") for name in names)
    for case in cases:
        text = case.find("failure").text
        assert "root cause: resource-unreadable" in text and "decisive exchange #" in text
        assert "replay: SCIMULATOR_TOKEN=... sh replay/" in text
        assert case.find("properties/property[@name='root_cause']").get("value") == "resource-unreadable"


def test_junit_marks_a_failure_the_baseline_accepts_as_skipped_and_names_repeats_apart():
    def scenario(example: str, baseline: str | None) -> ScenarioResult:
        return ScenarioResult(f"okta/x.feature::Same{example}", "Feature", "Same", ["okta"], "failed", 0.1,
                              message="It must.", baseline=baseline, failure=Failure("It must.", cause="c"))

    run = RunResult("dev", "http://t", False, "2026-01-01T00:00:00Z", 1.0,
                    [scenario("[a]", "accepted"), scenario("[b]", None), scenario("", None), scenario("", None)])
    root = ElementTree.fromstring(render_junit(run).split("\n", 1)[1])
    cases = list(root.iter("testcase"))
    assert [c.get("name") for c in cases] == ["Same [a]", "Same [b]", "Same", "Same (2)"]
    assert cases[0].find("failure") is None and cases[0].find("skipped").get("message").startswith("accepted by the baseline")
    assert cases[0].find("properties/property[@name='baseline']").get("value") == "accepted"
    assert root.get("failures") == "3" and root.get("skipped") == "1"


def test_summary_md_and_report_html_show_the_record_the_root_causes_and_the_replay(report, report_dir):
    summary = (report_dir / "summary.md").read_text()
    assert "### Root causes" in summary and "| `resource-unreadable` | 2 | 0 |" in summary
    assert "root cause: resource-unreadable" in summary and "replay: SCIMULATOR_TOKEN=... sh replay/" in summary
    html = (report_dir / "report.html").read_text()
    assert 'id="root-causes"' in html and 'class="cause">resource-unreadable<' in html
    assert html.count('<pre class="replay"') == 2 and 'data-copy="replay-1"' in html
    assert TOKEN not in html


def test_format_failure_is_the_text_every_output_shares():
    record = Failure("It must stay readable.", answered="404 {}", exchange=3, request="GET http://t/Users/1",
                     step="Then it can be read", cause="resource-unreadable",
                     sources=[{"key": "O1", "title": "Okta", "url": "https://developer.okta.com/"}], replay="replay/x.sh")
    assert format_failure(record).splitlines() == [
        "It must stay readable.", "decisive exchange #3: GET http://t/Users/1", "target answered: 404 {}",
        "step: Then it can be read", "root cause: resource-unreadable", "source: [O1] https://developer.okta.com/",
        "replay: SCIMULATOR_TOKEN=... sh replay/x.sh"]


@pytest.mark.skipif(CHROMIUM is None and not os.environ.get("SCIMULATOR_REQUIRE_CHROMIUM"),
                    reason="Debian's chromium is not installed (.ci/run installs it and requires this test)")
def test_report_html_in_chromium_shows_the_root_causes_and_the_replay(report_dir, tmp_path):
    assert CHROMIUM, "chromium is required here (SCIMULATOR_REQUIRE_CHROMIUM is set) but not installed"
    dom = chromium(tmp_path / "profile", "--dump-dom", (report_dir / "report.html").as_uri()).stdout
    text = dom.replace("&quot;", '"').replace("&gt;", ">").replace("&amp;", "&")
    assert "<h2>Root causes</h2>" in text and "resource-unreadable" in text
    assert "copy replay script" in text and "# >>> decisive exchange:" in text and "${SCIMULATOR_TOKEN}" in text
    assert 'class="exchange by-verify decisive"' in text
    assert TOKEN not in text
    anchor = re.search(r'decisive exchange <a href="#(x-1-\d+)">', text).group(1)
    opened = chromium(tmp_path / "profile-2", "--dump-dom", (report_dir / "report.html").as_uri() + "#" + anchor).stdout
    assert re.search(rf'<details[^>]*id="{anchor}"[^>]*open', opened), "the link to the decisive exchange does not unfold it"
