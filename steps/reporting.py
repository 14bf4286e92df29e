"""Turns each scenario's pytest outcome into the reports' result model, and writes the reports.

    pytest steps --report-dir DIR [--baseline FILE] [--write-baseline FILE]

What a scenario did comes from pytest-bdd's hooks (``pytest_bdd_before_scenario``, ``..._before_step``,
``..._after_step``, ``..._step_error``) kept in the item's stash; a scenario that never ran (skipped by a
preset, or its setup failed) is described from its feature file (steps/written.py).

A step that raises a ConformanceFailure (or an assertion) fails the scenario with its own message. Anything
else a scenario raises (an alias no step defined, a step with no definition, a bad example table) is a
mistake in the suite, not in the target: the scenario ends as ``error``, summarised in one plain sentence
(the traceback stays out of the reports and the terminal), and counts in no verdict.
"""

from __future__ import annotations

import dataclasses
import re
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import allure
import pytest
from pytest_bdd.exceptions import StepDefinitionNotFoundError

from scimulator.reports.baseline import apply_baseline, read_baseline, write_baseline
from scimulator.reports.failure import Failure, format_failure
from scimulator.reports.model import RunResult, ScenarioResult, StepResult
from scimulator.reports.replay import replay_script
from scimulator.reports.sources import cited
from scimulator.reports.writers import write_all
from scimulator.simulator.transport import TOOL_VERSION, hide_secrets, known_secrets
from .certification import selected_profile
from .judge import Blocked, ConformanceFailure
from .plugin import EXCHANGES, PROFILE_TOTALS, TARGET, run_settings
from .written import WrittenScenario, WrittenStep, written_scenario

RESULTS = pytest.StashKey[list]()
RUN = pytest.StashKey[RunResult]()
STARTED = pytest.StashKey[float]()


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
    return _suite_error_sentence(error)


EXAMPLE_PARAMETER = re.compile(r"<[^<>]+>")
MISSING_STEP = re.compile(r'Step definition is not found: (?P<step>.*?)\. Line (?P<line>\d+) in scenario .* '
                          r'in the feature "(?P<file>[^"]*)"')


def _suite_error_sentence(error: BaseException) -> str:
    """One plain sentence for a scenario that could not run because the suite itself is wrong."""
    if isinstance(error, KeyError) and EXAMPLE_PARAMETER.fullmatch(str(error.args[0]) if error.args else ""):
        what = f"a step uses {error.args[0]}, which its Examples table has no column for"
    elif isinstance(error, KeyError):
        what = f"it names {error.args[0]!r}, which no earlier step defined" if error.args else "it names an unknown alias"
    elif isinstance(error, StepDefinitionNotFoundError):
        where = MISSING_STEP.match(str(error))
        what = (f"no step definition matches {where['step']} (line {where['line']} of {where['file']})" if where
                else str(error).strip().splitlines()[0].rstrip("."))
    else:
        what = f"{type(error).__name__}: {str(error).strip().splitlines()[0] if str(error).strip() else 'no detail'}"
    return f"The scenario could not run: {what} (a mistake in the scenario or its steps, not in the target)."


def _is_suite_error(call: pytest.CallInfo) -> bool:
    """The scenario raised something other than a conformance failure, an assertion, a block or a skip."""
    if call.excinfo is None:
        return False
    error = call.excinfo.value
    return not isinstance(error, (ConformanceFailure, AssertionError, Blocked)) and call.excinfo.typename != "Skipped"


def _outcome(report: pytest.TestReport, call: pytest.CallInfo) -> str:
    if report.skipped:
        return "skipped"
    if report.failed:
        return "error" if _is_suite_error(call) else "failed"
    return "passed"


@dataclass
class PlayedStep:
    """A step that started, as pytest-bdd's hooks told it."""

    written: WrittenStep
    failed: bool = False
    evidence: int | None = None  # the last exchange recorded when it passed (None: none yet)


@dataclass
class Played:
    """A scenario as it ran: its steps as pytest-bdd rendered them, and those that started, in order."""

    scenario: WrittenScenario
    started: list[PlayedStep] = field(default_factory=list)


PLAYED = pytest.StashKey[Played]()


def pytest_bdd_before_scenario(request, feature, scenario) -> None:
    steps = tuple(WrittenStep(step.keyword, step.name, step.type) for step in scenario.steps)
    request.node.stash[PLAYED] = Played(WrittenScenario(
        scenario.name, tuple(sorted(scenario.tags)), scenario.description, steps, feature.name, feature.rel_filename,
        tuple(sorted(feature.tags))))


def pytest_bdd_before_step(request, feature, scenario, step, step_func) -> None:
    played = request.node.stash.get(PLAYED, None)
    if played is not None:
        played.started.append(PlayedStep(WrittenStep(step.keyword, step.name, step.type)))


def pytest_bdd_after_step(request, feature, scenario, step, step_func, step_func_args) -> None:
    """A step passed: it keeps the index of the last exchange recorded by then, what proved a then-step."""
    played = request.node.stash.get(PLAYED, None)
    if played is not None and played.started:
        recorded = request.node.stash.get(EXCHANGES, [])
        played.started[-1].evidence = len(recorded) - 1 if recorded else None


def pytest_bdd_step_error(request, feature, scenario, step, step_func, step_func_args, exception) -> None:
    played = request.node.stash.get(PLAYED, None)
    if played is not None and played.started:
        played.started[-1].failed = True


def _steps(played: Played) -> list[StepResult]:
    """The steps that started passed, or failed (the first failure ends the scenario: the rest never ran)."""
    steps = []
    for step in played.started:
        steps.append(StepResult(step.written.keyword, step.written.name, "failed" if step.failed else "passed",
                                step.evidence if step.written.type == "then" and not step.failed else None))
        if step.failed:
            return steps + _not_run(played.scenario.steps[len(steps):])
    return steps


def _not_run(steps) -> list[StepResult]:
    return [StepResult(step.keyword, step.name, "not run") for step in steps]


def _failure(item: pytest.Item, call: pytest.CallInfo, steps: list[StepResult], source: str | None) -> Failure | None:
    """A failed scenario's record, from the ConformanceFailure's fields (or the assertion's text)."""
    error = call.excinfo.value if call.excinfo is not None else None
    if not isinstance(error, AssertionError):
        return None
    step = next((f"{s.keyword} {s.text}" for s in steps if s.outcome == "failed"), None)
    if not isinstance(error, ConformanceFailure):
        return Failure(expected=f"A check failed: {error}", step=step, cause="check-failed", sources=cited(source))
    recorded = item.stash.get(EXCHANGES, [])
    index = next((n for n, exchange in enumerate(recorded) if exchange is error.exchange), None)
    request = f"{error.exchange.method} {error.exchange.url}" if error.exchange is not None else None
    return Failure(expected=error.expected, answered=error.answered, exchange=index, request=request, step=step,
                   cause=error.cause, sources=cited(source))


def _attach_to_allure(item: pytest.Item, result: ScenarioResult) -> None:
    """With --alluredir, the failure record and the replay script go to the scenario's Allure result (else a no-op)."""
    if result.failure is None or not item.config.getoption("--alluredir", None):
        return
    target = item.config.stash.get(TARGET, None)
    allure.attach(format_failure(result.failure), name="scimulator failure", attachment_type=allure.attachment_type.TEXT)
    allure.attach(replay_script(result, target.url if target else ""), name="replay.sh",
                  attachment_type=allure.attachment_type.TEXT)


def _blocked_by(call: pytest.CallInfo) -> dict | None:
    error = call.excinfo.value if call.excinfo is not None else None
    return {"cause": error.cause, "detail": error.detail} if isinstance(error, Blocked) else None


def _blocked_steps(played: Played) -> list[StepResult]:
    """A blocked scenario's steps: those that ran passed, the last one that ran was blocked, the rest never ran."""
    ran = len(played.started)
    return [StepResult(step.keyword, step.name, "passed" if n < ran - 1 else "blocked" if n == ran - 1 else "not run")
            for n, step in enumerate(played.scenario.steps)]


def _scenario_id(scenario: WrittenScenario, example: str) -> str:
    """Stable across runs and machines: the feature file under features/, the scenario name, its example."""
    rel = scenario.feature_file
    rel = rel[rel.rfind("features/") + len("features/"):] if "features/" in rel else rel
    return f"{rel}::{scenario.name}{example}"


def _result(item: pytest.Item, call: pytest.CallInfo, report: pytest.TestReport) -> ScenarioResult:
    """The scenario's result as pytest-bdd's hooks saw it run, or, when it never ran, as its feature file says."""
    played = item.stash.get(PLAYED, None)
    scenario = played.scenario if played else written_scenario(item)
    if played is not None:
        steps = _blocked_steps(played) if _blocked_by(call) else _steps(played)
    else:
        steps = _not_run(scenario.steps) if scenario else []
    tags = sorted(set(scenario.feature_tags) | set(scenario.tags)) if scenario else []
    if not tags:
        tags = sorted(marker.name for marker in item.iter_markers() if marker.name not in ("parametrize", "usefixtures"))
    example = item.name[item.name.index("["):] if "[" in item.name else ""
    return ScenarioResult(
        id=_scenario_id(scenario, example) if scenario else item.nodeid,
        feature=scenario.feature_name if scenario else (item.module.__name__ if hasattr(item, "module") else ""),
        name=scenario.name if scenario else item.name,
        tags=tags,
        outcome=_outcome(report, call),
        duration_s=report.duration,
        message=_message(call),
        source=(scenario.description.strip() or None) if scenario else None,
        feature_file=scenario.feature_file if scenario else None,
        steps=steps,
        exchanges=[exchange.to_dict() for exchange in item.stash.get(EXCHANGES, [])],
        blocked_by=_blocked_by(call),
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" or (report.when == "setup" and not report.passed):
        result = _result(item, call, report)
        if result.outcome == "failed":
            result.failure = _failure(item, call, result.steps, result.source)
        _hide_secrets_in_free_text(result)
        if result.outcome == "failed":
            _attach_to_allure(item, result)
        item.config.stash[RESULTS].append(result)


def _hide_secrets_in_free_text(result: ScenarioResult) -> None:
    """Messages, steps and the failure record may quote what the target said: no secret of the run stays in them.
    (The exchanges were redacted as they were recorded.)"""
    result.message = hidden(result.message)
    result.steps = hidden(result.steps)
    result.failure = hidden(result.failure)


def hidden(value):
    """A string, list, dict or dataclass with every secret of the run hidden in its strings (dataclasses in place)."""
    if isinstance(value, str):
        return hide_secrets(value)
    if isinstance(value, (list, tuple)):
        return type(value)(hidden(item) for item in value)
    if isinstance(value, dict):
        return {key: hidden(item) for key, item in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for name in (f.name for f in dataclasses.fields(value)):
            setattr(value, name, hidden(getattr(value, name)))
    return value


def hide_secrets_in_allure(directory: str | None) -> None:
    """Allure's files (step names, parameters, attachments) with every secret of the run hidden."""
    if not directory or not Path(directory).is_dir() or not known_secrets():
        return
    for path in Path(directory).iterdir():
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="surrogateescape")
        scrubbed = hide_secrets(text)
        if scrubbed != text:
            path.write_text(scrubbed, encoding="utf-8", errors="surrogateescape")


def selection(config: pytest.Config) -> dict:
    """What was selected: the marker expression, preset and certification profile, plus what `scimulator run` was
    given (profiles, tags, feature directories)."""
    return {"markers": config.getoption("-m") or None, **run_settings(config).selection()}


def build_run(config: pytest.Config, interrupted: bool = False) -> RunResult:
    target = config.stash.get(TARGET, None)
    settings = run_settings(config)
    started = config.stash[STARTED]
    return RunResult(
        tool_version=TOOL_VERSION,
        target_url=target.url if target else (settings.target or "bundled reference server"),
        bundled=target.bundled if target else not settings.target,
        started_at=datetime.fromtimestamp(started, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        duration_s=time.time() - started,
        scenarios=config.stash[RESULTS],
        selection=selection(config),
        certification_profile=selected_profile(config),
        interrupted=interrupted,
        profile_totals=config.stash.get(PROFILE_TOTALS, {}),
        cleanup=[exchange.to_dict() for exchange in target.removals] if target else [],
    )


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    settings = run_settings(config)
    run = build_run(config, interrupted=exitstatus == pytest.ExitCode.INTERRUPTED)
    if settings.baseline:
        apply_baseline(run, read_baseline(Path(settings.baseline)), settings.baseline)
    config.stash[RUN] = run
    if settings.write_baseline and not run.interrupted:  # a partial run is no baseline
        write_baseline(run, Path(settings.write_baseline))
    if settings.report_dir:
        write_all(run, Path(settings.report_dir))
    hide_secrets_in_allure(config.getoption("--alluredir", None))
