"""Verdicts of a load run against named yardsticks, from its figures alone.

- ``entra-gallery-25rps``: Microsoft's gallery checklist asks SCIM endpoints to take at least 25
  requests per second per tenant [F23] (also in Microsoft's SCIM guide [E1]); passed when every tenant
  reached 25 requests/s with no failed request. Not judged when the run asked for less than that.
- ``okta-60s-timeout``: Okta waits 60 s for an answer [O2]; a request that took 30 s or more counts
  as near that timeout (half of it: scimulator's own line, so that a target passing here has room
  under a heavier load). Passed when no request came near.
- ``large-group-push``: a Group Push of a large membership completes: Okta's sequence [O1] (lookup,
  POST, PATCH with the members) all accepted and the member count read back.
"""

from __future__ import annotations

ENTRA_GALLERY_RPS = 25.0
NEAR_OKTA_TIMEOUT_MS = 30_000.0
OKTA_TIMEOUT_S = 60
GROUP_PUSH_MIX = "group-push-bursts"

ENTRA_GALLERY = {"yardstick": "entra-gallery-25rps",
                 "title": "Entra gallery: at least 25 requests/s per tenant, with no errors",
                 "source": "Microsoft's Entra app gallery checklist for SCIM apps [F23]; Microsoft's SCIM guide [E1]"}
OKTA_TIMEOUT = {"yardstick": "okta-60s-timeout",
                "title": "No request near Okta's 60 s timeout (30 s or more counts as near)",
                "source": "Okta's SCIM FAQ, the 60 s timeout [O2]"}
GROUP_PUSH = {"yardstick": "large-group-push",
              "title": "A large Group Push completes: every request accepted, every member read back",
              "source": "Okta's SCIM 2.0 reference, Group Push [O1]"}


def verdict(yardstick: dict, outcome: str, detail: str) -> dict:
    return {**yardstick, "outcome": outcome, "detail": detail}


def judge(load: dict, pushes: dict, errors: list[dict]) -> list[dict]:
    """Every yardstick's verdict, from the load section's figures, the Group Push outcomes and Locust's failures."""
    return [entra_gallery(load), okta_timeout(load, errors), group_push(pushes, load.get("mixes"))]


def entra_gallery(load: dict) -> dict:
    tenants = load["tenants_detail"]
    asked = load.get("rate_requested")
    if asked is not None and asked / max(1, load["tenants"]) < ENTRA_GALLERY_RPS:
        return verdict(ENTRA_GALLERY, "not judged",
                       f"the run asked for {asked / max(1, load['tenants']):g} requests/s per tenant, below "
                       f"{ENTRA_GALLERY_RPS:g}; run it without --rate, or with at least "
                       f"{ENTRA_GALLERY_RPS * load['tenants']:g}")
    if not tenants or not load["requests"]:
        return verdict(ENTRA_GALLERY, "not judged", "no request was answered")
    slowest = min(tenants, key=lambda tenant: tenant["achieved_rps"])
    failures = sum(tenant["failures"] for tenant in tenants)
    rates = f"the slowest tenant ({slowest['tenant']}) reached {slowest['achieved_rps']:.1f} requests/s"
    if failures:
        return verdict(ENTRA_GALLERY, "failed", f"{failures} request(s) failed; {rates}")
    if slowest["achieved_rps"] < ENTRA_GALLERY_RPS:
        return verdict(ENTRA_GALLERY, "failed", f"{rates}, below {ENTRA_GALLERY_RPS:g}")
    return verdict(ENTRA_GALLERY, "passed", f"{rates} with no failed request")


def okta_timeout(load: dict, errors: list[dict]) -> dict:
    if not load["kinds"]:
        return verdict(OKTA_TIMEOUT, "not judged", "no request was answered")
    slowest = max(load["kinds"], key=lambda kind: kind["max_ms"])
    timeouts = [error for error in errors if "timeout" in error.get("error", "").lower()]
    longest = f"the longest request ({slowest['kind']}) took {slowest['max_ms'] / 1000:.1f} s"
    if timeouts:
        return verdict(OKTA_TIMEOUT, "failed", f"{sum(e['occurrences'] for e in timeouts)} request(s) got no answer "
                                               f"in time; {longest}")
    if slowest["max_ms"] >= NEAR_OKTA_TIMEOUT_MS:
        return verdict(OKTA_TIMEOUT, "failed", f"{longest}: near Okta's {OKTA_TIMEOUT_S} s timeout")
    return verdict(OKTA_TIMEOUT, "passed", longest)


def group_push(pushes: dict, mixes: list[str] | None = None) -> dict:
    completed, incomplete = pushes.get("completed", 0), pushes.get("incomplete", 0)
    if mixes is not None and GROUP_PUSH_MIX not in mixes:
        return verdict(GROUP_PUSH, "not judged", f"the {GROUP_PUSH_MIX} mix was not part of the run")
    if incomplete:
        reasons = "; ".join(pushes.get("details", [])[:2])
        return verdict(GROUP_PUSH, "failed", f"{incomplete} of {completed + incomplete} push(es) did not complete: {reasons}")
    if not completed:
        return verdict(GROUP_PUSH, "not judged", "no Group Push finished before the run ended (its members are "
                                                 "provisioned first: a longer --duration or fewer --group-members)")
    return verdict(GROUP_PUSH, "passed", f"{completed} push(es) of {pushes.get('members', 0)} members completed and "
                                         "were read back")
