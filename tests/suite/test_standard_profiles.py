"""The standards' profiles (scim-interop, ipsie-al1..al3): requirement tables as data, one outcome per requirement.

The tables are JSON files under reports/profiles/, one per draft revision, checked against
reports/profiles/profile.schema.json. `scimulator run --profile scim-interop` against the bundled server
is run once per profile and read back from report.json, summary.md and the terminal.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from scimulator.reports.certification import (AL3_NOTE, NEEDS_CLIENT_CREDENTIALS, NOT_JUDGED_YET, PROFILE_DATA,
                                              PROFILES)
from scimulator.reference_server import ServerConfig
from scimulator.reference_server.serving import start_in_background
from scimulator.reports.model import RunResult, ScenarioResult
from tests.cli.test_run_command import SCHEMA, scimulator_run
from tests.suite.broken_profiles import BREAKERS

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
    judged = [row for row in certification["tests"] if row["scenarios"] and row["reason"] != NEEDS_CLIENT_CREDENTIALS]
    assert judged and all(row["outcome"] in ("passed", "tolerance kept") for row in judged), judged
    kept = [row for row in certification["tests"] if row["outcome"] == "tolerance kept"]
    assert kept and all("source: " in row["reason"] for row in kept)
    assert "tolerance kept" in summary and "tolerance kept" in result.stdout
    draft = certification["draft"]
    assert draft in result.stdout and draft in summary and draft in certification["title"]
    row = certification["tests"][0]
    assert row["section"] and row["weight"] and row["quote"] and row["requirement"]


def _run_against_broken(breaker: str, profile: str, directory: Path):
    running = start_in_background(ServerConfig(db_path=str(directory / "t.db"), tokens=["profile-token"]),
                                  wrap=BREAKERS[breaker].wrap)
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
