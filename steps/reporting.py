"""Turns each scenario's pytest outcome into the reports' result model, and writes the reports.

    pytest steps --scim-report-dir DIR [--scim-baseline FILE] [--scim-write-baseline FILE]

A step that raises a ConformanceFailure gives its own message; anything else a scenario raises is
summarised in one sentence (the traceback stays out of the reports and the terminal).
"""

from __future__ import annotations

import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
from pytest_bdd.reporting import test_report_context_registry

from reports.baseline import apply_baseline, read_baseline, write_baseline
from reports.model import RunResult, ScenarioResult, StepResult
from reports.writers import write_all
from simulator.transport import TOOL_VERSION
from steps.certification import selected_profile
from steps.judge import Blocked, ConformanceFailure
from steps.plugin import EXCHANGES, TARGET, rendered_scenario

RESULTS = pytest.StashKey[list]()
RUN = pytest.StashKey[RunResult]()
STARTED = pytest.StashKey[float]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("scimulator")
    group.addoption("--scim-report-dir", default=None, help="write report.json, report.html, summary.md, junit.xml here")
    group.addoption("--scim-baseline", default=None, help="fail only on failures not in this baseline file")
    group.addoption("--scim-write-baseline", default=None, help="record this run's failures as a baseline file")


def pytest_configure(config: pytest.Config) -> None:
    config.stash[RESULTS] = []
    config.stash[STARTED] = time.time()


def _message(call: pytest.CallInfo) -> str | None:
    if call.excinfo is None:
        return None
    error = call.excinfo.value
    if isinstance(error, ConformanceFailure):
        return str(error)
    if isinstance(error, AssertionError):
        return f"A check failed: {error}"
    if isinstance(error, Blocked) or call.excinfo.typename == "Skipped":
        return str(getattr(error, "msg", error))
    return f"The scenario could not run: {type(error).__name__}: {error}"


def _blocked_by(call: pytest.CallInfo) -> dict | None:
    error = call.excinfo.value if call.excinfo is not None else None
    return {"cause": error.cause, "detail": error.detail} if isinstance(error, Blocked) else None


def _blocked_steps(item: pytest.Item, scenario: dict) -> list[StepResult]:
    """A blocked scenario's steps: those that ran passed, the last one that ran was blocked, the rest never ran."""
    ran = len(scenario.get("steps", []))
    written = _scenario_of_unrun(item).get("steps") or scenario.get("steps", [])
    return [StepResult(step["keyword"], step["name"], "passed" if n < ran - 1 else "blocked" if n == ran - 1 else "not run")
            for n, step in enumerate(written)]


def _steps(scenario: dict) -> list[StepResult]:
    """pytest-bdd marks every step after a failure failed too; only the first one failed, the rest never ran."""
    steps, failed_seen = [], False
    for step in scenario.get("steps", []):
        if step.get("skipped") or failed_seen:
            outcome = "not run"
        elif step["failed"]:
            outcome, failed_seen = "failed", True
        else:
            outcome = "passed"
        steps.append(StepResult(step["keyword"], step["name"], outcome))
    return steps


def _scenario_of_unrun(item: pytest.Item) -> dict:
    """What pytest-bdd would have reported, for a scenario that never ran (skipped by a preset, say)."""
    scenario = rendered_scenario(item)
    if scenario is None:
        return {}
    feature = scenario.feature
    return {"name": scenario.name, "tags": sorted(scenario.tags), "description": scenario.description,
            "steps": [{"keyword": step.keyword, "name": step.name, "failed": False, "skipped": True}
                      for step in scenario.steps],
            "feature": {"name": feature.name, "rel_filename": feature.rel_filename, "tags": sorted(feature.tags)}}


def _scenario_id(scenario: dict, example: str) -> str:
    """Stable across runs and machines: the feature file under features/, the scenario name, its example."""
    rel = scenario.get("feature", {}).get("rel_filename", "")
    rel = rel[rel.rfind("features/") + len("features/"):] if "features/" in rel else rel
    return f"{rel}::{scenario['name']}{example}"


@pytest.hookimpl(hookwrapper=True, tryfirst=True)  # entered first, so it resumes after pytest-bdd's own wrapper
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" or (report.when == "setup" and not report.passed):
        context = test_report_context_registry.get(report)
        scenario = context.scenario if context else _scenario_of_unrun(item)
        feature = scenario.get("feature", {})
        tags = sorted(set(feature.get("tags", [])) | set(scenario.get("tags", [])))
        if not tags:
            tags = sorted(marker.name for marker in item.iter_markers() if marker.name not in ("parametrize", "usefixtures"))
        example = item.name[item.name.index("["):] if "[" in item.name else ""
        item.config.stash[RESULTS].append(ScenarioResult(
            id=_scenario_id(scenario, example) if scenario else item.nodeid,
            feature=feature.get("name", item.module.__name__ if hasattr(item, "module") else ""),
            name=scenario["name"] if scenario else item.name,
            tags=tags,
            outcome="skipped" if report.skipped else "failed" if report.failed else "passed",
            duration_s=report.duration,
            message=_message(call),
            source=(scenario.get("description") or "").strip() or None,
            feature_file=feature.get("rel_filename"),
            steps=_blocked_steps(item, scenario) if _blocked_by(call) else _steps(scenario),
            exchanges=[exchange.to_dict() for exchange in item.stash.get(EXCHANGES, [])],
            blocked_by=_blocked_by(call),
        ))


def build_run(config: pytest.Config) -> RunResult:
    target = config.stash.get(TARGET, None)
    started = config.stash[STARTED]
    return RunResult(
        tool_version=TOOL_VERSION,
        target_url=target.url if target else (config.getoption("--scim-url") or "bundled reference server"),
        bundled=target.bundled if target else not config.getoption("--scim-url"),
        started_at=datetime.fromtimestamp(started, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        duration_s=time.time() - started,
        scenarios=config.stash[RESULTS],
        selection={"markers": config.getoption("-m") or None, "profile": selected_profile(config)},
        certification_profile=selected_profile(config),
    )


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    config = session.config
    run = build_run(config)
    baseline = config.getoption("--scim-baseline")
    if baseline:
        apply_baseline(run, read_baseline(Path(baseline)), baseline)
    config.stash[RUN] = run
    if config.getoption("--scim-write-baseline"):
        write_baseline(run, Path(config.getoption("--scim-write-baseline")))
    if config.getoption("--scim-report-dir"):
        write_all(run, Path(config.getoption("--scim-report-dir")))
