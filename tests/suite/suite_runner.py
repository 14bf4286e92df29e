"""Run the conformance suite against a URL in a child pytest, and read which scenarios failed."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SUITE = "steps/test_conformance.py"


def run_suite(url: str, token: str, workdir: Path, *extra: str, only: tuple[str, ...] = ()) -> dict[str, str]:
    """Scenario test name -> "passed" | "failed" | "skipped", from the child's JUnit XML.

    ``only``: scenario test names (``test_x`` or ``test_x[OIN]``) to run instead of the whole suite.
    """
    junit = workdir / "junit.xml"
    selection = [f"{SUITE}::{name}" for name in dict.fromkeys(only)] or ["steps"]
    command = [sys.executable, "-m", "pytest", *selection, "-q", "-p", "no:cacheprovider",
               "--target", url, "--token", token, f"--junitxml={junit}", *extra]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    if not junit.exists():
        raise RuntimeError(f"the suite did not run: {result.stdout[-2000:]}{result.stderr[-2000:]}")
    outcomes = {}
    for case in ElementTree.parse(junit).getroot().iter("testcase"):
        name = case.get("name")
        if case.find("failure") is not None or case.find("error") is not None:
            outcomes[name] = "failed"
        elif case.find("skipped") is not None:
            outcomes[name] = "skipped"
        else:
            outcomes[name] = "passed"
    return outcomes


def scimulator_run(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    """`scimulator run ARGS` in a child process, as users run it."""
    return subprocess.run([sys.executable, "-m", "scimulator", "run", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=600, env=env)


@dataclass
class CommandRun:
    """One `scimulator run` in a child process: how it ended, and the reports it wrote."""

    result: subprocess.CompletedProcess
    report_dir: Path

    @cached_property
    def report(self) -> dict:
        return json.loads((self.report_dir / "report.json").read_text())


def run_command(workdir: Path, *args: str) -> CommandRun:
    """`scimulator run ARGS --report-dir WORKDIR/report`, from WORKDIR."""
    report_dir = workdir / "report"
    return CommandRun(scimulator_run(*args, "--report-dir", str(report_dir), cwd=workdir), report_dir)


def run_profile(profile: str, directory: Path, *extra: str) -> tuple[subprocess.CompletedProcess, dict | None]:
    """`scimulator run --profile NAME` with its reports in directory/report: the process and report.json."""
    result = scimulator_run("--profile", profile, "--report-dir", str(directory / "report"), *extra, cwd=directory)
    report = json.loads((directory / "report" / "report.json").read_text()) if (directory / "report").exists() else None
    return result, report
