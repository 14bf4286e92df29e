"""Baselines: the failures a team has accepted for now, so that CI fails only on new ones."""

from __future__ import annotations

import json
from pathlib import Path

from .model import BaselineOutcome, RunResult


class BaselineError(Exception):
    """The baseline file cannot be used; the message says why in one sentence."""


def write_baseline(run: RunResult, path: Path) -> None:
    entries = [{"id": s.id, "name": s.name, "message": s.headline or None}
               for s in run.failures()]
    path.write_text(json.dumps({"tool": "scimulator", "target": run.target_url, "failures": entries}, indent=2,
                               ensure_ascii=False) + "\n")


def read_baseline(path: Path) -> set[str]:
    try:
        data = json.loads(path.read_text())
        return {entry["id"] for entry in data["failures"]}
    except FileNotFoundError:
        raise BaselineError(f"the baseline file {path} does not exist") from None
    except (ValueError, KeyError, TypeError):
        raise BaselineError(f"{path} is not a scimulator baseline (a JSON object with a 'failures' list)") from None


def apply_baseline(run: RunResult, accepted_ids: set[str], file: str) -> None:
    outcome = BaselineOutcome(file)
    for scenario in run.scenarios:
        if scenario.outcome == "failed" and scenario.id in accepted_ids:
            scenario.baseline = "accepted"
            outcome.accepted.append(scenario.id)
        elif scenario.outcome == "failed":
            outcome.new.append(scenario.id)
        elif scenario.outcome == "passed" and scenario.id in accepted_ids:
            outcome.now_passing.append(scenario.id)
    run.baseline = outcome
