"""What `scimulator run` shows while it runs: scenarios done of total, the current feature, then a summary."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TextIO

import pytest

from scimulator.reports.failure import format_failure
from scimulator.reports.model import PROFILES, RunResult, verdict_phrase
from scimulator.steps.reporting import RUN

MAX_FAILURES_SHOWN = 10


class Progress:
    def __init__(self, stream: TextIO, target: str):
        self.stream = stream
        self.target = target
        self.total = 0
        self.done = 0
        self.feature: str | None = None
        self.run: RunResult | None = None
        self.interactive = stream.isatty()
        self.config: pytest.Config | None = None
        self.interrupted_by: int | None = None  # the signal that stopped the run (SIGTERM sets it; SIGINT is the default)

    def _write(self, text: str) -> None:
        capture = self.config.pluginmanager.getplugin("capturemanager") if self.config else None
        if capture is None:
            self.stream.write(text)
            self.stream.flush()
            return
        with capture.global_and_fixture_disabled():  # pytest captures output while scenarios run
            self.stream.write(text)
            self.stream.flush()

    def pytest_configure(self, config: pytest.Config) -> None:
        self.config = config

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.total = len(session.items)
        self._write(f"scimulator: {self.total} scenarios against {self.target}\n")

    def pytest_bdd_before_scenario(self, request, feature, scenario) -> None:
        position = f"[{self.done + 1:>3}/{self.total}]"
        if self.interactive:
            self._write(f"\r\033[K{position} {feature.name}: {scenario.name}"[:160])
        elif feature.name != self.feature:
            self._write(f"{position} {feature.name}\n")
        self.feature = feature.name

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when == "teardown":
            self.done += 1

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        self.run = config.stash.get(RUN, None)
        if self.interactive:
            self._write("\r\033[K")
        self.config = None

    def print_summary(self, report_dir: Path) -> None:
        run = self.run
        lines = ["", *run.notices(), f"{'profile':<10} {'verdict':<10} {'passed':>7} {'failed':>7} {'skipped':>8}"]
        for name, profile in run.profiles().items():
            lines.append(f"{name:<10} {profile['verdict']:<10} {profile['passed']:>7} {profile['failed']:>7} "
                         f"{profile['skipped']:>8}{rests_on(name, profile)}")
        untested = [p for p in PROFILES if p not in run.profiles() and any(s.profile == p for s in run.scenarios)]
        for name in untested:
            skipped = sum(1 for s in run.scenarios if s.profile == name)
            lines.append(f"{name:<10} {'not tested':<10} {0:>7} {0:>7} {skipped:>8}")
        lines += certification_lines(run)
        failures = run.failures()
        if failures:
            lines.append("")
            for scenario in failures[:MAX_FAILURES_SHOWN]:
                accepted = " (accepted by the baseline)" if scenario.baseline == "accepted" else ""
                lines.append(f"  FAILED [{scenario.profile}] {scenario.name}{accepted}: {scenario.headline}"[:220])
                lines += [f"      {line}"[:220] for line in _record_lines(scenario, report_dir)]
            if len(failures) > MAX_FAILURES_SHOWN:
                lines.append(f"  … and {len(failures) - MAX_FAILURES_SHOWN} more in the report")
        if run.baseline:
            lines.append(f"\nBaseline {run.baseline.file}: {len(run.baseline.accepted)} accepted, "
                         f"{len(run.baseline.new)} new failures, {len(run.baseline.now_passing)} entries now pass.")
            lines += [f"  now passes: {scenario_id}" for scenario_id in run.baseline.now_passing]
        for scenario in run.errors()[:MAX_FAILURES_SHOWN]:
            lines.append(f"  ERROR [{scenario.profile}] {scenario.name}: {scenario.headline}"[:220])
        for cause, scenarios in run.blocked_by_cause().items():
            lines.append(f"  blocked by {cause}: {len(scenarios)} scenario(s), e.g. {scenarios[0].name}"[:220])
        summary = run.summary()
        blocked = f" ({summary['blocked']} blocked)" if summary["blocked"] else ""
        errors = f", {summary['error']} could not run (error)" if summary["error"] else ""
        interrupted = "Interrupted: " if run.interrupted else ""
        lines.append(f"\n{interrupted}{summary['passed']} passed, {summary['failed']} failed, {summary['skipped']} skipped"
                     f"{blocked}{errors} in {run.duration_s:.1f} s")
        lines.append(f"Report: {report_dir / 'report.html'}")
        self._write("\n".join(lines) + "\n")


def rests_on(name: str, profile: dict) -> str:
    phrase = verdict_phrase(name, profile)
    return "" if phrase == profile["verdict"] else f"  ({phrase})"


def certification_lines(run: RunResult) -> list[str]:
    """The certification profile's official tests, one line each: outcome, test, how many scenarios judged it."""
    certification = run.certification()
    if not certification:
        return []
    lines = ["", f"{certification['title']}: {certification['verdict']}"]
    if certification.get("note"):
        lines.append(f"  {certification['note']}")
    for test in certification["tests"]:
        judged = f" ({len(test['scenarios'])} scenario{'s' if len(test['scenarios']) != 1 else ''})" if test["scenarios"] else ""
        optional = "" if test["mandatory"] else " [optional]"
        line = f"  {test['outcome']:<12} {test['suite']} {test['number']}: {test['name']}{optional}{judged}"
        if test["outcome"] != "passed" and test["reason"]:
            line += f": {test['reason']}"
        lines.append(line[:220])
    return lines


def _record_lines(scenario, report_dir: Path) -> list[str]:
    """The failure record under its headline: decisive exchange, answer, step, root cause, sources, and the
    replay script with its full path, so that it can be run from wherever the terminal is."""
    failure = scenario.failure
    if failure is None:
        return []
    if failure.replay:
        failure = dataclasses.replace(failure, replay=str(report_dir / failure.replay))
    return format_failure(failure).splitlines()[1:]
