"""A target that uses the freedoms SCIM leaves it (tests/suite/legal_target.py) is ready for Okta and Entra.

The whole suite runs against it through `scimulator run --target`, as a vendor runs it: no @must
Okta or Entra scenario may fail, and the scenarios about ETags and sorting are skipped, with the
target's /ServiceProviderConfig as the reason, not failed.
"""

from __future__ import annotations

import json

import httpx
import pytest

from scimulator.reference_server import ServerConfig
from scimulator.reference_server.serving import start_in_background
from tests.suite.broken_oauth import CLIENT, client_credentials_args
from tests.suite.legal_target import PAGE_CAP, legal, legal_eq_only
from tests.cli.test_run_command import scimulator_run

TOKEN = "legal-variant-token"
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> dict:
    workdir = tmp_path_factory.mktemp("legal")
    running = start_in_background(ServerConfig(db_path=str(workdir / "legal.db"), tokens=[TOKEN]), wrap=legal)
    try:
        result = scimulator_run("--target", running.base_url, "--token", TOKEN, "--report-dir", str(workdir / "report"),
                                cwd=workdir)
    finally:
        running.stop()
    assert (workdir / "report" / "report.json").exists(), result.stdout + result.stderr
    return json.loads((workdir / "report" / "report.json").read_text())


@pytest.mark.whole_suite
@pytest.mark.parametrize("profile", ["okta", "entra"])
def test_the_idp_profiles_are_ready(report, profile):
    failed = [f"{s['name']}: {(s['message'] or '').splitlines()[0]}" for s in report["scenarios"]
              if profile in s["tags"] and s["weight"] == "must" and s["outcome"] == "failed"]
    assert not failed
    assert report["profiles"][profile]["verdict"] == "ready"


# Scenarios of the standards' profiles (their feature's tag) narrow SCIM's freedoms on purpose, so a legal target may
# fail them; each standard names the scenarios this target fails and why.
# The interop profile wants pages of 100 (this target caps at 50) and /Schemas listing every attribute (this target
# returns an extension it does not declare).
# IPSIE asks for value-path filters (emails[...], members[...]) and /Bulk, which this target leaves out (eq-only
# filters, no /Bulk).
NARROWING_STANDARDS = {"interop": {"A page asked with count=100 holds 100 users",
                                   "Every attribute the target returns for a user is declared in /Schemas"},
                       "ipsie": {"A user is found by emails[value eq]",
                                 'A user is found by emails[type eq "work" and value eq]',
                                 "A group is found by members[value eq]",
                                 "/Bulk is supported and carries out each operation"}}


def _must_failures(report: dict) -> list[dict]:
    return [s for s in report["scenarios"] if s["weight"] == "must" and s["outcome"] == "failed"]


@pytest.mark.whole_suite
def test_no_must_scenario_of_any_profile_fails(report):
    assert not [s["name"] for s in _must_failures(report) if not set(NARROWING_STANDARDS) & set(s["tags"])]


@pytest.mark.whole_suite
@pytest.mark.parametrize("standard", sorted(NARROWING_STANDARDS))
def test_a_standard_fails_the_legal_target_only_where_it_narrows_scim(report, standard):
    assert {s["name"] for s in _must_failures(report) if standard in s["tags"]} == NARROWING_STANDARDS[standard]


@pytest.mark.whole_suite
@pytest.mark.parametrize("tag, capability", [("etag", "etag"), ("sorting", "sort")])
def test_scenarios_about_an_unsupported_capability_are_skipped_because_the_service_provider_config_says_so(
        report, tag, capability):
    about = [s for s in report["scenarios"] if tag in s["tags"]]
    assert about and all(s["outcome"] == "skipped" for s in about)
    assert all(f"ServiceProviderConfig says {capability}.supported is false" in s["message"] for s in about)


@pytest.mark.whole_suite
def test_paging_is_judged_without_filters_and_a_capped_count_is_legal(report):
    paging = {s["name"]: s["outcome"] for s in report["scenarios"]
              if {"pagination", "rfc7644"} <= set(s["tags"]) and "sorting" not in s["tags"]}
    assert paging and set(paging.values()) == {"passed"}, paging


def test_the_legal_target_does_what_it_says(tmp_path):
    """So that the test above cannot pass vacuously: each freedom is really taken."""
    running = start_in_background(ServerConfig(db_path=str(tmp_path / "own.db"), tokens=[TOKEN]), wrap=legal)
    try:
        with httpx.Client(base_url=running.base_url, headers={"Authorization": f"Bearer {TOKEN}"}) as http:
            users = [http.post("/Users", json={"schemas": [USER], "userName": f"u{n}@example.com", "externalId": f"x{n}",
                                               "emails": [{"value": f"u{n}@example.com", "type": "work"}]})
                     for n in range(PAGE_CAP + 5)]
            assert {u.status_code for u in users} == {201} and "ETag" not in users[0].headers
            second = http.post("/Users", json={"schemas": [USER], "userName": "other@example.com",
                                               "emails": [{"value": "U1@example.com", "type": "work"}]})
            assert second.status_code == 409 and second.json()["scimType"] == "uniqueness"
            assert http.post("/Users", json={"schemas": [USER], "userName": "o2@example.com", "externalId": "x2"}).status_code == 409
            patch = http.patch(f"/Users/{users[0].json()['id']}", json={"schemas": [PATCH_OP], "Operations": [
                {"op": "replace", "path": "title", "value": "t"}]})
            assert patch.status_code == 204 and not patch.content
            assert len(http.get("/Users", params={"count": 100}).json()["Resources"]) == PAGE_CAP
            assert http.get("/Users", params={"filter": 'userName sw "u"'}).json()["scimType"] == "invalidFilter"
            assert http.get("/Users", params={"filter": 'userName eq "u1@example.com" and externalId eq "x1"'}).json()[
                "totalResults"] == 1
            config = http.get("/ServiceProviderConfig").json()
            assert (config["etag"]["supported"], config["bulk"]["supported"], config["sort"]["supported"]) == (False,) * 3
            assert http.post("/Bulk", json={}).status_code == 501
    finally:
        running.stop()


@pytest.mark.whole_suite
@pytest.mark.parametrize("profile, idp", [("okta-oin", "okta"), ("entra-gallery", "entra")])
def test_the_certification_profiles_are_ready_with_eq_alone(tmp_path, profile, idp):
    """Unique emails, PATCH answered 204, pages of 50, no ETag, and filters of one eq comparison only.

    The target has a client-credentials token endpoint, as Microsoft's gallery now requires (Logic App test 21).
    """
    running = start_in_background(ServerConfig(db_path=str(tmp_path / "eq.db"), tokens=[TOKEN], oauth_clients=CLIENT),
                                  wrap=legal_eq_only)
    try:
        result = scimulator_run("--target", running.base_url, "--token", TOKEN, *client_credentials_args(running.base_url),
                                "--profile", profile,
                                "--report-dir", str(tmp_path / "report"), cwd=tmp_path)
    finally:
        running.stop()
    report = json.loads((tmp_path / "report" / "report.json").read_text())
    assert result.returncode == 0, result.stdout[-2000:]
    assert report["certification"]["verdict"] == "ready" and report["profiles"][idp]["verdict"] == "ready"
    assert report["summary"]["failed"] == 0 and report["summary"]["passed"] > 20
