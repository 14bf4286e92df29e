"""The result of one conformance run: what every report writer reads, and nothing else.

Profiles are the client tags (PROFILES: okta, entra, rfc7644, vendor and one per further IdP). A profile's
verdict is "ready" when none of its @must scenarios failed; @should failures are reported but do not change it. A scenario
"blocked by" a cause (its setup needed another capability) is skipped: it changes no verdict.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .failure import Failure
from .sources import cited

from .certification import PROFILES as CERTIFICATION_PROFILES, assess

PROFILES = ("okta", "entra", "rfc7644", "vendor", "authentik", "keycloak", "jumpcloud", "onelogin", "ping", "google")


@dataclass
class StepResult:
    keyword: str
    text: str
    outcome: str  # passed | failed | not run
    evidence: int | None = None  # a passing then-step: index of the last exchange before it passed (what proved it)


@dataclass
class ScenarioResult:
    id: str
    feature: str
    name: str
    tags: list[str]
    outcome: str  # passed | failed | skipped | error (the scenario itself is wrong: counts in no verdict)
    duration_s: float
    message: str | None = None
    source: str | None = None
    feature_file: str | None = None
    steps: list[StepResult] = field(default_factory=list)
    exchanges: list[dict] = field(default_factory=list)
    baseline: str | None = None  # "accepted" when a failure is in the baseline
    blocked_by: dict | None = None  # skipped because its setup needed another capability: {"cause", "detail"}
    failure: Failure | None = None  # a failed scenario's record (reports/failure.py)

    @property
    def headline(self) -> str:
        """The first line of the message: what a summary line or a CI annotation shows."""
        return self.message.strip().splitlines()[0] if self.message and self.message.strip() else ""

    @property
    def profile(self) -> str | None:
        return next((tag for tag in PROFILES if tag in self.tags), None)

    @property
    def weight(self) -> str:
        return "must" if "must" in self.tags else "should" if "should" in self.tags else "must"

    def to_dict(self) -> dict:
        return {"id": self.id, "feature": self.feature, "name": self.name, "tags": self.tags, "outcome": self.outcome,
                "duration_s": round(self.duration_s, 3), "message": self.message, "source": self.source,
                "sources": cited(self.source), "feature_file": self.feature_file, "weight": self.weight, "baseline": self.baseline,
                "steps": [{"keyword": s.keyword, "text": s.text, "outcome": s.outcome,
                           **({"evidence": s.evidence} if s.evidence is not None else {})} for s in self.steps],
                **({"failure": self.failure.to_dict()} if self.failure else {}),
                "exchanges": self.exchanges, **({"blocked_by": self.blocked_by} if self.blocked_by else {})}


def verdict_phrase(name: str, profile: dict) -> str:
    """A profile's verdict, saying how many of its scenarios it rests on when that is not all of them."""
    if profile["verdict"] == "interrupted":
        return f"interrupted after {profile['judged']} of {profile['of']} {name} scenarios"
    if profile["judged"] >= profile["of"]:
        return profile["verdict"]
    return f"{profile['verdict']} on {profile['judged']} of {profile['of']} {name} scenarios"


BUNDLED_FEATURES = str(Path(__file__).resolve().parent.parent / "features")


def selection_text(selection: dict) -> str:
    """What the run narrowed its scenarios to, in words."""
    chosen = {k: v for k, v in selection.items() if v and not (k == "features" and v == [BUNDLED_FEATURES])}
    if set(chosen.get("idps") or PROFILES) == set(PROFILES):
        chosen.pop("idps", None)
    if "idps" in chosen or "tags" in chosen:
        chosen.pop("markers", None)  # the same choice, as `scimulator run` turned it into a marker expression
    return "; ".join(f"{k} {', '.join(v) if isinstance(v, list) else v}" for k, v in chosen.items()) or "every scenario"


@dataclass
class BaselineOutcome:
    file: str
    accepted: list[str] = field(default_factory=list)  # failing now, and in the baseline
    new: list[str] = field(default_factory=list)  # failing now, not in the baseline
    now_passing: list[str] = field(default_factory=list)  # in the baseline, passing now


@dataclass
class RunResult:
    tool_version: str
    target_url: str
    bundled: bool
    started_at: str
    duration_s: float
    scenarios: list[ScenarioResult]
    baseline: BaselineOutcome | None = None
    selection: dict[str, Any] = field(default_factory=dict)
    certification_profile: str | None = None  # a vendor's listing tests (reports/certification.py), when selected
    interrupted: bool = False  # stopped by SIGINT or SIGTERM: no verdict says "ready"
    could_not_run: str | None = None  # the pre-flight sentence when no scenario could run
    profile_totals: dict[str, int] = field(default_factory=dict)  # each profile's scenarios before any selection
    cleanup: list[dict] = field(default_factory=list)  # the exchanges removing the run's data after its scenarios

    def count(self, outcome: str, scenarios: list[ScenarioResult] | None = None) -> int:
        return sum(1 for s in (self.scenarios if scenarios is None else scenarios) if s.outcome == outcome)

    def summary(self) -> dict:
        return {"passed": self.count("passed"), "failed": self.count("failed"), "skipped": self.count("skipped"),
                "blocked": len(self.blocked()), "error": self.count("error")}

    def blocked(self, scenarios: list[ScenarioResult] | None = None) -> list[ScenarioResult]:
        """The skipped scenarios whose setup failed on another capability (counted in "skipped" too)."""
        return [s for s in (self.scenarios if scenarios is None else scenarios) if s.blocked_by]

    def blocked_by_cause(self) -> dict[str, list[ScenarioResult]]:
        causes: dict[str, list[ScenarioResult]] = {}
        for scenario in self.blocked():
            causes.setdefault(scenario.blocked_by["cause"], []).append(scenario)
        return dict(sorted(causes.items()))

    def profiles(self) -> dict[str, dict]:
        out = {}
        for profile in PROFILES:
            members = [s for s in self.scenarios if s.profile == profile]
            judged = [s for s in members if s.outcome in ("passed", "failed")]
            if not judged:
                continue  # not tested: no verdict (the summary still counts its skipped scenarios)
            must_failed = [s for s in judged if s.outcome == "failed" and s.weight == "must"]
            verdict = "interrupted" if self.interrupted else "not ready" if must_failed else "ready"
            out[profile] = {"verdict": verdict, "passed": self.count("passed", members),
                            "failed": self.count("failed", members), "skipped": self.count("skipped", members),
                            "blocked": len(self.blocked(members)), "error": self.count("error", members),
                            "must_failed": len(must_failed), "judged": len(judged),
                            "of": max(self.profile_totals.get(profile, 0), len(members))}
        return out

    def errors(self) -> list[ScenarioResult]:
        return [s for s in self.scenarios if s.outcome == "error"]

    def notices(self) -> list[str]:
        """What every report says first: a run that could not happen, an interrupted one, errors, what was selected."""
        lines = []
        if self.could_not_run:
            lines.append(f"The run could not happen: {self.could_not_run}")
        if self.interrupted:
            lines.append("Interrupted: a partial run; no verdict in it says ready.")
        errors = self.errors()
        if errors:
            lines.append(f"{len(errors)} scenario(s) could not run because of a mistake in the suite "
                         "(outcome error); they count in no verdict.")
        return lines + [f"Selection: {selection_text(self.selection)}"]

    def failures(self) -> list[ScenarioResult]:
        return [s for s in self.scenarios if s.outcome == "failed"]

    def gating_failures(self) -> list[ScenarioResult]:
        """Failures that fail the run: all of them, less those a baseline accepts.

        Under a certification profile, only failures of scenarios that judge a mandatory official test:
        optional tests warn.
        """
        gating = [s for s in self.failures() if s.baseline != "accepted"]
        if self.certification_profile:
            mandatory = CERTIFICATION_PROFILES[self.certification_profile].mandatory_tags
            gating = [s for s in gating if mandatory & set(s.tags)]
        return gating

    def certification(self) -> dict | None:
        """The selected profile's official tests, the scenarios judging each, their outcome and the verdict."""
        if not self.certification_profile:
            return None
        assessed = assess(self.certification_profile, self.scenarios, bundled=bool(self.bundled))
        if self.interrupted:
            assessed["verdict"] = "interrupted"
        return assessed

    def to_dict(self) -> dict:
        data = {"tool": {"name": "scimulator", "version": self.tool_version},
                "target": {"url": self.target_url, "bundled": self.bundled},
                "started_at": self.started_at, "duration_s": round(self.duration_s, 3),
                "summary": self.summary(), "profiles": self.profiles(), "selection": self.selection,
                "interrupted": self.interrupted, **({"could_not_run": self.could_not_run} if self.could_not_run else {}),
                "scenarios": [s.to_dict() for s in self.scenarios]}
        if self.cleanup:
            data["cleanup"] = {"exchanges": self.cleanup}
        if self.baseline is not None:
            data["baseline"] = {"file": self.baseline.file, "accepted": self.baseline.accepted,
                                "new": self.baseline.new, "now_passing": self.baseline.now_passing}
        if self.certification_profile:
            data["certification"] = self.certification()
        return data
