"""`scimulator run --profile`: the vendors' listing tests, each by its own number and name, with an outcome.

Run as users run it (a child process), read back from report.json, summary.md and, in a headless
Chromium, report.html.
"""

from __future__ import annotations

import os
from pathlib import Path

import jsonschema
import pytest

from scimulator.reference_server import ServerConfig
from scimulator.reports.certification import PROFILES
from scimulator.reports.model import RunResult, ScenarioResult
from scimulator.reference_server.serving import start_in_background
from tests.suite.broken_certification import BREAKERS

VENDOR_PROFILES = sorted(name for name, profile in PROFILES.items() if not profile.draft)  # standards: test_standard_profiles.py
from tests.suite.broken_oauth import CLIENT, client_credentials_args
from tests.suite.legal_target import legal
from tests.suite.suite_runner import run_profile
from tests.reports.test_report_in_chromium import CHROMIUM, chromium
from tests.cli.test_run_command import SCHEMA, scimulator_run


def _outcomes(report: dict) -> dict[tuple[str, int], str]:
    return {(test["suite"], test["number"]): test["outcome"] for test in report["certification"]["tests"]}


def _against_broken(breaker: str, profile: str, directory: Path):
    running = start_in_background(ServerConfig(db_path=str(directory / "t.db"), tokens=["profile-token"]),
                                  wrap=BREAKERS[breaker].wrap)
    try:
        return run_profile(profile, directory, "--target", running.base_url, "--token", "profile-token")
    finally:
        running.stop()


@pytest.fixture(scope="module")
def okta_run(bundled_profile_run):
    return bundled_profile_run("okta-oin")


@pytest.mark.whole_suite
@pytest.mark.parametrize("profile", VENDOR_PROFILES)
def test_a_profile_is_ready_against_the_bundled_server(profile, bundled_profile_run):
    result, report, _ = bundled_profile_run(profile)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(report)
    certification = report["certification"]
    assert certification["profile"] == profile and certification["verdict"] == "ready"
    assert len(certification["tests"]) == len(PROFILES[profile].tests)
    for test in certification["tests"]:
        assert test["outcome"] in ("passed", "not runnable"), test
        assert (test["outcome"] == "not runnable") == bool(test["reason"]), test
        assert test["scenarios"] or test["outcome"] == "not runnable", test
    scenario_ids = {s["id"] for s in report["scenarios"]}
    assert {i for test in certification["tests"] for i in test["scenarios"]} <= scenario_ids
    assert report["selection"]["profile"] == profile
    assert f"{certification['title']}: ready" in result.stdout


@pytest.mark.whole_suite
def test_okta_oin_names_every_official_test_by_its_own_number_and_name(okta_run):
    result, report, _ = okta_run
    outcomes = _outcomes(report)
    assert len([key for key in outcomes if key[0] == "Okta SCIM 2.0 SPEC Test"]) == 12
    assert len([key for key in outcomes if key[0] == "Okta SCIM 2.0 CRUD Test"]) == 13
    assert outcomes[("Okta SCIM 2.0 CRUD Test", 1)] == outcomes[("Okta SCIM 2.0 CRUD Test", 2)] == "not runnable"
    optional = [t for t in report["certification"]["tests"] if not t["mandatory"]]
    assert [t["name"] for t in optional] == ["Optional Test: Verify Groups endpoint"]
    assert "passed       Okta SCIM 2.0 SPEC Test 1: Required Test: Test Users endpoint (1 scenario)" in result.stdout


@pytest.mark.whole_suite
def test_summary_md_holds_the_certification_table(okta_run):
    text = (okta_run[2] / "summary.md").read_text()
    assert "### Certification: Okta Integration Network: the SPEC and CRUD tests: ready" in text
    assert "| official test | mandatory | scenarios | outcome |" in text
    assert "| SPEC Test 6: Required Test: Create Okta user with realistic values | yes | 1: SPEC step 6" in text
    assert "CRUD Test 1: Check SCIM Apps instance in Okta | yes | none | ⏸️ not runnable" in text
    assert len(text) < 65_000  # a GitHub pull-request comment holds 65,536 characters


def test_a_profile_that_does_not_exist_is_one_sentence_and_exit_2(tmp_path):
    result = scimulator_run("--profile", "okta-gallery", "--report-dir", str(tmp_path / "r"), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == ("scimulator: --profile takes okta-oin or entra-gallery or scim-interop or ipsie-al1 "
                                     "or ipsie-al2 or ipsie-al3 or ipsie-al1-draft, not okta-gallery.")


@pytest.mark.whole_suite
def test_against_a_broken_target_the_failing_official_tests_are_failed(tmp_path):
    result, report = _against_broken("errors_without_detail", "okta-oin", tmp_path)
    assert result.returncode == 1, result.stdout[-3000:]
    jsonschema.Draft202012Validator(SCHEMA).validate(report)
    outcomes = _outcomes(report)
    spec = {number: outcomes[("Okta SCIM 2.0 SPEC Test", number)] for number in range(1, 13)}
    assert {n for n, outcome in spec.items() if outcome == "failed"} == {4, 11, 12}
    assert report["certification"]["verdict"] == "not ready"
    row = next(t for t in report["certification"]["tests"] if t["name"] == "Required Test: Check status 404")
    assert row["reason"].startswith("SPEC step 12, Required Test: Check status 404: The answer must carry a value for detail")
    summary = (tmp_path / "report" / "summary.md").read_text()
    assert "| SPEC Test 4: Required Test: Test invalid User by ID | yes | 1: SPEC step 4, Required Test: Test invalid User by ID | ❌ failed" in summary


@pytest.mark.whole_suite
def test_an_optional_test_that_fails_warns_and_the_profile_stays_ready(tmp_path):
    result, report = _against_broken("no_groups_endpoint", "okta-oin", tmp_path)
    assert _outcomes(report)[("Okta SCIM 2.0 SPEC Test", 10)] == "warning"
    assert report["certification"]["verdict"] == "ready"
    assert result.returncode == 0, result.stdout[-3000:]


@pytest.mark.whole_suite
@pytest.mark.parametrize("profile", VENDOR_PROFILES)
def test_a_target_taking_the_freedoms_scim_leaves_is_ready(profile, tmp_path):
    """Unique emails, PATCH answered 204, pages capped, eq-only filters, no ETag (tests/suite/legal_target.py),
    and a client-credentials token endpoint, as Microsoft's gallery now requires."""
    running = start_in_background(ServerConfig(db_path=str(tmp_path / "legal.db"), tokens=["profile-token"],
                                               oauth_clients=CLIENT), wrap=legal)
    try:
        result, report = run_profile(profile, tmp_path, "--target", running.base_url, "--token", "profile-token",
                                      *client_credentials_args(running.base_url))
    finally:
        running.stop()
    assert report["certification"]["verdict"] == "ready", [t for t in report["certification"]["tests"]
                                                           if t["outcome"] not in ("passed", "not runnable")]
    assert result.returncode == 0, result.stdout[-3000:]


@pytest.mark.whole_suite
@pytest.mark.skipif(CHROMIUM is None and not os.environ.get("SCIMULATOR_REQUIRE_CHROMIUM"),
                    reason="Debian's chromium is not installed (.ci/run installs it and requires this test)")
def test_report_html_shows_the_certification_table_in_chromium(tmp_path):
    assert CHROMIUM, "chromium is required here (SCIMULATOR_REQUIRE_CHROMIUM is set) but not installed"
    result, report = _against_broken("errors_without_detail", "okta-oin", tmp_path)
    page = (tmp_path / "report" / "report.html").as_uri()
    screenshot = tmp_path / "certification.png"
    shot = chromium(tmp_path / "profile-1", "--window-size=1280,2400", f"--screenshot={screenshot}", page)
    assert screenshot.exists() and screenshot.stat().st_size > 10_000, shot.stderr[-500:]
    text = chromium(tmp_path / "profile-2", "--dump-dom", page).stdout.replace("&quot;", '"').replace("&#39;", "'")
    assert "Certification: Okta Integration Network: the SPEC and CRUD tests:" in text
    assert '<span class="cert-verdict not-ready">not ready</span>' in text
    for name in ("Required Test: Test Users endpoint", "Required Test: Check status 401", "Verify if user is created in SCIM App"):
        assert f"<strong>{name}</strong>" in text
    assert text.count('<span class="cert-outcome">failed</span>') == 3
    assert '<span class="cert-outcome">not runnable</span>' in text
    assert "profile-token" not in text


def _scenario(name: str, outcome: str, *tags: str, message: str | None = None) -> ScenarioResult:
    return ScenarioResult(id=f"f.feature::{name}", feature="f", name=name, tags=list(tags), outcome=outcome,
                          duration_s=0.0, message=message)


def _run_of(*scenarios: ScenarioResult, profile: str = "okta-oin") -> RunResult:
    return RunResult("dev", "http://target", False, "2026-01-01T00:00:00Z", 1.0, list(scenarios),
                     certification_profile=profile)


def _every_spec_step_passing(*replaced: ScenarioResult) -> list[ScenarioResult]:
    tags = {t for s in replaced for t in s.tags}
    return [*replaced, *(_scenario(f"step {n}", "passed", f"oin_spec_{n}") for n in range(1, 13)
                         if f"oin_spec_{n}" not in tags),
            *(_scenario(f"crud {n}", "passed", f"oin_crud_{n}") for n in range(3, 14))]


def test_an_optional_failure_warns_and_does_not_gate_the_run():
    run = _run_of(*_every_spec_step_passing(_scenario("groups", "failed", "oin_spec_10", message="No groups.\nmore")))
    certification = run.certification()
    row = next(t for t in certification["tests"] if t["tag"] == "oin_spec_10")
    assert (row["outcome"], row["reason"]) == ("warning", "groups: No groups.")
    assert certification["verdict"] == "ready" and run.failures() and not run.gating_failures()


def test_a_mandatory_test_without_a_scenario_leaves_the_profile_incomplete_and_a_skip_is_no_pass():
    skipped = _scenario("skipped", "skipped", "oin_spec_4", message="Blocked by create-user: no user")
    scenarios = [s for s in _every_spec_step_passing(skipped) if "oin_spec_3" not in s.tags]
    certification = _run_of(*scenarios).certification()
    outcomes = {t["tag"]: (t["outcome"], t["reason"]) for t in certification["tests"]}
    assert outcomes["oin_spec_3"] == ("not covered", "No scenario judges this test yet.")
    assert outcomes["oin_spec_4"] == ("not covered", "1 of its 1 scenarios did not run: Blocked by create-user: no user")
    assert certification["verdict"] == "incomplete"


def test_a_mandatory_failure_makes_the_profile_not_ready_and_gates_the_run():
    run = _run_of(*_every_spec_step_passing(_scenario("401", "failed", "oin_spec_11", message="Not 401.")))
    assert run.certification()["verdict"] == "not ready"
    assert [s.name for s in run.gating_failures()] == ["401"]
