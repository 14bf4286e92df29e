"""The request kinds and the yardsticks' verdicts, from figures alone (no load sent)."""

from __future__ import annotations

import pytest

from scimulator.load.kinds import request_kind
from scimulator.load.yardsticks import judge
from scimulator.simulator.scim import patch


@pytest.mark.parametrize("request_, kind", [
    (("GET", "/Users", [("filter", 'userName eq "a"'), ("startIndex", 1)]), "lookup user"),
    (("GET", "/Users", [("startIndex", 101), ("count", 100)]), "list users"),
    (("GET", "/Users/2819c223"), "read user"),
    (("POST", "/Groups", None, {"displayName": "x"}), "create group"),
    (("PUT", "/Users/2819c223"), "replace user"),
    (("PATCH", "/Users/2819c223", None, patch({"op": "replace", "value": {"active": False}})), "patch user"),
    (("PATCH", "/Groups/e9e3", None, patch({"op": "Add", "path": "members", "value": [{"value": "1"}]})),
     "patch group members"),
    (("PATCH", "/Groups/e9e3", None, patch({"op": "replace", "value": {"id": "e9e3", "displayName": "x"}})), "patch group"),
    (("PATCH", "/Groups/e9e3", None, patch({"op": "replace", "value": {"members": []}})), "patch group members"),
    (("DELETE", "/Groups/e9e3"), "delete group"),
])
def test_each_request_is_counted_under_the_kind_of_operation_it_is(request_, kind):
    assert request_kind(*request_) == kind


def test_the_suites_own_reads_are_told_apart_from_idp_traffic():
    assert request_kind("GET", "/Groups/e9e3", by="verify") == "read back group"


def figures(max_ms: float = 120.0, failures: int = 0, rps: tuple[float, ...] = (30.0, 40.0), rate=None) -> dict:
    return {"tenants": len(rps), "rate_requested": rate, "requests": 1000, "failures": failures,
            "kinds": [{"kind": "create user", "requests": 1000, "failures": failures, "max_ms": max_ms}],
            "tenants_detail": [{"tenant": f"tenant-{n}", "requests": 500, "failures": failures if n == 1 else 0,
                                "achieved_rps": value} for n, value in enumerate(rps, 1)]}


def outcomes(load: dict, pushes: dict | None = None, errors: list | None = None) -> dict[str, str]:
    return {v["yardstick"]: v["outcome"] for v in judge(load, pushes or {}, errors or [])}


def test_every_tenant_at_25_requests_per_second_without_errors_passes_the_gallery_yardstick():
    assert outcomes(figures())["entra-gallery-25rps"] == "passed"
    assert outcomes(figures(rps=(30.0, 24.9)))["entra-gallery-25rps"] == "failed"
    assert outcomes(figures(failures=1))["entra-gallery-25rps"] == "failed"


def test_a_run_asking_for_less_than_25_per_tenant_does_not_judge_the_gallery_yardstick():
    assert outcomes(figures(rate=40.0))["entra-gallery-25rps"] == "not judged"
    assert outcomes(figures(rate=50.0))["entra-gallery-25rps"] == "passed"


def test_a_request_of_30_s_or_a_timeout_fails_the_okta_yardstick():
    assert outcomes(figures(max_ms=29_999.0))["okta-60s-timeout"] == "passed"
    assert outcomes(figures(max_ms=30_000.0))["okta-60s-timeout"] == "failed"
    timeout = [{"kind": "create user", "method": "POST", "error": "LoadFailure('no answer in time (timeout)')",
                "occurrences": 2}]
    assert outcomes(figures(), errors=timeout)["okta-60s-timeout"] == "failed"


def test_group_push_outcomes_decide_the_large_group_push_yardstick():
    assert outcomes(figures(), {"completed": 3, "incomplete": 0, "members": 200})["large-group-push"] == "passed"
    assert outcomes(figures(), {"completed": 3, "incomplete": 1, "details": ["the group read back holds 150 of "
                                                                            "the 200 members pushed"]})[
        "large-group-push"] == "failed"
    assert outcomes(figures(), {"completed": 0, "incomplete": 0})["large-group-push"] == "not judged"
    without_the_mix = {**figures(), "mixes": ["okta-imports"]}
    assert outcomes(without_the_mix, {"completed": 0, "incomplete": 0})["large-group-push"] == "not judged"
