"""Certification profiles: the IdP vendors' own listing tests, and how a run's scenarios answer them.

A profile lists the vendor's official tests by the vendor's own number and name, whether the vendor
makes each one mandatory, and the tag that marks the scenarios judging it (``@oin_spec_3``,
``@entra_la_17``). A test scimulator cannot run without the vendor's own tenant says why, in one
sentence. ``assess`` turns the scenario results of a run into the per-test table and the profile's
verdict: "ready" when no mandatory test failed and every runnable mandatory test passed; optional
tests that fail are warnings.

This module is data and plain functions over anything with ``id``, ``name``, ``tags``, ``outcome``
and ``headline``: the pytest plugin selects scenarios with it, and every report writer reads it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

OKTA_SPEC = "Okta SCIM 2.0 SPEC Test"
OKTA_CRUD = "Okta SCIM 2.0 CRUD Test"
ENTRA_LOGIC_APP = "SCIM Validation Logic App"

OKTA_SPEC_SOURCE = ("Okta's SPEC test collection, Okta-SCIM-20-SPEC-Test.json (exported 2024-05-13) with "
                    "Initial_Script_Spec.txt: https://developer.okta.com/standards/SCIM/SCIMFiles/Okta-SCIM-20-SPEC-Test.json")
OKTA_CRUD_SOURCE = ("Okta's CRUD test collection, Okta-SCIM-20-CRUD-Test.json: "
                    "https://developer.okta.com/standards/SCIM/SCIMFiles/Okta-SCIM-20-CRUD-Test.json")
ENTRA_SOURCE = ("Microsoft's SCIM Validation Logic App, SCIM-Validation-Test-Overview.md: "
                "https://github.com/AzureAD/SCIMReferenceCode/blob/master/Microsoft.SCIM.LogicAppValidationTemplate/"
                "StandardLogicApp/SCIM-Validation-Test-Overview.md")

OKTA_API_ONLY = "This step talks to Okta's own API (an Okta org and its API token), not to the SCIM server."
ENTRA_FEDERATED = ("It exchanges a Microsoft Entra workload-identity token for the vendor's token, which needs a "
                   "real Entra tenant and the vendor's federation setup.")


@dataclass(frozen=True)
class OfficialTest:
    """One of a vendor's listing tests."""

    suite: str
    number: int
    name: str  # as the vendor writes it
    mandatory: bool
    tag: str  # marks the scenarios that judge this test
    source: str
    not_runnable: str | None = None  # why scimulator cannot run it, in one sentence
    condition: str | None = None  # when the vendor applies it (e.g. only when manager is mapped)
    also_judged_by: tuple[str, ...] = ()  # tags of existing scenarios that judge it as well
    requirement: dict | None = None  # a standard's requirement, as its data file has it (reports/profiles/)

    @property
    def judging_tags(self) -> tuple[str, ...]:
        return (self.tag, *self.also_judged_by)

    @property
    def not_over_http(self) -> str | None:
        return (self.requirement or {}).get("not_over_http")

    @property
    def conform_to(self) -> str | None:
        """Another profile this requirement asks conformance to: its outcome is that profile's verdict."""
        return (self.requirement or {}).get("conform_to")


@dataclass(frozen=True)
class CertificationProfile:
    name: str
    title: str
    tests: tuple[OfficialTest, ...]
    draft: str | None = None  # a standard's profile: the draft revision its requirements come from
    note: str | None = None  # said in every report, e.g. that a level has no requirements yet
    never_ready: bool = False  # a level with no requirements of its own cannot be called ready

    def _judged_here(self, test: OfficialTest) -> bool:
        return not test.not_runnable and not test.not_over_http

    @property
    def tags(self) -> tuple[str, ...]:
        """The tags of the scenarios a run under this profile selects: its own, and those of every profile it asks
        conformance to (IPSIE's "also conform to the SCIM Interop Profile" runs that profile's scenarios too)."""
        own = (tag for test in self.tests if self._judged_here(test) for tag in test.judging_tags)
        others = (tag for name in self.includes if name != self.name for tag in PROFILES[name].tags)
        return tuple(dict.fromkeys([*own, *others]))

    @property
    def includes(self) -> tuple[str, ...]:
        """This profile and the profiles its requirements ask conformance to."""
        return (self.name, *dict.fromkeys(test.conform_to for test in self.tests if test.conform_to))

    @property
    def mandatory_tags(self) -> frozenset[str]:
        return frozenset(tag for test in self.tests if test.mandatory and self._judged_here(test)
                         for tag in test.judging_tags)

    @property
    def sources(self) -> list[str]:
        return list(dict.fromkeys(test.source for test in self.tests))


def _okta_spec() -> tuple[OfficialTest, ...]:
    steps = ["Required Test: Test Users endpoint", "Required Test: Get Users/{{id}}",
             "Required Test: Test invalid User by username", "Required Test: Test invalid User by ID",
             "Required Test: Make sure random user doesn't exist", "Required Test: Create Okta user with realistic values",
             "Required Test: Verify that user was created", "Required Test: Expect failure when recreating user with same values",
             "Required Test: Username Case Sensitivity Check", "Optional Test: Verify Groups endpoint",
             "Required Test: Check status 401", "Required Test: Check status 404"]
    return tuple(OfficialTest(OKTA_SPEC, n, name, name.startswith("Required"), f"oin_spec_{n}", OKTA_SPEC_SOURCE)
                 for n, name in enumerate(steps, start=1))


def _okta_crud() -> tuple[OfficialTest, ...]:
    steps = ["Check SCIM Apps instance in Okta", "Add new random user to Okta", "Assign user to SCIM App",
             "Verify if user is created in SCIM App", "Update user firstname", "Verify firstname update in SCIM App",
             "Deactivate user in Okta", "Verify if user is deactivated in SCIM App", "Reactivate user in okta",
             "Assign user to SCIM App", "Verify if user is reactivated in SCIM App",
             "Removes an assignment for a user in Okta", "Verify if user is deactivated in SCIM App"]
    return tuple(OfficialTest(OKTA_CRUD, n, name, True, f"oin_crud_{n}", OKTA_CRUD_SOURCE,
                              not_runnable=OKTA_API_ONLY if n <= 2 else None)
                 for n, name in enumerate(steps, start=1))


_MANAGER = "Mandatory only when the app maps manager; skipped by Microsoft otherwise."
# number: (name, mandatory, why not runnable, condition), as in SCIM-Validation-Test-Overview.md.
_LOGIC_APP = {
    1: ("Create_User_Test", True, None, None), 2: ("Update_User_Test", True, None, None),
    3: ("Disable_User_Test", True, None, None), 4: ("Delete_User_Test", False, None, None),
    5: ("User_Update_Manager_Test", True, None, _MANAGER), 6: ("Restore_User_Test", True, None, None),
    7: ("POD_User_Test", True, None, None), 8: ("Create_Group_Test", True, None, None),
    9: ("Update_Group_Test", True, None, None), 10: ("Delete_Group_Test", False, None, None),
    11: ("Group_Update_Add_Member_Test", True, None, None), 12: ("Group_Update_Remove_Member_Test", True, None, None),
    13: ("POD_Group_Test", True, None, None), 14: ("Restore_Group_Test", False, None, None),
    15: ("Schema_Discoverability_Test", True, None, None), 16: ("SCIM_Null_Update_Test", True, None, None),
    17: ("SCIM_User_Create_Test", True, None, None), 18: ("SCIM_User_Update_Test", True, None, None),
    19: ("SCIM_Group_Create_Test", True, None, None), 20: ("SCIM_Group_Update_Test", True, None, None),
    21: ("Validate_Credentials_Test", True, None, "Either this test or Federated_Identity_Test must pass."),
    22: ("Federated_Identity_Test", True, ENTRA_FEDERATED, "Either this test or Validate_Credentials_Test must pass."),
    23: ("SCIM_User_Pagination_Test", True, None, None), 24: ("SCIM_Group_Pagination_Test", False, None, None),
    25: ("SCIM_Update_Manager_Test", True, None, _MANAGER),
}


def _entra_logic_app() -> tuple[OfficialTest, ...]:
    return tuple(OfficialTest(ENTRA_LOGIC_APP, n, name, mandatory, f"entra_la_{n}", ENTRA_SOURCE, why, condition)
                 for n, (name, mandatory, why, condition) in _LOGIC_APP.items())


PROFILE_DATA = Path(__file__).parent / "profiles"  # one JSON file per draft revision (profile.schema.json)
INTEROP_DRAFT = "draft-zollner-scim-interop-profile-01"
IPSIE_DRAFT = "draft-schreiber-ipsie-scim-profile-00"
IPSIE_AL1_DRAFT = "draft-schreiber-ipsie-scim-al1-profile-latest"  # editor's copy of 15 April 2026, no numbered revision
MANDATORY_WEIGHTS = ("MUST", "SHALL", "REQUIRED")  # BCP 14 keywords that make a requirement mandatory
NEEDS_CLIENT_CREDENTIALS = "Not judged in this run: needs --oauth-token-url / client credentials."
NEEDS_JWT_CLIENT_AUTH = "Not judged in this run: needs --client-auth private-key-jwt (RFC 7523 client assertions)."
# What a requirement's "needs" asks of the run, and the reason its row gives when the run did not have it.
NEEDS_REASONS = {"client credentials": NEEDS_CLIENT_CREDENTIALS, "JWT client authentication": NEEDS_JWT_CLIENT_AUTH}
NOT_JUDGED_YET = "Not judged by this scimulator revision: no scenario judges this requirement yet."
AL3_NOTE = ("IPSIE AL3 has no requirements yet ('AL3 requirements are not yet defined in this draft'): this profile "
            "runs the AL2 requirements and is never reported ready.")


def load_draft(draft: str) -> dict:
    """A standard's requirement table, read from its data file."""
    return json.loads((PROFILE_DATA / f"{draft}.json").read_text(encoding="utf-8"))


def _requirement_test(data: dict, number: int, entry: dict) -> OfficialTest:
    return OfficialTest(suite=f"\u00a7{entry['section']}", number=number, name=f"{entry['requirement']} [{entry['weight']}]",
                        mandatory=entry["weight"].startswith(MANDATORY_WEIGHTS), tag=entry["tags"][0],
                        source=f"{data['title']}, {data['draft']}: {data['url']}",
                        also_judged_by=tuple(entry["tags"][1:]), requirement=entry)


def standard_profile(name: str, draft: str, levels: tuple[str, ...] | None = None, **extra) -> CertificationProfile:
    """A profile from a draft's data file; ``levels`` keeps the entries of those levels (IPSIE levels are cumulative)."""
    data = load_draft(draft)
    entries = [e for e in data["requirements"] if levels is None or e.get("level") in levels]
    tests = tuple(_requirement_test(data, n, entry) for n, entry in enumerate(entries, start=1))
    return CertificationProfile(name, f"{data['title']} ({draft})", tests, draft=draft, **extra)


PROFILES: dict[str, CertificationProfile] = {
    "okta-oin": CertificationProfile("okta-oin", "Okta Integration Network: the SPEC and CRUD tests",
                                     _okta_spec() + _okta_crud()),
    "entra-gallery": CertificationProfile("entra-gallery", "Microsoft Entra app gallery: the SCIM Validation Logic App",
                                          _entra_logic_app()),
    "scim-interop": standard_profile("scim-interop", INTEROP_DRAFT),
    "ipsie-al1": standard_profile("ipsie-al1", IPSIE_DRAFT, ("al1",)),
    "ipsie-al2": standard_profile("ipsie-al2", IPSIE_DRAFT, ("al1", "al2")),
    "ipsie-al3": standard_profile("ipsie-al3", IPSIE_DRAFT, ("al1", "al2"), note=AL3_NOTE, never_ready=True),
    "ipsie-al1-draft": standard_profile("ipsie-al1-draft", IPSIE_AL1_DRAFT),
}

OUTCOMES = ("passed", "failed", "warning", "not covered", "not runnable", "not over HTTP", "tolerance kept",
            "not applicable", "judged elsewhere")
# A scenario that skips with this sentence found its requirement does not apply to the target (e.g. a target that
# does not claim a profile's conformance): the row says "not applicable", counted in no verdict, never "not covered".
NOT_APPLICABLE = "Not applicable: "
# Rows no verdict rests on. "judged elsewhere": a requirement that sums up others, judged by the rows it names or by
# another profile (IPSIE's "also conform to the SCIM Interop Profile" is --profile scim-interop's whole table).
UNJUDGED_OUTCOMES = ("not runnable", "not over HTTP", "not applicable", "judged elsewhere")


def _not_judged(test: OfficialTest, scenarios: list, bundled: bool) -> tuple[str, str] | None:
    """Why a requirement gets no outcome from scenarios: not over HTTP, a tolerance the bundled server keeps, none yet."""
    requirement = test.requirement or {}
    if test.not_over_http:
        return "not over HTTP", f"Not judged over HTTP: {test.not_over_http}"
    if bundled and requirement.get("tolerance"):
        tolerance = requirement["tolerance"]
        return "tolerance kept", f"{tolerance['reason']} (source: {tolerance['source']})."
    if requirement.get("judged_elsewhere"):
        return "judged elsewhere", f"Judged elsewhere: {requirement['judged_elsewhere']}"
    if requirement.get("needs") and not any(s.outcome in ("passed", "failed") for s in scenarios):
        return "not covered", NEEDS_REASONS[requirement["needs"]]
    if scenarios:
        return None
    return "not covered", NOT_JUDGED_YET if requirement else "No scenario judges this test yet."


def _conformance(test: OfficialTest, scenarios: list, bundled: bool) -> tuple[str, str | None]:
    """A requirement to conform to another profile: that profile's verdict, judged on this run's scenarios."""
    other = assess(test.conform_to, scenarios, bundled)
    title = other["title"]
    if other["verdict"] == "ready":
        return "passed", None
    if other["verdict"] == "not ready":
        failed = [row for row in other["tests"] if row["outcome"] == "failed"]
        return ("failed" if test.mandatory else "warning"), (
            f"{title} is not ready: {len(failed)} requirement(s) failed, e.g. {failed[0]['name']}.")
    kept = [row for row in other["tests"] if row["outcome"] == "tolerance kept"]
    open_rows = [row for row in other["tests"] if row["mandatory"] and row["outcome"] == "not covered"]
    if kept and not open_rows:
        return "tolerance kept", (f"{title} reads incomplete only because the bundled server keeps {len(kept)} "
                                  f"tolerance(s) it forbids (source: each kept row of --profile {test.conform_to} "
                                  "names its own).")
    return "not covered", f"{title} is incomplete: {len(open_rows)} mandatory requirement(s) not judged in this run."


def _judged(test: OfficialTest, scenarios: list, bundled: bool = False) -> tuple[str, str | None]:
    """The outcome of one official test from the scenarios carrying its tag, and why when it is not a pass."""
    if test.not_runnable:
        return "not runnable", test.not_runnable
    if (why := _not_judged(test, scenarios, bundled)) is not None:
        return why
    failures = [s for s in scenarios if s.outcome == "failed"]
    if failures:
        return ("failed" if test.mandatory else "warning"), f"{failures[0].name}: {failures[0].headline}"
    inapplicable = [s for s in scenarios if s.outcome == "skipped" and s.headline.startswith(NOT_APPLICABLE)]
    if inapplicable and len(inapplicable) == len(scenarios):
        return "not applicable", inapplicable[0].headline.removeprefix(NOT_APPLICABLE)
    unrun = [s for s in scenarios if s.outcome != "passed"]
    if unrun:
        return "not covered", f"{len(unrun)} of its {len(scenarios)} scenarios did not run: {unrun[0].headline or 'skipped'}"
    return "passed", None


def _verdict(rows: list[dict]) -> str:
    mandatory = [row for row in rows if row["mandatory"] and row["outcome"] not in UNJUDGED_OUTCOMES]
    if any(row["outcome"] == "failed" for row in mandatory):
        return "not ready"
    return "ready" if all(row["outcome"] == "passed" for row in mandatory) else "incomplete"


def _requirement_fields(test: OfficialTest) -> dict:
    """A standard's requirement in a report row: section, weight, its words, the quote, the tags judging it."""
    if not test.requirement:
        return {}
    entry = test.requirement
    return {"requirement_id": entry["id"], "section": entry["section"], "weight": entry["weight"],
            "requirement": entry["requirement"], "quote": entry["quote"], "tags": list(test.judging_tags)}


def assess(profile_name: str, scenarios: list, bundled: bool = False) -> dict:
    """The certification section of a report: one row per official test or requirement, and the profile's verdict.

    ``bundled``: the target is scimulator's own reference server, whose IdP tolerances a standard may forbid.
    """
    profile = PROFILES[profile_name]
    rows = []
    for test in profile.tests:
        judging = [s for s in scenarios if set(test.judging_tags) & set(s.tags)]
        outcome, reason = (_conformance(test, scenarios, bundled) if test.conform_to  # judged on the whole run
                           else _judged(test, judging, bundled))
        rows.append({"suite": test.suite, "number": test.number, "name": test.name, "mandatory": test.mandatory,
                     "condition": test.condition, "tag": test.tag, "source": test.source,
                     "scenarios": [s.id for s in judging], "scenario_names": [s.name for s in judging],
                     "outcome": outcome, "reason": reason, **_requirement_fields(test)})
    counts = {outcome: sum(1 for row in rows if row["outcome"] == outcome) for outcome in OUTCOMES}
    verdict = _verdict(rows)
    if profile.never_ready and verdict == "ready":
        verdict = "incomplete"
    assessed = {"profile": profile.name, "title": profile.title, "verdict": verdict, "counts": counts,
                "sources": profile.sources, "tests": rows}
    if profile.draft:
        assessed.update(draft=profile.draft, note=profile.note)
    return assessed
