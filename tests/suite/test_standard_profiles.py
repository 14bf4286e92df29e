"""The standards' profiles (scim-interop, ipsie-al1..al3): requirement tables as data, one outcome per requirement.

The tables are JSON files under reports/profiles/, one per draft revision, checked against
reports/profiles/profile.schema.json. `scimulator run --profile scim-interop` against the bundled server
is run once per profile and read back from report.json, summary.md and the terminal.
"""

from __future__ import annotations

import html
import json
import os
from pathlib import Path
from types import SimpleNamespace

import httpx
import jsonschema
import pytest

from scimulator.reports.certification import (AL3_NOTE, NEEDS_CLIENT_CREDENTIALS, NEEDS_JWT_CLIENT_AUTH,
                                              NEEDS_REASONS, NOT_APPLICABLE, NOT_JUDGED_YET, PROFILE_DATA, PROFILES)
from scimulator.reference_server import ServerConfig
from scimulator.reference_server.serving import start_in_background
from scimulator.reports.model import RunResult, ScenarioResult
from tests.cli.test_run_command import SCHEMA, scimulator_run
from tests.reports.test_report_in_chromium import CHROMIUM, chromium
from tests.suite.broken_interop import BREAKERS as INTEROP_BREAKERS, CONFORMING, COUNT_100, conforming_target
from tests.suite.broken_profiles import BREAKERS
from tests.suite.suite_runner import run_profile, run_suite

ROOT = Path(__file__).resolve().parents[2]
STANDARD_PROFILES = sorted(name for name, profile in PROFILES.items() if profile.draft)
DRAFT_FILES = sorted(PROFILE_DATA.glob("draft-*.json"))
OAUTH_TAGS = {"oauth", "oauth_token_endpoint", "oauth_invalid_token", "oauth_renewal"}  # the client-credentials scenarios


def _feature_tags() -> set[str]:
    return {word[1:] for path in (ROOT / "features").rglob("*.feature")
            for line in path.read_text(encoding="utf-8").splitlines() if line.strip().startswith("@")
            for word in line.split() if word.startswith("@")}


@pytest.mark.parametrize("path", DRAFT_FILES, ids=lambda path: path.stem)
def test_a_draft_file_has_the_requirement_table_shape(path):
    data = json.loads(path.read_text(encoding="utf-8"))
    schema = json.loads((PROFILE_DATA / "profile.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(data)
    assert data["draft"] == path.stem
    ids = [entry["id"] for entry in data["requirements"]]
    assert len(ids) == len(set(ids))
    own_tags = [entry["tags"][0] for entry in data["requirements"]]
    assert own_tags == ids and len(set(own_tags)) == len(own_tags)


def test_every_existing_scenario_a_requirement_names_is_in_the_features():
    """A requirement mapped onto a scenario that does not exist would quietly never be judged."""
    tags = _feature_tags() | OAUTH_TAGS
    named = {tag for path in DRAFT_FILES for entry in json.loads(path.read_text(encoding="utf-8"))["requirements"]
             for tag in entry["tags"][1:]}
    assert named <= tags, named - tags


def test_ipsie_levels_are_cumulative_and_al3_says_it_has_no_requirements():
    ids = {name: [test.tag for test in PROFILES[name].tests] for name in ("ipsie-al1", "ipsie-al2", "ipsie-al3")}
    assert set(ids["ipsie-al1"]) < set(ids["ipsie-al2"]) == set(ids["ipsie-al3"])
    assert PROFILES["ipsie-al3"].note == AL3_NOTE and not PROFILES["ipsie-al1"].note


def _scenario(name: str, outcome: str, *tags: str) -> ScenarioResult:
    return ScenarioResult(id=f"f.feature::{name}", feature="f", name=name, tags=list(tags), outcome=outcome,
                          duration_s=0.0, message=None if outcome == "passed" else f"{name} went wrong.")


def _certification(profile: str, *scenarios: ScenarioResult, bundled: bool = False) -> dict:
    return RunResult("dev", "http://target", bundled, "2026-01-01T00:00:00Z", 1.0, list(scenarios),
                     certification_profile=profile).certification()


def _row(certification: dict, requirement_id: str) -> dict:
    return next(row for row in certification["tests"] if row["requirement_id"] == requirement_id)


def test_a_requirement_without_a_scenario_is_not_judged_by_this_revision_never_passed():
    certification = _certification("scim-interop")
    row = _row(certification, "interop_6_6_55")
    assert (row["outcome"], row["reason"]) == ("not covered", NOT_JUDGED_YET)
    assert certification["verdict"] == "incomplete" and certification["counts"]["passed"] == 0
    assert certification["draft"] == "draft-zollner-scim-interop-profile-01"
    assert "draft-zollner-scim-interop-profile-01" in certification["title"]


def test_an_existing_scenario_judges_the_requirement_it_is_mapped_to():
    certification = _certification("scim-interop", _scenario("409", "failed", "oin_spec_8"),
                                   _scenario("case", "passed", "oin_spec_9"))
    assert _row(certification, "interop_6_9_1_62")["outcome"] == "failed"
    assert _row(certification, "interop_5_2_12")["outcome"] == "passed"
    assert certification["verdict"] == "not ready"


def test_a_requirement_summing_up_others_is_judged_elsewhere_says_where_and_no_verdict_rests_on_it():
    certification = _certification("ipsie-al2")
    row = _row(certification, "ipsie_al2_10_33")
    assert row["outcome"] == "judged elsewhere" and "the rows it sums up" in row["reason"]
    every_own = [_scenario(test.tag, "passed", test.tag) for test in PROFILES["ipsie-al2"].tests]
    passing = _certification("ipsie-al2", *every_own)
    assert _row(passing, "ipsie_al2_10_33")["outcome"] == "judged elsewhere"  # its own tag passing changes nothing
    assert passing["counts"]["judged elsewhere"] == 4


def test_conforming_to_the_interop_profile_is_that_profiles_verdict_and_its_scenarios_run_under_ipsie():
    assert set(PROFILES["scim-interop"].tags) <= set(PROFILES["ipsie-al1"].tags)
    assert PROFILES["ipsie-al1"].includes == ("ipsie-al1", "scim-interop")
    row = _row(_certification("ipsie-al1"), "ipsie_al1_4_2_10")
    assert row["outcome"] == "not covered" and "Interoperability Profile" in row["reason"]
    interop = [_scenario(test.tag, "passed", test.tag) for test in PROFILES["scim-interop"].tests]
    assert _row(_certification("ipsie-al1", *interop), "ipsie_al1_4_2_10")["outcome"] == "passed"
    one_failing = [_scenario("soft delete", "failed", "interop_6_6_55"), *interop]
    row = _row(_certification("ipsie-al1", *one_failing), "ipsie_al1_4_2_10")
    assert row["outcome"] == "failed" and "is not ready" in row["reason"]
    kept = _row(_certification("ipsie-al1", *interop, bundled=True), "ipsie_al1_4_2_10")
    assert kept["outcome"] == "tolerance kept" and "--profile scim-interop" in kept["reason"]


def test_client_side_requirements_are_not_judged_over_http_with_the_reason():
    row = _row(_certification("scim-interop"), "interop_6_5_1_1_38")
    assert row["outcome"] == "not over HTTP" and row["reason"].startswith("Not judged over HTTP: ")


def test_a_tolerance_the_bundled_server_keeps_is_shown_as_such_and_never_as_a_pass():
    bundled = _row(_certification("scim-interop", bundled=True), "interop_6_5_1_1_39")
    assert bundled["outcome"] == "tolerance kept" and "Okta" in bundled["reason"] and "source:" in bundled["reason"]
    assert _row(_certification("scim-interop"), "interop_6_5_1_1_39")["outcome"] == "not covered"


def test_client_credential_requirements_wait_for_client_credentials():
    certification = _certification("ipsie-al1")
    assert (_row(certification, "ipsie_al1_4_1_4")["outcome"], _row(certification, "ipsie_al1_4_1_4")["reason"]) == \
        ("not covered", NEEDS_CLIENT_CREDENTIALS)
    skipped = _certification("ipsie-al1", _scenario("token", "skipped", "oauth_token_endpoint"))
    assert _row(skipped, "ipsie_al1_4_1_4")["reason"] == NEEDS_CLIENT_CREDENTIALS
    judged = _certification("ipsie-al1", _scenario("token", "passed", "oauth_token_endpoint"))
    assert _row(judged, "ipsie_al1_4_1_4")["outcome"] == "passed"


JWT_ROWS = ("ipsie_al1_4_1_2", "ipsie_al1_8_34")  # judged only when the run's client signs RFC 7523 assertions


def test_jwt_client_authentication_requirements_wait_for_a_run_signing_assertions():
    skipped = _certification("ipsie-al1", _scenario("jwt", "skipped", *JWT_ROWS))
    assert [(_row(skipped, name)["outcome"], _row(skipped, name)["reason"]) for name in JWT_ROWS] == \
        [("not covered", NEEDS_JWT_CLIENT_AUTH)] * 2
    judged = _certification("ipsie-al1", _scenario("jwt", "passed", *JWT_ROWS))
    assert [_row(judged, name)["outcome"] for name in JWT_ROWS] == ["passed", "passed"]


@pytest.mark.whole_suite
def test_the_bundled_server_passes_the_jwt_rows_when_the_run_signs_assertions(tmp_path):
    """`--profile ipsie-al1 --auth client-credentials --client-auth private-key-jwt`: a key pair made up for the run."""
    result, report = run_profile("ipsie-al1", tmp_path, "--auth", "client-credentials", "--client-auth",
                                 "private-key-jwt")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    rows = {row["requirement_id"]: row for row in report["certification"]["tests"]}
    assert {name: rows[name]["outcome"] for name in JWT_ROWS} == dict.fromkeys(JWT_ROWS, "passed")
    assert len(rows["ipsie_al1_4_1_2"]["scenarios"]) == 4
    assert not [row for row in rows.values() if row["outcome"] == "failed"]
    assert "BEGIN PRIVATE KEY" not in result.stdout + result.stderr


def test_al3_is_never_ready():
    every_tag_passing = [_scenario(tag, "passed", tag) for tag in PROFILES["ipsie-al3"].tags]
    assert _certification("ipsie-al2", *every_tag_passing)["verdict"] == "ready"
    certification = _certification("ipsie-al3", *every_tag_passing)
    assert certification["verdict"] == "incomplete" and certification["note"] == AL3_NOTE


@pytest.mark.whole_suite
@pytest.mark.parametrize("profile", STANDARD_PROFILES)
def test_the_bundled_server_fails_no_must_of_a_standard_and_names_its_tolerances(profile, bundled_profile_run):
    result, report, report_dir = bundled_profile_run(profile)
    summary = (report_dir / "summary.md").read_text()
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(report)
    certification = report["certification"]
    assert certification["profile"] == profile and certification["verdict"] in ("ready", "incomplete")
    assert len(certification["tests"]) == len(PROFILES[profile].tests)
    failed = [row for row in certification["tests"] if row["outcome"] == "failed"]
    assert not failed, failed
    judged = [row for row in certification["tests"] if row["scenarios"] and row["reason"] not in NEEDS_REASONS.values()]
    assert judged and all(row["outcome"] in ("passed", "tolerance kept", "not applicable") for row in judged), judged
    kept = [row for row in certification["tests"] if row["outcome"] == "tolerance kept"]
    assert kept and all("source: " in row["reason"] for row in kept)
    assert "tolerance kept" in summary and "tolerance kept" in result.stdout
    draft = certification["draft"]
    assert draft in result.stdout and draft in summary and draft in certification["title"]
    row = certification["tests"][0]
    assert row["section"] and row["weight"] and row["quote"] and row["requirement"]


def _run_against_broken(breaker: str, profile: str, directory: Path, breakers: dict = BREAKERS):
    running = start_in_background(ServerConfig(db_path=str(directory / "t.db"), tokens=["profile-token"]),
                                  wrap=breakers[breaker].wrap)
    try:
        result = scimulator_run("--profile", profile, "--report-dir", str(directory / "report"),
                                "--target", running.base_url, "--token", "profile-token", cwd=directory)
    finally:
        running.stop()
    return result, json.loads((directory / "report" / "report.json").read_text())


@pytest.mark.whole_suite
@pytest.mark.parametrize("profile, requirement_id", [
    ("scim-interop", "interop_6_6_55"), ("ipsie-al1", "ipsie_al1_5_2_26"), ("ipsie-al2", "ipsie_al1_5_2_26"),
    ("ipsie-al3", "ipsie_al1_5_2_26")])
def test_a_soft_delete_makes_each_standard_not_ready_for_its_must(profile, requirement_id, tmp_path):
    result, report = _run_against_broken("delete_only_deactivates", profile, tmp_path)
    certification = report["certification"]
    row = _row(certification, requirement_id)
    assert row["outcome"] == "failed" and row["weight"] == "MUST", row
    assert certification["verdict"] == "not ready"
    assert result.returncode == 1, result.stdout[-3000:]
    assert f"{certification['title']}: not ready" in result.stdout


def test_a_requirement_whose_scenarios_find_it_does_not_apply_is_not_applicable_and_no_verdict_rests_on_it():
    skipped = _scenario("claim", "skipped", "interop_4_1")
    skipped.message = f"{NOT_APPLICABLE}the target does not claim conformance."
    certification = _certification("scim-interop", skipped)
    row = _row(certification, "interop_4_1")
    assert (row["outcome"], row["reason"]) == ("not applicable", "the target does not claim conformance.")
    assert certification["counts"]["not applicable"] == 1
    every_other = [_scenario(test.tag, "passed", test.tag) for test in PROFILES["scim-interop"].tests
                   if test.tag != "interop_4_1"]
    assert _certification("scim-interop", skipped, *every_other)["verdict"] == "ready"
    plain_skip = _certification("scim-interop", _scenario("claim", "skipped", "interop_4_1"))
    assert _row(plain_skip, "interop_4_1")["outcome"] == "not covered"


@pytest.mark.whole_suite
def test_the_bundled_server_leaves_no_interop_requirement_uncovered_and_claims_no_conformance(bundled_profile_run):
    _, report, _ = bundled_profile_run("scim-interop")
    rows = report["certification"]["tests"]
    assert not [row for row in rows if row["outcome"] == "not covered"]
    claim = _row(report["certification"], "interop_4_1")
    assert claim["outcome"] == "not applicable" and "does not claim conformance" in claim["reason"]
    assert _row(report["certification"], "interop_4_2")["outcome"] == "passed"
    kept = {r: _row(report["certification"], r)["outcome"] for r in
            ("interop_6_5_2_1_44", "interop_7_1_64", "interop_7_1_65")}
    assert kept == dict.fromkeys(kept, "tolerance kept")


@pytest.mark.whole_suite
def test_claiming_conformance_while_keeping_the_tolerances_makes_the_interop_profile_not_ready(tmp_path):
    result, report = _run_against_broken("claims_conformance_keeping_tolerances", "scim-interop", tmp_path,
                                         INTEROP_BREAKERS)
    certification = report["certification"]
    assert [_row(certification, r)["outcome"] for r in ("interop_4_1", "interop_4_2")] == ["failed", "failed"]
    assert certification["verdict"] == "not ready" and result.returncode == 1, result.stdout[-3000:]


@pytest.mark.whole_suite
@pytest.mark.skipif(CHROMIUM is None and not os.environ.get("SCIMULATOR_REQUIRE_CHROMIUM"),
                    reason="Debian's chromium is not installed (.ci/run installs it and requires this test)")
def test_report_html_shows_each_requirement_with_the_drafts_words_in_chromium(bundled_profile_run, tmp_path):
    assert CHROMIUM, "chromium is required here (SCIMULATOR_REQUIRE_CHROMIUM is set) but not installed"
    _, report, report_dir = bundled_profile_run("scim-interop")
    text = html.unescape(chromium(tmp_path / "profile", "--dump-dom", (report_dir / "report.html").as_uri()).stdout)
    certification = report["certification"]
    assert f"Certification: {certification['title']}:" in text
    for row in certification["tests"]:
        assert f'<q class="cert-quote">{row["quote"]}</q>' in text, row["requirement_id"]
    assert '<span class="cert-outcome">not applicable</span>' in text
    assert '<span class="cert-outcome">tolerance kept</span>' in text


def test_the_users_made_for_the_page_of_100_are_removed_after_the_run(tmp_path):
    """They are created through /Bulk where the target has it, and a real target gets them deleted like any POST."""
    running = start_in_background(ServerConfig(db_path=str(tmp_path / "real.db"), tokens=["cleanup-token"]))
    try:
        outcomes = run_suite(running.base_url, "cleanup-token", tmp_path, only=(COUNT_100,))
        left = httpx.get(f"{running.base_url}/Users", params={"count": "0"},
                         headers={"Authorization": "Bearer cleanup-token"}).json()["totalResults"]
    finally:
        running.stop()
    assert outcomes == {COUNT_100: "passed"} and left == 0


IPSIE_ROWS_JUDGED_BY_ITS_OWN_SCENARIOS = (
    "ipsie_al1_4_3_14", "ipsie_al1_4_3_15", "ipsie_al1_4_3_16", "ipsie_al1_4_3_17", "ipsie_al1_5_4_29",
    "ipsie_al1_5_4_30", "ipsie_al1_5_4_31", "ipsie_al1_8_32", "ipsie_al1_8_36", "ipsie_al2_6_1_1_6",
    "ipsie_al2_6_1_2_9", "ipsie_al2_6_1_5_14", "ipsie_al2_6_2_1_19", "ipsie_al2_6_2_5_28", "ipsie_al2_6_2_5_29",
    "ipsie_al2_6_2_6_31", "ipsie_al1_4_1_6", "ipsie_al1_4_1_7", "ipsie_al1_4_1_8", "ipsie_al2_6_2_1_20")


@pytest.mark.whole_suite
def test_the_bundled_server_passes_the_ipsie_rows_the_ipsie_scenarios_judge(bundled_profile_run):
    """Under an IPSIE profile the rate-limit scenarios run too; the bundled server's OAuth client judges the OAuth
    rows."""
    _, report, _ = bundled_profile_run("ipsie-al2")
    rows = {row["requirement_id"]: row for row in report["certification"]["tests"]}
    assert {name: rows[name]["outcome"] for name in IPSIE_ROWS_JUDGED_BY_ITS_OWN_SCENARIOS} == \
        dict.fromkeys(IPSIE_ROWS_JUDGED_BY_ITS_OWN_SCENARIOS, "passed")


def test_the_al1_editors_copy_is_its_own_profile_reusing_the_ipsie_scenarios():
    profile = PROFILES["ipsie-al1-draft"]
    data = json.loads((PROFILE_DATA / f"{profile.draft}.json").read_text(encoding="utf-8"))
    assert profile.draft == "draft-schreiber-ipsie-scim-al1-profile-latest"
    assert any("d3209269c0a17208fbe63bc8f0c3a46cb1ba93b2" in source for source in data["sources"])
    assert {entry["level"] for entry in data["requirements"]} == {"al1"}
    assert {"ipsie_al2_6_2_6_31", "ipsie_al1_4_3_14", "oin_spec_6"} <= set(profile.tags)  # AL2 of -00 is AL1 here
    rate_limits = next(entry for entry in data["requirements"] if entry["id"] == "al1d_ipsie_al1_4_3_14")
    assert rate_limits["weight"] == "SHALL" and rate_limits["quote"].startswith("The Application SHALL enforce")


RATE_LIMIT_SCENARIOS = ("A pace of 25 requests a second is served without a 429",
                        "A burst of parallel requests meets the rate limit: 429 with Retry-After")


def test_the_rate_limit_scenarios_run_only_when_asked_for(tmp_path, bundled_run):
    """The default run skips them (they send hundreds of requests); --tags rate_limit runs them."""
    by_name = {scenario["name"]: scenario["outcome"] for scenario in bundled_run.report["scenarios"]}
    assert [by_name[name] for name in RATE_LIMIT_SCENARIOS] == ["skipped", "skipped"]
    result, report = run_profile_free(tmp_path, "--tags", "rate_limit")
    assert result.returncode == 0, result.stdout[-2000:]
    assert {scenario["name"]: scenario["outcome"] for scenario in report["scenarios"]} == \
        dict.fromkeys(RATE_LIMIT_SCENARIOS, "passed")


def run_profile_free(directory: Path, *extra: str):
    result = scimulator_run("--report-dir", str(directory / "report"), *extra, cwd=directory)
    return result, json.loads((directory / "report" / "report.json").read_text())


def test_a_target_keeping_none_of_the_tolerances_and_claiming_conformance_passes_the_strict_scenarios(tmp_path):
    """So that the scenarios the bundled server skips can pass: the reference server made strict, claiming true."""
    running = start_in_background(ServerConfig(db_path=str(tmp_path / "strict.db"), tokens=["strict-token"]),
                                  wrap=conforming_target)
    try:
        outcomes = run_suite(running.base_url, "strict-token", tmp_path, only=CONFORMING)
    finally:
        running.stop()
    assert outcomes == dict.fromkeys(CONFORMING, "passed")


@pytest.mark.whole_suite
def test_the_reference_server_reached_as_any_target_fails_the_interop_musts_its_tolerances_break(tmp_path):
    """Only the bundled run says "tolerance kept": the same server behind --target is judged, and not ready."""
    result, report = _run_against_broken("as it is", "scim-interop", tmp_path, {"as it is": SimpleNamespace(wrap=None)})
    certification = report["certification"]
    outcomes = {r: _row(certification, r)["outcome"] for r in
                ("interop_5_3_13", "interop_5_3_14", "interop_6_5_1_1_39", "interop_6_5_2_1_44", "interop_7_1_64",
                 "interop_7_1_65", "interop_4_2", "interop_4_1")}
    assert outcomes == {"interop_5_3_13": "failed", "interop_5_3_14": "failed", "interop_6_5_1_1_39": "failed",
                        "interop_6_5_2_1_44": "failed", "interop_7_1_64": "failed", "interop_7_1_65": "failed",
                        "interop_4_2": "passed", "interop_4_1": "not applicable"}
    assert certification["verdict"] == "not ready" and result.returncode == 1
